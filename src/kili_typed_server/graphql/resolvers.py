"""GraphQL resolvers: translate between the wire (camelCase dicts) and the accounts service.

Resolvers decide nothing: every permission and policy check lives in
`kili_typed_server.service.accounts`, which they call with the authenticated caller.

Every resolver is synchronous; the HTTP layer runs a whole request in a worker thread.
Related objects are loaded per page, not per row: the users of a page share a
:class:`UserBatch` that fetches all their API keys in one query the first time one is
asked for, and a request caches its organizations, so listing users with nested fields
costs a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ariadne import MutationType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from kili_typed_server.core import limits, tokens
from kili_typed_server.core.records import (
    ApiKeyFilter,
    ApiKeyRecord,
    Caller,
    OrganizationRecord,
    UserChanges,
    UserFilter,
    UserRecord,
)
from kili_typed_server.graphql.deadlines import Deadline
from kili_typed_server.service.accounts import Accounts

#: ``User.highestRoleInProject``: this server has no projects, so no project role.
HIGHEST_ROLE_IN_PROJECT = ""


@dataclass
class RequestContext:
    """What resolvers of one request share: the service, the caller and caches."""

    accounts: Accounts
    caller: Caller
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict[str, dict[str, Any]])
    active_users_counts: dict[str, int] = field(default_factory=dict[str, int])
    #: Users ``Organization.users`` may still answer in this request, over all its copies.
    unpaged_users_left: int = field(default_factory=lambda: limits.MAX_UNPAGED_USERS_PER_REQUEST)
    #: When the request must be done by (queries); ``None`` for no deadline.
    deadline: Deadline | None = None

    @property
    def user(self) -> UserRecord:
        """The caller's user record."""
        return self.caller.user

    def organization(self, organization_id: str) -> dict[str, Any] | None:
        """Returns an organization's wire dict, fetching it once per request."""
        if organization_id not in self.organizations:
            found = self.accounts.organizations_by_ids([organization_id])
            if organization_id not in found:
                return None
            self.organizations[organization_id] = organization_view(found[organization_id])
        return self.organizations[organization_id]


class UserBatch:
    """Users answered together (one page), whose API keys are fetched together."""

    def __init__(self, ctx: RequestContext, user_ids: Sequence[str]) -> None:
        self._ctx = ctx
        self._user_ids = list(user_ids)
        self._keys: dict[str, list[ApiKeyRecord]] | None = None

    def api_keys(self, user_id: str) -> list[ApiKeyRecord]:
        """Returns the user's keys the caller may see, fetching the batch's on first use."""
        if self._keys is None:
            self._keys = self._ctx.accounts.api_keys_of(self._ctx.user, self._user_ids)
        return self._keys.get(user_id, [])


class KeyBatch:
    """API keys answered together, whose owners are fetched together."""

    def __init__(self, ctx: RequestContext, user_ids: Sequence[str]) -> None:
        self._ctx = ctx
        self._user_ids = sorted(set(user_ids))
        self._users: dict[str, dict[str, Any]] | None = None

    def user(self, user_id: str) -> dict[str, Any] | None:
        """Returns a key owner's wire dict, fetching all owners on first use."""
        if self._users is None:
            found = self._ctx.accounts.users_by_ids(self._user_ids)
            self._users = dict(zip(found, users_view(self._ctx, list(found.values())), strict=True))
        return self._users.get(user_id)


def organization_view(organization: OrganizationRecord) -> dict[str, Any]:
    """Builds an organization's wire dict; ``activeUsersCount`` and ``users`` resolve lazily."""
    return {
        "id": organization.id,
        "name": organization.name,
        "isAllowedToSubmitNewLabels": organization.is_allowed_to_submit_new_labels,
        "matchingDomain": organization.matching_domain,
        "createdAt": organization.created_at,
    }


def users_view(ctx: RequestContext, users: Sequence[UserRecord]) -> list[dict[str, Any]]:
    """Builds the wire dicts of users answered together."""
    batch = UserBatch(ctx, [user.id for user in users])
    return [
        {
            "id": user.id,
            "email": user.email,
            "firstname": user.firstname,
            "lastname": user.lastname,
            "activated": user.activated,
            "createdAt": user.created_at,
            "updatedAt": user.updated_at,
            "organizationId": user.organization_id,
            "organizationRole": user.organization_role,
            "auth0Id": None,
            "hasCompletedLabelingTour": user.has_completed_labeling_tour,
            "highestRoleInProject": HIGHEST_ROLE_IN_PROJECT,
            "hubspotSubscriptionStatus": user.hubspot_subscription_status,
            "isServiceAccount": False,
            "_batch": batch,
        }
        for user in users
    ]


def keys_view(ctx: RequestContext, keys: Sequence[ApiKeyRecord]) -> list[dict[str, Any]]:
    """Builds the wire dicts of API keys answered together; ``key`` is masked."""
    batch = KeyBatch(ctx, [key.user_id for key in keys])
    return [
        {
            "id": key.id,
            "name": key.name,
            "key": tokens.mask_key(key.last4),
            "createdAt": key.created_at,
            "expiryDate": key.expiry_date,
            "revoked": key.revoked,
            "userId": key.user_id,
            "_batch": batch,
        }
        for key in keys
    ]


def user_filter(where: dict[str, Any] | None) -> UserFilter:
    """Converts a ``UserWhere`` argument into a :class:`UserFilter`."""
    if not where:
        return UserFilter()
    organization: dict[str, Any] = where.get("organization") or {}
    id_in = where.get("idIn")
    return UserFilter(
        id=where.get("id"),
        id_in=None if id_in is None else tuple(id_in),
        email=where.get("email"),
        activated=where.get("activated"),
        organization_id=organization.get("id"),
        api_key=where.get("apiKey"),
    )


def api_key_filter(where: dict[str, Any] | None) -> ApiKeyFilter:
    """Converts an ``ApiKeyWhere`` argument into an :class:`ApiKeyFilter`."""
    if not where:
        return ApiKeyFilter()
    user = where.get("user")
    return ApiKeyFilter(
        id=where.get("id"),
        key=where.get("key"),
        user=None if user is None else user_filter(user),
    )


def _ctx(info: GraphQLResolveInfo) -> RequestContext:
    context: RequestContext = info.context
    return context


def _one(ctx: RequestContext, user: UserRecord) -> dict[str, Any]:
    return users_view(ctx, [user])[0]


query = QueryType()
mutation = MutationType()
user_type = ObjectType("User")
organization_type = ObjectType("Organization")
api_key_type = ObjectType("ApiKey")


@query.field("users")
def resolve_users(
    _: None,
    info: GraphQLResolveInfo,
    where: dict[str, Any],
    first: int | None = None,
    skip: int | None = None,
) -> list[dict[str, Any]]:
    ctx = _ctx(info)
    return users_view(ctx, ctx.accounts.find_users(ctx.user, user_filter(where), first, skip))


@query.field("countUsers")
def resolve_count_users(_: None, info: GraphQLResolveInfo, where: dict[str, Any]) -> int:
    ctx = _ctx(info)
    return ctx.accounts.count_users(ctx.user, user_filter(where))


@query.field("viewer")
@query.field("me")
def resolve_viewer(_: None, info: GraphQLResolveInfo) -> dict[str, Any]:
    ctx = _ctx(info)
    return _one(ctx, ctx.user)


@query.field("apiKeys")
def resolve_api_keys(
    _: None,
    info: GraphQLResolveInfo,
    where: dict[str, Any],
    first: int | None = None,
    skip: int | None = None,
) -> list[dict[str, Any]]:
    ctx = _ctx(info)
    found = ctx.accounts.find_api_keys(ctx.user, api_key_filter(where), first, skip)
    return keys_view(ctx, found)


@query.field("countApiKeys")
def resolve_count_api_keys(_: None, info: GraphQLResolveInfo, where: dict[str, Any]) -> int:
    ctx = _ctx(info)
    return ctx.accounts.count_api_keys(ctx.user, api_key_filter(where))


@mutation.field("createUser")
def resolve_create_user(_: None, info: GraphQLResolveInfo, data: dict[str, Any]) -> dict[str, Any]:
    ctx = _ctx(info)
    created = ctx.accounts.create_user(
        ctx.user,
        data["email"],
        data["password"],
        organization_role=data["organizationRole"],
        firstname=data.get("firstname"),
        lastname=data.get("lastname"),
    )
    return _one(ctx, created)


@mutation.field("updatePassword")
def resolve_update_password(
    _: None, info: GraphQLResolveInfo, data: dict[str, Any], where: dict[str, Any]
) -> dict[str, Any]:
    ctx = _ctx(info)
    updated = ctx.accounts.update_password(
        ctx.user,
        user_filter(where),
        data["oldPassword"],
        data["newPassword1"],
        data["newPassword2"],
    )
    return _one(ctx, updated)


@mutation.field("resetPassword")
def resolve_reset_password(
    _: None, info: GraphQLResolveInfo, where: dict[str, Any]
) -> dict[str, Any]:
    ctx = _ctx(info)
    return _one(ctx, ctx.accounts.request_password_reset(ctx.user, user_filter(where)))


@mutation.field("updatePropertiesInUser")
def resolve_update_properties_in_user(
    _: None, info: GraphQLResolveInfo, data: dict[str, Any], where: dict[str, Any]
) -> dict[str, Any]:
    ctx = _ctx(info)
    changes = UserChanges(
        email=data.get("email"),
        firstname=data.get("firstname"),
        lastname=data.get("lastname"),
        activated=data.get("activated"),
        organization_id=data.get("organizationId"),
        organization_role=data.get("organizationRole"),
        has_completed_labeling_tour=data.get("hasCompletedLabelingTour"),
        hubspot_subscription_status=data.get("hubspotSubscriptionStatus"),
    )
    null_only: dict[str, object] = {name: data.get(name) for name in ("apiKey", "organization")}
    updated = ctx.accounts.update_user(ctx.user, user_filter(where), changes, null_only=null_only)
    return _one(ctx, updated)


@user_type.field("organization")
def resolve_user_organization(
    user: dict[str, Any], info: GraphQLResolveInfo
) -> dict[str, Any] | None:
    return _ctx(info).organization(user["organizationId"])


@user_type.field("organizations")
def resolve_user_organizations(
    user: dict[str, Any], info: GraphQLResolveInfo
) -> list[dict[str, Any]]:
    organization = _ctx(info).organization(user["organizationId"])
    return [] if organization is None else [organization]


def resolve_users_organizations(
    users: Sequence[dict[str, Any]], info: GraphQLResolveInfo
) -> list[dict[str, Any] | None]:
    """``User.organization`` of a whole page at once, as :func:`resolve_user_organization`
    gives it for each user (each organization fetched once, in the same order)."""
    ctx = _ctx(info)
    ids = [user["organizationId"] for user in users]
    found = {org_id: ctx.organization(org_id) for org_id in dict.fromkeys(ids)}
    return list(map(found.__getitem__, ids))


def resolve_users_organizations_lists(
    users: Sequence[dict[str, Any]], info: GraphQLResolveInfo
) -> list[list[dict[str, Any]]]:
    """``User.organizations`` of a whole page at once (see :func:`resolve_users_organizations`)."""
    return [[] if org is None else [org] for org in resolve_users_organizations(users, info)]


@user_type.field("apiKeys")
def resolve_user_api_keys(user: dict[str, Any], info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    batch: UserBatch = user["_batch"]
    return keys_view(_ctx(info), batch.api_keys(user["id"]))


@organization_type.field("activeUsersCount")
def resolve_active_users_count(organization: dict[str, Any], info: GraphQLResolveInfo) -> int:
    ctx = _ctx(info)
    org_id: str = organization["id"]
    if org_id not in ctx.active_users_counts:
        ctx.active_users_counts.update(ctx.accounts.active_users_counts([org_id]))
    return ctx.active_users_counts[org_id]


@organization_type.field("users")
def resolve_organization_users(
    organization: dict[str, Any], info: GraphQLResolveInfo
) -> list[dict[str, Any]]:
    ctx = _ctx(info)
    found = ctx.accounts.organization_users(ctx.user, organization["id"], ctx.unpaged_users_left)
    ctx.unpaged_users_left -= len(found)
    return users_view(ctx, found)


@api_key_type.field("user")
def resolve_api_key_user(key: dict[str, Any], info: GraphQLResolveInfo) -> dict[str, Any] | None:
    batch: KeyBatch = key["_batch"]
    return batch.user(key["userId"])


#: Resolvers of fields without arguments, and the functions giving the same values for a
#: whole column of sources at once, for the fast path (`kili_typed_server.graphql.fast_path`).
COLUMN_RESOLVERS: dict[Any, Any] = {
    resolve_user_organization: resolve_users_organizations,
    resolve_user_organizations: resolve_users_organizations_lists,
}


def bindables() -> list[ObjectType]:
    """Returns the resolvers to bind to the schema."""
    return [query, mutation, user_type, organization_type, api_key_type]
