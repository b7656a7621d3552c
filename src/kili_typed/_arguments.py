"""Call-time checks of the documented methods' arguments. Pure, no I/O.

The official SDK's methods are ``@typechecked``: a wrong type raises
`TypeError` before anything is sent. These helpers do the same, and add the
value checks that keep a bad request from ever leaving the client. Messages
name the method and the argument, never a secret's value.
"""

from __future__ import annotations

import re
from typing import Any, cast, get_args

from ._types import OrganizationRole

ORGANIZATION_ROLES: tuple[str, ...] = get_args(OrganizationRole)

# Deliberately loose: the server owns the full rules; this catches what cannot
# be an address (empty, no '@', spaces) before a request is sent.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _type_name(value: object) -> str:
    return type(value).__name__


def check_str(method: str, name: str, value: object, *, secret: bool = False) -> str:
    """Require a non-empty `str`."""
    if not isinstance(value, str):
        raise TypeError(f"{method}() argument {name!r} must be str, not {_type_name(value)}")
    if not value.strip():
        what = "" if secret else f", got {value!r}"
        raise ValueError(f"{method}() argument {name!r} must not be empty{what}")
    return value


def check_optional_str(
    method: str, name: str, value: object, *, non_empty: bool = False
) -> str | None:
    """Require `None` or a `str` (non-empty when `non_empty`)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(
            f"{method}() argument {name!r} must be str or None, not {_type_name(value)}"
        )
    if non_empty and not value.strip():
        raise ValueError(f"{method}() argument {name!r} must not be empty, got {value!r}")
    return value


def check_email(method: str, name: str, value: object) -> str:
    """Require a `str` that looks like an email address."""
    email = check_str(method, name, value)
    if not _EMAIL.fullmatch(email.strip()):
        raise ValueError(
            f"{method}() argument {name!r} must be an email address like "
            f"'jane@example.com', got {email!r}"
        )
    return email


def check_optional_email(method: str, name: str, value: object) -> str | None:
    """Require `None` or an email address."""
    if value is None:
        return None
    check_optional_str(method, name, value)
    return check_email(method, name, value)


def check_bool(method: str, name: str, value: object) -> bool:
    """Require a `bool` (not merely a truthy value)."""
    if not isinstance(value, bool):
        raise TypeError(f"{method}() argument {name!r} must be bool, not {_type_name(value)}")
    return value


def check_optional_bool(method: str, name: str, value: object) -> bool | None:
    """Require `None` or a `bool`."""
    return None if value is None else check_bool(method, name, value)


def check_count(method: str, name: str, value: object) -> int:
    """Require a non-negative `int` (a `bool` is refused, though Python calls it an int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{method}() argument {name!r} must be int, not {_type_name(value)}")
    if value < 0:
        raise ValueError(f"{method}() argument {name!r} must be 0 or more, got {value}")
    return value


def check_optional_count(method: str, name: str, value: object) -> int | None:
    """Require `None` or a non-negative `int`."""
    return None if value is None else check_count(method, name, value)


def check_role(method: str, name: str, value: object, *, optional: bool = False) -> str | None:
    """Require one of the `OrganizationRole` values (``"ADMIN"``, ``"USER"``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        allowed = "str or None" if optional else "str"
        raise TypeError(f"{method}() argument {name!r} must be {allowed}, not {_type_name(value)}")
    # A str-valued enum member (e.g. the generated OrganizationRole) reads as its value.
    role = str(getattr(value, "value", value))
    if role not in ORGANIZATION_ROLES:
        raise ValueError(
            f"{method}() argument {name!r} must be one of "
            f"{', '.join(repr(r) for r in ORGANIZATION_ROLES)}, got {role!r}"
        )
    return role


def check_fields(method: str, name: str, value: Any) -> tuple[str, ...]:
    """Require a list or tuple of `str` (a bare string is a common slip)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{method}() argument {name!r} must be a list of str, not {_type_name(value)}"
        )
    names: list[str] = []
    for item in cast("list[object] | tuple[object, ...]", value):
        if not isinstance(item, str):
            raise TypeError(
                f"{method}() argument {name!r} must hold only str, found {_type_name(item)}"
            )
        names.append(item)
    return tuple(names)
