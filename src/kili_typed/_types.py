"""Typed shapes of what the facade returns and accepts.

`users` returns rows as plain dicts, exactly as the official SDK does, with the
camelCase keys of the Kili API. These `TypedDict`s describe every key a row may
hold; a row holds only the keys named in `fields` (hence ``total=False``).
Date-times are the ISO-8601 strings the server sent, e.g.
``"2024-01-08T10:21:00.624Z"``; use the typed client (``Kili.client``) for
`datetime` objects.
"""

from __future__ import annotations

from typing import Literal, TypedDict

#: The values of the `OrganizationRole` enum of the Kili API.
OrganizationRole = Literal["ADMIN", "USER"]

#: The values of the `HubspotSubscriptionStatus` enum of the Kili API.
HubspotSubscriptionStatus = Literal["SUBSCRIBED", "UNSUBSCRIBED"]

#: What `fields` accepts: the documented list, or an equal tuple.
FieldList = list[str] | tuple[str, ...]


class OrganizationDict(TypedDict, total=False):
    """An organization as nested in a user row (``organization.id`` ...)."""

    id: str
    name: str
    activeUsersCount: int
    isAllowedToSubmitNewLabels: bool
    matchingDomain: str | None
    createdAt: str | None


class DefaultOrganizationDict(TypedDict):
    """A row of `organizations()` called without `fields`: the documented default
    ``("id", "name")``, both always there, so ``kili.organizations()[0]["id"]`` type-checks
    under the strictest settings."""

    id: str
    name: str


class ApiKeyDict(TypedDict, total=False):
    """An API key as nested in a user row (``apiKeys.name`` ...)."""

    id: str
    name: str
    key: str
    createdAt: str
    expiryDate: str
    revoked: bool
    userId: str


class UserDict(TypedDict, total=False):
    """A user row returned by `users`: only the keys named in `fields`."""

    id: str
    email: str
    firstname: str | None
    lastname: str | None
    activated: bool
    createdAt: str
    updatedAt: str
    organizationId: str
    #: The schema's enum, so that a role read can be written back
    #: (``update_properties_in_user(organization_role=row["organizationRole"])``).
    organizationRole: OrganizationRole | None
    auth0Id: str | None
    hasCompletedLabelingTour: bool
    highestRoleInProject: str
    highestRoleInProjectCompute: str | None
    hubspotSubscriptionStatus: HubspotSubscriptionStatus | None
    isServiceAccount: bool
    organization: OrganizationDict | None
    organizations: list[OrganizationDict] | None
    apiKeys: list[ApiKeyDict] | None


class MutationResult(TypedDict):
    """What every mutation returns: the id of the user it acted on."""

    id: str
