"""Input rules: what a valid email, name, role or subscription status is.

Pure functions, no I/O, so that the rules are easy to read and to test table-driven. The
accounts service and the operator's commands apply them before touching the database.
"""

from __future__ import annotations

import re

from kili_typed_server import limits
from kili_typed_server.errors import BadUserInput
from kili_typed_server.records import HUBSPOT_STATUSES, ORGANIZATION_ROLES

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


def validate_hubspot_status(status: str | None) -> str | None:
    """Checks a newsletter subscription status.

    Args:
        status: The status, or ``None``.

    Returns:
        The status unchanged.

    Raises:
        BadUserInput: When it is neither ``SUBSCRIBED`` nor ``UNSUBSCRIBED``.
    """
    if status is not None and status not in HUBSPOT_STATUSES:
        raise BadUserInput("hubspotSubscriptionStatus must be SUBSCRIBED or UNSUBSCRIBED")
    return status


def validate_page(first: int | None, skip: int | None) -> tuple[int, int]:
    """Checks ``first`` and ``skip`` and fills in their defaults.

    Args:
        first: Page size, or ``None`` for the default.
        skip: Items to skip, or ``None`` for none.

    Returns:
        The SQL ``LIMIT`` and ``OFFSET``.

    Raises:
        BadUserInput: When either is out of range.
    """
    limit = limits.DEFAULT_PAGE_SIZE if first is None else first
    offset = 0 if skip is None else skip
    if not 0 <= limit <= limits.MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 0 and {limits.MAX_PAGE_SIZE}, got {limit}")
    if offset < 0:
        raise BadUserInput(f"skip must be 0 or more, got {offset}")
    return limit, offset


def validate_id_in(id_in: tuple[str, ...] | None) -> None:
    """Checks the size of an ``idIn`` filter.

    Args:
        id_in: The ids, or ``None``.

    Raises:
        BadUserInput: When there are more than the limit.
    """
    if id_in is not None and len(id_in) > limits.MAX_ID_IN:
        raise BadUserInput(f"idIn holds {len(id_in)} ids; at most {limits.MAX_ID_IN} accepted")
