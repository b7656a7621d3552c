"""The accounts service: where every permission and policy check of the API is made.

The rules themselves are pure functions in `kili_typed_server.service.account_rules`.

Resolvers hand it the authenticated caller and the request's arguments; it validates
them, decides what the caller may see and do, and runs the repositories' SQL inside
transactions. Who may do what:

- anyone sees their own organization only (users, keys, counts);
- a USER sees only their own API keys, an ADMIN every key of the organization;
- only an ADMIN creates users, resets another user's password, or changes another user,
  an email, an activation, an organization or a role (``check_update_allowed``);
- an organization always keeps an active ADMIN;
- a password is changed only by its owner, who gives the current one.

The operator, who holds the database file, is above these rules: their commands
(`kili_typed_server.service.administration`) use :meth:`Accounts.register_user` directly.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from kili_typed_server.core import limits, tokens
from kili_typed_server.core.clock import Clock, format_datetime
from kili_typed_server.core.errors import (
    BadUserInput,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
)
from kili_typed_server.core.records import (
    USER,
    ApiKeyFilter,
    ApiKeyRecord,
    Caller,
    OrganizationRecord,
    UserChanges,
    UserFilter,
    UserRecord,
)
from kili_typed_server.service import display, passwords, validation
from kili_typed_server.service.account_rules import (
    check_update_allowed,
    checked_filter,
    checked_key_filter,
    loses_admin,
    may_see_keys_of,
    new_id,
    require_admin,
    visible_key_owner,
)
from kili_typed_server.service.passwords import PasswordHasher
from kili_typed_server.storage.database import Database
from kili_typed_server.storage.repositories import api_keys, organizations, password_resets, users

logger = logging.getLogger("kili_typed_server")


class Accounts:
    """Users, API keys and password resets, as callers of the API may see and change them.

    Args:
        database: Where they are kept.
        hasher: How passwords are hashed.
        clock: Returns the current time.
    """

    def __init__(self, database: Database, *, hasher: PasswordHasher, clock: Clock) -> None:
        self.database = database
        self.hasher = hasher
        self.clock = clock

    def now(self) -> str:
        """The current time, as the database stores it."""
        return format_datetime(self.clock())

    # -- authentication ---------------------------------------------------------------

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
        db = self.database.connection()
        found = api_keys.active_owner(db, self.database.digest(api_key), self.now())
        return None if found is None else Caller(user=found[0], api_key_id=found[1])

    # -- reads --------------------------------------------------------------------------

    def find_users(
        self, caller: UserRecord, where: UserFilter, first: int | None, skip: int | None
    ) -> list[UserRecord]:
        """Lists the users of the caller's organization matching a filter, oldest first.

        Raises:
            BadUserInput: When ``first``, ``skip`` or the filter is out of range.
        """
        limit, offset = validation.validate_page(first, skip)
        return users.find(
            self.database.connection(),
            caller.organization_id,
            checked_filter(where),
            self.database.digest,
            limit,
            offset,
        )

    def count_users(self, caller: UserRecord, where: UserFilter) -> int:
        """Counts the users :meth:`find_users` would list over all pages."""
        return users.count(
            self.database.connection(),
            caller.organization_id,
            checked_filter(where),
            self.database.digest,
        )

    def organization_size(self, caller: UserRecord) -> int:
        """The users of the caller's organization: what a scan of it may visit (the cost
        model reads it before a request runs; one count over an index)."""
        return users.count(
            self.database.connection(), caller.organization_id, UserFilter(), self.database.digest
        )

    def find_api_keys(
        self, caller: UserRecord, where: ApiKeyFilter, first: int | None, skip: int | None
    ) -> list[ApiKeyRecord]:
        """Lists the keys the caller may see matching a filter, oldest first.

        Raises:
            BadUserInput: When ``first``, ``skip`` or the filter is out of range.
        """
        limit, offset = validation.validate_page(first, skip)
        return api_keys.find(
            self.database.connection(),
            caller.organization_id,
            visible_key_owner(caller),
            checked_key_filter(where),
            self.database.digest,
            limit,
            offset,
        )

    def count_api_keys(self, caller: UserRecord, where: ApiKeyFilter) -> int:
        """Counts the keys :meth:`find_api_keys` would list over all pages."""
        return api_keys.count(
            self.database.connection(),
            caller.organization_id,
            visible_key_owner(caller),
            checked_key_filter(where),
            self.database.digest,
        )

    def api_keys_of(
        self, caller: UserRecord, user_ids: Sequence[str]
    ) -> dict[str, list[ApiKeyRecord]]:
        """Each user's keys in one query; an empty list for users whose keys the caller
        may not see."""
        visible = [user_id for user_id in user_ids if may_see_keys_of(caller, user_id)]
        found = api_keys.by_users(self.database.connection(), visible)
        return {user_id: found.get(user_id, []) for user_id in user_ids}

    def users_by_ids(self, user_ids: Sequence[str]) -> dict[str, UserRecord]:
        """Users by id, in one query (the owners of keys already visible)."""
        return users.by_ids(self.database.connection(), user_ids)

    def organization_users(
        self, caller: UserRecord, organization_id: str, at_most: int
    ) -> list[UserRecord]:
        """Every user of an organization, oldest first; none when it is not the caller's.

        Args:
            caller: Who asks.
            organization_id: The organization.
            at_most: The most users the request may still be answered (``Organization.users``
                is not paged, so its copies in one request share
                ``limits.MAX_UNPAGED_USERS_PER_REQUEST``).

        Raises:
            BadUserInput: When the organization has more users than ``at_most``.
        """
        if organization_id != caller.organization_id:
            return []
        found = users.in_organization(self.database.connection(), organization_id, at_most + 1)
        if len(found) > at_most:
            raise BadUserInput(
                "Organization.users would answer more than "
                f"{limits.MAX_UNPAGED_USERS_PER_REQUEST} users in this request; list them "
                "page by page with users(where: {organization: {id: ...}}, first, skip)"
            )
        return found

    def organizations_by_ids(
        self, organization_ids: Sequence[str]
    ) -> dict[str, OrganizationRecord]:
        """Organizations by id, in one query."""
        return organizations.by_ids(self.database.connection(), organization_ids)

    def active_users_counts(self, organization_ids: Sequence[str]) -> dict[str, int]:
        """The number of activated users of each organization, in one query."""
        return users.active_counts(self.database.connection(), organization_ids)

    # -- writes -------------------------------------------------------------------------

    def create_user(
        self,
        caller: UserRecord,
        email: str,
        password: str,
        *,
        organization_role: str,
        firstname: str | None = None,
        lastname: str | None = None,
    ) -> UserRecord:
        """Creates a member of the caller's organization (``createUser``).

        Raises:
            Forbidden: When the caller is not an ADMIN.
            BadUserInput: When an argument is invalid or the password weak.
            Conflict: When the email is taken (whatever its case).
        """
        require_admin(caller, "create users")
        return self.register_user(
            email,
            password,
            organization_role=organization_role,
            organization_id=caller.organization_id,
            firstname=firstname,
            lastname=lastname,
        )

    def register_user(
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
        """Creates a user, with no permission check: for the operator and :meth:`create_user`.

        Args:
            email: Their email; normalised (stripped, lower-cased) and validated.
            password: Their password, stored hashed; ``None`` creates an account nobody
                can log into with a password (handy to seed many users).
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
            NotFound: When the organization does not exist.
        """
        normalized = validation.validate_email(email)
        validation.validate_role(organization_role)
        validation.validate_name(firstname, "firstname")
        validation.validate_name(lastname, "lastname")
        password_hash = None
        if password is not None:
            if check_password and not passwords.is_strong_password(password):
                raise BadUserInput(f"the password must have {passwords.PASSWORD_RULE}")
            password_hash = self.hasher.hash(password)
        with self.database.transaction() as db:
            org_id = organization_id or organizations.first_id(db)
            if org_id is None:
                raise NotFound("the database has no organization yet; start the server once")
            if users.id_by_email(db, normalized) is not None:
                raise Conflict(f"a user with email {normalized!r} already exists")
            if not organizations.exists(db, org_id):
                raise NotFound(f"no organization with id {org_id!r}")
            return users.insert(
                db,
                user_id=new_id(),
                email=normalized,
                password_hash=password_hash,
                organization_id=org_id,
                role=organization_role,
                firstname=firstname,
                lastname=lastname,
                activated=activated,
                now=self.now(),
            )

    def _one_user(
        self, db: sqlite3.Connection, caller: UserRecord, where: UserFilter
    ) -> UserRecord:
        found = users.find(
            db, caller.organization_id, checked_filter(where), self.database.digest, 2, 0
        )
        if not found:
            raise NotFound("no user of your organization matches where")
        if len(found) > 1:
            raise BadUserInput("where matches several users; select one, e.g. by email or id")
        return found[0]

    def update_user(
        self,
        caller: UserRecord,
        where: UserFilter,
        changes: UserChanges,
        *,
        null_only: dict[str, object] | None = None,
    ) -> UserRecord:
        """Changes the non-null properties in ``changes`` of the one user ``where`` selects.

        Args:
            caller: Who asks; :func:`check_update_allowed` applies.
            where: Selects exactly one user of the caller's organization.
            changes: The properties to change; ``None`` leaves one as it is.
            null_only: ``UserData`` fields accepted only as null (``apiKey``,
                ``organization``), which official clients' mappers send.

        Returns:
            The user after the change.

        Raises:
            NotFound: When no user matches.
            BadUserInput: When several users match, a value is invalid, or the change would
                leave the organization without an active ADMIN.
            Forbidden: When the caller may not make a change.
            Conflict: When the new email is taken.
        """
        validation.validate_null_only(
            null_only or {},
            "UserData",
            "change the organization with organizationId, and API keys with kili-typed keys",
        )
        if changes.email is not None:
            changes = replace(changes, email=validation.validate_email(changes.email))
        if changes.organization_role is not None:
            validation.validate_role(changes.organization_role)
        validation.validate_name(changes.firstname, "firstname")
        validation.validate_name(changes.lastname, "lastname")
        validation.validate_hubspot_status(changes.hubspot_subscription_status)
        with self.database.transaction() as db:
            target = self._one_user(db, caller, where)
            changed = changes.differing_from(target)
            check_update_allowed(caller, target, changed)
            if not changed:
                return target
            email = changed.get("email")
            if isinstance(email, str) and users.id_by_email(db, email) is not None:
                raise Conflict(f"a user with email {email!r} already exists")
            if loses_admin(target, changed) and not users.other_active_admins(
                db, target.organization_id, target.id
            ):
                raise BadUserInput(
                    "this change would leave the organization without an active ADMIN; "
                    "make another user ADMIN first"
                )
            users.update(db, target.id, changed, self.now())
            return users.by_id(db, target.id)

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
        matches = self.find_users(caller, where, first=2, skip=None)
        if [user.id for user in matches] != [caller.id]:
            raise Forbidden(
                "updatePassword changes only your own password: select your own account"
            )
        stored = users.password_hash(self.database.connection(), caller.id)
        if not (
            new_password_1 == new_password_2
            and passwords.is_strong_password(new_password_1)
            and len(old_password) <= limits.MAX_PASSWORD_LENGTH
            and self.hasher.verify(old_password, stored)
        ):
            raise BadUserInput(
                "password not changed: give your current password, and the new password "
                f"twice, identical, with {passwords.PASSWORD_RULE}"
            )
        new_hash = self.hasher.hash(new_password_1)
        with self.database.transaction() as db:
            # Compare-and-set: a concurrent change of the same password wins only once.
            if not users.set_password_hash(db, caller.id, new_hash, self.now(), if_still=stored):
                raise BadUserInput("password not changed: it was changed meanwhile; try again")
            password_resets.use_all(db, caller.id, self.now())
            password_resets.purge(db, self.now())
            return users.by_id(db, caller.id)

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

        Resets that can no longer be used (used or expired) are purged from the outbox
        on the way, and a user has at most ``limits.MAX_PENDING_RESETS_PER_USER`` pending,
        which bounds the outbox and the log lines whoever asks.

        Raises:
            NotFound: When no user matches.
            Forbidden: When a USER asks for another user.
            TooManyRequests: When the user already has the most pending resets.
        """
        token = tokens.generate_reset_token()
        now = self.clock()
        expires = now + timedelta(minutes=limits.RESET_TOKEN_VALIDITY_MINUTES)
        with self.database.transaction() as db:
            target = self._one_user(db, caller, where)
            if target.id != caller.id:
                require_admin(caller, "reset another user's password")
            password_resets.purge(db, format_datetime(now))
            if (
                password_resets.pending_count(db, target.id, format_datetime(now))
                >= limits.MAX_PENDING_RESETS_PER_USER
            ):
                raise TooManyRequests(
                    f"{limits.MAX_PENDING_RESETS_PER_USER} password resets are already pending "
                    "for this user; use one of their tokens, or ask again when one expires "
                    f"({limits.RESET_TOKEN_VALIDITY_MINUTES} minutes after it was issued)"
                )
            password_resets.insert(
                db,
                reset_id=new_id(),
                user_id=target.id,
                requested_by=caller.id,
                token_digest=self.database.digest(token),
                created_at=format_datetime(now),
                expires_at=format_datetime(expires),
            )
        logger.warning(
            "password reset for %s requested by %s; single-use token %s valid until %s; "
            "complete it with: kili-typed server reset-password --db %s --token-stdin",
            display.escape(target.email),
            display.escape(caller.email),
            token,
            format_datetime(expires),
            self.database.path,
        )
        return target
