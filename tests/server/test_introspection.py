"""The introspection the server answers, as clients of every era read it."""

from __future__ import annotations

from graphql import GraphQLObjectType, build_client_schema, get_introspection_query

from kili_typed_testkit.testing import GraphQLCaller as Gql

# What the 2026 Kili SDK asks for (gql's introspection_args).
SDK_2026_INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=False,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)


def test_deprecated_directive_has_the_classic_locations(gql: Gql) -> None:
    # graphql-core 3.2.6 (the 2026 SDK's) cannot build a schema whose @deprecated lists
    # DIRECTIVE_DEFINITION, which graphql-core 3.2.14 adds: the server must not say it.
    directives = gql(SDK_2026_INTROSPECTION).data["__schema"]["directives"]
    (deprecated,) = [d for d in directives if d["name"] == "deprecated"]
    assert deprecated["locations"] == [
        "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION",
        "INPUT_FIELD_DEFINITION",
        "ENUM_VALUE",
    ]


def test_introspection_builds_a_client_schema(gql: Gql) -> None:
    schema = build_client_schema(gql(SDK_2026_INTROSPECTION).data)
    user = schema.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    assert user.fields["organization"].deprecation_reason
