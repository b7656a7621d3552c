"""The SQL of the ``organizations`` table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from kili_typed_server.core.records import OrganizationRecord

COLUMNS = "o.id, o.name, o.matching_domain, o.is_allowed_to_submit_new_labels, o.created_at"


def from_row(row: Sequence[Any]) -> OrganizationRecord:
    """Builds a record from the columns of :data:`COLUMNS`."""
    return OrganizationRecord(
        id=row[0],
        name=row[1],
        matching_domain=row[2],
        is_allowed_to_submit_new_labels=bool(row[3]),
        created_at=row[4],
    )


def insert(db: sqlite3.Connection, organization_id: str, name: str, now: str) -> None:
    """Inserts an organization."""
    db.execute(
        "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
        (organization_id, name, now),
    )


def by_ids(
    db: sqlite3.Connection, organization_ids: Sequence[str]
) -> dict[str, OrganizationRecord]:
    """Organizations by id, in one query."""
    rows = db.execute(
        f"SELECT {COLUMNS} FROM organizations o WHERE o.id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(organization_ids)),),
    ).fetchall()
    return {row[0]: from_row(row) for row in rows}


def by_id(db: sqlite3.Connection, organization_id: str) -> OrganizationRecord:
    """The organization with this id, which must exist."""
    row = db.execute(
        f"SELECT {COLUMNS} FROM organizations o WHERE o.id = ?", (organization_id,)
    ).fetchone()
    return from_row(row)


def exists(db: sqlite3.Connection, organization_id: str) -> bool:
    """Whether an organization has this id."""
    found = db.execute("SELECT 1 FROM organizations WHERE id = ?", (organization_id,))
    return found.fetchone() is not None


def first_id(db: sqlite3.Connection) -> str | None:
    """The id of the organization created first, ``None`` when there is none."""
    row = db.execute("SELECT id FROM organizations ORDER BY seq LIMIT 1").fetchone()
    return None if row is None else str(row[0])
