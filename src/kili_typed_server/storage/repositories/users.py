"""The SQL of the ``users`` table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

from kili_typed_server.core.errors import Conflict
from kili_typed_server.core.records import UserFilter, UserRecord

COLUMNS = (
    "u.id, u.email, u.firstname, u.lastname, u.activated, u.created_at, u.updated_at, "
    "u.organization_id, u.organization_role, u.has_completed_labeling_tour, "
    "u.hubspot_subscription_status"
)
#: How many columns :data:`COLUMNS` selects, to split joined rows.
COLUMN_COUNT = 11
ORDER = "ORDER BY u.created_at, u.seq"

_UPDATABLE_COLUMNS = {
    "email": "email",
    "firstname": "firstname",
    "lastname": "lastname",
    "activated": "activated",
    "organization_id": "organization_id",
    "organization_role": "organization_role",
    "has_completed_labeling_tour": "has_completed_labeling_tour",
    "hubspot_subscription_status": "hubspot_subscription_status",
}


#: The record's fields, in the order of :data:`COLUMNS`.
_FIELDS = tuple(field.name for field in fields(UserRecord))
_new_record = object.__new__


def from_row(row: Sequence[Any]) -> UserRecord:
    """Builds a record from the columns of :data:`COLUMNS` (see :func:`from_rows`)."""
    return from_rows((row,))[0]


def from_rows(rows: Iterable[Sequence[Any]]) -> list[UserRecord]:
    """Builds the records of rows of the columns of :data:`COLUMNS`, in one loop.

    Every row of every page becomes a record, and a frozen dataclass's ``__init__`` sets
    each field with ``object.__setattr__``: filling the new instance's ``__dict__`` at once
    gives the same record (equal, same repr and hash) in well under half the time.
    """
    new, cls, names = _new_record, UserRecord, _FIELDS
    records: list[UserRecord] = []
    append = records.append
    for row in rows:
        record = new(cls)
        values = record.__dict__
        values.update(zip(names, row, strict=False))  # a joined row has more columns
        values["activated"] = bool(row[4])
        values["has_completed_labeling_tour"] = bool(row[9])
        append(record)
    return records


def conditions(
    organization_id: str, where: UserFilter, digest: Callable[[str], str]
) -> tuple[list[str], list[object]]:
    """The SQL conditions on ``users u`` selecting an organization's users matching a filter.

    Args:
        organization_id: Only this organization's users match.
        where: The filter, its email already normalised.
        digest: How the database digests an API key, for ``where.api_key``.

    Returns:
        The conditions, to join with ``AND``, and their parameters.
    """
    found = ["u.organization_id = ?"]
    params: list[object] = [organization_id]
    if where.id is not None:
        found.append("u.id = ?")
        params.append(where.id)
    if where.id_in is not None:
        found.append("u.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(where.id_in)))
    if where.email is not None:
        found.append("u.email = ?")
        params.append(where.email)
    if where.activated is not None:
        found.append("u.activated = ?")
        params.append(int(where.activated))
    if where.organization_id is not None:
        found.append("u.organization_id = ?")
        params.append(where.organization_id)
    if where.api_key is not None:
        found.append("u.id IN (SELECT user_id FROM api_keys WHERE digest = ?)")
        params.append(digest(where.api_key))
    return found, params


def find(
    db: sqlite3.Connection,
    organization_id: str,
    where: UserFilter,
    digest: Callable[[str], str],
    limit: int,
    offset: int,
) -> list[UserRecord]:
    """A page of an organization's users matching a filter, oldest first.

    The rows a page skips are walked in the index on (organization, creation date) alone,
    which holds the ordering key and the row id: only the page's own rows are read from
    the table. A plain ``LIMIT ... OFFSET`` read (and decoded) every skipped row, so a page
    far into a listing cost several times the first one.
    """
    found, params = conditions(organization_id, where, digest)
    rows = db.execute(
        f"SELECT {COLUMNS} FROM users u WHERE u.seq IN ("
        f"SELECT u.seq FROM users u WHERE {' AND '.join(found)} {ORDER} LIMIT ? OFFSET ?"
        f") {ORDER}",
        (*params, limit, offset),
    ).fetchall()
    return from_rows(rows)


def count(
    db: sqlite3.Connection,
    organization_id: str,
    where: UserFilter,
    digest: Callable[[str], str],
) -> int:
    """How many of an organization's users match a filter."""
    found, params = conditions(organization_id, where, digest)
    row = db.execute(f"SELECT COUNT(*) FROM users u WHERE {' AND '.join(found)}", params)
    return int(row.fetchone()[0])


def count_all(db: sqlite3.Connection) -> int:
    """How many users the database holds, in every organization."""
    return int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])


def by_ids(db: sqlite3.Connection, user_ids: Sequence[str]) -> dict[str, UserRecord]:
    """Users by id, in one query."""
    rows = db.execute(
        f"SELECT {COLUMNS} FROM users u WHERE u.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(user_ids)),),
    ).fetchall()
    return {row[0]: from_row(row) for row in rows}


def by_id(db: sqlite3.Connection, user_id: str) -> UserRecord:
    """The user with this id, which must exist."""
    row = db.execute(f"SELECT {COLUMNS} FROM users u WHERE u.id = ?", (user_id,)).fetchone()
    return from_row(row)


def by_email(db: sqlite3.Connection, email: str) -> UserRecord | None:
    """The user with this (normalised) email, in any organization."""
    row = db.execute(f"SELECT {COLUMNS} FROM users u WHERE u.email = ?", (email,)).fetchone()
    return None if row is None else from_row(row)


def id_by_email(db: sqlite3.Connection, email: str) -> str | None:
    """The id of the user with this (normalised) email."""
    row = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
    return None if row is None else str(row[0])


def in_organization(
    db: sqlite3.Connection, organization_id: str, limit: int = -1
) -> list[UserRecord]:
    """The users of an organization, oldest first: every one, or the first ``limit``."""
    rows = db.execute(
        f"SELECT {COLUMNS} FROM users u WHERE u.organization_id = ? {ORDER} LIMIT ?",
        (organization_id, limit),
    ).fetchall()
    return from_rows(rows)


def active_counts(db: sqlite3.Connection, organization_ids: Sequence[str]) -> dict[str, int]:
    """The number of activated users of each organization (0 when none), in one query."""
    counts = dict.fromkeys(organization_ids, 0)
    rows = db.execute(
        "SELECT organization_id, COUNT(*) FROM users "
        "WHERE activated = 1 AND organization_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY organization_id",
        (json.dumps(list(organization_ids)),),
    ).fetchall()
    counts.update({row[0]: int(row[1]) for row in rows})
    return counts


def other_active_admins(db: sqlite3.Connection, organization_id: str, user_id: str) -> int:
    """How many active ADMINs an organization has besides one user."""
    row = db.execute(
        "SELECT COUNT(*) FROM users WHERE organization_id = ? AND id != ? "
        "AND organization_role = 'ADMIN' AND activated = 1",
        (organization_id, user_id),
    ).fetchone()
    return int(row[0])


def insert(
    db: sqlite3.Connection,
    *,
    user_id: str,
    email: str,
    password_hash: str | None,
    organization_id: str,
    role: str,
    firstname: str | None,
    lastname: str | None,
    activated: bool,
    now: str,
) -> UserRecord:
    """Inserts a user.

    Raises:
        Conflict: When the email is taken.
    """
    try:
        db.execute(
            "INSERT INTO users (id, email, firstname, lastname, activated, created_at, "
            "updated_at, organization_id, organization_role, password_hash, "
            "has_completed_labeling_tour, hubspot_subscription_status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'UNSUBSCRIBED')",
            (
                user_id,
                email,
                firstname,
                lastname,
                int(activated),
                now,
                now,
                organization_id,
                role,
                password_hash,
            ),
        )
    except sqlite3.IntegrityError as error:
        raise Conflict(f"a user with email {email!r} already exists") from error
    return by_id(db, user_id)


def insert_seeded(
    db: sqlite3.Connection, organization_id: str, rows: Iterable[tuple[str, str, str]], now: str
) -> None:
    """Inserts seeded USER members without password, skipping emails already taken.

    Args:
        db: A connection inside a transaction.
        organization_id: Their organization.
        rows: ``(id, email, lastname)`` of each.
        now: Their creation time.
    """
    db.executemany(
        "INSERT OR IGNORE INTO users (id, email, firstname, lastname, activated, "
        "created_at, updated_at, organization_id, organization_role, password_hash, "
        "has_completed_labeling_tour, hubspot_subscription_status) "
        "VALUES (?, ?, 'Seed', ?, 1, ?, ?, ?, 'USER', NULL, 0, 'UNSUBSCRIBED')",
        ((user_id, email, last, now, now, organization_id) for user_id, email, last in rows),
    )


def update(db: sqlite3.Connection, user_id: str, changed: dict[str, object], now: str) -> None:
    """Sets some properties of a user (names as in :class:`UserRecord`)."""
    assignments = [f"{_UPDATABLE_COLUMNS[name]} = ?" for name in changed]
    values = [int(v) if isinstance(v, bool) else v for v in changed.values()]
    db.execute(
        f"UPDATE users SET {', '.join(assignments)}, updated_at = ? WHERE id = ?",
        (*values, now, user_id),
    )


def set_activated(db: sqlite3.Connection, email: str, activated: bool, now: str) -> bool:
    """Activates or deactivates the user with this (normalised) email; whether one exists."""
    updated = db.execute(
        "UPDATE users SET activated = ?, updated_at = ? WHERE email = ?",
        (int(activated), now, email),
    ).rowcount
    return bool(updated)


def password_hash(db: sqlite3.Connection, user_id: str) -> str | None:
    """A user's stored password hash, ``None`` when they have none."""
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
    return None if row is None else row[0]


def set_password_hash(
    db: sqlite3.Connection, user_id: str, new_hash: str, now: str, *, if_still: str | None = None
) -> bool:
    """Stores a new password hash.

    Args:
        db: A connection inside a transaction.
        user_id: The user.
        new_hash: The new hash.
        now: The time of the change.
        if_still: When given, change only if the stored hash is still this one
            (compare-and-set); ``None`` changes it whatever it is.

    Returns:
        Whether the hash was changed.
    """
    params: tuple[object, ...]
    if if_still is None:
        sql, params = (
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            (new_hash, now, user_id),
        )
    else:
        sql, params = (
            "UPDATE users SET password_hash = ?, updated_at = ? "
            "WHERE id = ? AND password_hash IS ?",
            (new_hash, now, user_id, if_still),
        )
    return bool(db.execute(sql, params).rowcount)
