"""The arguments of `organizations` and `count_organizations`, checked, and their answers
shaped into rows. Pure: no I/O, and no tie to either generated package.

Kili answers these with the caller's own organization only; the official SDK's
signatures are kept so that code written for it (``kili.organizations()[0]["id"]``,
the documented example of `users`) runs unchanged.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from . import _arguments as a
from ._fields import plain
from ._operations import Variables
from ._types import OrganizationDict

#: Fields of `Organization`, each with the flag of `queries/organizations.graphql` that asks
#: for it.
ORGANIZATION_FIELDS: Mapping[str, str] = {
    "id": "with_id",
    "name": "with_name",
    "activeUsersCount": "with_active_users_count",
    "isAllowedToSubmitNewLabels": "with_is_allowed_to_submit_new_labels",
    "matchingDomain": "with_matching_domain",
    "createdAt": "with_created_at",
}


class OrganizationSelection(TypedDict):
    """The ``@include`` flags of the generated ``Client.organizations``."""

    with_id: bool
    with_name: bool
    with_active_users_count: bool
    with_is_allowed_to_submit_new_labels: bool
    with_matching_domain: bool
    with_created_at: bool


def organization_where(method: str, *, email: object, organization_id: object) -> Variables:
    """The `OrganizationWhere` of both methods; only given filters are sent."""
    mail = a.check_optional_email(method, "email", email)
    org = a.check_optional_str(method, "organization_id", organization_id, non_empty=True)
    where: Variables = {}
    if org is not None:
        where["id"] = org
    if mail is not None:
        where["user"] = {"email": mail}
    return where


def select_organization_fields(fields: tuple[str, ...]) -> OrganizationSelection:
    """The flags that ask for exactly `fields`.

    Raises:
        ValueError: A name is not a field of `Organization` (the message names the
            closest valid ones), or the list is empty.
    """
    flags = dict.fromkeys(ORGANIZATION_FIELDS.values(), False)
    for name in fields:
        if name not in ORGANIZATION_FIELDS:
            close = difflib.get_close_matches(name, ORGANIZATION_FIELDS, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"unknown field {name!r} for Organization{hint} valid fields: "
                f"{', '.join(ORGANIZATION_FIELDS)}"
            )
        flags[ORGANIZATION_FIELDS[name]] = True
    if not fields:
        raise ValueError("fields is empty: name at least one field of Organization, e.g. ['id']")
    return cast(OrganizationSelection, flags)


@dataclass(frozen=True)
class OrganizationsRequest:
    """A checked `organizations` call."""

    where: Variables
    fields: tuple[str, ...]
    flags: OrganizationSelection
    first: int | None
    skip: int
    as_generator: bool


def organizations_request(
    *,
    email: object,
    organization_id: object,
    fields: object,
    first: object,
    skip: object,
    disable_tqdm: object,
    as_generator: object,
) -> OrganizationsRequest:
    """Check every argument of `organizations` and build its request.

    `disable_tqdm` is checked and then unused: a caller sees one organization, too few
    for a progress bar.
    """
    method = "organizations"
    where = organization_where(method, email=email, organization_id=organization_id)
    names = tuple(dict.fromkeys(a.check_fields(method, "fields", fields)))
    a.check_optional_bool(method, "disable_tqdm", disable_tqdm)
    return OrganizationsRequest(
        where=where,
        fields=names,
        flags=select_organization_fields(names),
        first=a.check_optional_count(method, "first", first),
        skip=a.check_count(method, "skip", skip),
        as_generator=a.check_bool(method, "as_generator", as_generator),
    )


def organization_rows(dumped: list[dict[str, Any]]) -> list[OrganizationDict]:
    """An ``organizations`` answer (``model_dump(by_alias=True, exclude_unset=True)``) as
    plain rows: date-times as Kili's ISO strings."""
    return [cast(OrganizationDict, plain(row)) for row in dumped]
