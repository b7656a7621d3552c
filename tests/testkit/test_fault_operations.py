"""Faults can target every root field the local server serves: those of the bundled
schema, which users' own operations (``kili-typed codegen``) may call."""

from __future__ import annotations

from graphql import build_schema

import kili_typed_graphql as bundled
from kili_typed_server.instruments.faults import MUTATION_FIELDS, QUERY_FIELDS


def test_faults_know_every_root_field_of_the_schema() -> None:
    schema = build_schema(bundled.schema_text())
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert set(QUERY_FIELDS) == set(schema.query_type.fields)
    assert set(MUTATION_FIELDS) == set(schema.mutation_type.fields)
