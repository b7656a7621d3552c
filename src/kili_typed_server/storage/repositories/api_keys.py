"""The SQL of the ``api_keys`` table. Keys are found by their digest; none is stored."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from kili_typed_server.core.errors import Conflict
from kili_typed_server.core.records import ApiKeyFilter, ApiKeyRecord, UserFilter, UserRecord
from kili_typed_server.storage.repositories import users

COLUMNS = "k.id, k.user_id, k.name, k.last4, k.created_at, k.expiry_date, k.revoked"
ORDER = "ORDER BY k.created_at, k.seq"


def from_row(row: Sequence[Any]) -> ApiKeyRecord:
    """Builds a record from the columns of :data:`COLUMNS`."""
    return ApiKeyRecord(
        id=row[0],
        user_id=row[1],
        name=row[2],
        last4=row[3],
        created_at=row[4],
        expiry_date=row[5],
        revoked=bool(row[6]),
    )


def conditions(
    organization_id: str,
    visible_user_id: str | None,
    where: ApiKeyFilter,
    digest: Callable[[str], str],
) -> tuple[list[str], list[object]]:
    """The SQL conditions on ``api_keys k JOIN users u`` selecting matching keys.

    Args:
        organization_id: Only keys of this organization's users match.
        visible_user_id: When given, only this user's keys match.
        where: The filter, its user's email already normalised.
        digest: How the database digests an API key.

    Returns:
        The conditions, to join with ``AND``, and their parameters.
    """
    found, params = users.conditions(organization_id, where.user or UserFilter(), digest)
    if visible_user_id is not None:
        found.append("k.user_id = ?")
        params.append(visible_user_id)
    if where.id is not None:
        found.append("k.id = ?")
        params.append(where.id)
    if where.key is not None:
        found.append("k.digest = ?")
        params.append(digest(where.key))
    return found, params


def find(
    db: sqlite3.Connection,
    organization_id: str,
    visible_user_id: str | None,
    where: ApiKeyFilter,
    digest: Callable[[str], str],
    limit: int,
    offset: int,
) -> list[ApiKeyRecord]:
    """A page of matching keys, oldest first."""
    found, params = conditions(organization_id, visible_user_id, where, digest)
    rows = db.execute(
        f"SELECT {COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id "
        f"WHERE {' AND '.join(found)} {ORDER} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [from_row(row) for row in rows]


def count(
    db: sqlite3.Connection,
    organization_id: str,
    visible_user_id: str | None,
    where: ApiKeyFilter,
    digest: Callable[[str], str],
) -> int:
    """How many keys match."""
    found, params = conditions(organization_id, visible_user_id, where, digest)
    row = db.execute(
        f"SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id "
        f"WHERE {' AND '.join(found)}",
        params,
    ).fetchone()
    return int(row[0])


def by_users(db: sqlite3.Connection, user_ids: Sequence[str]) -> dict[str, list[ApiKeyRecord]]:
    """Each user's keys, oldest first (an empty list when none), in one query."""
    result: dict[str, list[ApiKeyRecord]] = {user_id: [] for user_id in user_ids}
    rows = db.execute(
        f"SELECT {COLUMNS} FROM api_keys k "
        f"WHERE k.user_id IN (SELECT value FROM json_each(?)) {ORDER}",
        (json.dumps(list(user_ids)),),
    ).fetchall()
    for row in rows:
        result[row[1]].append(from_row(row))
    return result


def with_owners(
    db: sqlite3.Connection, email: str | None = None
) -> list[tuple[UserRecord, ApiKeyRecord]]:
    """Every key with its owner, oldest key first; only one (normalised) email's when given."""
    sql = f"SELECT {users.COLUMNS}, {COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id"
    params: tuple[object, ...] = ()
    if email is not None:
        sql += " WHERE u.email = ?"
        params = (email,)
    rows = db.execute(f"{sql} {ORDER}", params).fetchall()
    split = users.COLUMN_COUNT
    return [(users.from_row(row[:split]), from_row(row[split:])) for row in rows]


def active_owner(
    db: sqlite3.Connection, key_digest: str, now: str
) -> tuple[UserRecord, str] | None:
    """The activated owner of a key that is neither revoked nor expired, and the key's id."""
    row = db.execute(
        f"SELECT {users.COLUMNS}, k.id FROM api_keys k JOIN users u ON u.id = k.user_id "
        "WHERE k.digest = ? AND k.revoked = 0 AND k.expiry_date > ? AND u.activated = 1",
        (key_digest, now),
    ).fetchone()
    return None if row is None else (users.from_row(row), row[-1])


def state(db: sqlite3.Connection, key_digest: str) -> tuple[bool, str, bool] | None:
    """Whether a key is revoked, its expiry date and whether its owner is activated."""
    row = db.execute(
        "SELECT k.revoked, k.expiry_date, u.activated "
        "FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.digest = ?",
        (key_digest,),
    ).fetchone()
    return None if row is None else (bool(row[0]), str(row[1]), bool(row[2]))


def insert(
    db: sqlite3.Connection,
    *,
    key_id: str,
    user_id: str,
    name: str,
    key_digest: str,
    last4: str,
    created_at: str,
    expiry_date: str,
) -> ApiKeyRecord:
    """Registers a key by its digest.

    Raises:
        Conflict: When the key is already registered.
    """
    try:
        db.execute(
            "INSERT INTO api_keys (id, user_id, name, digest, last4, created_at, expiry_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key_id, user_id, name, key_digest, last4, created_at, expiry_date),
        )
    except sqlite3.IntegrityError as error:
        raise Conflict("this API key is already registered") from error
    row = db.execute(f"SELECT {COLUMNS} FROM api_keys k WHERE k.id = ?", (key_id,)).fetchone()
    return from_row(row)


def revoke(
    db: sqlite3.Connection, *, key_digest: str | None = None, key_id: str | None = None
) -> ApiKeyRecord | None:
    """Revokes the key with this digest or id; its record, ``None`` when there is none."""
    column, value = ("digest", key_digest) if key_digest is not None else ("id", key_id)
    db.execute(f"UPDATE api_keys SET revoked = 1 WHERE {column} = ?", (value,))
    row = db.execute(f"SELECT {COLUMNS} FROM api_keys k WHERE k.{column} = ?", (value,)).fetchone()
    return None if row is None else from_row(row)
