"""/api/users: account administration, for account administrators only."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import or_
from sqlmodel import col, select

from backend.accounts import admin, admin_edits, service
from backend.accounts.models import (
    AccessRevoked,
    PasswordReset,
    PasswordResetDone,
    User,
    UserAdminPublic,
    UserCreate,
    UserUpdate,
)
from backend.api.auth import CurrentUser
from backend.api.deps import Id, SessionDep
from backend.api.errors import http_error
from backend.api.filters import Filter, Filters, ids
from backend.api.listing import ListParamsDep, paginate
from backend.core.ids import stored
from backend.projects.models import AuditEvent

router = APIRouter(prefix="/api/users", tags=["accounts"])
AUDIT_FILTERS = Filters(Filter("id", ids, "in", AuditEvent.id))


def _require_admin(user: User) -> None:
    if not service.is_admin(user):
        raise HTTPException(403, "only account administrators manage accounts")


async def _target(session: SessionDep, user_id: int) -> User:
    try:
        return await admin.get_user(session, user_id)
    except service.AccountError as exc:
        raise http_error(exc) from exc


@router.get("", response_model=list[UserAdminPublic])
async def list_users(
    user: CurrentUser, session: SessionDep, response: Response
) -> list[UserAdminPublic]:
    _require_admin(user)
    rows = list((await session.exec(select(User).order_by(col(User.id)))).all())
    response.headers["Content-Range"] = f"users 0-{max(len(rows) - 1, 0)}/{len(rows)}"
    return await admin.describe(session, rows)


@router.post("", response_model=UserAdminPublic, status_code=201)
async def create_user(body: UserCreate, user: CurrentUser, session: SessionDep) -> UserAdminPublic:
    _require_admin(user)
    try:
        created = await admin_edits.create_user(session, body, by=stored(user.id))
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return (await admin.describe(session, [created]))[0]


@router.get("/{user_id}", response_model=UserAdminPublic)
async def read_user(user_id: Id, user: CurrentUser, session: SessionDep) -> UserAdminPublic:
    _require_admin(user)
    return (await admin.describe(session, [await _target(session, user_id)]))[0]


@router.patch("/{user_id}", response_model=UserAdminPublic)
async def update_user(
    user_id: Id, body: UserUpdate, user: CurrentUser, session: SessionDep
) -> UserAdminPublic:
    """Rename, change the role, deactivate (which also ends sessions and tokens) or
    reactivate an account."""
    _require_admin(user)
    target = await _target(session, user_id)
    try:
        await admin_edits.update_user(session, target, body, by=stored(user.id))
    except service.AccountError as exc:
        raise http_error(exc) from exc
    return (await admin.describe(session, [target]))[0]


@router.post("/{user_id}/password", response_model=PasswordResetDone)
async def reset_password(
    user_id: Id, body: PasswordReset, user: CurrentUser, session: SessionDep
) -> PasswordResetDone:
    """A temporary password, to be changed at the next sign-in; sessions end."""
    _require_admin(user)
    target = await _target(session, user_id)
    made_up = await admin_edits.reset_password(session, target, body.password, by=stored(user.id))
    return PasswordResetDone(temporary_password=made_up)


@router.post("/{user_id}/revoke", response_model=AccessRevoked)
async def revoke_access(user_id: Id, user: CurrentUser, session: SessionDep) -> AccessRevoked:
    """Signs the account out everywhere and revokes all its API tokens."""
    _require_admin(user)
    target = await _target(session, user_id)
    return await admin_edits.revoke_access(session, target, by=stored(user.id))


@router.delete("/{user_id}/totp", status_code=204)
async def reset_totp(user_id: Id, user: CurrentUser, session: SessionDep) -> None:
    """Removes the account's second factor (a lost phone and lost recovery codes); where
    the deployment requires one, the user enrols again at the next sign-in."""
    _require_admin(user)
    target = await _target(session, user_id)
    if not await admin_edits.reset_totp(session, target, by=stored(user.id)):
        raise HTTPException(404, f"account {user_id} has no second factor")


@router.get("/{user_id}/audit", response_model=list[AuditEvent])
async def account_audit(
    user_id: Id,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    params: ListParamsDep,
) -> list[AuditEvent]:
    """What was done to the account, and what it did outside projects."""
    _require_admin(user)
    target = await _target(session, user_id)
    stmt = select(AuditEvent).where(
        col(AuditEvent.project_id).is_(None),
        or_(
            (col(AuditEvent.entity) == "user") & (col(AuditEvent.entity_id) == target.id),
            col(AuditEvent.user_id) == target.id,
        ),
    )
    stmt = stmt.where(*await AUDIT_FILTERS.where(params.filters))
    return await paginate(session, stmt, AuditEvent, params, {"id", "at"}, response, "audit")
