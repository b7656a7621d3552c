"""The executable GraphQL schema: ``schema.graphql`` with the server's scalars and resolvers.

The schema is the repository's ``schema.graphql``, the same one the client is generated
from, found the one way the package knows (`kili_typed_graphql`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ariadne import ScalarType, make_executable_schema
from graphql import (
    DirectiveLocation,
    GraphQLDeprecatedDirective,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLSchema,
    IntValueNode,
    ValueNode,
)

import kili_typed_graphql as bundled
from kili_typed_server.core import limits
from kili_typed_server.core.clock import format_datetime
from kili_typed_server.core.errors import PageSizeError
from kili_typed_server.graphql.organizations import query as organizations_query
from kili_typed_server.graphql.resolvers import bindables

#: ``@deprecated`` as graphql-js 16 (which Kili runs) and graphql-core up to 3.2.6 define it.
#: graphql-core 3.2.14 also lists ``DIRECTIVE_DEFINITION`` among its locations, and a client
#: on graphql-core 3.2.6 (the 2026 Kili SDK's) refuses to build a schema from an
#: introspection that says so; serving the classic directive keeps every client reading it.
CLASSIC_DEPRECATED_DIRECTIVE = GraphQLDirective(
    name=GraphQLDeprecatedDirective.name,
    locations=[
        DirectiveLocation.FIELD_DEFINITION,
        DirectiveLocation.ARGUMENT_DEFINITION,
        DirectiveLocation.INPUT_FIELD_DEFINITION,
        DirectiveLocation.ENUM_VALUE,
    ],
    args=GraphQLDeprecatedDirective.args,
    description=GraphQLDeprecatedDirective.description,
)


def _page_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PageSizeError(
            f"a page size must be an integer between 0 and {limits.MAX_PAGE_SIZE}, got {value!r}"
        )
    if not 0 <= value <= limits.MAX_PAGE_SIZE:
        raise PageSizeError(
            f"a page size must be between 0 and {limits.MAX_PAGE_SIZE}, got {value}; "
            "ask for more items page by page with skip"
        )
    return value


def _page_size_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> int:
    if not isinstance(node, IntValueNode):
        raise PageSizeError(f"a page size must be an integer between 0 and {limits.MAX_PAGE_SIZE}")
    return _page_size(int(node.value))


def _serialize_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"not a DateTime: {type(value).__name__}")


def _parse_datetime(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a DateTime must be an ISO-8601 string such as 2024-01-08T10:21:00.624Z")
    return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))


page_size_scalar = ScalarType(
    "PageSize",
    serializer=_page_size,
    value_parser=_page_size,
    literal_parser=_page_size_literal,
)
datetime_scalar = ScalarType(
    "DateTime", serializer=_serialize_datetime, value_parser=_parse_datetime
)


def build_schema(type_defs: str | None = None) -> GraphQLSchema:
    """Builds the executable schema.

    Args:
        type_defs: The SDL to serve; the bundled ``schema.graphql`` by default.

    Returns:
        The schema with scalars and resolvers bound.
    """
    if type_defs is None:
        type_defs = bundled.schema_text()
    schema: GraphQLSchema = make_executable_schema(
        type_defs, page_size_scalar, datetime_scalar, *bindables(), organizations_query
    )
    _restore_enum_parsers(schema)
    schema.directives = tuple(
        CLASSIC_DEPRECATED_DIRECTIVE if directive.name == "deprecated" else directive
        for directive in schema.directives
    )
    return schema


def _restore_enum_parsers(schema: GraphQLSchema) -> None:
    # ariadne 1.1.1 replaces each enum's parse_value with a one-argument function, but
    # graphql-core 3.2.14 calls it with two (value, hide_suggestions), so every enum
    # variable ($organizationRole: OrganizationRole) failed. The patch only serves enum
    # default values inside input types, which this schema does not have: drop it.
    for named_type in schema.type_map.values():
        if isinstance(named_type, GraphQLEnumType) and "parse_value" in vars(named_type):
            del named_type.parse_value
