"""What the store returns and takes: immutable records of organizations, users, API keys
and changes.

Timestamps are kept as strings in the wire format (``YYYY-MM-DDTHH:MM:SS.fffZ``), which
is also how the store saves them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

ADMIN = "ADMIN"
USER = "USER"
ORGANIZATION_ROLES = (ADMIN, USER)
HUBSPOT_STATUSES = ("SUBSCRIBED", "UNSUBSCRIBED")


@dataclass(frozen=True)
class OrganizationRecord:
    """An organization, the tenant users belong to."""

    id: str
    name: str
    matching_domain: str | None
    is_allowed_to_submit_new_labels: bool
    created_at: str


@dataclass(frozen=True)
class UserRecord:
    """A user. Their password hash never leaves the store."""

    id: str
    email: str
    firstname: str | None
    lastname: str | None
    activated: bool
    created_at: str
    updated_at: str
    organization_id: str
    organization_role: str
    has_completed_labeling_tour: bool
    hubspot_subscription_status: str | None


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key's metadata. The key itself is never stored, only its digest."""

    id: str
    user_id: str
    name: str
    last4: str
    created_at: str
    expiry_date: str
    revoked: bool


@dataclass(frozen=True)
class Caller:
    """The authenticated user of a request and the key they used."""

    user: UserRecord
    api_key_id: str


@dataclass(frozen=True)
class UserFilter:
    """A ``UserWhere``: every field given narrows the selection; ``None`` means no filter."""

    id: str | None = None
    id_in: tuple[str, ...] | None = None
    email: str | None = None
    activated: bool | None = None
    organization_id: str | None = None
    api_key: str | None = None


@dataclass(frozen=True)
class ApiKeyFilter:
    """An ``ApiKeyWhere``."""

    id: str | None = None
    key: str | None = None
    user: UserFilter | None = None


@dataclass(frozen=True)
class Bootstrap:
    """What :meth:`Store.bootstrap` did.

    Attributes:
        created: Whether the database was empty and an organization, an admin and a key
            were created.
        organization: The (first) organization.
        admin_email: The admin's email.
        admin_password: The admin's password when it was set now, else ``None``.
        api_key: The key when it was given or created now, else ``None``.
        key_registered: Whether a key was registered now.
    """

    created: bool
    organization: OrganizationRecord
    admin_email: str
    admin_password: str | None
    api_key: str | None
    key_registered: bool


@dataclass(frozen=True)
class UserChanges:
    """The properties ``updatePropertiesInUser`` may change; ``None`` leaves one as it is."""

    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    activated: bool | None = None
    organization_id: str | None = None
    organization_role: str | None = None
    has_completed_labeling_tour: bool | None = None
    hubspot_subscription_status: str | None = None

    def differing_from(self, user: UserRecord) -> dict[str, object]:
        """Lists the given properties whose value differs from the user's.

        Args:
            user: The user as stored.

        Returns:
            A mapping from field name to new value, only for real changes.
        """
        changed: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and value != getattr(user, field.name):
                changed[field.name] = value
        return changed
