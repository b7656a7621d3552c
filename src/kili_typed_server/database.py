"""The database: one SQLite file, its connections, transactions, tables and migrations.

Concurrency: every thread gets its own connection; the database runs in WAL mode, so
readers never block; writers take the write lock up front (``BEGIN IMMEDIATE``) and wait
for it up to a busy timeout, so concurrent writers never lose each other's updates.

This module knows nothing of users or permissions; the repositories hold the SQL of each
table, and the accounts service decides what may be done. It needs only the standard
library.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

from kili_typed_server import limits, tokens

SCHEMA_VERSION = "1"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organizations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    matching_domain TEXT,
    is_allowed_to_submit_new_labels INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    firstname TEXT,
    lastname TEXT,
    activated INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    organization_role TEXT NOT NULL,
    password_hash TEXT,
    has_completed_labeling_tour INTEGER NOT NULL DEFAULT 0,
    hubspot_subscription_status TEXT
);
CREATE INDEX IF NOT EXISTS users_by_organization_and_creation
    ON users(organization_id, created_at, seq);
CREATE TABLE IF NOT EXISTS api_keys (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    last4 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS api_keys_by_user_and_creation ON api_keys(user_id, created_at, seq);
CREATE TABLE IF NOT EXISTS password_resets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    requested_by TEXT NOT NULL REFERENCES users(id),
    token_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
"""


class Database:
    """One SQLite file, with a connection per thread.

    Opening it creates the file and its tables when missing, records the schema version
    and makes the per-database secret under which keys and tokens are digested.

    Args:
        path: The database file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self.connection().execute("PRAGMA journal_mode=WAL")
        with self.transaction() as db:
            # Not executescript: it would commit the transaction half-way.
            for statement in _DDL.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )
            db.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('digest_secret', ?)",
                (tokens.new_secret(),),
            )
            secret = get_meta(db, "digest_secret")
        assert secret is not None
        self._secret = secret

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (autocommit outside transactions).

        Raises:
            RuntimeError: When the database is closed.
        """
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError("the store is closed")
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=limits.SQLITE_BUSY_TIMEOUT_MS / 1000,
            )
            conn.execute(f"PRAGMA busy_timeout={limits.SQLITE_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Generator[sqlite3.Connection, None, None]:
        """A write transaction: the write lock is taken up front, and released by a
        commit, or by a rollback when the block raises.

        Yields:
            This thread's connection, inside the transaction.
        """
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def digest(self, value: str) -> str:
        """The keyed digest under which this database stores an API key or a reset token.

        Args:
            value: The key or token.

        Returns:
            Its HMAC-SHA256 under the database's secret, as 64 hexadecimal characters.
        """
        return tokens.digest(self._secret, value)

    def close(self) -> None:
        """Closes every connection opened, in any thread."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()


def get_meta(db: sqlite3.Connection, key: str) -> str | None:
    """Reads a value of the ``meta`` table.

    Args:
        db: A connection.
        key: The key, e.g. ``bootstrap_admin_id``.

    Returns:
        The value, or ``None`` when unset.
    """
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    """Sets a value of the ``meta`` table that is not set yet.

    Args:
        db: A connection inside a transaction.
        key: The key.
        value: The value.
    """
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
