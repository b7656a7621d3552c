"""The database: one SQLite file, its connections, transactions, tables and migrations.

Concurrency: every thread gets its own connection; the database runs in WAL mode, so
readers never block; writers take the write lock up front (``BEGIN IMMEDIATE``) and wait
for it up to a busy timeout, so concurrent writers never lose each other's updates.

Files: the database is created readable by its owner only (0600; SQLite gives its ``-wal``
and ``-shm`` files the same mode). API keys and reset tokens are stored as HMAC digests
under a secret which, by default, is made with the database and kept inside it (so a
database file works alone, as it always has). Given a secret from elsewhere (an
environment variable or a file, see ``kili-typed server serve --help``), a new database keeps only
a check value of it, so that a copy of the file alone cannot even test guessed keys.

This module knows nothing of users or permissions; the repositories hold the SQL of each
table, and the accounts service decides what may be done. It needs only the standard
library.
"""

from __future__ import annotations

import hmac
import os
import sqlite3
import threading
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

from kili_typed_server.core import limits, tokens

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


#: What the check value of an outside digest secret is computed over.
_SECRET_CHECK_LABEL = "kili-typed digest secret check"
#: Shortest outside digest secret accepted.
MIN_SECRET_LENGTH = 32


class DatabaseError(Exception):
    """The database file cannot be used; the message is one line for the operator."""


class DatabaseUnreachable(DatabaseError):
    """The file cannot be created or opened (missing directory, permissions...)."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a usable SQLite database."""


class DigestSecretError(DatabaseError):
    """The digest secret given does not fit the database (or is missing or unusable)."""


def _create_private(path: Path) -> None:
    # Created here, not by SQLite, so that it is never readable by others, not even for
    # a moment (SQLite would use the umask, usually 0644).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _secret_check(secret: str) -> str:
    return tokens.digest(secret, _SECRET_CHECK_LABEL)


def check_secret(secret: str) -> str:
    """Checks a digest secret given from outside the database.

    Args:
        secret: The secret, e.g. the content of a file.

    Returns:
        The secret, stripped of surrounding whitespace.

    Raises:
        DigestSecretError: When it is shorter than 32 characters or not printable ASCII.
    """
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH or not (secret.isascii() and secret.isprintable()):
        raise DigestSecretError(
            f"the digest secret must be at least {MIN_SECRET_LENGTH} printable ASCII "
            "characters (e.g. the output of: python -c 'import secrets; "
            "print(secrets.token_hex(32))')"
        )
    return secret


class Database:
    """One SQLite file, with a connection per thread.

    Opening it creates the file (mode 0600) and its tables when missing, records the
    schema version and makes the secret under which keys and tokens are digested, unless
    one is given.

    Args:
        path: The database file.
        secret: The digest secret, when kept outside the database (see
            :func:`check_secret`); ``None`` (the default) keeps it inside.

    Raises:
        DatabaseUnreachable: When the file cannot be created or opened.
        DatabaseCorrupt: When it is not a SQLite database.
        DigestSecretError: When ``secret`` is not the one this database was made with, or
            is missing for a database made with one.
    """

    def __init__(self, path: str | Path, *, secret: str | None = None) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            _create_private(self.path)
            self.connection().execute("PRAGMA journal_mode=WAL")
            with self.transaction() as db:
                self._secret = self._prepare(db, secret)
        except OSError as error:
            self.close()
            raise DatabaseUnreachable(
                f"cannot create the database {self.path}: {error.strerror or error}"
            ) from None
        except sqlite3.DatabaseError as error:
            self.close()
            if isinstance(error, sqlite3.OperationalError) and "unable to open" in str(error):
                raise DatabaseUnreachable(
                    f"cannot open the database {self.path}: {error}"
                ) from None
            raise DatabaseCorrupt(
                f"{self.path} is not a usable SQLite database ({error}); "
                "restore it from a backup or give another file"
            ) from None
        except DatabaseError:
            self.close()
            raise

    def _prepare(self, db: sqlite3.Connection, secret: str | None) -> str:
        # Not executescript: it would commit the transaction half-way.
        for statement in _DDL.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
            (SCHEMA_VERSION,),
        )
        inside = get_meta(db, "digest_secret")
        check = get_meta(db, "digest_secret_check")
        if secret is None:
            if inside is not None:
                return inside
            if check is not None:
                raise DigestSecretError(
                    f"{self.path} was made with a digest secret kept outside it; give it "
                    "(KILI_TYPED_DIGEST_SECRET or --digest-secret-file)"
                )
            inside = tokens.new_secret()
            set_meta(db, "digest_secret", inside)
            return inside
        secret = check_secret(secret)
        if inside is not None:
            if not hmac.compare_digest(inside, secret):
                raise DigestSecretError(
                    f"{self.path} keeps its own digest secret, and the one given differs; "
                    "give none to use it"
                )
            return secret
        if check is None:
            set_meta(db, "digest_secret_check", _secret_check(secret))
        elif not hmac.compare_digest(check, _secret_check(secret)):
            raise DigestSecretError(
                f"the digest secret given is not the one {self.path} was made with"
            )
        return secret

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (autocommit outside transactions).

        Inside :meth:`without_waiting`, the thread's connection that never waits.

        Raises:
            RuntimeError: When the database is closed.
        """
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if getattr(local, "no_wait", False):
            conn = getattr(local, "no_wait_conn", None)
            if conn is None:
                conn = local.no_wait_conn = self._open(busy_timeout_ms=0)
        elif conn is None:
            conn = local.conn = self._open(busy_timeout_ms=limits.SQLITE_BUSY_TIMEOUT_MS)
        return conn

    def _open(self, *, busy_timeout_ms: int) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("the store is closed")
        conn = sqlite3.connect(
            self.path,
            isolation_level=None,
            check_same_thread=False,
            timeout=busy_timeout_ms / 1000,
        )
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._connections.append(conn)
        return conn

    @contextmanager
    def without_waiting(self) -> Generator[None, None, None]:
        """Within the block, this thread's queries never wait for SQLite's lock.

        For reads on the event loop's thread, which must never wait: a query that would
        wait raises ``sqlite3.OperationalError`` (``database is locked``) at once instead,
        and the caller runs it again in a worker thread. The thread uses a connection of
        its own for it, without busy timeout. Not for writes.
        """
        self._local.no_wait = True
        try:
            yield
        finally:
            self._local.no_wait = False

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
