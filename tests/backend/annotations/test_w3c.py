"""W3C Web Annotation export, checked against the W3C's own MUST assertions.

The Web Annotation Working Group's test suite (a copy is in shared/schemas/
web-annotation-tests) is a set of JSON Schema draft-04 "assertion" files, listed by
`.test` files. `AssertionRunner` below runs a `.test` the way the suite's JSONtest
harness describes (web-platform-tests annotation-model/README.md):

- entries are a file path (with a slash: from the suite's top folder; without: beside the
  `.test`), an inline assertion object (optionally `assertionFile` plus overrides), or a
  nested list;
- `expectedResult` (default "valid") says whether validation should succeed;
- when the result is not the expected one, `onUnexpectedResult` (default
  "failAndContinue") decides: fail or pass, then continue, skip the rest of the current
  list, or abort the whole test;
- the `$ref`s name the files in definitions/, registered under their file names.

Format checks ("uri", "date-time") only run when jsonschema has a checker for them,
which needs rfc3986-validator and rfc3339-validator: `test_format_checks_are_active`
fails loudly rather than letting those checks pass silently.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from backend.annotations.w3c import (
    ANNO_CONTEXT,
    ExportAnnotation,
    ExportCode,
    ExportCreator,
    annotation_to_jsonld,
    collection_to_jsonld,
    version_text_url,
)

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("EVIDENCE_SHARED_DIR", ROOT.parent / "shared"))
SUITE = SHARED / "schemas" / "web-annotation-tests"
MUSTS = "annotations/annotationMusts.test"

# --------------------------------------------------------------------------------------
# The assertion harness
# --------------------------------------------------------------------------------------

ACTIONS = {
    f"{verdict}And{then}" for verdict in ("fail", "pass") for then in ("Continue", "Skip", "Abort")
}


@dataclass(frozen=True)
class Outcome:
    assertion: str
    status: str  # "pass", "fail" or "skipped"
    as_expected: bool | None = None  # None when skipped
    message: str = ""


class AssertionRunner:
    def __init__(self, suite: Path) -> None:
        self.suite = suite
        resources = []
        for path in sorted((suite / "definitions").glob("*.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resource = Resource.from_contents(contents, default_specification=DRAFT4)
            resources.append((path.name, resource))
        self.registry: Registry = Registry().with_resources(resources)
        self._files: dict[Path, dict[str, Any]] = {}

    def _load(self, ref: str, here: Path) -> tuple[str, dict[str, Any]]:
        path = (self.suite / ref) if "/" in ref else (here / ref)
        if path not in self._files:
            schema = json.loads(path.read_text(encoding="utf-8"))
            Draft4Validator.check_schema(schema)
            self._files[path] = schema
        return str(path.relative_to(self.suite)), self._files[path]

    def _resolve(self, entry: str | dict[str, Any], here: Path) -> tuple[str, dict[str, Any]]:
        if isinstance(entry, str):
            return self._load(entry, here)
        if "assertions" in entry:
            raise NotImplementedError("Condition Objects (nested 'assertions') are not supported")
        if "assertionFile" in entry:
            name, base = self._load(entry["assertionFile"], here)
            overrides = {k: v for k, v in entry.items() if k != "assertionFile"}
            return name, {**base, **overrides}
        return entry.get("title", "inline assertion"), entry

    def evaluate(self, name: str, assertion: dict[str, Any], instance: Any) -> Outcome:
        expected = assertion.get("expectedResult", "valid")
        action = assertion.get("onUnexpectedResult", "failAndContinue")
        if expected not in ("valid", "invalid") or action not in ACTIONS:
            raise ValueError(f"{name}: bad expectedResult {expected!r} or action {action!r}")
        validator = Draft4Validator(
            assertion, registry=self.registry, format_checker=Draft4Validator.FORMAT_CHECKER
        )
        errors = list(validator.iter_errors(instance))
        if (not errors) == (expected == "valid"):
            return Outcome(name, "pass", True)
        detail = "; ".join(e.message for e in errors[:3]) or "validated, expected invalid"
        message = f"{assertion.get('errorMessage', 'unexpected result')} [{detail}]"
        return Outcome(name, "pass" if action.startswith("pass") else "fail", False, message)

    def run(self, test: str, instance: Any) -> list[Outcome]:
        """Runs every assertion of a `.test` file (path from the suite's top folder)."""
        path = self.suite / test
        spec = json.loads(path.read_text(encoding="utf-8"))
        return self.run_assertions(spec["assertions"], instance, path.parent)

    def run_assertions(self, entries: list[Any], instance: Any, here: Path) -> list[Outcome]:
        outcomes: list[Outcome] = []
        self._run_list(entries, instance, here, outcomes)
        return outcomes

    def _run_list(self, entries: list[Any], instance: Any, here: Path, out: list[Outcome]) -> bool:
        """Appends the outcomes; False when an assertion aborted the whole test."""
        for i, entry in enumerate(entries):
            if isinstance(entry, list):
                if not self._run_list(entry, instance, here, out):
                    self._skip(entries[i + 1 :], here, out)
                    return False
                continue
            name, assertion = self._resolve(entry, here)
            outcome = self.evaluate(name, assertion, instance)
            out.append(outcome)
            action = assertion.get("onUnexpectedResult", "failAndContinue")
            if outcome.as_expected or action.endswith("Continue"):
                continue
            self._skip(entries[i + 1 :], here, out)
            return not action.endswith("Abort")
        return True

    def _skip(self, entries: list[Any], here: Path, out: list[Outcome]) -> None:
        for entry in entries:
            if isinstance(entry, list):
                self._skip(entry, here, out)
            else:
                out.append(Outcome(self._resolve(entry, here)[0], "skipped"))


@pytest.fixture(scope="module")
def runner() -> AssertionRunner:
    assert (SUITE / MUSTS).is_file(), f"the W3C web annotation test suite is missing at {SUITE}"
    return AssertionRunner(SUITE)


def must_failures(runner: AssertionRunner, doc: dict[str, Any]) -> dict[str, str]:
    """Runs every MUST assertion; returns {assertion file name: message} of those not passed."""
    outcomes = runner.run(MUSTS, doc)
    assert len(outcomes) == len(must_list()), "every MUST assertion must have been evaluated"
    return {Path(o.assertion).name: o.message for o in outcomes if o.status != "pass"}


def must_list() -> list[str]:
    return json.loads((SUITE / MUSTS).read_text(encoding="utf-8"))["assertions"]


# --------------------------------------------------------------------------------------
# Annotations to export
# --------------------------------------------------------------------------------------

BASE = "https://workbench.example.org"
UTC = dt.UTC
CREATED = dt.datetime(2026, 3, 4, 9, 15, 30, 123456, tzinfo=UTC)
MODIFIED = dt.datetime(2026, 3, 5, 17, 0, 0, tzinfo=UTC)
ALICE = ExportCreator(7, "Alice Researcher", "alice@example.org")

CONTEXT_CODE = ExportCode(11, "Rural GP practice", "context")
MECHANISM_CODE = ExportCode(12, "Trust in the panel", "mechanism")
OUTCOME_CODE = ExportCode(13, "Request approved", "outcome")

# A version text with non-BMP characters before and inside the quote: offsets are code
# points (Python str indices), not UTF-16 units or bytes.
EMOJI_TEXT = "Résumé 👩🏽‍⚕️ notes: the panel 😊 reassured families 🇬🇧 quickly."
EMOJI_EXACT = "the panel 😊 reassured families 🇬🇧"


def make(**changes: Any) -> ExportAnnotation:
    values: dict[str, Any] = {
        "id": 501,
        "project_id": 3,
        "document_id": 42,
        "version_id": 2,
        "document_title": "Individual funding requests: commissioning policy",
        "source_url": version_text_url(BASE, 3, 42, 2),
        "start": 120,
        "end": 151,
        "exact": "approved after a panel review.",
        "prefix": "The request was ",
        "suffix": " Appeals go to",
        "page": 4,
        "codes": [CONTEXT_CODE, MECHANISM_CODE, OUTCOME_CODE],
        "memo": "Panel trust seems to drive approval here.",
        "creator": ALICE,
        "created": CREATED,
        "modified": MODIFIED,
    }
    values.update(changes)
    return ExportAnnotation(**values)


def emoji_annotation() -> ExportAnnotation:
    start = EMOJI_TEXT.index(EMOJI_EXACT)
    end = start + len(EMOJI_EXACT)
    return make(
        id=504,
        start=start,
        end=end,
        exact=EMOJI_TEXT[start:end],
        prefix=EMOJI_TEXT[:start],
        suffix=EMOJI_TEXT[end:],
        codes=[(MECHANISM_CODE.id, MECHANISM_CODE.name, MECHANISM_CODE.kind)],
        memo="Émotion 😊 noted — «rassurant».",
        created=dt.datetime(2026, 3, 4, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )


VARIANTS = {
    "several codes and a memo": make,
    "one code, no memo": lambda: make(id=502, codes=[OUTCOME_CODE], memo=None),
    "memo only, no codes": lambda: make(id=503, codes=[], memo="Worth a second look."),
    "unicode quote with emoji": emoji_annotation,
    "bare highlight at the start": lambda: make(
        id=505, start=0, end=10, exact="Individual", prefix="", codes=[], memo="  "
    ),
}


# --------------------------------------------------------------------------------------
# Every MUST assertion against every exported annotation
# --------------------------------------------------------------------------------------


def test_the_must_list_is_the_one_reviewed() -> None:
    assertions = must_list()
    assert len(assertions) == 54 and all(isinstance(a, str) for a in assertions)
    for ref in assertions:
        spec = json.loads((SUITE / ref).read_text(encoding="utf-8"))
        assert spec["assertionType"] == "must"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_must_assertion_gives_its_expected_result(
    runner: AssertionRunner, variant: str
) -> None:
    doc = annotation_to_jsonld(VARIANTS[variant](), BASE)
    assert must_failures(runner, doc) == {}
    assert json.loads(json.dumps(doc)) == doc


def test_collection_items_pass_every_must_assertion(runner: AssertionRunner) -> None:
    annotations = [build() for build in VARIANTS.values()]
    collection = collection_to_jsonld(annotations, BASE, "Coded extracts")
    items = collection["first"]["items"]
    assert [item["id"] for item in items] == [
        annotation_to_jsonld(a, BASE)["id"] for a in annotations
    ]
    for item in items:
        # Each item stands on its own: a consumer may take one out of the collection.
        assert item["@context"] == ANNO_CONTEXT
        assert must_failures(runner, item) == {}
    assert must_failures(runner, collection["first"]["items"][0]) == {}


# --------------------------------------------------------------------------------------
# The harness can fail, and honours the suite's semantics
# --------------------------------------------------------------------------------------


def test_missing_target_fails_the_target_assertions(runner: AssertionRunner) -> None:
    doc = annotation_to_jsonld(make(), BASE)
    del doc["target"]
    assert set(must_failures(runner, doc)) == {
        "3.1-targetKeyFound.json",
        "3.2-targetObjectsRecognized.json",
    }


@pytest.mark.parametrize(
    "context", ["http://www.w3.org/ns/oa.jsonld", ["https://schema.org/"], {"@vocab": "x"}]
)
def test_wrong_context_fails_the_context_assertion(runner: AssertionRunner, context) -> None:
    doc = annotation_to_jsonld(make(), BASE)
    doc["@context"] = context
    failures = must_failures(runner, doc)
    assert set(failures) == {"3.1-annotationContextValidated.json"}
    assert "http://www.w3.org/ns/anno.jsonld" in failures["3.1-annotationContextValidated.json"]


def test_format_checks_are_active(runner: AssertionRunner) -> None:
    checkers = Draft4Validator.FORMAT_CHECKER.checkers
    assert {"uri", "date-time"} <= set(checkers), (
        "jsonschema checks 'uri'/'date-time' only with rfc3986-validator and rfc3339-validator"
    )
    doc = annotation_to_jsonld(make(), BASE)
    broken = {**doc, "id": "annotation 501", "created": "2026-03-04 09:15"}
    assert set(must_failures(runner, broken)) == {
        "3.1-annotationIdValidated.json",
        "3.3.1-annotationCreatedValidated.json",
    }


def test_textual_body_cannot_carry_the_code_iri(runner: AssertionRunner) -> None:
    """Why codes are SpecificResource bodies: both TextualBody spellings break a MUST."""
    doc = annotation_to_jsonld(make(codes=[MECHANISM_CODE], memo=None), BASE)
    iri = doc["body"][0]["source"]["id"]
    tag = {"type": "TextualBody", "purpose": "tagging", "value": MECHANISM_CODE.name}

    assert set(must_failures(runner, {**doc, "body": [{**tag, "source": iri}]})) == {
        "4-bodyEmbeddedTextualNoSource.json",
        "4-bodySpecificResourceNoValue.json",
    }
    assert set(must_failures(runner, {**doc, "body": [{**tag, "id": iri}]})) == {
        "3.3.5-bodyEWRNoPurpose.json"
    }
    assert must_failures(runner, {**doc, "body": [tag]}) == {}


def test_expected_result_invalid_is_honoured(runner: AssertionRunner) -> None:
    entries = [{"title": "no target", "required": ["target"], "expectedResult": "invalid"}]
    assert runner.run_assertions(entries, {}, SUITE)[0].status == "pass"
    failed = runner.run_assertions(entries, {"target": "x"}, SUITE)[0]
    assert failed.status == "fail" and "expected invalid" in failed.message


def test_assertion_file_with_overrides(runner: AssertionRunner) -> None:
    entry = {"assertionFile": "annotations/3.1-targetKeyFound.json", "expectedResult": "invalid"}
    outcome = runner.run_assertions([entry], {}, SUITE)[0]
    assert outcome == Outcome("annotations/3.1-targetKeyFound.json", "pass", True)
    assert runner.run_assertions([entry], {"target": "x"}, SUITE)[0].status == "fail"


def test_on_unexpected_result_actions(runner: AssertionRunner) -> None:
    def check(title: str, action: str = "failAndContinue") -> dict[str, Any]:
        return {"title": title, "required": [title], "onUnexpectedResult": action}

    instance = {"ok": 1}

    lenient = runner.run_assertions([check("x", "passAndContinue")], instance, SUITE)
    assert [(o.status, o.as_expected) for o in lenient] == [("pass", False)]

    skipping = [[check("a", "failAndSkip"), check("b"), [check("c")]], check("ok"), check("d")]
    assert [(o.assertion, o.status) for o in runner.run_assertions(skipping, instance, SUITE)] == [
        ("a", "fail"),
        ("b", "skipped"),
        ("c", "skipped"),
        ("ok", "pass"),
        ("d", "fail"),
    ]

    aborting = [check("ok"), [check("a", "passAndAbort"), check("b")], check("c")]
    assert [(o.assertion, o.status) for o in runner.run_assertions(aborting, instance, SUITE)] == [
        ("ok", "pass"),
        ("a", "pass"),
        ("b", "skipped"),
        ("c", "skipped"),
    ]

    with pytest.raises(NotImplementedError):
        runner.run_assertions([{"compareWith": "or", "assertions": []}], instance, SUITE)


# --------------------------------------------------------------------------------------
# The mapping itself
# --------------------------------------------------------------------------------------


def test_full_annotation_shape() -> None:
    doc = annotation_to_jsonld(make(), BASE + "/")
    project = f"{BASE}/api/projects/3"
    assert doc == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"{project}/annotations/501",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"id": f"{BASE}/api/users/7", "type": "Person", "name": "Alice Researcher"},
        "created": "2026-03-04T09:15:30Z",
        "modified": "2026-03-05T17:00:00Z",
        "body": [
            {
                "type": "SpecificResource",
                "purpose": "tagging",
                "source": {"id": f"{project}/codes/11", "label": "Rural GP practice"},
            },
            {
                "type": "SpecificResource",
                "purpose": "tagging",
                "source": {"id": f"{project}/codes/12", "label": "Trust in the panel"},
            },
            {
                "type": "SpecificResource",
                "purpose": "tagging",
                "source": {"id": f"{project}/codes/13", "label": "Request approved"},
            },
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": "Panel trust seems to drive approval here.",
                "format": "text/plain",
            },
        ],
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": f"{project}/documents/42/versions/2",
                "type": "Text",
                "label": "Individual funding requests: commissioning policy",
            },
            "selector": [
                {"type": "TextPositionSelector", "start": 120, "end": 151},
                {
                    "type": "TextQuoteSelector",
                    "exact": "approved after a panel review.",
                    "prefix": "The request was ",
                    "suffix": " Appeals go to",
                },
            ],
        },
    }


def test_motivation_and_bodies_follow_codes_and_memo() -> None:
    memo_only = annotation_to_jsonld(VARIANTS["memo only, no codes"](), BASE)
    assert memo_only["motivation"] == "commenting"
    assert [b["purpose"] for b in memo_only["body"]] == ["commenting"]

    code_only = annotation_to_jsonld(VARIANTS["one code, no memo"](), BASE)
    assert code_only["motivation"] == "tagging"
    assert [b["source"]["label"] for b in code_only["body"]] == ["Request approved"]

    bare = annotation_to_jsonld(VARIANTS["bare highlight at the start"](), BASE)
    assert bare["motivation"] == "highlighting" and "body" not in bare
    assert bare["target"]["selector"][1] == {
        "type": "TextQuoteSelector",
        "exact": "Individual",
        "suffix": " Appeals go to",
    }

    repeated = annotation_to_jsonld(make(codes=[OUTCOME_CODE, OUTCOME_CODE], memo=None), BASE)
    assert len(repeated["body"]) == 1


def test_emoji_quote_keeps_code_point_offsets_and_text() -> None:
    a = emoji_annotation()
    position, quote = annotation_to_jsonld(a, BASE)["target"]["selector"]
    assert EMOJI_TEXT[position["start"] : position["end"]] == quote["exact"] == EMOJI_EXACT
    assert (position["start"], position["end"]) == (a.start, a.end)
    assert quote["prefix"] + quote["exact"] + quote["suffix"] == EMOJI_TEXT
    # UTF-16 would count more: the export must not re-count.
    assert a.end - a.start < len(EMOJI_EXACT.encode("utf-16-le")) // 2
    text = json.dumps(annotation_to_jsonld(a, BASE), ensure_ascii=False)
    assert "😊" in text and "🇬🇧" in text and "«rassurant»" in text


def test_times_are_utc_with_z_and_must_be_aware() -> None:
    doc = annotation_to_jsonld(emoji_annotation(), BASE)
    assert doc["created"] == "2026-03-04T09:00:00Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        make(modified=dt.datetime(2026, 3, 5, 17, 0))


def test_creator_email_is_never_exported() -> None:
    for build in VARIANTS.values():
        text = json.dumps(annotation_to_jsonld(build(), BASE))
        assert "alice@example.org" not in text and "email" not in text
        assert "mbox" not in text


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="bad span"):
        make(start=10, end=5)
    with pytest.raises(ValueError, match="bad span"):
        make(start=-1)
    with pytest.raises(ValueError, match="absolute"):
        annotation_to_jsonld(make(), "workbench.example.org")
    with pytest.raises(ValueError, match="fragment"):
        collection_to_jsonld([make()], BASE, "x", collection_id=f"{BASE}/export#x")


def test_export_annotation_is_frozen_and_hashable() -> None:
    a = make()
    assert a.codes == (CONTEXT_CODE, MECHANISM_CODE, OUTCOME_CODE)
    assert isinstance(a.creator, ExportCreator)
    assert hash(a) == hash(replace(a))
    with pytest.raises(AttributeError):
        a.memo = "changed"  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# The collection
# --------------------------------------------------------------------------------------

COLLECTION_ENVELOPE = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "AnnotationCollection with one embedded AnnotationPage (model section 5)",
    "type": "object",
    "required": ["@context", "first", "last"],
    "properties": {
        "@context": {"$ref": "collections.json#/definitions/contextValueFound"},
        "first": {
            "allOf": [
                {"$ref": "id.json#/definitions/idValueFound"},
                {"$ref": "collections.json#/definitions/annotationPageTypeValueFound"},
                {"$ref": "collections.json#/definitions/partOfFound"},
                {"$ref": "collections.json#/definitions/startIndexFound"},
                {"$ref": "collections.json#/definitions/itemsFound"},
                {"properties": {"items": {"minItems": 1}}},
            ]
        },
    },
    "allOf": [
        {"$ref": "id.json#/definitions/idValueFound"},
        {"$ref": "collections.json#/definitions/annotationCollectionTypeValueFound"},
        {"$ref": "collections.json#/definitions/labelFound"},
        {"$ref": "collections.json#/definitions/totalFound"},
        {"$ref": "collections.json#/definitions/firstRequiredIfTotalMoreThanZero"},
        {"$ref": "collections.json#/definitions/firstValidIfPresent"},
        {"$ref": "collections.json#/definitions/lastFound"},
    ],
}


def test_collection_envelope(runner: AssertionRunner) -> None:
    annotations = [VARIANTS["several codes and a memo"](), emoji_annotation()]
    collection = collection_to_jsonld(annotations, BASE, "Coded extracts")
    cid = f"{BASE}/api/projects/3/annotations"
    assert {k: v for k, v in collection.items() if k != "first"} == {
        "@context": ANNO_CONTEXT,
        "id": cid,
        "type": "AnnotationCollection",
        "label": "Coded extracts",
        "total": 2,
        "last": f"{cid}#page1",
    }
    page = collection["first"]
    assert {k: v for k, v in page.items() if k != "items"} == {
        "id": f"{cid}#page1",
        "type": "AnnotationPage",
        "partOf": cid,
        "startIndex": 0,
    }
    assert runner.evaluate("envelope", COLLECTION_ENVELOPE, collection).status == "pass"

    headless = copy.deepcopy(collection)
    del headless["first"]
    assert runner.evaluate("envelope", COLLECTION_ENVELOPE, headless).status == "fail"
    untyped = copy.deepcopy(collection)
    untyped["first"]["type"] = "OrderedCollectionPage"
    assert runner.evaluate("envelope", COLLECTION_ENVELOPE, untyped).status == "fail"


def test_collection_ids_and_empty_collection() -> None:
    other_project = make(id=900, project_id=4, source_url=version_text_url(BASE, 4, 1, 1))
    mixed = collection_to_jsonld([make(), other_project], BASE, "All")
    assert mixed["id"] == f"{BASE}/api/annotations"
    assert [item["id"] for item in mixed["first"]["items"]] == [
        f"{BASE}/api/projects/3/annotations/501",
        f"{BASE}/api/projects/4/annotations/900",
    ]

    chosen = f"{BASE}/api/projects/3/annotations/export?document=42"
    assert collection_to_jsonld(iter([make()]), BASE, "x", collection_id=chosen)["id"] == chosen

    empty = collection_to_jsonld([], BASE, "Nothing yet")
    assert empty["total"] == 0 and "first" not in empty and "last" not in empty
