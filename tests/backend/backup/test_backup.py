"""`evidence backup` / `evidence restore` (issue 14 item 12): a deployment with real
work in it (the corpus, accounts, coding, theories, CMOCs, the second-factor key) is
backed up while it runs, restored into an empty data folder and an empty database,
and every table and every file compared; the search index is rebuilt. Corrupt,
foreign and incompatible files are refused before anything is written."""

from __future__ import annotations

import argparse
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from backend import cli
from backend.backup import command, service
from backend.backup.archive import BackupError
from backend.core import secret_box
from backend.core.config import Settings
from tests.conftest import (
    TEST_DB,
    app_client,
    drop_database,
    login,
    make_settings,
    new_database,
    signed_in,
)


@pytest.fixture
def empty_target(tmp_path):
    """An empty data folder and (on PostgreSQL) an empty database to restore into."""
    url, name = new_database()
    yield make_settings(tmp_path / "restored", url)
    drop_database(name)


@pytest.fixture
async def backed_up(corpus_settings, tmp_path) -> tuple[Settings, Path, list]:
    """The corpus plus coding work; its backup file; a search's hits before."""
    async with signed_in(corpus_settings) as api:
        docs = (await api.get(f"{api.base}/documents")).json()
        doc = docs[0]
        text = (
            await api.get(f"{api.base}/documents/{doc['id']}/versions/{doc['current_version_id']}")
        ).json()["text"]
        code = await api.post(f"{api.base}/codes", json={"name": "Funding", "kind": "context"})
        body = {"document_id": doc["id"], "start": 10, "end": 60, "code_ids": [code.json()["id"]]}
        assert (await api.post(f"{api.base}/annotations", json=body)).status_code == 201
        theory = await api.post(f"{api.base}/theories", json={"statement": "Trust enables"})
        cmoc = {"title": "Trust", "theory_ids": [theory.json()["id"]]}
        assert (await api.post(f"{api.base}/cmocs", json=cmoc)).status_code == 201
        hits = (await api.get(f"{api.base}/search", params={"q": "funding"})).json()
        assert text and hits["total"] > 0
    secret_box.box(corpus_settings)  # the key file for second factors exists
    target = tmp_path / "backups" / "evidence.zip"
    await command.backup(corpus_settings, argparse.Namespace(file=target))
    return corpus_settings, target, [h["passage"]["id"] for h in hits["hits"]]


def _tables(settings: Settings) -> dict[str, list[tuple]]:
    engine = create_engine(settings.sync_database_url, poolclass=NullPool)
    try:
        present = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= present
        rows = {}
        with engine.connect() as conn:
            for name, table in SQLModel.metadata.tables.items():
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
            rows["alembic_version"] = list(conn.exec_driver_sql("SELECT * FROM alembic_version"))
        return rows
    finally:
        engine.dispose()


def _files(settings: Settings) -> dict[str, str]:
    data = settings.data_dir
    paths = [*settings.originals_dir.rglob("*"), data / secret_box.KEY_FILE]
    return {
        p.relative_to(data).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths
        if p.is_file()
    }


async def test_restore_into_an_empty_deployment_gives_back_every_table_and_file(
    backed_up, empty_target
):
    source, backup_file, hits_before = backed_up
    await command.restore(empty_target, argparse.Namespace(file=backup_file))
    before, after = _tables(source), _tables(empty_target)
    assert sum(len(rows) for rows in before.values()) > 100
    # The index outbox and rebuild log are the search index's bookkeeping: the restore
    # rebuilds the index, which empties the one and writes to the other.
    for table in set(before) - {"indexjob", "reindexrun"}:
        assert after[table] == before[table], table
    assert _files(empty_target) == _files(source)
    assert len(_files(source)) >= 5  # the corpus's originals and the key
    async with app_client(empty_target) as api:  # the restored owner signs in again
        await login(api, "owner@example.org")
        pid = (await api.get("/api/projects")).json()[0]["id"]
        hits = (await api.get(f"/api/projects/{pid}/search", params={"q": "funding"})).json()
    assert [h["passage"]["id"] for h in hits["hits"]] == hits_before


def _rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a backup with `change(name, data) -> (name, data) | None` applied."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            changed = change(info.filename, src.read(info.filename))
            if changed is not None:
                dst.writestr(changed[0], changed[1])
    return target


def _manifest_edit(**fields):
    def change(name: str, data: bytes):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest.update(fields)
        return name, json.dumps(manifest).encode()

    return change


def _flip_a_byte_in_an_original(name: str, data: bytes):
    if name.startswith("originals/"):
        data = bytes([data[0] ^ 1]) + data[1:]
    return name, data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_flip_a_byte_in_an_original, "does not match its checksum"),
        (lambda n, d: None if n.startswith("database/") else (n, d), "is incomplete"),
        (lambda n, d: None if n == "manifest.json" else (n, d), "no manifest"),
        (_manifest_edit(format_version=99), "newer version"),
        (_manifest_edit(schema_revision="0999_from_the_future"), "newer one"),
        (
            _manifest_edit(database_kind="postgresql" if TEST_DB == "sqlite" else "sqlite"),
            "same kind of database",
        ),
    ],
)
async def test_a_bad_backup_is_refused_and_nothing_is_written(
    backed_up, empty_target, tmp_path, change, message
):
    _, backup_file, _ = backed_up
    bad = _rewrite(backup_file, tmp_path / "bad.zip", change)
    with pytest.raises(BackupError, match=message):
        service.restore(empty_target, bad)
    assert not empty_target.data_dir.exists() or not any(empty_target.data_dir.rglob("*"))


async def test_an_entry_naming_a_path_outside_the_data_folder_is_refused(
    backed_up, empty_target, tmp_path
):
    _, backup_file, _ = backed_up

    manifest = json.loads(zipfile.ZipFile(backup_file).read("manifest.json"))
    victim = next(e["path"] for e in manifest["entries"] if e["path"].startswith("originals/"))
    evil = "originals/../../escaped.txt"

    def escape(name: str, data: bytes):
        if name == "manifest.json":
            return name, data.replace(victim.encode(), evil.encode())
        return (evil if name == victim else name), data

    bad = _rewrite(backup_file, tmp_path / "escape.zip", escape)
    with pytest.raises(BackupError, match="unexpected name"):
        service.restore(empty_target, bad)
    assert not (tmp_path / "escaped.txt").exists()


async def test_restore_refuses_a_deployment_that_holds_data(backed_up):
    source, backup_file, _ = backed_up
    with pytest.raises(BackupError, match="already holds data"):
        service.restore(source, backup_file)


def test_the_command_says_why_and_exits_non_zero(tmp_path, empty_target, monkeypatch, capsys):
    monkeypatch.setattr("backend.core.config.get_settings", lambda: empty_target)
    not_a_backup = tmp_path / "notes.zip"
    not_a_backup.write_bytes(b"these are not the files you are looking for")
    assert cli.main(["restore", str(not_a_backup)]) == 2
    err = capsys.readouterr().err
    assert "is not a backup" in err and "Traceback" not in err
