"""Account rules: what a valid email or name is, and who may change what.

Pure functions over records, no I/O, so that the rules are easy to read and to test
table-driven. The store calls them inside its write transactions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from kili_typed_server import limits
from kili_typed_server.errors import BadUserInput, Forbidden
from kili_typed_server.records import UserRecord

ADMIN = "ADMIN"
USER = "USER"
ORGANIZATION_ROLES = (ADMIN, USER)
HUBSPOT_STATUSES = ("SUBSCRIBED", "UNSUBSCRIBED")

# Deliberately simple: one "@", no whitespace, a dot in the domain, no empty labels.
_EMAIL = re.compile(r"^[^@\s]{1,64}@(?=[^@\s]{1,253}$)[^@\s.]+(\.[^@\s.]+)+$")


def normalize_email(email: str) -> str:
    """Normalises an email as the store keeps it: stripped and lower-cased.

    Args:
        email: The email as given.

    Returns:
        The normalised email.
    """
    return email.strip().lower()


def validate_email(email: str) -> str:
    """Normalises an email and checks that it looks like an address.

    Args:
        email: The email as given.

    Returns:
        The normalised email.

    Raises:
        BadUserInput: When it is empty, too long or not of the form ``name@domain.tld``.
    """
    normalized = normalize_email(email)
    if len(normalized) > limits.MAX_EMAIL_LENGTH or not _EMAIL.match(normalized):
        raise BadUserInput(
            f"invalid email {email[: limits.MAX_EMAIL_LENGTH]!r}: expected an address such as "
            f"'name@example.com' of at most {limits.MAX_EMAIL_LENGTH} characters"
        )
    return normalized


def validate_name(value: str | None, what: str) -> str | None:
    """Checks a first name, last name or other display name.

    Args:
        value: The name, or ``None``.
        what: What it is, for the error message (e.g. ``"firstname"``).

    Returns:
        The name unchanged.

    Raises:
        BadUserInput: When it is longer than the limit or holds control characters.
    """
    if value is None:
        return None
    if len(value) > limits.MAX_NAME_LENGTH:
        raise BadUserInput(
            f"{what} is {len(value)} characters long; at most {limits.MAX_NAME_LENGTH} accepted"
        )
    if any(ord(char) < 32 for char in value):
        raise BadUserInput(f"{what} must not contain control characters")
    return value


def validate_role(role: str) -> str:
    """Checks an organization role.

    Args:
        role: The role.

    Returns:
        The role unchanged.

    Raises:
        BadUserInput: When it is not ``ADMIN`` or ``USER``.
    """
    if role not in ORGANIZATION_ROLES:
        raise BadUserInput(f"invalid organizationRole {role!r}: expected one of ADMIN, USER")
    return role


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


#: Properties only an ADMIN may change, on anyone's account including their own.
ADMIN_ONLY_PROPERTIES = frozenset({"email", "activated", "organization_id", "organization_role"})

_WIRE_NAMES = {
    "email": "email",
    "activated": "activated",
    "organization_id": "organizationId",
    "organization_role": "organizationRole",
    "firstname": "firstname",
    "lastname": "lastname",
    "has_completed_labeling_tour": "hasCompletedLabelingTour",
    "hubspot_subscription_status": "hubspotSubscriptionStatus",
}


def check_update_allowed(
    caller: UserRecord, target: UserRecord, changed: dict[str, object]
) -> None:
    """Checks that the caller may make these changes to the target's account.

    An ADMIN may change any property of any user of their organization, but may only
    assign users to their own organization. A USER may change only their own first name,
    last name, labeling-tour flag and newsletter subscription.

    Args:
        caller: The user making the request.
        target: The user being changed (already known to share the caller's organization).
        changed: The real changes, from :meth:`UserChanges.differing_from`.

    Raises:
        Forbidden: When any change is not allowed.
    """
    if not changed:
        return
    if caller.organization_role == ADMIN:
        new_org = changed.get("organization_id")
        if new_org is not None and new_org != caller.organization_id:
            raise Forbidden("an ADMIN can only assign users to their own organization")
        return
    if caller.id != target.id:
        raise Forbidden("only an ADMIN can change another user's properties")
    refused = sorted(_WIRE_NAMES[name] for name in changed if name in ADMIN_ONLY_PROPERTIES)
    if refused:
        raise Forbidden(
            f"only an ADMIN can change {', '.join(refused)}; "
            "a USER may change their own firstname and lastname"
        )


def loses_admin(target: UserRecord, changed: dict[str, object]) -> bool:
    """Tells whether the changes take away an active ADMIN.

    Args:
        target: The user as stored.
        changed: The real changes.

    Returns:
        Whether the target is an active ADMIN now and would not be after the changes.
    """
    if target.organization_role != ADMIN or not target.activated:
        return False
    return changed.get("organization_role", ADMIN) != ADMIN or changed.get("activated") is False


def require_admin(caller: UserRecord, action: str) -> None:
    """Checks that the caller is an ADMIN.

    Args:
        caller: The user making the request.
        action: What they try to do, for the message (e.g. ``"create users"``).

    Raises:
        Forbidden: When the caller is not an ADMIN.
    """
    if caller.organization_role != ADMIN:
        raise Forbidden(f"only an ADMIN can {action}")
