"""Sign-in throttling: slow a password guesser down without locking the owner out.

Two counters, each with exponential backoff once its free attempts are used up:
- the account typed *and* the address it came from (5 free attempts): a guesser at
  one address is slowed down, while the owner, signing in from anywhere else, is not.
  An attempt is counted *before* the password is checked, by one conditional UPDATE
  (or INSERT) that only succeeds when the counter allows an attempt now; so parallel
  requests cannot all pass a check made before any of them was counted. A successful
  sign-in clears it.
- the address alone (30 free failures, whatever accounts): a guesser spraying many
  accounts from one address. Failures are counted (atomically) once known, so a
  crowd signing in at once behind one address (a hospital's NAT, a training room)
  is not refused for attempts still in flight.

Counters forget after an hour without attempts. Times are seconds since the epoch
(plain floats, so the arithmetic is the same SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

import math

from sqlalchemy import ColumnElement, case, delete, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.accounts.models import SignInThrottle
from backend.core.time import utcnow

FREE_PER_ACCOUNT_AND_ADDRESS = 5
FREE_PER_ADDRESS = 30
FIRST_DELAY_SECONDS = 30  # then doubling: 30 s, 1, 2, 4, 8 min, then 15 min each
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after  # whole seconds until the next attempt is allowed


def account_key(email: str, ip: str) -> str:
    return f"account:{ip[:64]}:{email[:254]}"


def address_key(ip: str) -> str:
    return f"address:{ip[:64]}"


def delay_seconds(attempts: int, free: int) -> float:
    """How long after the `attempts`-th attempt the next one may come (pure)."""
    if attempts < free:
        return 0.0
    return float(min(FIRST_DELAY_SECONDS * 2 ** (attempts - free), MAX_DELAY_SECONDS))


async def take(session: AsyncSession, email: str, ip: str) -> None:
    """Before the password is checked: raises Throttled while the address must wait,
    else counts the attempt for the account at this address (atomically, or raises
    Throttled). Commits: parallel requests must see the count at once."""
    await session.commit()  # no read transaction may be open (SQLite upgrades fail)
    now = utcnow().timestamp()
    address = await session.get(SignInThrottle, address_key(ip), populate_existing=True)
    if address is not None and address.attempts >= FREE_PER_ADDRESS and address.next_at > now:
        await session.commit()
        raise Throttled(max(1, math.ceil(address.next_at - now)))
    wait = await _take_one(session, account_key(email, ip), FREE_PER_ACCOUNT_AND_ADDRESS, now)
    await session.commit()
    if wait is not None:
        raise Throttled(max(1, math.ceil(wait)))


async def failed(session: AsyncSession, ip: str) -> None:
    """The password was wrong: one more failure for the address (the caller commits)."""
    key, now = address_key(ip), utcnow().timestamp()
    for _ in range(3):  # a parallel first failure may insert the row between our two
        if await _advance(session, key, FREE_PER_ADDRESS, now, always=True):
            return
        if await _insert(session, key, FREE_PER_ADDRESS, now):
            return


async def succeeded(session: AsyncSession, email: str, ip: str) -> None:
    """The password was right: the owner starts again from zero at this address."""
    await session.exec(
        delete(SignInThrottle).where(col(SignInThrottle.key) == account_key(email, ip))
    )


async def _take_one(session: AsyncSession, key: str, free: int, now: float) -> float | None:
    """None when the attempt is counted; else the seconds to wait."""
    for _ in range(3):  # a row inserted by a parallel request between our two statements
        if await _advance(session, key, free, now):
            return None
        if await _insert(session, key, free, now):
            return None
        row = await session.get(SignInThrottle, key, populate_existing=True)
        if row is not None and row.attempts >= free and row.next_at > now:
            return row.next_at - now
    return 1.0


async def _advance(
    session: AsyncSession, key: str, free: int, now: float, always: bool = False
) -> bool:
    """One more attempt on an existing counter, if it allows one now (or `always`)."""
    table = SignInThrottle
    forgotten = col(table.last_at) < now - FORGET_AFTER_SECONDS
    attempts = case((forgotten, 1), else_=col(table.attempts) + 1)
    # While attempts are free, no clock is compared: a parallel request that took its
    # time a moment later must not make this one look early.
    allowed = or_(col(table.attempts) < free, col(table.next_at) <= now)
    stmt = (
        update(table)
        .where(col(table.key) == key, *(() if always else (allowed,)))
        .values(attempts=attempts, last_at=now, next_at=now + _delay_sql(attempts, free))
    )
    return (await session.exec(stmt)).rowcount == 1


def _delay_sql(attempts: ColumnElement[int], free: int) -> ColumnElement[float]:
    """`delay_seconds` as SQL, for the attempt number computed in the same UPDATE."""
    steps = [(attempts < free, literal(0.0))]
    exponent = 0
    while (delay := FIRST_DELAY_SECONDS * 2**exponent) < MAX_DELAY_SECONDS:
        steps.append((attempts == free + exponent, literal(float(delay))))
        exponent += 1
    return case(*steps, else_=literal(float(MAX_DELAY_SECONDS)))


async def _insert(session: AsyncSession, key: str, free: int, now: float) -> bool:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"key": key, "attempts": 1, "last_at": now, "next_at": now + delay_seconds(1, free)}
    stmt = (
        insert(SignInThrottle)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(SignInThrottle.key))  # rowcount is not reliable for this on psycopg
    )
    return (await session.exec(stmt)).first() is not None
