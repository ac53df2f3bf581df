"""The shapes a round's agreement report answers with (backend/agreement/rounds.py
builds them), declared so the OpenAPI schema and the web app's generated types say
exactly what the Agreement and Adjudication screens read."""

from __future__ import annotations

from pydantic import BaseModel

from backend.agreement.regions import Kind
from backend.rounds.models import RoundStatus


class RoundCoderName(BaseModel):
    id: int
    name: str


class CodeAgreement(BaseModel):
    code_id: int
    name: str
    unitizing_alpha: float | None  # None: undefined (nobody used it, or no variation)
    alpha: float | None
    percent_agreement_where_used: float | None  # 0-100, not alpha
    passages_used: int
    characters: dict[str, int]  # coder id -> characters they coded with it


class CodedSpan(BaseModel):
    id: int  # the coder's annotation
    start: int  # code points in the document's current text
    end: int
    code_ids: list[int]


class CoderVersion(BaseModel):
    coder_id: int
    coder: str
    annotations: list[CodedSpan]  # empty: this coder coded nothing here


class DisagreementPublic(BaseModel):
    key: str  # "<document>:<start>-<end>", what a decision names
    kind: Kind
    document_id: int
    start: int
    end: int
    text: str
    codings: list[CoderVersion]  # one per coder of the round, in coder order
    reader_url: str  # the reader with this region highlighted: ?at=start&to=end, UTF-16 units


class RoundAgreement(BaseModel):
    round_id: int
    status: RoundStatus
    coders: list[RoundCoderName]
    documents: list[int]
    characters: int
    unitizing_alpha: float | None
    alpha: float | None
    percent_agreement_where_used: float | None
    codes: list[CodeAgreement]
    labels: dict[str, str]  # what each figure is, to print beside it
    disagreements: list[DisagreementPublic]
