"""``kili-typed schema pull``: the live server's schema as SDL, for ``kili-typed codegen``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes, find_dangerous_changes, print_schema

import kili_typed_graphql as bundled
from kili_typed_testkit import KiliServer

from .conftest import InProcess, one_line


def test_the_local_server_gives_the_bundled_schema(
    cli: InProcess, env: KiliServer, tmp_path: Path
) -> None:
    output = tmp_path / "schema.graphql"
    result = cli("schema", "pull", "--output", str(output))
    assert result.status == 0, result.err
    assert result.out == ""
    assert one_line(result.err) == f"wrote the schema of {env.endpoint} to {output}"
    pulled = output.read_text(encoding="utf-8")
    ours = build_schema(bundled.schema_text())
    assert find_breaking_changes(ours, build_schema(pulled)) == []
    assert find_dangerous_changes(ours, build_schema(pulled)) == []
    # Descriptions included: the same text as graphql-core prints the bundled file.
    assert pulled == print_schema(ours) + "\n"
    assert output.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def test_without_output_it_prints_the_schema(cli: InProcess, env: KiliServer) -> None:
    result = cli("schema", "pull")
    assert result.status == 0, result.err
    assert result.out == print_schema(build_schema(bundled.schema_text())) + "\n"


def test_a_refused_key_writes_nothing(
    cli: InProcess, env: KiliServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "schema.graphql"
    output.write_text("the schema pulled yesterday\n", encoding="utf-8")
    monkeypatch.setenv("KILI_API_KEY", "kt_not-a-key-of-this-server-0123")
    result = cli("schema", "pull", "--output", str(output))
    assert result.status == 3
    assert "IntrospectionQuery: HTTP 401" in one_line(result.err)
    assert "kt_not-a-key" not in result.err
    assert output.read_text(encoding="utf-8") == "the schema pulled yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]


def test_an_unwritable_output_is_one_line(cli: InProcess, env: KiliServer, tmp_path: Path) -> None:
    result = cli("schema", "pull", "--output", str(tmp_path / "missing" / "schema.graphql"))
    assert result.status == 2
    assert "cannot write" in one_line(result.err)
