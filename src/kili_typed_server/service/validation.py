"""Input rules: what a valid email, name, role or subscription status is.

Pure functions, no I/O, so that the rules are easy to read and to test table-driven. The
accounts service and the operator's commands apply them before touching the database.
"""

from __future__ import annotations

import re
import unicodedata

from kili_typed_server.core import limits
from kili_typed_server.core.errors import BadUserInput
from kili_typed_server.core.records import HUBSPOT_STATUSES, ORGANIZATION_ROLES

# Deliberately simple: one "@", no whitespace, a dot in the domain, no empty labels.
_EMAIL = re.compile(r"^[^@\s]{1,64}@(?=[^@\s]{1,253}$)[^@\s.]+(\.[^@\s.]+)+$")


#: Unicode categories refused in emails and names: control (Cc: NUL, DEL, C1 codes...),
#: format (Cf: bidi overrides, zero-width characters...), surrogates (Cs), and line and
#: paragraph separators (Zl, Zp). They can hide or reorder text on an operator's terminal.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def invisible_characters(text: str) -> list[str]:
    """Finds the control and format characters of a text, as ``U+XXXX`` codes.

    Args:
        text: The text.

    Returns:
        The codes of the refused characters it holds, in order, without repeats.
    """
    found = dict.fromkeys(
        f"U+{ord(char):04X}"
        for char in text
        if not char.isprintable() and unicodedata.category(char) in _INVISIBLE_CATEGORIES
    )
    return list(found)


def _refuse_invisible(text: str, what: str) -> None:
    found = invisible_characters(text)
    if found:
        raise BadUserInput(
            f"{what} must not contain control or format characters; found {', '.join(found[:5])}"
        )


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
        BadUserInput: When it is empty, too long, not of the form ``name@domain.tld`` or
            holds control or format characters.
    """
    _refuse_invisible(email, "an email")
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
        BadUserInput: When it is longer than the limit or holds control or format
            characters (see :func:`invisible_characters`).
    """
    if value is None:
        return None
    if len(value) > limits.MAX_NAME_LENGTH:
        raise BadUserInput(
            f"{what} is {len(value)} characters long; at most {limits.MAX_NAME_LENGTH} accepted"
        )
    _refuse_invisible(value, what)
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


def validate_null_only(values: dict[str, object], where: str, instead: str) -> None:
    """Checks that fields accepted only for compatibility are null.

    Args:
        values: The fields by wire name, e.g. ``{"apiKey": None, "organization": None}``.
        where: The input type, for the message (e.g. ``"UserData"``).
        instead: What to use instead, for the message.

    Raises:
        BadUserInput: When any of them is not null.
    """
    given = sorted(name for name, value in values.items() if value is not None)
    if given:
        raise BadUserInput(
            f"{where}.{', '.join(given)} must be null: official clients send "
            f"{'them' if len(given) > 1 else 'it'} only as null; {instead}"
        )


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
