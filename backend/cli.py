"""The `evidence` command: serve, worker, ingest, search, documents, reindex, export, …"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from backend.core import heap
from backend.core.config import get_settings
from backend.core.runtime import Runtime
from backend.errors import CommandError
from backend.exports import command as export_cmd
from ingest.errors import IngestError
from search.errors import SearchError

log = logging.getLogger("evidence")


def _parser() -> argparse.ArgumentParser:
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
        "--enqueue", action="store_true", help="only queue the files for a running worker"
    )

    search = sub.add_parser("search", help="search passages")
    search.add_argument("query")
    search.add_argument("--project", type=int, help="project id (default: the only project)")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--source-type", action="append")
    search.add_argument("--document-type", action="append")
    search.add_argument("--organisation", action="append")

    docs = sub.add_parser("documents", help="list documents")
    docs.add_argument("--project", type=int, help="project id (default: the only project)")
    docs.add_argument("--json", action="store_true")

    users = sub.add_parser("users", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    create = users.add_parser("create", help="create an account")
    create.add_argument("email")
    create.add_argument("--name", help="display name (default: the part before @)")
    create.add_argument(
        "--role",
        choices=["admin", "user"],
        default="user",
        help="admin: manages accounts; the first account should be one",
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    users.add_parser("list", help="list accounts")

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
    export_cmd.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    from backend import commands

    rt = Runtime.start(get_settings())
    try:
        handler = {
            "worker": commands.worker_cmd,
            "ingest": commands.ingest,
            "search": commands.search,
            "documents": commands.documents,
            "reindex": commands.reindex,
            "users": commands.users,
            "projects": commands.projects,
            "agreement": commands.agreement,
            "export": export_cmd.export,
        }[args.command]
        return await handler(rt, args)
    finally:
        await rt.close()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from backend.main import create_app

    app = create_app(embedded_worker=not args.no_worker)
    print(f"Evidence Workbench on http://{args.host}:{args.port} (API docs: /api/docs)")
    if asyncio.run(_no_accounts()):
        print(
            "No accounts yet: create the first one with\n"
            "  .venv/bin/evidence users create you@example.org --role admin"
        )
    heap.settle()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


async def _no_accounts() -> bool:
    from backend.accounts.service import count_users

    rt = Runtime.start(get_settings())
    try:
        async with rt.sessions() as session:
            return await count_users(session) == 0
    finally:
        await rt.close()


if __name__ == "__main__":
    sys.exit(main())
