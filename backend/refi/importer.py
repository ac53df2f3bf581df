"""Import a .qdpx file into an existing, empty project.

Order: check the project is empty, open and check the file (reader.py: zip guard, schema),
then users, codes, sources (import_sources.py), theories, CMOCs and links
(import_analysis.py). Everything goes into the caller's transaction and nothing is committed
here: the caller commits once at the end, or rolls back, so a refused or failed import leaves
nothing behind (except stored text files, which are content-addressed and harmless).

Users: matched to existing accounts by email (the User's `id` attribute), else by name when
exactly one account has it; otherwise a new account is created that cannot sign in: inactive,
with the argon2 hash of a random secret nobody ever sees (never an empty or placeholder hash,
which a future change to password checking could turn into an open door). An admin who wants
that person to sign in gives them a real account. Imported users do not become project members:
access stays the admin's decision.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from pathlib import Path

import anyio
from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import EMAIL_PATTERN, User
from backend.audit import audit
from backend.cmocs.models import Cmoc
from backend.codes.models import Code, CodeKind
from backend.core.config import Settings, get_settings
from backend.core.security import hash_password
from backend.documents.models import Document
from backend.events.service import publish
from backend.projects.models import Project
from backend.refi.common import VARIABLE_NAMES, RefiError
from backend.refi.context import ImportState
from backend.refi.import_analysis import import_analysis
from backend.refi.import_sources import import_sources
from backend.refi.reader import open_package
from backend.theories.models import ProgrammeTheory

COUNTED = (
    "codes",
    "documents",
    "versions",
    "passages",
    "annotations",
    "theories",
    "cmocs",
    "theory_links",
    "evidence_links",
)


async def import_qdpx(
    session: AsyncSession,
    project_id: int,
    user_id: int,
    data_path: Path,
    *,
    settings: Settings | None = None,
) -> dict:
    """Import the .qdpx at `data_path`; returns a summary (counts, users matched and created,
    and what was skipped, by reason). Raises RefiError (400, 404, 409, 413, 422)."""
    settings = settings or get_settings()
    project = await _empty_project(session, project_id)
    with open_package(Path(data_path), settings.max_unzipped_mb * 2**20) as package:
        st = ImportState(session, project_id, user_id, settings, package, package.project())
        await _users(st)
        await _codes(st)
        await import_sources(st)
        await import_analysis(st)
    if st.file.description and not project.description:
        project.description = st.file.description[:5000]
        session.add(project)
    summary = _summary(st)
    publish(session, project_id, "project.imported", project_id, user_id, **_totals(st))
    audit(
        session,
        user_id=user_id,
        project_id=project_id,
        action="import",
        entity="project",
        entity_id=project_id,
        format="qdpx",
        **_totals(st),
    )
    await session.flush()
    return summary


async def _empty_project(session: AsyncSession, project_id: int) -> Project:
    """The project, write-locked first so two imports cannot both find it empty: an UPDATE
    locks the row on PostgreSQL and starts the write transaction on SQLite; the second import
    waits, then sees the first one's rows."""
    await session.exec(update(Project).where(Project.id == project_id).values(name=Project.name))
    project = await session.get(Project, project_id)
    if project is None:
        raise RefiError(f"project {project_id} not found", 404)
    found = []
    for model, label in (
        (Document, "documents"),
        (Code, "codes"),
        (ProgrammeTheory, "programme theories"),
        (Cmoc, "CMOCs"),
    ):
        stmt = select(func.count()).select_from(model).where(model.project_id == project_id)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(col(model.deleted_at).is_(None))
        if (await session.exec(stmt)).one():
            found.append(label)
    if found:
        raise RefiError(
            f"this project already has {', '.join(found)}; a QDPX file is imported into a new, "
            "empty project (create one and import there)",
            409,
        )
    return project


async def _users(st: ImportState) -> None:
    for user_guid, name, ident in st.file.users:
        user = await _match_user(st.session, name, ident)
        if user is None:
            user = await _new_user(st, user_guid, name, ident)
            st.counts["users_created"] += 1
        else:
            st.counts["users_matched"] += 1
        st.users[user_guid] = user.id


def _email(ident: str | None) -> str | None:
    email = (ident or "").strip().lower()
    return email if re.match(EMAIL_PATTERN, email) and len(email) <= 254 else None


async def _match_user(session: AsyncSession, name: str | None, ident: str | None) -> User | None:
    email = _email(ident)
    if email:
        found = (await session.exec(select(User).where(User.email == email))).first()
        if found is not None:
            return found
    if name and name.strip():
        named = (await session.exec(select(User).where(User.name == name.strip()).limit(2))).all()
        if len(named) == 1:
            return named[0]
    return None


async def _new_user(st: ImportState, user_guid: str, name: str | None, ident: str | None) -> User:
    email = _email(ident)
    if email is None or await _match_user(st.session, None, email):
        email = f"refi-{user_guid}@import.invalid"  # .invalid: reserved, can never be real
    unusable = await anyio.to_thread.run_sync(hash_password, secrets.token_urlsafe(32))
    label = (name or ident or "").strip() or "Imported user"
    user = User(email=email, name=label[:200], password_hash=unusable, is_active=False)
    st.session.add(user)
    await st.session.flush()
    audit(st.session, user_id=st.user_id, action="create", entity="user", entity_id=user.id)
    return user


async def _codes(st: ImportState) -> None:
    """The codebook, GUIDs kept (a re-export names the same codes); a name already used under
    the same parent gets a number, since our codebook does not allow twins."""
    siblings: dict[int | None, set[str]] = {}
    for record in st.file.codes:
        parent_id = st.codes.get(record.parent_guid) if record.parent_guid else None
        used = siblings.setdefault(parent_id, set())
        name = base = " ".join(record.name.split())[:200]
        n = 1
        while name.casefold() in used:
            n += 1
            name = f"{base[:190]} ({n})"
        if n > 1:
            st.skipped["codes renamed (same name under the same parent)"] += 1
        used.add(name.casefold())
        code = Code(
            project_id=st.project_id,
            guid=record.guid,
            name=name,
            kind=CodeKind(record.kind),
            parent_id=parent_id,
            colour=record.colour.lower() if record.colour else None,
            definition=record.definition,
            memo=record.memo,
            created_by=st.user_id,
        )
        st.session.add(code)
        await st.session.flush()
        st.codes[record.guid] = code.id
        st.counts["codes"] += 1


def _totals(st: ImportState) -> dict[str, int]:
    return {key: st.counts[key] for key in COUNTED}


def _summary(st: ImportState) -> dict:
    unknown = {name for name in st.file.variables.values() if name not in VARIABLE_NAMES}
    skipped = Counter(st.skipped)
    if unknown:
        skipped["variables of other tools (not imported)"] = len(unknown)
    return {
        "project_name_in_file": st.file.name,
        **_totals(st),
        "users": {
            "matched": st.counts["users_matched"],
            "created": st.counts["users_created"],
        },
        "attributed_to_you": st.counts["attributed to the importing user"],
        "skipped": dict(sorted(skipped.items())),
    }
