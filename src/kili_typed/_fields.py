"""The `fields` argument of `users`: validation, selection flags, row shaping.

`queries/users.graphql` asks for each field of `User` under an ``@include``
flag. This module turns a documented `fields` list (``["email",
"organization.id"]``) into those flags, and a typed answer back into a plain
dict holding exactly the requested fields. All of it is pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from enum import Enum
from typing import Any, TypeVar, cast, overload

from typing_extensions import TypedDict

#: Scalar fields of `User`, each with the flag of `queries/users.graphql` that asks for it.
USER_SCALARS: Mapping[str, str] = {
    "id": "with_id",
    "email": "with_email",
    "firstname": "with_firstname",
    "lastname": "with_lastname",
    "activated": "with_activated",
    "createdAt": "with_created_at",
    "updatedAt": "with_updated_at",
    "organizationId": "with_organization_id",
    "organizationRole": "with_organization_role",
    "auth0Id": "with_auth_0_id",
    "hasCompletedLabelingTour": "with_has_completed_labeling_tour",
    "highestRoleInProject": "with_highest_role_in_project",
    "highestRoleInProjectCompute": "with_highest_role_in_project_compute",
    "hubspotSubscriptionStatus": "with_hubspot_subscription_status",
    "isServiceAccount": "with_is_service_account",
}

#: The GraphQL type of each scalar of `User` (enums read as their names, strings).
USER_SCALAR_TYPES: Mapping[str, str] = {
    "id": "ID",
    "email": "String",
    "firstname": "String",
    "lastname": "String",
    "activated": "Boolean",
    "createdAt": "DateTime",
    "updatedAt": "DateTime",
    "organizationId": "String",
    "organizationRole": "OrganizationRole",
    "auth0Id": "String",
    "hasCompletedLabelingTour": "Boolean",
    "highestRoleInProject": "String",
    "highestRoleInProjectCompute": "String",
    "hubspotSubscriptionStatus": "HubspotSubscriptionStatus",
    "isServiceAccount": "Boolean",
}
_ORGANIZATION_SCALAR_TYPES: Mapping[str, str] = {
    "id": "ID",
    "name": "String",
    "activeUsersCount": "Int",
    "isAllowedToSubmitNewLabels": "Boolean",
    "matchingDomain": "String",
    "createdAt": "DateTime",
}
_API_KEY_SCALAR_TYPES: Mapping[str, str] = {
    "id": "ID",
    "name": "String",
    "key": "String",
    "createdAt": "DateTime",
    "expiryDate": "DateTime",
    "revoked": "Boolean",
    "userId": "String",
}
_ORGANIZATION_SCALARS = tuple(_ORGANIZATION_SCALAR_TYPES)
_API_KEY_SCALARS = tuple(_API_KEY_SCALAR_TYPES)


def _snake(name: str) -> str:
    out: list[str] = []
    for char in name:
        if char.isupper():
            out.append("_" + char.lower())
        else:
            out.append(char)
    return "".join(out)


def _nested(flag: str, scalars: Iterable[str]) -> tuple[str, Mapping[str, str]]:
    return flag, {name: f"{flag}_{_snake(name)}" for name in scalars}


#: Object fields of `User`: the flag that asks for the object, and its scalars' flags.
USER_OBJECTS: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "organization": _nested("with_org", _ORGANIZATION_SCALARS),
    "organizations": _nested("with_orgs", _ORGANIZATION_SCALARS),
    "apiKeys": _nested("with_api_keys", _API_KEY_SCALARS),
}

#: The GraphQL types of the scalars of each object field of `User`, and whether it is a list.
USER_OBJECT_TYPES: Mapping[str, tuple[Mapping[str, str], bool]] = {
    "organization": (_ORGANIZATION_SCALAR_TYPES, False),
    "organizations": (_ORGANIZATION_SCALAR_TYPES, True),
    "apiKeys": (_API_KEY_SCALAR_TYPES, True),
}

#: Every name `fields` accepts, in the schema's order.
VALID_FIELDS: tuple[str, ...] = (
    *USER_SCALARS,
    *(f"{obj}.{sub}" for obj, (_, subs) in USER_OBJECTS.items() for sub in subs),
)

ALL_FLAGS: tuple[str, ...] = (
    *USER_SCALARS.values(),
    *(flag for flag, subs in USER_OBJECTS.values() for flag in (flag, *subs.values())),
)


class UserSelection(TypedDict, closed=True):
    """The ``@include`` flags of the generated ``Client.users``, one per field.

    Closed (PEP 728): it holds these keys and no other, so that
    ``kili.client.users(where=..., **selection.flags)`` passes nothing else.
    """

    with_id: bool
    with_email: bool
    with_firstname: bool
    with_lastname: bool
    with_activated: bool
    with_created_at: bool
    with_updated_at: bool
    with_organization_id: bool
    with_organization_role: bool
    with_auth_0_id: bool
    with_has_completed_labeling_tour: bool
    with_highest_role_in_project: bool
    with_highest_role_in_project_compute: bool
    with_hubspot_subscription_status: bool
    with_is_service_account: bool
    with_org: bool
    with_org_id: bool
    with_org_name: bool
    with_org_active_users_count: bool
    with_org_is_allowed_to_submit_new_labels: bool
    with_org_matching_domain: bool
    with_org_created_at: bool
    with_orgs: bool
    with_orgs_id: bool
    with_orgs_name: bool
    with_orgs_active_users_count: bool
    with_orgs_is_allowed_to_submit_new_labels: bool
    with_orgs_matching_domain: bool
    with_orgs_created_at: bool
    with_api_keys: bool
    with_api_keys_id: bool
    with_api_keys_name: bool
    with_api_keys_key: bool
    with_api_keys_created_at: bool
    with_api_keys_expiry_date: bool
    with_api_keys_revoked: bool
    with_api_keys_user_id: bool


_F_co = TypeVar("_F_co", bound=str, covariant=True)


class Selection(Sequence[_F_co]):
    """A validated selection of `User` fields: a read-only sequence of their names.

    `kili_typed.user_fields` builds one whose static type records the names
    (``Selection[Literal["email", "id"]]``), so that `users` returns rows typed
    with exactly them; `select_fields` builds one from names known only at run
    time (``Selection[str]``, rows typed `UserDict`). It is accepted wherever
    `fields` is; for code that wants a list or a tuple (the official SDK's
    `fields`), ``list(selection)`` gives its names.

    It is a small class of its own, not a `tuple` subclass: every checker solves
    a generic class's parameter through the facades' overloads, where ty does not
    solve one of a `tuple` subclass.

    Args:
        fields: Field names of `User`; nested fields as ``"organization.name"``.

    Raises:
        ValueError: A name is not a field of `User` (the message names it and
            the closest valid names), names an object without its fields, or
            no name is given.
        TypeError: `fields` is a single string, or holds something else than str.

    Attributes:
        fields: The names, deduplicated, in the caller's order.
        flags: The ``@include`` flags of the generated ``Client.users`` that ask
            for exactly these fields, for model-style calls:
            ``kili.client.users(where=..., **selection.flags)``.
    """

    __slots__ = ("_flags", "_names")

    def __init__(self, fields: Iterable[_F_co]) -> None:
        names, flags = _validate(fields)
        self._names: tuple[_F_co, ...] = cast("tuple[_F_co, ...]", names)
        self._flags = flags

    @property
    def fields(self) -> tuple[str, ...]:
        return self._names

    @property
    def flags(self) -> UserSelection:
        # A copy: callers may add keys (``{**flags, "with_id": True}``) or change them.
        return {**self._flags}

    @overload
    def __getitem__(self, index: int) -> _F_co: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_F_co, ...]: ...

    def __getitem__(self, index: int | slice) -> _F_co | tuple[_F_co, ...]:
        return self._names[index]

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[_F_co]:
        return iter(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __eq__(self, other: object) -> bool:
        # Equal to a selection of the same names, and to the tuple of them (a
        # selection was a tuple before; code comparing the two keeps working).
        if isinstance(other, Selection):
            return self._names == cast("Selection[str]", other).fields
        if isinstance(other, tuple):
            return self._names == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._names)

    def __repr__(self) -> str:
        # Names are set last in __init__: a selection whose names were refused has none.
        names: tuple[str, ...] = getattr(self, "_names", ())
        return f"Selection({', '.join(map(repr, names))})"

    def __reduce__(self) -> tuple[type[Selection[Any]], tuple[tuple[str, ...]]]:
        # Copies and pickles are rebuilt (and revalidated) from the names.
        return (Selection, (self._names,))


#: The former name of `Selection`, kept for code written against it.
FieldSelection = Selection


def _unknown_field_message(name: str) -> str:
    close = difflib.get_close_matches(name, VALID_FIELDS, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown field {name!r} for User{hint} valid fields: {', '.join(VALID_FIELDS)}"


def _validate(fields: Iterable[str]) -> tuple[tuple[str, ...], UserSelection]:
    flags = dict.fromkeys(ALL_FLAGS, False)
    seen: dict[str, None] = {}
    if isinstance(fields, str):
        # A lone string is an iterable of characters: name the likely mistake.
        raise TypeError(f"fields must be a list of field names, not the string {fields!r}")
    for name in fields:
        if not isinstance(name, str):
            raise TypeError(f"field names must be str, got {name!r}")
        if name in USER_SCALARS:
            flags[USER_SCALARS[name]] = True
        elif name in USER_OBJECTS:
            example = next(iter(USER_OBJECTS[name][1]))
            raise ValueError(
                f"field {name!r} of User is an object: name its fields, e.g. '{name}.{example}'"
            )
        else:
            parent, dot, child = name.partition(".")
            if not dot or parent not in USER_OBJECTS or child not in USER_OBJECTS[parent][1]:
                raise ValueError(_unknown_field_message(name))
            parent_flag, children = USER_OBJECTS[parent]
            flags[parent_flag] = True
            flags[children[child]] = True
        seen[name] = None
    if not seen:
        raise ValueError("fields is empty: name at least one field of User, e.g. ['id']")
    return tuple(seen), cast(UserSelection, flags)


def select_fields(fields: Iterable[str]) -> Selection[str]:
    """Validate `fields` and compute the flags that ask for exactly them.

    For names known only at run time; `kili_typed.user_fields` gives the same
    selection with the names in its static type.

    Args:
        fields: Field names of `User`; nested fields as ``"organization.id"``.

    Returns:
        The validated selection (`Selection.flags` holds the ``@include`` flags).

    Raises:
        ValueError: A name is not a field of `User` (the message names it and
            the closest valid names), names an object without its fields, or
            the list is empty.
    """
    return Selection(fields)


#: Top-level keys of a row whose values may hold date-times or enum members.
_NOT_PLAIN_JSON = frozenset(
    {"createdAt", "updatedAt", "organizationRole", "hubspotSubscriptionStatus", *USER_OBJECTS}
)


def keys_to_convert(fields: Iterable[str]) -> tuple[str, ...]:
    """The top-level row keys that `plain` must convert for these fields.

    Rows of strings, booleans and numbers need no conversion at all, which
    keeps the common listings (``email``, ``id``, names) cheap.
    """
    tops = dict.fromkeys(name.partition(".")[0] for name in fields)
    return tuple(key for key in tops if key in _NOT_PLAIN_JSON)


def format_datetime(value: datetime) -> str:
    """Format a date-time as Kili does: UTC, milliseconds, ``Z`` suffix."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def plain(value: Any) -> Any:
    """Turn a value of a generated model's dump into plain JSON-like Python.

    Date-times become Kili's ISO strings and enum members their string values,
    so rows look exactly like the official SDK's.
    """
    if isinstance(value, dict):
        return {key: plain(item) for key, item in cast("dict[str, Any]", value).items()}
    if isinstance(value, list):
        return [plain(item) for item in cast("list[object]", value)]
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, Enum):
        return value.value
    return value
