"""50 simulated coders reading, searching and annotating with the web app's requests
(react-admin list ranges, If-Match edits), each with its own API token made by
target.py: signing in inside the test would spend its ramp-up on argon2. Each waits
1-3 s between actions, as a person does. Requests are named by route template,
so the statistics are per endpoint (scripts/api-checks.sh runs it; report.py reads it).

Settings from the environment: LOAD_STATE (the JSON tests/api_checks/target.py wrote).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

STATE = json.loads(Path(os.environ["LOAD_STATE"]).read_text())
TOKENS = itertools.cycle(STATE["coder_tokens"])
P = f"/api/projects/{STATE['project_id']}"
# Words and phrases from the corpus's own vocabulary, and the query language's forms.
QUERIES = (
    "funding",
    "individual funding request",
    '"individual funding"',
    "panel AND decision",
    "leader*",
    "governance",
    "clinical commissioning",
    "insulin needles",
    "exceptional circumstances",
    "board OR committee",
    "patient -needle",
    '"integrated care"',
)


class Coder(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next(TOKENS)}"
        docs = self.client.get(f"{P}/documents", params={"range": "[0,24]"}, name="P/documents")
        self.documents = [d["id"] for d in docs.json()]
        self.passages: dict[int, list[dict]] = {}
        self.mine: list[dict] = []

    def _passages(self, document_id: int) -> list[dict]:
        if document_id not in self.passages:
            r = self.client.get(
                f"{P}/documents/{document_id}/passages",
                params={"range": "[0,199]"},
                name="P/documents/{id}/passages",
            )
            self.passages[document_id] = r.json()
        return self.passages[document_id]

    @task(5)
    def read(self) -> None:
        document_id = random.choice(self.documents)
        self.client.get(f"{P}/documents/{document_id}", name="P/documents/{id}")
        self._passages(document_id)
        self.client.get(
            f"{P}/annotations",
            params={"filter": json.dumps({"document_id": document_id}), "range": "[0,99]"},
            name="P/annotations?document_id",
        )
        self.client.get(f"{P}/codes", name="P/codes")

    @task(3)
    def search(self) -> None:
        self.client.get(
            f"{P}/search", params={"q": random.choice(QUERIES), "limit": 20}, name="P/search"
        )

    @task(2)
    def annotate(self) -> None:
        document_id = random.choice(self.documents)
        passage = random.choice(self._passages(document_id))
        length = passage["end"] - passage["start"]
        start = passage["start"] + random.randrange(max(1, length // 2))
        end = min(passage["end"], start + random.randint(20, 200))
        body = {
            "document_id": document_id,
            "start": start,
            "end": end,
            "code_ids": [random.choice(STATE["code_ids"])],
        }
        r = self.client.post(f"{P}/annotations", json=body, name="P/annotations (create)")
        if r.status_code == 201:
            created = r.json()
            memo = {"memo": "leadership through trust, as the participant put it"}
            self.client.patch(
                f"{P}/annotations/{created['id']}",
                json=memo,
                headers={"If-Match": f'"{created["version"]}"'},
                name="P/annotations/{id} (edit)",
            )
