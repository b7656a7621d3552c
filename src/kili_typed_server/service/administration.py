"""The operator's commands on a database file: first start, seeding, keys, resets.

The operator holds the file, so these commands check no API permission; they validate
their input like the API does. ``kili-typed server serve`` bootstraps and seeds with them,
``kili-typed server keys`` and ``kili-typed server reset-password`` run them, and tests
use them through :class:`~kili_typed_server.service.store.Store` to prepare data and check what a
request did.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from kili_typed_server.core import limits, tokens
from kili_typed_server.core.clock import format_datetime
from kili_typed_server.core.errors import BadUserInput, NotFound
from kili_typed_server.core.records import (
    ADMIN,
    USER,
    ApiKeyRecord,
    Bootstrap,
    OrganizationRecord,
    UserFilter,
    UserRecord,
)
from kili_typed_server.service import passwords, validation
from kili_typed_server.service.account_rules import checked_filter, new_id
from kili_typed_server.service.accounts import Accounts
from kili_typed_server.storage.database import Database, get_meta, set_meta
from kili_typed_server.storage.repositories import api_keys, organizations, password_resets, users

DEFAULT_ADMIN_EMAIL = "admin@kili-local.test"
DEFAULT_ORGANIZATION_NAME = "Local organization"
_BOOTSTRAP_KEY_NAME = "kili-typed serve"


def seed_email(n: int) -> str:
    """The email of the ``n``-th user :meth:`Administration.seed_users` creates (from 1)."""
    return f"seed-{n:06d}@seed.kili-local.test"


def _check_chosen_key(key: str) -> None:
    if not tokens.is_acceptable_api_key(key):
        raise BadUserInput(f"an API key must have {tokens.API_KEY_RULE}")


class Administration:
    """The operator's commands.

    Args:
        database: The database file.
        accounts: The accounts service on it, whose hasher and clock the commands use.
    """

    def __init__(self, database: Database, accounts: Accounts) -> None:
        self.database = database
        self.accounts = accounts

    def _insert_key(
        self, db: sqlite3.Connection, user_id: str, key: str, name: str, expires_in_days: float
    ) -> ApiKeyRecord:
        now = self.accounts.clock()
        return api_keys.insert(
            db,
            key_id=new_id(),
            user_id=user_id,
            name=name,
            key_digest=self.database.digest(key),
            last4=key[-4:],
            created_at=format_datetime(now),
            expiry_date=format_datetime(now + timedelta(days=expires_in_days)),
        )

    # -- users --------------------------------------------------------------------------

    def create_organization(self, name: str) -> OrganizationRecord:
        """Creates an organization.

        Args:
            name: Its name.

        Returns:
            The new organization.
        """
        validation.validate_name(name, "name")
        org_id = new_id()
        with self.database.transaction() as db:
            organizations.insert(db, org_id, name, self.accounts.now())
        return organizations.by_id(self.database.connection(), org_id)

    def default_organization_id(self) -> str:
        """Returns the id of the organization created first.

        Raises:
            NotFound: When there is no organization yet.
        """
        found = organizations.first_id(self.database.connection())
        if found is None:
            raise NotFound("the database has no organization yet; start the server once")
        return found

    def create_user(
        self,
        email: str,
        password: str | None,
        *,
        organization_role: str = USER,
        organization_id: str | None = None,
        firstname: str | None = None,
        lastname: str | None = None,
        activated: bool = True,
        check_password: bool = True,
    ) -> UserRecord:
        """Creates a user, as the operator; see :meth:`Accounts.register_user`."""
        return self.accounts.register_user(
            email,
            password,
            organization_role=organization_role,
            organization_id=organization_id,
            firstname=firstname,
            lastname=lastname,
            activated=activated,
            check_password=check_password,
        )

    def count_users(self, organization_id: str, where: UserFilter) -> int:
        """Counts an organization's users matching a filter, as the API would for its members.

        Args:
            organization_id: The organization.
            where: The filter.

        Returns:
            The number of matching users.
        """
        return users.count(
            self.database.connection(),
            organization_id,
            checked_filter(where),
            self.database.digest,
        )

    def get_user(self, email: str) -> UserRecord | None:
        """Finds a user by email (any case, surrounding spaces ignored), in any organization."""
        return users.by_email(self.database.connection(), validation.normalize_email(email))

    def set_activated(self, email: str, activated: bool) -> UserRecord:
        """Activates or deactivates a user.

        Args:
            email: The user's email.
            activated: The new state.

        Returns:
            The user after the change.

        Raises:
            NotFound: When no user has this email.
        """
        normalized = validation.normalize_email(email)
        with self.database.transaction() as db:
            updated = users.set_activated(db, normalized, activated, self.accounts.now())
        if not updated:
            raise NotFound(f"no user with email {email!r}")
        user = self.get_user(email)
        assert user is not None
        return user

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
        with self.database.transaction() as db:
            org_id = organization_id or self.default_organization_id()
            if not organizations.exists(db, org_id):
                raise NotFound(f"no organization with id {org_id!r}")
            before = users.count_all(db)
            rows = ((new_id(), seed_email(n), f"User {n}") for n in range(1, count + 1))
            users.insert_seeded(db, org_id, rows, self.accounts.now())
            return users.count_all(db) - before

    # -- passwords ----------------------------------------------------------------------

    def check_password(self, email: str, password: str) -> bool:
        """Tells whether a user's password is this one.

        Args:
            email: The user's email.
            password: The candidate password.

        Returns:
            Whether it matches.
        """
        user = self.get_user(email)
        if user is None:
            return False
        stored = users.password_hash(self.database.connection(), user.id)
        return self.accounts.hasher.verify(password, stored)

    def complete_password_reset(self, token: str, new_password: str) -> UserRecord:
        """Sets a new password with a reset token, which is then used up.

        Args:
            token: The token from the log line of :meth:`Accounts.request_password_reset`.
            new_password: The new password.

        Returns:
            The user whose password changed.

        Raises:
            BadUserInput: When the token is unknown, used or expired, or the password weak.
        """
        if not passwords.is_strong_password(new_password):
            raise BadUserInput(f"the password must have {passwords.PASSWORD_RULE}")
        new_hash = self.accounts.hasher.hash(new_password)
        now = self.accounts.now()
        with self.database.transaction() as db:
            user_id = password_resets.user_of_valid_token(db, self.database.digest(token), now)
            if user_id is None:
                raise BadUserInput("this reset token is unknown, already used or expired")
            password_resets.use_all(db, user_id, now)
            password_resets.purge(db, now)
            users.set_password_hash(db, user_id, new_hash, now)
            return users.by_id(db, user_id)

    # -- API keys -----------------------------------------------------------------------

    def create_api_key(
        self,
        email: str,
        *,
        name: str = "API key",
        expires_in_days: float = limits.DEFAULT_KEY_VALIDITY_DAYS,
        key: str | None = None,
    ) -> tuple[str, ApiKeyRecord]:
        """Gives a user a new API key.

        Args:
            email: The owner's email.
            name: A label for the key.
            expires_in_days: Validity from now, in days (more than 0).
            key: The key to register; a random one by default.

        Returns:
            The key (shown only now: the database keeps a digest) and its record.

        Raises:
            NotFound: When no user has this email.
            BadUserInput: When the name, the validity or the chosen key is unacceptable.
            Conflict: When the chosen key is already registered.
        """
        validation.validate_name(name, "name")
        if not 0 < expires_in_days <= 100 * 366:
            raise BadUserInput("the validity must be more than 0 and at most 100 years")
        if key is None:
            key = tokens.generate_api_key()
        else:
            _check_chosen_key(key)
        with self.database.transaction() as db:
            user_id = users.id_by_email(db, validation.normalize_email(email))
            if user_id is None:
                raise NotFound(f"no user with email {email!r}")
            record = self._insert_key(db, user_id, key, name, expires_in_days)
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
        key_digest = None if key is None else self.database.digest(key)
        with self.database.transaction() as db:
            record = api_keys.revoke(db, key_digest=key_digest, key_id=key_id)
        if record is None:
            raise NotFound("no such API key")
        return record

    def list_api_keys(self, email: str | None = None) -> list[tuple[UserRecord, ApiKeyRecord]]:
        """Lists keys with their owners, oldest key first (never the keys themselves).

        Args:
            email: Only this user's keys when given.

        Returns:
            ``(owner, key)`` pairs.
        """
        normalized = None if email is None else validation.normalize_email(email)
        return api_keys.with_owners(self.database.connection(), normalized)

    # -- first start --------------------------------------------------------------------

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
        if api_key is not None:
            _check_chosen_key(api_key)
        with self.database.transaction() as db:
            admin_id = get_meta(db, "bootstrap_admin_id")
            if admin_id is None:
                return self._first_bootstrap(
                    db, admin_email, admin_password, api_key, organization_name
                )
            if admin_email is not None:
                found = users.id_by_email(db, validation.normalize_email(admin_email))
                if found is None:
                    raise NotFound(f"this database has no user with email {admin_email!r}")
                admin_id = found
            admin = users.by_id(db, admin_id)
            organization = organizations.by_id(db, admin.organization_id)
            registered = False
            if api_key is not None:
                known = api_keys.state(db, self.database.digest(api_key))
                if known is None:
                    self._insert_key(
                        db, admin.id, api_key, _BOOTSTRAP_KEY_NAME, limits.DEFAULT_KEY_VALIDITY_DAYS
                    )
                    registered = True
                else:
                    self._refuse_unusable_key(*known)
        return Bootstrap(
            created=False,
            organization=organization,
            admin_email=admin.email,
            admin_password=None,
            api_key=api_key,
            key_registered=registered,
        )

    def _refuse_unusable_key(self, revoked: bool, expiry_date: str, owner_activated: bool) -> None:
        # Told to the operator (who holds the file), never to API clients.
        problem = (
            "is revoked"
            if revoked
            else f"expired on {expiry_date}"
            if expiry_date <= self.accounts.now()
            else "belongs to a deactivated user"
            if not owner_activated
            else None
        )
        if problem is not None:
            raise BadUserInput(
                f"the API key given {problem}; give another one or create one "
                "with: kili-typed server keys create"
            )

    def _first_bootstrap(
        self,
        db: sqlite3.Connection,
        admin_email: str | None,
        admin_password: str | None,
        api_key: str | None,
        organization_name: str,
    ) -> Bootstrap:
        email = validation.validate_email(admin_email or DEFAULT_ADMIN_EMAIL)
        password = admin_password if admin_password is not None else passwords.generate_password()
        if not passwords.is_strong_password(password):
            raise BadUserInput(f"the admin password must have {passwords.PASSWORD_RULE}")
        key = api_key if api_key is not None else tokens.generate_api_key()
        validation.validate_name(organization_name, "organization name")
        org_id = new_id()
        now = self.accounts.now()
        organizations.insert(db, org_id, organization_name, now)
        admin = users.insert(
            db,
            user_id=new_id(),
            email=email,
            password_hash=self.accounts.hasher.hash(password),
            organization_id=org_id,
            role=ADMIN,
            firstname="Admin",
            lastname=None,
            activated=True,
            now=now,
        )
        self._insert_key(db, admin.id, key, _BOOTSTRAP_KEY_NAME, limits.DEFAULT_KEY_VALIDITY_DAYS)
        set_meta(db, "bootstrap_admin_id", admin.id)
        return Bootstrap(
            created=True,
            organization=organizations.by_id(db, org_id),
            admin_email=email,
            admin_password=password,
            api_key=key,
            key_registered=True,
        )
