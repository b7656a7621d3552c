"""``examples/own_operations``: its committed package is what ``kili-typed codegen`` writes
today, and its test-kit tests pass as a user runs them (pytest in a project of its own,
the fixtures coming from the installed plugin)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kili_typed._codegen import generate
from kili_typed_graphql import schema_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "own_operations"


def files(package: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(package)): path.read_bytes()
        for path in sorted(package.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_committed_package_is_what_codegen_writes(tmp_path: Path) -> None:
    schema = tmp_path / "schema.graphql"
    schema.write_text(schema_text(), encoding="utf-8")
    generate(schema, EXAMPLE / "ops", "my_ops", tmp_path)
    assert files(tmp_path / "my_ops") == files(EXAMPLE / "my_ops"), (
        "examples/own_operations/my_ops is stale: run `kili-typed codegen --schema "
        "schema.graphql --queries examples/own_operations/ops --package my_ops "
        "--target examples/own_operations`"
    )


def test_the_example_tests_pass(tmp_path: Path) -> None:
    for name in ("members.py", "test_members.py"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    shutil.copytree(EXAMPLE / "my_ops", tmp_path / "my_ops")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KILI_", "PYTEST_")) and not name.upper().endswith("_PROXY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "5 passed" in done.stdout
