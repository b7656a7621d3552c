"""A package of operations of the user's own, generated once per test module by
``kili-typed codegen`` from the bundled schema, and imported."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import kili_typed_graphql as bundled
from kili_typed._codegen import generate
from tests.processes import PROCESS_TIMEOUT_SECONDS

#: The operations a user writes: a query, a query with an optional variable, a mutation.
OPERATIONS = """\
query MyOrganizations {
  organizations(where: {}, first: 10, skip: 0) { id name }
}

query UsersByEmail($email: String, $first: PageSize) {
  users(where: {email: $email}, first: $first, skip: 0) { id email organizationRole }
}

mutation AddMember($data: CreateUserData!) {
  createUser(data: $data) { id email }
}
"""


def generate_into(directory: Path, package: str, operations: str = OPERATIONS) -> Path:
    """Writes the bundled schema and `operations` in `directory` and generates `package`."""
    (directory / "schema.graphql").write_text(bundled.schema_text(), encoding="utf-8")
    (directory / "ops").mkdir()
    (directory / "ops" / "operations.graphql").write_text(operations, encoding="utf-8")
    generate(directory / "schema.graphql", directory / "ops", package, directory)
    return directory / package


@pytest.fixture(scope="module")
def own_ops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package ``own_ops``, importable for the module's tests."""
    directory = tmp_path_factory.mktemp("own-operations")
    generate_into(directory, "own_ops")
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module("own_ops")
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == "own_ops" or m.startswith("own_ops.")]:
            del sys.modules[name]


def run(directory: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Runs `argv` in `directory` as a user's shell would, with `env` added."""
    return subprocess.run(
        argv,
        cwd=directory,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
        check=False,
    )
