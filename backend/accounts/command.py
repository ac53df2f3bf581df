"""`evidence users …`: create, list, deactivate and reactivate accounts, reset a
password or a second factor, revoke all sessions and tokens. Changes are audited with no acting user
(`via: cli`): whoever runs the command has the server's own rights."""

from __future__ import annotations

import argparse
import getpass
import sys

from pydantic import ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts import admin, service
from backend.accounts.models import User, UserCreate, UserUpdate
from backend.core.ids import stored
from backend.core.runtime import Runtime
from backend.errors import CommandError
from backend.mfa import service as mfa
from backend.projects.resolve import adopt_orphans


def add_parser(sub: argparse._SubParsersAction) -> None:
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
    _password_stdin(create, "read the password from standard input instead of prompting")
    users.add_parser("list", help="list accounts")
    for action, text in (
        ("deactivate", "stop an account signing in; its sessions and API tokens end"),
        ("activate", "let a deactivated account sign in again"),
        ("revoke", "sign an account out everywhere and revoke all its API tokens"),
        ("reset-totp", "remove an account's second factor (it enrols again if required)"),
    ):
        users.add_parser(action, help=text).add_argument("email")
    reset = users.add_parser(
        "reset-password", help="set a temporary password, to be changed at next sign-in"
    )
    reset.add_argument("email")
    _password_stdin(reset, "read it from standard input (default: make one up and print it)")


def _password_stdin(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--password-stdin", action="store_true", help=text)


async def users(rt: Runtime, args: argparse.Namespace) -> int:
    async with rt.sessions() as session:
        if args.action == "list":
            return await _list(session)
        if args.action == "create":
            return await _create(session, args)
        user = await service.user_by_email(session, args.email)
        if user is None:
            raise CommandError(f"no account for {args.email}")
        try:
            message = await _change(session, user, args)
        except service.AccountError as exc:
            raise CommandError(exc.message) from exc
        await session.commit()
    print(message)
    return 0


async def _list(session: AsyncSession) -> int:
    rows = await admin.describe(session, list((await session.exec(select(User))).all()))
    print(f"{'id':>4}  {'role':<6} {'state':<7} {'sessions':>8} {'tokens':>6}  email")
    for u in sorted(rows, key=lambda r: r.id):
        state = "active" if u.is_active else "off"
        print(f"{u.id:>4}  {u.role:<6} {state:<7} {u.sessions:>8} {u.tokens:>6}  {u.email}")
    return 0


async def _create(session: AsyncSession, args: argparse.Namespace) -> int:
    data = _new_account(args)
    try:
        user = await service.create_user(session, data)
    except service.AccountError as exc:
        raise CommandError(exc.message) from exc
    adopted = await adopt_orphans(session, stored(user.id)) if user.role == "admin" else []
    await session.commit()
    print(f"created {user.role} account {user.email} (id {user.id})")
    for project in adopted:
        print(f"  and made it admin of project {project.id} ({project.name})")
    return 0


async def _change(session: AsyncSession, user: User, args: argparse.Namespace) -> str:
    if args.action in ("deactivate", "activate"):
        active = args.action == "activate"
        await admin.update_user(session, user, UserUpdate(is_active=active), by=None)
        return f"{user.email} is {'active' if active else 'deactivated: sessions and tokens ended'}"
    if args.action == "revoke":
        revoked = await admin.revoke_access(session, user, by=None)
        return (
            f"{user.email}: {revoked.sessions} session(s) ended, "
            f"{revoked.tokens} API token(s) revoked"
        )
    if args.action == "reset-totp":
        if not await mfa.remove(session, user, by=None, action="reset_totp"):
            raise CommandError(f"{user.email} has no second factor")
        return f"{user.email}: second factor removed"
    password = _read_password(args) if args.password_stdin else None
    made_up = await admin.reset_password(session, user, password, by=None)
    shown = f": {made_up}" if made_up else ""
    return f"{user.email} has a temporary password{shown} (to be changed at next sign-in)"


def _read_password(args: argparse.Namespace) -> str:
    password = sys.stdin.readline().rstrip("\n")
    if not 10 <= len(password) <= 200:
        raise CommandError("the password must have 10 to 200 characters")
    return password


def _new_account(args: argparse.Namespace) -> UserCreate:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password (10+ characters): ")
        if getpass.getpass("again: ") != password:
            raise CommandError("the two passwords differ")
    try:
        return UserCreate(
            email=args.email,
            name=args.name or args.email.split("@")[0],
            password=password,
            role=args.role,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CommandError(problems) from exc
