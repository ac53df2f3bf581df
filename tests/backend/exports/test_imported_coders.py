"""Evidence from an imported project credits who coded it (the file's coder
attributions, backend/coders), not the account that ran the import."""

import json

from tests.backend.refi import builders as b
from tests.backend.refi.conftest import new_project, upload

TEXT = "The panel explained every decision to the families."


async def test_exported_evidence_names_the_imported_coders(client):
    src = b.Src("Notes", TEXT)
    src.selections += [
        b.Sel(*b.span(TEXT, "panel explained"), user=b.gid("ann")),
        b.Sel(*b.span(TEXT, "the families"), user=b.gid("bo")),
    ]
    users = [(b.gid("ann"), "Ann Coder", "ann@nhs.net"), (b.gid("bo"), "Bo Coder", "bo@nhs.net")]
    pid = await new_project(client)
    r = await upload(client, pid, b.qdpx(b.QUALCODER, [src], users=users))
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/projects/{pid}/exports", params={"format": "json"})
    evidence = json.loads(r.content)["evidence"]
    assert {(e["quote"], e["coder"]) for e in evidence} == {
        ("panel explained", "Ann Coder"),
        ("the families", "Bo Coder"),
    }
    assert {e["citation"] for e in evidence} == {"Notes"}  # no pages, turns or lines: the file
