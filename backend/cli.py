"""The `evidence` command: serve, worker, ingest, search, documents, reindex, export, …

Starting fast matters (`evidence --help`, `evidence search`): this module imports only
the standard library at first, and each command imports what it uses when it runs
(benchmarks/cli_start.py measures it; tests/backend/test_cli_start.py keeps it so).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Commands whose arguments are declared next to their code (`add_parser` there): that
# module is imported only when its command is the one given.
DECLARED_ELSEWHERE = {
    "users": ("backend.accounts.command", "manage accounts"),
    "export": ("backend.exports.command", "export evidence (CSV, XLSX, DOCX, JSON, REFI-QDA QDPX)"),
}
# What runs each command, imported when it runs.
HANDLERS = {
    "worker": "backend.commands:worker_cmd",
    "ingest": "backend.commands:ingest",
    "search": "backend.commands:search",
    "documents": "backend.commands:documents",
    "reindex": "backend.commands:reindex",
    "users": "backend.accounts.command:users",
    "projects": "backend.commands:projects",
    "agreement": "backend.commands:agreement",
    "export": "backend.exports.command:export",
    "backup": "backend.backup.command:backup",
    "restore": "backend.backup.command:restore",
}
# Commands that open the database themselves (a restore must not find it opened and
# migrated first): their handlers take the settings, not a started runtime.
WITHOUT_RUNTIME = {"backup", "restore"}


def _declared_elsewhere(sub: argparse._SubParsersAction, name: str, chosen: str | None) -> None:
    module, help_text = DECLARED_ELSEWHERE[name]
    if name == chosen:
        importlib.import_module(module).add_parser(sub)
    else:
        sub.add_parser(name, help=help_text)


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named on the line (the first word that is one), before parsing."""
    return next((arg for arg in argv if arg in HANDLERS or arg == "serve"), None)


def _parser(chosen: str | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evidence", description="Evidence Workbench")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the API and web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not ingest in this process (run `evidence worker` instead)",
    )

    sub.add_parser("worker", help="process queued ingest jobs and index updates")

    ingest = sub.add_parser("ingest", help="ingest files or folders")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--project", type=int, help="project id (default: the only project)")
    ingest.add_argument("--source-type", choices=["document", "interview", "observation"])
    ingest.add_argument(
        "--document-type",
        choices=[
            "strategy",
            "board_paper",
            "minutes",
            "policy",
            "transcript",
            "field_notes",
            "other",
        ],
    )
    ingest.add_argument("--organisation")
    ingest.add_argument(
        "--languages", help="OCR language packs for scans, e.g. eng+cym (default: the project's)"
    )
    ingest.add_argument(
        "--enqueue", action="store_true", help="only queue the files for a running worker"
    )

    search = sub.add_parser("search", help="search passages")
    search.add_argument("query")
    search.add_argument("--project", type=int, help="project id (default: the only project)")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument(
        "--mode",
        choices=["lexical", "semantic", "hybrid"],
        help="match words, meaning, or both fused (default: hybrid; lexical when "
        "EMBEDDING_MODEL=off)",
    )
    search.add_argument("--source-type", action="append")
    search.add_argument("--document-type", action="append")
    search.add_argument("--organisation", action="append")
    search.add_argument(
        "--speaker-role",
        action="append",
        choices=["interviewer", "interviewee"],
        help="transcript turns of this speaker role only (repeat for several)",
    )

    docs = sub.add_parser("documents", help="list documents")
    docs.add_argument("--project", type=int, help="project id (default: the only project)")
    docs.add_argument("--json", action="store_true")

    _declared_elsewhere(sub, "users", chosen)

    projects = sub.add_parser("projects", help="manage projects").add_subparsers(
        dest="action", required=True
    )
    new = projects.add_parser("create", help="create a project")
    new.add_argument("name")
    new.add_argument("--owner", required=True, help="email of its first admin")
    projects.add_parser("list", help="list projects")

    sub.add_parser("reindex", help="rebuild the search index from the database")

    agree = sub.add_parser("agreement", help="inter-coder agreement between coders")
    agree.add_argument("--project", type=int, help="project id (default: the only project)")
    agree.add_argument(
        "--coder", action="append", required=True, help="a coder's email; give two or more"
    )
    agree.add_argument("--code", type=int, action="append", help="code id (default: all)")
    agree.add_argument("--json", action="store_true")
    _declared_elsewhere(sub, "export", chosen)
    if chosen in WITHOUT_RUNTIME:
        importlib.import_module("backend.backup.command").add_parsers(sub)
    else:
        sub.add_parser("backup", help="write the database, stored originals and keys to a file")
        sub.add_parser("restore", help="restore a backup into an empty data folder and database")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(_chosen(argv)).parse_args(argv)
    import asyncio
    import logging

    from backend.errors import CommandError
    from ingest.errors import IngestError
    from search.errors import SearchError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return _serve(args)
    try:
        return asyncio.run(_run(args))
    except (SearchError, IngestError, CommandError) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace) -> int:
    from backend.core import heap

    with heap.paused():  # the imports and the runtime: objects that live as long as we do
        _build_models_on_first_use()
        from backend.core.config import get_settings

        if args.command == "search":
            _load_model_meanwhile(args, get_settings().embedding_model)
        from backend.core.runtime import Runtime

        module, name = HANDLERS[args.command].split(":")
        handler = getattr(importlib.import_module(module), name)
        rt = None if args.command in WITHOUT_RUNTIME else Runtime.start(get_settings())
    if rt is None:
        return await handler(get_settings(), args)
    try:
        return await handler(rt, args)
    finally:
        await rt.close()


def _build_models_on_first_use() -> None:
    """A command builds the validator of a model class (pydantic's `defer_build`) when it
    first validates or dumps one, not when the class is defined: importing the feature
    modules defines about fifty classes and a lexical search uses a handful; building
    the others cost about 3 % of its CPU time (callgrind, benchmarks/cli_start.py). Set
    on SQLModel's config before any of ours is defined, so every one inherits it. The
    server does not come through here: its classes are built as they are defined.
    pydantic (pinned 2.14.4) rebuilds under a lock, so threads may validate first."""
    from sqlmodel import SQLModel

    SQLModel.model_config["defer_build"] = True


def _load_model_meanwhile(args: argparse.Namespace, model: str) -> None:
    """A search by meaning needs the embedding model: most of its loading (about 0.3 s of
    CPU) is ONNX Runtime building its session, which releases the GIL, so it runs on a
    thread while this one imports the database layer and opens the project. The search
    takes the same loaded model (load_embedder loads each model once, under a lock); if
    loading fails, the search's own attempt reports it, as it did without this."""
    import threading
    from contextlib import suppress

    from backend.embedding import OFF
    from backend.searching.modes import ModeChoice, SearchMode, resolve

    mode = resolve(ModeChoice(args.mode or "auto"), model != OFF, q=args.query)
    if mode == SearchMode.lexical:
        return
    from search.vectors.embedder import load_embedder

    def load() -> None:
        with suppress(Exception):
            load_embedder(model)

    threading.Thread(target=load, name="load-embedder", daemon=True).start()


def _serve(args: argparse.Namespace) -> int:
    import asyncio

    import uvicorn

    from backend.core import heap
    from backend.core.server import server_config
    from backend.main import create_app

    app = create_app(embedded_worker=not args.no_worker)
    print(f"Evidence Workbench on http://{args.host}:{args.port} (API docs: /api/docs)")
    if asyncio.run(_no_accounts()):
        print(
            "No accounts yet: create the first one with\n"
            "  .venv/bin/evidence users create you@example.org --role admin"
        )
    heap.settle()
    uvicorn.Server(server_config(app, args.host, args.port, log_level="info")).run()
    return 0


async def _no_accounts() -> bool:
    from backend.accounts.service import count_users
    from backend.core.config import get_settings
    from backend.core.runtime import Runtime

    rt = Runtime.start(get_settings())
    try:
        async with rt.sessions() as session:
            return await count_users(session) == 0
    finally:
        await rt.close()


if __name__ == "__main__":
    sys.exit(main())
