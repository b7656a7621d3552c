"""How many rows a field's scan of the database may visit, from its arguments.

``countUsers``, ``users``, ``countApiKeys``, ``apiKeys``, ``countOrganizations`` and
``organizations`` read the caller's organization through its index on (organization,
creation date): unless a filter names one row by a unique index, SQLite walks every user
of the organization (``activated`` and ``idIn`` are checked row by row; measured with
``EXPLAIN QUERY PLAN``). So a scan may visit:

- one row when its filter gives ``id`` or ``email`` of a user, or ``id`` or ``key`` of an
  API key (a unique index finds it);
- for ``users`` filtered by nothing but the organization, the rows the index walks to the
  end of the page: ``skip`` plus ``first``, at most the organization's users;
- for ``organizations``/``countOrganizations`` without a ``user`` filter, one row (the
  caller's organization, by its id);
- otherwise every user of the organization.

``Organization.activeUsersCount`` counts the organization's users too; a request
computes it once per organization (see ``resolvers.RequestContext``).

Arguments are read as the request gives them (literals, variables, variables' defaults),
before coercion: a value that would not coerce counts as the widest scan, and the
request is refused later anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graphql import FieldNode, value_from_ast_untyped
from graphql.pyutils import Undefined

from kili_typed_server.core import limits

#: Root fields that scan, by the input type of their ``where``.
USER_SCANS = frozenset({"users", "countUsers"})
KEY_SCANS = frozenset({"apiKeys", "countApiKeys"})
ORGANIZATION_SCANS = frozenset({"organizations", "countOrganizations"})
SCANNING_ROOT_FIELDS = USER_SCANS | KEY_SCANS | ORGANIZATION_SCANS
#: Fields of other types that count the organization's users (once per request).
ORGANIZATION_COUNTS = frozenset({("Organization", "activeUsersCount")})


def _mapping(value: object) -> Mapping[str, Any]:
    # Arguments read before coercion: anything but an object filters nothing.
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def _whole_number(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return max(0, value)


def user_rows(where: object, members: int) -> int:
    """The rows a ``UserWhere`` filter may visit in an organization of `members` users."""
    chosen = _mapping(where)
    if chosen.get("id") is not None or chosen.get("email") is not None:
        return 1
    return members


def key_rows(where: object, members: int) -> int:
    """The rows an ``ApiKeyWhere`` filter may visit: its users' rows, or one key."""
    chosen = _mapping(where)
    if chosen.get("id") is not None or chosen.get("key") is not None:
        return 1
    return user_rows(chosen.get("user"), members)


def organization_rows(where: object, members: int) -> int:
    """The rows an ``OrganizationWhere`` filter may visit: one, or its user filter's."""
    user = _mapping(where).get("user")
    return 1 if user is None else user_rows(user, members)


def listing_rows(arguments: Mapping[str, Any], members: int) -> int:
    """The rows a ``users`` page may visit: a filtered one, the organization's; else the
    index entries up to the end of the page."""
    where = _mapping(arguments.get("where"))
    narrowed = user_rows(where, members)
    if narrowed < members or any(
        where.get(name) is not None for name in ("activated", "idIn", "apiKey")
    ):
        return narrowed
    page, skip = arguments.get("first"), arguments.get("skip")
    first = limits.DEFAULT_PAGE_SIZE if page is None else _whole_number(page, members)
    skipped = 0 if skip is None else _whole_number(skip, members)
    return min(members, skipped + first)


def scan_rows(node: FieldNode, variables: dict[str, Any], members: int) -> int:
    """The rows one run of a scanning root field (see :data:`SCANNING_ROOT_FIELDS`) may
    visit.

    Args:
        node: The field as written in the document.
        variables: The request's variables, their defaults filled in.
        members: Users in the caller's organization.

    Returns:
        The rows it may visit.
    """
    read = {a.name.value: value_from_ast_untyped(a.value, variables) for a in node.arguments}
    arguments = {name: value for name, value in read.items() if value is not Undefined}
    name = node.name.value
    where = arguments.get("where")
    if name == "users":
        return listing_rows(arguments, members)
    if name in USER_SCANS:
        return user_rows(where, members)
    if name in KEY_SCANS:
        return key_rows(where, members)
    return organization_rows(where, members)
