"""The GraphQL files `schema diff` reads are found in a checkout and shipped in wheels."""

from __future__ import annotations

from pathlib import Path

import pytest

import kili_typed_graphql as bundled

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_reads_the_repository_files() -> None:
    assert bundled.schema_text() == (ROOT / "schema.graphql").read_text(encoding="utf-8")
    texts = bundled.operation_texts()
    assert sorted(texts) == sorted(
        f"queries/{p.name}" for p in (ROOT / "queries").glob("*.graphql")
    )
    assert "query users(" in texts["queries/users.graphql"]


def test_wheels_put_the_files_where_bundled_looks() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = settings["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    package = "kili_typed_graphql"
    assert force_include["schema.graphql"] == "/".join((package, *bundled.PACKAGED_SCHEMA))
    assert force_include["queries"] == "/".join((package, *bundled.PACKAGED_QUERIES))
