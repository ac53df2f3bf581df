"""`evidence users …` as an administrator runs it on the server."""

import asyncio
import io

import pytest
from sqlmodel import select

from backend.cli import main
from backend.core.config import get_settings
from backend.core.runtime import Runtime
from backend.projects.models import AuditEvent


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "data"))
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def _audit_actions() -> list[tuple[str, int | None]]:
    async def read():
        rt = Runtime.start(get_settings())
        try:
            async with rt.sessions() as session:
                rows = (await session.exec(select(AuditEvent).order_by(AuditEvent.id))).all()
                return [(e.action, e.user_id) for e in rows]
        finally:
            await rt.close()

    return asyncio.run(read())


def test_deactivate_reset_and_revoke_from_the_command_line(capsys, monkeypatch):
    _stdin(monkeypatch, "long enough password")
    assert main(["users", "create", "a@example.org", "--password-stdin"]) == 0
    assert main(["users", "deactivate", "a@example.org"]) == 0
    assert "deactivated" in capsys.readouterr().out
    assert main(["users", "list"]) == 0
    assert "off" in capsys.readouterr().out
    assert main(["users", "activate", "a@example.org"]) == 0
    assert main(["users", "revoke", "a@example.org"]) == 0
    assert "0 session(s) ended, 0 API token(s) revoked" in capsys.readouterr().out
    assert main(["users", "reset-password", "a@example.org"]) == 0
    out = capsys.readouterr().out
    assert "temporary password: " in out and "next sign-in" in out
    _stdin(monkeypatch, "chosen on the server")
    assert main(["users", "reset-password", "a@example.org", "--password-stdin"]) == 0
    assert "temporary password (to be" in capsys.readouterr().out
    actions = _audit_actions()
    for action in ("deactivate", "activate", "revoke_access", "reset_password"):
        assert (action, None) in actions  # no acting account: the server's operator


def test_bad_input_is_a_message_and_exit_2(capsys, monkeypatch):
    assert main(["users", "deactivate", "ghost@example.org"]) == 2
    assert "no account for ghost@example.org" in capsys.readouterr().err
    _stdin(monkeypatch, "long enough password")
    assert main(["users", "create", "a@example.org", "--password-stdin"]) == 0
    _stdin(monkeypatch, "short")
    assert main(["users", "reset-password", "a@example.org", "--password-stdin"]) == 2
    assert "10 to 200 characters" in capsys.readouterr().err
    assert main(["users", "reset-totp", "a@example.org"]) == 2
    assert "has no second factor" in capsys.readouterr().err
