"""The SQL of the ``password_resets`` outbox. Tokens are kept only as digests."""

from __future__ import annotations

import sqlite3


def insert(
    db: sqlite3.Connection,
    *,
    reset_id: str,
    user_id: str,
    requested_by: str,
    token_digest: str,
    created_at: str,
    expires_at: str,
) -> None:
    """Records a reset request."""
    db.execute(
        "INSERT INTO password_resets (id, user_id, requested_by, token_digest, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (reset_id, user_id, requested_by, token_digest, created_at, expires_at),
    )


def user_of_valid_token(db: sqlite3.Connection, token_digest: str, now: str) -> str | None:
    """The user whose unused, unexpired reset token has this digest."""
    row = db.execute(
        "SELECT user_id FROM password_resets "
        "WHERE token_digest = ? AND used_at IS NULL AND expires_at > ?",
        (token_digest, now),
    ).fetchone()
    return None if row is None else str(row[0])


def use_all(db: sqlite3.Connection, user_id: str, now: str) -> None:
    """Marks every pending reset of a user used: a password change ends them all."""
    db.execute(
        "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
        (now, user_id),
    )


def purge(db: sqlite3.Connection, now: str) -> int:
    """Deletes the resets that can no longer be used: used or expired. Returns how many."""
    cursor = db.execute(
        "DELETE FROM password_resets WHERE used_at IS NOT NULL OR expires_at <= ?", (now,)
    )
    return cursor.rowcount


def pending_count(db: sqlite3.Connection, user_id: str, now: str) -> int:
    """How many of a user's resets are unused and unexpired."""
    row = db.execute(
        "SELECT COUNT(*) FROM password_resets "
        "WHERE user_id = ? AND used_at IS NULL AND expires_at > ?",
        (user_id, now),
    ).fetchone()
    return int(row[0])
