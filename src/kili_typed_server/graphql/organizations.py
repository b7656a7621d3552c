"""Read-only ``organizations`` and ``countOrganizations``: the caller's own organization.

Kili answers these queries with the organizations the caller belongs to, which for this
server is exactly one. ``where`` narrows it as Kili's ``OrganizationWhere`` does: by
``id``, and by ``user`` (the official SDK sends ``{"user": {"email": ...}}``), which
keeps the organization only when it has such a user.
"""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from kili_typed_server.graphql.resolvers import RequestContext, user_filter

query = QueryType()


def visible_organizations(
    ctx: RequestContext, where: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The organizations `where` selects among those the caller may see (their own)."""
    own = ctx.user.organization_id
    where = where or {}
    wanted_id = where.get("id")
    if wanted_id is not None and wanted_id != own:
        return []
    user_where = where.get("user")
    if user_where and ctx.accounts.count_users(ctx.user, user_filter(user_where)) == 0:
        return []
    organization = ctx.organization(own)
    return [] if organization is None else [organization]


@query.field("organizations")
def resolve_organizations(
    _: None,
    info: GraphQLResolveInfo,
    where: dict[str, Any],
    first: int | None = None,
    skip: int | None = None,
) -> list[dict[str, Any]]:
    found = visible_organizations(info.context, where)[skip or 0 :]
    return found if first is None else found[:first]


@query.field("countOrganizations")
def resolve_count_organizations(_: None, info: GraphQLResolveInfo, where: dict[str, Any]) -> int:
    return len(visible_organizations(info.context, where))
