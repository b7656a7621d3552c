"""The local server's storage: organizations, users, API keys and password resets in SQLite.

:class:`Store` is also the operator's in-process admin API (``Store(path).create_user(...)``,
``create_api_key(...)``), used by ``kili-typed keys`` and by tests. It needs only the
standard library.

Concurrency: every thread gets its own connection; the database runs in WAL mode, so
readers never block; writers take the write lock up front (``BEGIN IMMEDIATE``) and wait
for it up to a busy timeout, so concurrent writers never lose each other's updates.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from kili_typed_server import limits, policy, security
from kili_typed_server.clock import Clock, format_datetime, utc_now
from kili_typed_server.errors import BadUserInput, Conflict, Forbidden, NotFound
from kili_typed_server.policy import UserChanges
from kili_typed_server.records import (
    ApiKeyFilter,
    ApiKeyRecord,
    Bootstrap,
    Caller,
    OrganizationRecord,
    UserFilter,
    UserRecord,
)

logger = logging.getLogger("kili_typed_server")

SCHEMA_VERSION = "1"
DEFAULT_ADMIN_EMAIL = "admin@kili-local.test"
DEFAULT_ORGANIZATION_NAME = "Local organization"

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

_USER_COLUMNS = (
    "u.id, u.email, u.firstname, u.lastname, u.activated, u.created_at, u.updated_at, "
    "u.organization_id, u.organization_role, u.has_completed_labeling_tour, "
    "u.hubspot_subscription_status"
)
_KEY_COLUMNS = "k.id, k.user_id, k.name, k.last4, k.created_at, k.expiry_date, k.revoked"
_ORG_COLUMNS = "o.id, o.name, o.matching_domain, o.is_allowed_to_submit_new_labels, o.created_at"
_USER_ORDER = "ORDER BY u.created_at, u.seq"
_KEY_ORDER = "ORDER BY k.created_at, k.seq"

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


def _user(row: Sequence[Any]) -> UserRecord:
    return UserRecord(
        id=row[0],
        email=row[1],
        firstname=row[2],
        lastname=row[3],
        activated=bool(row[4]),
        created_at=row[5],
        updated_at=row[6],
        organization_id=row[7],
        organization_role=row[8],
        has_completed_labeling_tour=bool(row[9]),
        hubspot_subscription_status=row[10],
    )


def _key(row: Sequence[Any]) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row[0],
        user_id=row[1],
        name=row[2],
        last4=row[3],
        created_at=row[4],
        expiry_date=row[5],
        revoked=bool(row[6]),
    )


def _organization(row: Sequence[Any]) -> OrganizationRecord:
    return OrganizationRecord(
        id=row[0],
        name=row[1],
        matching_domain=row[2],
        is_allowed_to_submit_new_labels=bool(row[3]),
        created_at=row[4],
    )


def _new_id() -> str:
    return str(uuid.uuid4())


def seed_email(n: int) -> str:
    """The email of the ``n``-th user :meth:`Store.seed_users` creates (from 1)."""
    return f"seed-{n:06d}@seed.kili-local.test"


def _page(first: int | None, skip: int | None) -> tuple[int, int]:
    limit = limits.DEFAULT_PAGE_SIZE if first is None else first
    offset = 0 if skip is None else skip
    if not 0 <= limit <= limits.MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 0 and {limits.MAX_PAGE_SIZE}, got {limit}")
    if offset < 0:
        raise BadUserInput(f"skip must be 0 or more, got {offset}")
    return limit, offset


class Store:
    """Organizations, users and API keys kept in one SQLite file.

    Args:
        path: The database file; created with its tables when missing.
        clock: Returns the current time; tests pass a fake one to check expiry.

    Examples:
        >>> store = Store("kili-local.db")  # doctest: +SKIP
        >>> key, _ = store.create_api_key("jane@example.com", name="CI")  # doctest: +SKIP
    """

    def __init__(self, path: str | Path, *, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        conn = self._conn()
        conn.execute("PRAGMA journal_mode=WAL")
        with self._write() as db:
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
                (security.new_secret(),),
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'digest_secret'").fetchone()
        self._secret: str = row[0]

    # -- connections and transactions -------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
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
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Closes every connection the store opened, in any thread."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _now(self) -> str:
        return format_datetime(self._clock())

    def _digest(self, value: str) -> str:
        return security.digest(self._secret, value)

    # -- filters ----------------------------------------------------------------------

    def _user_conditions(
        self, organization_id: str, where: UserFilter
    ) -> tuple[list[str], list[object]]:
        conditions = ["u.organization_id = ?"]
        params: list[object] = [organization_id]
        if where.id is not None:
            conditions.append("u.id = ?")
            params.append(where.id)
        if where.id_in is not None:
            if len(where.id_in) > limits.MAX_ID_IN:
                raise BadUserInput(
                    f"idIn holds {len(where.id_in)} ids; at most {limits.MAX_ID_IN} accepted"
                )
            conditions.append("u.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(where.id_in)))
        if where.email is not None:
            conditions.append("u.email = ?")
            params.append(policy.normalize_email(where.email))
        if where.activated is not None:
            conditions.append("u.activated = ?")
            params.append(int(where.activated))
        if where.organization_id is not None:
            conditions.append("u.organization_id = ?")
            params.append(where.organization_id)
        if where.api_key is not None:
            conditions.append("u.id IN (SELECT user_id FROM api_keys WHERE digest = ?)")
            params.append(self._digest(where.api_key))
        return conditions, params

    def _key_conditions(
        self, organization_id: str, visible_user_id: str | None, where: ApiKeyFilter
    ) -> tuple[list[str], list[object]]:
        conditions, params = self._user_conditions(organization_id, where.user or UserFilter())
        if visible_user_id is not None:
            conditions.append("k.user_id = ?")
            params.append(visible_user_id)
        if where.id is not None:
            conditions.append("k.id = ?")
            params.append(where.id)
        if where.key is not None:
            conditions.append("k.digest = ?")
            params.append(self._digest(where.key))
        return conditions, params

    # -- reads ------------------------------------------------------------------------

    def authenticate(self, api_key: str) -> Caller | None:
        """Finds the caller owning an API key.

        Args:
            api_key: The key from the request header.

        Returns:
            The caller, or ``None`` when the key is unknown, revoked, expired, or belongs
            to a deactivated user. The reason is deliberately not told.
        """
        if not api_key or len(api_key) > limits.MAX_API_KEY_LENGTH:
            return None
        row = (
            self._conn()
            .execute(
                f"SELECT {_USER_COLUMNS}, k.id FROM api_keys k JOIN users u ON u.id = k.user_id "
                "WHERE k.digest = ? AND k.revoked = 0 AND k.expiry_date > ? AND u.activated = 1",
                (self._digest(api_key), self._now()),
            )
            .fetchone()
        )
        if row is None:
            return None
        return Caller(user=_user(row), api_key_id=row[-1])

    def find_users(
        self,
        organization_id: str,
        where: UserFilter,
        first: int | None = None,
        skip: int | None = None,
    ) -> list[UserRecord]:
        """Lists the users of an organization matching a filter, by creation date.

        Args:
            organization_id: Only users of this organization are visible.
            where: The filter.
            first: Page size, 0 to 100 (default 100).
            skip: Number of matching users to skip (default 0).

        Returns:
            The page of users, oldest first.

        Raises:
            BadUserInput: When ``first`` or ``skip`` is out of range.
        """
        limit, offset = _page(first, skip)
        conditions, params = self._user_conditions(organization_id, where)
        rows = (
            self._conn()
            .execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE {' AND '.join(conditions)} "
                f"{_USER_ORDER} LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            .fetchall()
        )
        return [_user(row) for row in rows]

    def count_users(self, organization_id: str, where: UserFilter) -> int:
        """Counts the users :meth:`find_users` would list over all pages.

        Args:
            organization_id: Only users of this organization are visible.
            where: The filter.

        Returns:
            The number of matching users.
        """
        conditions, params = self._user_conditions(organization_id, where)
        row = (
            self._conn()
            .execute(f"SELECT COUNT(*) FROM users u WHERE {' AND '.join(conditions)}", params)
            .fetchone()
        )
        return int(row[0])

    def users_by_ids(self, user_ids: Sequence[str]) -> dict[str, UserRecord]:
        """Fetches users by id in one query.

        Args:
            user_ids: The ids.

        Returns:
            The users found, by id.
        """
        rows = (
            self._conn()
            .execute(
                f"SELECT {_USER_COLUMNS} FROM users u "
                "WHERE u.id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(user_ids)),),
            )
            .fetchall()
        )
        return {row[0]: _user(row) for row in rows}

    def organization_users(self, organization_id: str) -> list[UserRecord]:
        """Lists every user of an organization, by creation date.

        Args:
            organization_id: The organization.

        Returns:
            Its users, oldest first.
        """
        rows = (
            self._conn()
            .execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE u.organization_id = ? {_USER_ORDER}",
                (organization_id,),
            )
            .fetchall()
        )
        return [_user(row) for row in rows]

    def get_user(self, email: str) -> UserRecord | None:
        """Finds a user by email, in any organization.

        Args:
            email: The email (any case, surrounding spaces ignored).

        Returns:
            The user, or ``None``.
        """
        row = (
            self._conn()
            .execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE u.email = ?",
                (policy.normalize_email(email),),
            )
            .fetchone()
        )
        return None if row is None else _user(row)

    def organizations_by_ids(
        self, organization_ids: Sequence[str]
    ) -> dict[str, OrganizationRecord]:
        """Fetches organizations by id in one query.

        Args:
            organization_ids: The ids.

        Returns:
            The organizations found, by id.
        """
        rows = (
            self._conn()
            .execute(
                f"SELECT {_ORG_COLUMNS} FROM organizations o "
                "WHERE o.id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(organization_ids)),),
            )
            .fetchall()
        )
        return {row[0]: _organization(row) for row in rows}

    def active_users_counts(self, organization_ids: Sequence[str]) -> dict[str, int]:
        """Counts the activated users of organizations in one query.

        Args:
            organization_ids: The organizations.

        Returns:
            The number of activated users, by organization id (0 when none).
        """
        counts = dict.fromkeys(organization_ids, 0)
        rows = (
            self._conn()
            .execute(
                "SELECT organization_id, COUNT(*) FROM users "
                "WHERE activated = 1 AND organization_id IN (SELECT value FROM json_each(?)) "
                "GROUP BY organization_id",
                (json.dumps(list(organization_ids)),),
            )
            .fetchall()
        )
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    def api_keys_by_user(self, user_ids: Sequence[str]) -> dict[str, list[ApiKeyRecord]]:
        """Fetches the API keys of several users in one query.

        Args:
            user_ids: The users.

        Returns:
            Each user's keys, oldest first (an empty list when none).
        """
        result: dict[str, list[ApiKeyRecord]] = {user_id: [] for user_id in user_ids}
        rows = (
            self._conn()
            .execute(
                f"SELECT {_KEY_COLUMNS} FROM api_keys k "
                f"WHERE k.user_id IN (SELECT value FROM json_each(?)) {_KEY_ORDER}",
                (json.dumps(list(user_ids)),),
            )
            .fetchall()
        )
        for row in rows:
            result[row[1]].append(_key(row))
        return result

    def find_api_keys(
        self,
        organization_id: str,
        where: ApiKeyFilter,
        first: int | None = None,
        skip: int | None = None,
        *,
        visible_user_id: str | None = None,
    ) -> list[ApiKeyRecord]:
        """Lists API keys of an organization's users matching a filter, oldest first.

        Args:
            organization_id: Only keys of this organization's users are visible.
            where: The filter.
            first: Page size, 0 to 100 (default 100).
            skip: Number of matching keys to skip (default 0).
            visible_user_id: When given, only this user's keys are visible.

        Returns:
            The page of keys.
        """
        limit, offset = _page(first, skip)
        conditions, params = self._key_conditions(organization_id, visible_user_id, where)
        rows = (
            self._conn()
            .execute(
                f"SELECT {_KEY_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id "
                f"WHERE {' AND '.join(conditions)} {_KEY_ORDER} LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
            .fetchall()
        )
        return [_key(row) for row in rows]

    def count_api_keys(
        self, organization_id: str, where: ApiKeyFilter, *, visible_user_id: str | None = None
    ) -> int:
        """Counts the keys :meth:`find_api_keys` would list over all pages.

        Args:
            organization_id: Only keys of this organization's users are visible.
            where: The filter.
            visible_user_id: When given, only this user's keys are visible.

        Returns:
            The number of matching keys.
        """
        conditions, params = self._key_conditions(organization_id, visible_user_id, where)
        row = (
            self._conn()
            .execute(
                "SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id "
                f"WHERE {' AND '.join(conditions)}",
                params,
            )
            .fetchone()
        )
        return int(row[0])

    def list_api_keys(self, email: str | None = None) -> list[tuple[UserRecord, ApiKeyRecord]]:
        """Lists keys for the operator, with their owners.

        Args:
            email: Only this user's keys when given.

        Returns:
            ``(owner, key)`` pairs, oldest key first.
        """
        sql = (
            f"SELECT {_USER_COLUMNS}, {_KEY_COLUMNS} "
            "FROM api_keys k JOIN users u ON u.id = k.user_id"
        )
        params: tuple[object, ...] = ()
        if email is not None:
            sql += " WHERE u.email = ?"
            params = (policy.normalize_email(email),)
        rows = self._conn().execute(f"{sql} {_KEY_ORDER}", params).fetchall()
        return [(_user(row[:11]), _key(row[11:])) for row in rows]

    # -- writes -----------------------------------------------------------------------

    def _one_user(
        self, db: sqlite3.Connection, organization_id: str, where: UserFilter
    ) -> UserRecord:
        conditions, params = self._user_conditions(organization_id, where)
        rows = db.execute(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE {' AND '.join(conditions)} "
            f"{_USER_ORDER} LIMIT 2",
            params,
        ).fetchall()
        if not rows:
            raise NotFound("no user of your organization matches where")
        if len(rows) > 1:
            raise BadUserInput("where matches several users; select one, e.g. by email or id")
        return _user(rows[0])

    def _insert_user(
        self,
        db: sqlite3.Connection,
        *,
        email: str,
        password_hash: str | None,
        organization_id: str,
        role: str,
        firstname: str | None,
        lastname: str | None,
        activated: bool,
    ) -> UserRecord:
        if db.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
            raise Conflict(f"a user with email {email!r} already exists")
        if not db.execute(
            "SELECT 1 FROM organizations WHERE id = ?", (organization_id,)
        ).fetchone():
            raise NotFound(f"no organization with id {organization_id!r}")
        now = self._now()
        user_id = _new_id()
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
        row = db.execute(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (user_id,)
        ).fetchone()
        return _user(row)

    def create_organization(self, name: str) -> OrganizationRecord:
        """Creates an organization.

        Args:
            name: Its name.

        Returns:
            The new organization.
        """
        policy.validate_name(name, "name")
        org_id = _new_id()
        with self._write() as db:
            db.execute(
                "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
                (org_id, name, self._now()),
            )
        return self.organizations_by_ids([org_id])[org_id]

    def default_organization_id(self) -> str:
        """Returns the id of the organization created first.

        Raises:
            NotFound: When there is no organization yet.
        """
        row = self._conn().execute("SELECT id FROM organizations ORDER BY seq LIMIT 1").fetchone()
        if row is None:
            raise NotFound("the database has no organization yet; start the server once")
        return str(row[0])

    def create_user(
        self,
        email: str,
        password: str | None,
        *,
        organization_role: str = policy.USER,
        organization_id: str | None = None,
        firstname: str | None = None,
        lastname: str | None = None,
        activated: bool = True,
        check_password: bool = True,
    ) -> UserRecord:
        """Creates a user.

        Args:
            email: Their email; normalised (stripped, lower-cased) and validated.
            password: Their password, stored as a salted scrypt hash; ``None`` creates an
                account nobody can log into with a password (handy to seed many users).
            organization_role: ``ADMIN`` or ``USER``.
            organization_id: Their organization; the first one by default.
            firstname: Their first name.
            lastname: Their last name.
            activated: Whether they may use the API.
            check_password: Whether to enforce the strength rule on ``password``.

        Returns:
            The new user.

        Raises:
            BadUserInput: When an argument is invalid.
            Conflict: When the email is taken (whatever its case).
        """
        normalized = policy.validate_email(email)
        policy.validate_role(organization_role)
        policy.validate_name(firstname, "firstname")
        policy.validate_name(lastname, "lastname")
        password_hash = None
        if password is not None:
            if check_password and not security.is_strong_password(password):
                raise BadUserInput(f"the password must have {security.PASSWORD_RULE}")
            password_hash = security.hash_password(password)
        with self._write() as db:
            return self._insert_user(
                db,
                email=normalized,
                password_hash=password_hash,
                organization_id=organization_id or self.default_organization_id(),
                role=organization_role,
                firstname=firstname,
                lastname=lastname,
                activated=activated,
            )

    def update_user(
        self, caller: UserRecord, where: UserFilter, changes: UserChanges
    ) -> UserRecord:
        """Changes the non-null properties in ``changes`` of the one user ``where`` selects.

        Args:
            caller: Who asks; the permission rules of ``policy.py`` apply.
            where: Selects exactly one user of the caller's organization.
            changes: The properties to change; ``None`` leaves one as it is.

        Returns:
            The user after the change.

        Raises:
            NotFound: When no user matches.
            BadUserInput: When several users match, a value is invalid, or the change would
                leave the organization without an active ADMIN.
            Forbidden: When the caller may not make a change.
            Conflict: When the new email is taken.
        """
        if changes.email is not None:
            changes = replace(changes, email=policy.validate_email(changes.email))
        if changes.organization_role is not None:
            policy.validate_role(changes.organization_role)
        policy.validate_name(changes.firstname, "firstname")
        policy.validate_name(changes.lastname, "lastname")
        if (
            changes.hubspot_subscription_status is not None
            and changes.hubspot_subscription_status not in policy.HUBSPOT_STATUSES
        ):
            raise BadUserInput("hubspotSubscriptionStatus must be SUBSCRIBED or UNSUBSCRIBED")
        with self._write() as db:
            target = self._one_user(db, caller.organization_id, where)
            changed = changes.differing_from(target)
            policy.check_update_allowed(caller, target, changed)
            if not changed:
                return target
            if (
                "email" in changed
                and db.execute(
                    "SELECT 1 FROM users WHERE email = ?", (changed["email"],)
                ).fetchone()
            ):
                raise Conflict(f"a user with email {changed['email']!r} already exists")
            if policy.loses_admin(target, changed):
                others = db.execute(
                    "SELECT COUNT(*) FROM users WHERE organization_id = ? AND id != ? "
                    "AND organization_role = 'ADMIN' AND activated = 1",
                    (target.organization_id, target.id),
                ).fetchone()[0]
                if not others:
                    raise BadUserInput(
                        "this change would leave the organization without an active ADMIN; "
                        "make another user ADMIN first"
                    )
            assignments = [f"{_UPDATABLE_COLUMNS[name]} = ?" for name in changed]
            values = [int(v) if isinstance(v, bool) else v for v in changed.values()]
            db.execute(
                f"UPDATE users SET {', '.join(assignments)}, updated_at = ? WHERE id = ?",
                (*values, self._now(), target.id),
            )
            row = db.execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (target.id,)
            ).fetchone()
            return _user(row)

    def seed_users(self, count: int, *, organization_id: str | None = None) -> int:
        """Makes sure ``count`` seeded users exist, creating the missing ones in bulk.

        Seeded users are USER-role members named ``Seed User <n>`` with the emails
        ``seed-<n>@seed.kili-local.test`` (``n`` from 1 to ``count``, six digits or more)
        and no password, so nobody can log in as one; they exist to be listed and counted.
        They are written in one transaction without hashing anything, so 100,000 take
        seconds. Seeding again with the same or a smaller count creates nothing.

        Args:
            count: How many seeded users should exist.
            organization_id: Their organization; the first one by default.

        Returns:
            The number of users created now.

        Raises:
            BadUserInput: When ``count`` is negative.
            NotFound: When the organization does not exist.
        """
        if count < 0:
            raise BadUserInput(f"the number of users to seed must be 0 or more, got {count}")
        with self._write() as db:
            org_id = organization_id or self.default_organization_id()
            if not db.execute("SELECT 1 FROM organizations WHERE id = ?", (org_id,)).fetchone():
                raise NotFound(f"no organization with id {org_id!r}")
            before = int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])
            now = self._now()
            db.executemany(
                "INSERT OR IGNORE INTO users (id, email, firstname, lastname, activated, "
                "created_at, updated_at, organization_id, organization_role, password_hash, "
                "has_completed_labeling_tour, hubspot_subscription_status) "
                "VALUES (?, ?, 'Seed', ?, 1, ?, ?, ?, 'USER', NULL, 0, 'UNSUBSCRIBED')",
                (
                    (_new_id(), seed_email(n), f"User {n}", now, now, org_id)
                    for n in range(1, count + 1)
                ),
            )
            after = int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])
        return after - before

    def set_activated(self, email: str, activated: bool) -> UserRecord:
        """Activates or deactivates a user, as the operator (no permission check).

        Args:
            email: The user's email.
            activated: The new state.

        Returns:
            The user after the change.

        Raises:
            NotFound: When no user has this email.
        """
        with self._write() as db:
            updated = db.execute(
                "UPDATE users SET activated = ?, updated_at = ? WHERE email = ?",
                (int(activated), self._now(), policy.normalize_email(email)),
            ).rowcount
        if not updated:
            raise NotFound(f"no user with email {email!r}")
        user = self.get_user(email)
        assert user is not None
        return user

    def _password_hash(self, user_id: str) -> str | None:
        row = (
            self._conn()
            .execute("SELECT password_hash FROM users WHERE id = ?", (user_id,))
            .fetchone()
        )
        return None if row is None else row[0]

    def update_password(
        self,
        caller: UserRecord,
        where: UserFilter,
        old_password: str,
        new_password_1: str,
        new_password_2: str,
    ) -> UserRecord:
        """Changes the caller's own password.

        Args:
            caller: Who asks.
            where: Must select the caller's own account.
            old_password: The current password.
            new_password_1: The new password.
            new_password_2: The new password again.

        Returns:
            The caller after the change.

        Raises:
            Forbidden: When ``where`` selects anyone but the caller.
            BadUserInput: When the old password is wrong, the new ones differ or the new
                one is too weak; one message for all, which says what is required.
        """
        matches = self.find_users(caller.organization_id, where, first=2)
        if [user.id for user in matches] != [caller.id]:
            raise Forbidden(
                "updatePassword changes only your own password: select your own account"
            )
        stored = self._password_hash(caller.id)
        if not (
            new_password_1 == new_password_2
            and security.is_strong_password(new_password_1)
            and len(old_password) <= limits.MAX_PASSWORD_LENGTH
            and security.verify_password(old_password, stored)
        ):
            raise BadUserInput(
                "password not changed: give your current password, and the new password "
                f"twice, identical, with {security.PASSWORD_RULE}"
            )
        new_hash = security.hash_password(new_password_1)
        with self._write() as db:
            # Compare-and-set: a concurrent change of the same password wins only once.
            updated = db.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? "
                "WHERE id = ? AND password_hash IS ?",
                (new_hash, self._now(), caller.id, stored),
            ).rowcount
            if not updated:
                raise BadUserInput("password not changed: it was changed meanwhile; try again")
            db.execute(
                "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                (self._now(), caller.id),
            )
            row = db.execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (caller.id,)
            ).fetchone()
        return _user(row)

    def request_password_reset(self, caller: UserRecord, where: UserFilter) -> UserRecord:
        """Issues a single-use, expiring password-reset token for one user.

        The token is stored only as a digest in the ``password_resets`` outbox and written
        once to the ``kili_typed_server`` log for the operator to pass on (a real
        deployment would email it). It is never returned by the API.

        Args:
            caller: Who asks; anyone may reset their own password, only an ADMIN another's.
            where: Selects exactly one user of the caller's organization.

        Returns:
            The user whose password may now be reset.

        Raises:
            NotFound: When no user matches.
            Forbidden: When a USER asks for another user.
        """
        token = security.generate_reset_token()
        now = self._clock()
        expires = now + timedelta(minutes=limits.RESET_TOKEN_VALIDITY_MINUTES)
        with self._write() as db:
            target = self._one_user(db, caller.organization_id, where)
            if target.id != caller.id:
                policy.require_admin(caller, "reset another user's password")
            db.execute(
                "INSERT INTO password_resets (id, user_id, requested_by, token_digest, "
                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _new_id(),
                    target.id,
                    caller.id,
                    self._digest(token),
                    format_datetime(now),
                    format_datetime(expires),
                ),
            )
        logger.warning(
            "password reset for %s requested by %s; single-use token %s valid until %s; "
            "complete it with: kili-typed server reset-password --db %s --token-stdin",
            target.email,
            caller.email,
            token,
            format_datetime(expires),
            self.path,
        )
        return target

    def complete_password_reset(self, token: str, new_password: str) -> UserRecord:
        """Sets a new password with a reset token, which is then used up.

        Args:
            token: The token from the log line of :meth:`request_password_reset`.
            new_password: The new password.

        Returns:
            The user whose password changed.

        Raises:
            BadUserInput: When the token is unknown, used or expired, or the password weak.
        """
        if not security.is_strong_password(new_password):
            raise BadUserInput(f"the password must have {security.PASSWORD_RULE}")
        new_hash = security.hash_password(new_password)
        now = self._now()
        with self._write() as db:
            row = db.execute(
                "SELECT id, user_id FROM password_resets "
                "WHERE token_digest = ? AND used_at IS NULL AND expires_at > ?",
                (self._digest(token), now),
            ).fetchone()
            if row is None:
                raise BadUserInput("this reset token is unknown, already used or expired")
            db.execute(
                "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
                (now, row[1]),
            )
            db.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                (new_hash, now, row[1]),
            )
            user_row = db.execute(
                f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (row[1],)
            ).fetchone()
        return _user(user_row)

    def check_password(self, email: str, password: str) -> bool:
        """Tells whether a user's password is this one (for tests and the operator).

        Args:
            email: The user's email.
            password: The candidate password.

        Returns:
            Whether it matches.
        """
        user = self.get_user(email)
        return user is not None and security.verify_password(password, self._password_hash(user.id))

    def _insert_key(
        self,
        db: sqlite3.Connection,
        user_id: str,
        key: str,
        name: str,
        expires_in_days: float,
    ) -> ApiKeyRecord:
        now = self._clock()
        key_id = _new_id()
        try:
            db.execute(
                "INSERT INTO api_keys (id, user_id, name, digest, last4, created_at, expiry_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key_id,
                    user_id,
                    name,
                    self._digest(key),
                    key[-4:],
                    format_datetime(now),
                    format_datetime(now + timedelta(days=expires_in_days)),
                ),
            )
        except sqlite3.IntegrityError as error:
            raise Conflict("this API key is already registered") from error
        row = db.execute(
            f"SELECT {_KEY_COLUMNS} FROM api_keys k WHERE k.id = ?", (key_id,)
        ).fetchone()
        return _key(row)

    def create_api_key(
        self,
        email: str,
        *,
        name: str = "API key",
        expires_in_days: float = limits.DEFAULT_KEY_VALIDITY_DAYS,
        key: str | None = None,
    ) -> tuple[str, ApiKeyRecord]:
        """Gives a user a new API key, as an operator.

        Args:
            email: The owner's email.
            name: A label for the key.
            expires_in_days: Validity from now, in days (more than 0).
            key: The key to register; a random one by default.

        Returns:
            The key (shown only now: the store keeps a digest) and its record.

        Raises:
            NotFound: When no user has this email.
            BadUserInput: When the name, the validity or the chosen key is unacceptable.
            Conflict: When the chosen key is already registered.
        """
        policy.validate_name(name, "name")
        if not 0 < expires_in_days <= 100 * 366:
            raise BadUserInput("the validity must be more than 0 and at most 100 years")
        if key is None:
            key = security.generate_api_key()
        elif not security.is_acceptable_api_key(key):
            raise BadUserInput(
                f"an API key must have {limits.MIN_API_KEY_LENGTH} to "
                f"{limits.MAX_API_KEY_LENGTH} printable ASCII characters without spaces"
            )
        with self._write() as db:
            user = db.execute(
                "SELECT id FROM users WHERE email = ?", (policy.normalize_email(email),)
            ).fetchone()
            if user is None:
                raise NotFound(f"no user with email {email!r}")
            record = self._insert_key(db, user[0], key, name, expires_in_days)
        return key, record

    def revoke_api_key(self, *, key: str | None = None, key_id: str | None = None) -> ApiKeyRecord:
        """Revokes an API key, given either the key or its id.

        Args:
            key: The key itself.
            key_id: The key's id (as ``apiKeys { id }`` or ``kili-typed keys list`` show).

        Returns:
            The key's record, now revoked.

        Raises:
            ValueError: When neither or both of ``key`` and ``key_id`` are given.
            NotFound: When no such key exists.
        """
        if (key is None) == (key_id is None):
            raise ValueError("give exactly one of key and key_id")
        column, value = ("digest", self._digest(key)) if key is not None else ("id", key_id)
        with self._write() as db:
            db.execute(f"UPDATE api_keys SET revoked = 1 WHERE {column} = ?", (value,))
            row = db.execute(
                f"SELECT {_KEY_COLUMNS} FROM api_keys k WHERE k.{column} = ?", (value,)
            ).fetchone()
        if row is None:
            raise NotFound("no such API key")
        return _key(row)

    # -- first start ------------------------------------------------------------------

    def bootstrap(
        self,
        *,
        admin_email: str | None = None,
        admin_password: str | None = None,
        api_key: str | None = None,
        organization_name: str = DEFAULT_ORGANIZATION_NAME,
    ) -> Bootstrap:
        """Prepares the database for serving.

        On an empty database, creates an organization, an ADMIN and an API key, using the
        given email, password and key or random ones. On a database already prepared,
        reuses it: when ``api_key`` is given and unknown, registers it for the admin
        (the user with ``admin_email`` when given, else the first admin).

        Args:
            admin_email: The admin's email (default ``admin@kili-local.test``).
            admin_password: The admin's password (default: random).
            api_key: The admin's key (default: random).
            organization_name: The organization's name on first start.

        Returns:
            What was created or reused, with the secrets that were set now.

        Raises:
            BadUserInput: When a given email, password or key is unacceptable.
            NotFound: When ``admin_email`` names no user of an existing database.
        """
        if api_key is not None and not security.is_acceptable_api_key(api_key):
            raise BadUserInput(
                f"an API key must have {limits.MIN_API_KEY_LENGTH} to "
                f"{limits.MAX_API_KEY_LENGTH} printable ASCII characters without spaces"
            )
        with self._write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'bootstrap_admin_id'").fetchone()
            if row is None:
                return self._first_bootstrap(
                    db, admin_email, admin_password, api_key, organization_name
                )
            admin_id: str = row[0]
            if admin_email is not None:
                found = db.execute(
                    "SELECT id FROM users WHERE email = ?", (policy.normalize_email(admin_email),)
                ).fetchone()
                if found is None:
                    raise NotFound(f"this database has no user with email {admin_email!r}")
                admin_id = found[0]
            admin = _user(
                db.execute(
                    f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (admin_id,)
                ).fetchone()
            )
            organization = _organization(
                db.execute(
                    f"SELECT {_ORG_COLUMNS} FROM organizations o WHERE o.id = ?",
                    (admin.organization_id,),
                ).fetchone()
            )
            registered = False
            if api_key is not None:
                known = db.execute(
                    "SELECT k.revoked, k.expiry_date, u.activated "
                    "FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.digest = ?",
                    (self._digest(api_key),),
                ).fetchone()
                if known is not None:
                    # Told to the operator (who holds the file), never to API clients.
                    problem = (
                        "is revoked"
                        if known[0]
                        else f"expired on {known[1]}"
                        if known[1] <= self._now()
                        else "belongs to a deactivated user"
                        if not known[2]
                        else None
                    )
                    if problem is not None:
                        raise BadUserInput(
                            f"the API key given {problem}; give another one or create one "
                            "with: kili-typed server keys create"
                        )
                else:
                    self._insert_key(
                        db, admin.id, api_key, "kili-typed serve", limits.DEFAULT_KEY_VALIDITY_DAYS
                    )
                    registered = True
        return Bootstrap(
            created=False,
            organization=organization,
            admin_email=admin.email,
            admin_password=None,
            api_key=api_key,
            key_registered=registered,
        )

    def _first_bootstrap(
        self,
        db: sqlite3.Connection,
        admin_email: str | None,
        admin_password: str | None,
        api_key: str | None,
        organization_name: str,
    ) -> Bootstrap:
        email = policy.validate_email(admin_email or DEFAULT_ADMIN_EMAIL)
        password = admin_password if admin_password is not None else security.generate_password()
        if not security.is_strong_password(password):
            raise BadUserInput(f"the admin password must have {security.PASSWORD_RULE}")
        key = api_key if api_key is not None else security.generate_api_key()
        policy.validate_name(organization_name, "organization name")
        org_id = _new_id()
        db.execute(
            "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
            (org_id, organization_name, self._now()),
        )
        admin = self._insert_user(
            db,
            email=email,
            password_hash=security.hash_password(password),
            organization_id=org_id,
            role=policy.ADMIN,
            firstname="Admin",
            lastname=None,
            activated=True,
        )
        self._insert_key(db, admin.id, key, "kili-typed serve", limits.DEFAULT_KEY_VALIDITY_DAYS)
        db.execute("INSERT INTO meta (key, value) VALUES ('bootstrap_admin_id', ?)", (admin.id,))
        organization = _organization(
            db.execute(
                f"SELECT {_ORG_COLUMNS} FROM organizations o WHERE o.id = ?", (org_id,)
            ).fetchone()
        )
        return Bootstrap(
            created=True,
            organization=organization,
            admin_email=email,
            admin_password=password,
            api_key=key,
            key_registered=True,
        )
