"""``kili-typed codegen``: what it writes, and every wrong input refused with one line
before anything is written."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import kili_typed_graphql as bundled
from kili_typed._codegen import MARKER

from .conftest import InProcess, one_line

OPERATION = "query Me { viewer { id email } }\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's directory, the working directory: a schema and one operation file."""
    (tmp_path / "schema.graphql").write_text(bundled.schema_text(), encoding="utf-8")
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "me.graphql").write_text(OPERATION, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codegen(cli: InProcess, *extra: str, package: str = "my_ops") -> Any:
    return cli(
        "codegen", "--schema", "schema.graphql", "--queries", "ops", "--package", package, *extra
    )


def listing(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


def test_writes_a_package_with_both_clients(cli: InProcess, project: Path) -> None:
    result = codegen(cli)
    assert result.status == 0, result.err
    assert one_line(result.err) == "wrote my_ops from 1 operation file: Client, AsyncClient"
    package = project / "my_ops"
    assert (package / "__init__.py").read_text(encoding="utf-8").startswith(MARKER)
    assert (package / "py.typed").exists()
    for client in ("sync_client/client.py", "async_client/client.py"):
        text = (package / client).read_text(encoding="utf-8")
        assert "def me(self" in text
        assert "mutation=False" in text
    # Nothing else was left in the working directory: no scratch directory.
    assert {p.name for p in project.iterdir()} == {"schema.graphql", "ops", "my_ops"}


def test_running_again_replaces_the_package_whole(cli: InProcess, project: Path) -> None:
    assert codegen(cli).status == 0
    (project / "ops" / "me.graphql").unlink()
    (project / "ops" / "orgs.graphql").write_text(
        "query Orgs { organizations(where: {}) { id } }\n", encoding="utf-8"
    )
    result = codegen(cli, "--target", str(project))
    assert result.status == 0, result.err
    assert "replaced" in result.err
    files = listing(project / "my_ops")
    assert "sync_client/orgs.py" in files
    assert "sync_client/me.py" not in files


@pytest.mark.parametrize(
    ("change", "argv", "message"),
    [
        (None, ["--schema", "missing.graphql"], "--schema 'missing.graphql' is not a file"),
        ("empty-ops", [], "no operations in 'ops'"),
        (None, ["--queries", "nowhere"], "--queries 'nowhere' is not a directory"),
        (None, ["--package", "my-ops"], "invalid package name 'my-ops'"),
        (None, ["--package", "class"], "invalid package name 'class'"),
        (None, ["--target", "nowhere"], "--target 'nowhere' is not a directory"),
        (
            "bad-schema",
            [],
            "schema.graphql:1:17: not a valid GraphQL schema: Unknown type 'Nope'.",
        ),
        (
            "bad-operation",
            [],
            "me.graphql:1:21: Cannot query field 'nickname' on type 'User'.",
        ),
        ("syntax-error", [], "me.graphql:1:24: Syntax Error: Expected Name, found <EOF>."),
        ("subscription", [], "me.graphql:1:1: subscription Ticks is not supported"),
        ("foreign-dir", [], "'my_ops' exists and was not written by kili-typed codegen"),
    ],
)
def test_wrong_input_writes_nothing(
    cli: InProcess, project: Path, change: str | None, argv: list[str], message: str
) -> None:
    if change == "empty-ops":
        (project / "ops" / "me.graphql").rename(project / "ops" / "me.txt")
    elif change == "bad-schema":
        (project / "schema.graphql").write_text("type Query { x: Nope }", encoding="utf-8")
    elif change == "bad-operation":
        (project / "ops" / "me.graphql").write_text("query Me { viewer { nickname } }")
    elif change == "syntax-error":
        (project / "ops" / "me.graphql").write_text("query Me { viewer { id ")
    elif change == "subscription":
        (project / "ops" / "me.graphql").write_text("subscription Ticks { viewer { id } }")
    elif change == "foreign-dir":
        (project / "my_ops").mkdir()
        (project / "my_ops" / "mine.py").write_text("x = 1\n")
    before = listing(project)
    options = dict(zip(argv[::2], argv[1::2], strict=True))
    result = cli(
        "codegen",
        "--schema",
        options.get("--schema", "schema.graphql"),
        "--queries",
        options.get("--queries", "ops"),
        "--package",
        options.get("--package", "my_ops"),
        "--target",
        options.get("--target", "."),
    )
    assert result.status == 2
    assert message in one_line(result.err)
    assert listing(project) == before


def test_without_ariadne_codegen_it_says_what_to_install(
    cli: InProcess, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What an import finds when the package is not installed.
    for module in ("ariadne_codegen", "ariadne_codegen.main", "ariadne_codegen.exceptions"):
        monkeypatch.setitem(sys.modules, module, None)
    before = listing(project)
    result = codegen(cli)
    assert result.status == 2
    assert "pip install 'kili-typed[codegen]'" in one_line(result.err)
    assert listing(project) == before
