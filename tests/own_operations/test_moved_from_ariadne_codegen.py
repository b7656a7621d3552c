"""A project moved from plain ariadne-codegen onto kili-typed's runtime, as
docs/own-operations.md shows it: its ``[tool.ariadne-codegen]`` section names the client
``KiliOps`` and maps the ``DateTime`` scalar to a class of its own with parse and
serialize functions; ``kili-typed codegen`` run in the project generates ``KiliOps`` and
``AsyncKiliOps`` with the scalar mapped, and the project calls them through
``KiliOps.from_kili(kili)`` against the local server."""

from __future__ import annotations

import sys
from pathlib import Path

import kili_typed_graphql as bundled
from kili_typed_testkit import KiliServer

from .conftest import run

PYPROJECT = """\
[project]
name = "labelling-pipeline"
version = "1.0.0"

[tool.ariadne-codegen]
schema_path = "schema.graphql"
queries_path = "queries"
target_package_name = "kili_ops"
client_name = "KiliOps"
include_comments = "none"

[tool.ariadne-codegen.scalars.DateTime]
type = "stamps.Stamp"
parse = "stamps.parse_stamp"
serialize = "stamps.serialize_stamp"
"""

STAMPS = '''\
"""The project's own reading of Kili's DateTime scalar."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stamp:
    text: str

    @property
    def day(self) -> str:
        return self.text[:10]


def parse_stamp(value: str) -> Stamp:
    return Stamp(value)


def serialize_stamp(value: Stamp) -> str:
    return value.text
'''

OPERATIONS = """\
query Members($first: PageSize) {
  users(where: {}, first: $first, skip: 0) { email createdAt }
}
"""

APP = """\
import asyncio

from kili_typed import AsyncKili, Kili
from kili_ops import AsyncKiliOps, KiliOps


async def count_async() -> int:
    async with AsyncKili() as kili:
        return len((await AsyncKiliOps.from_kili(kili).members(first=5)).users)


with Kili() as kili:
    member = KiliOps.from_kili(kili).members(first=5).users[0]
    print(member.email, type(member.created_at).__name__, len(member.created_at.day))
print(asyncio.run(count_async()))
"""


def test_a_project_keeps_its_client_name_and_scalars(
    tmp_path: Path, kili_server: KiliServer
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "stamps.py").write_text(STAMPS, encoding="utf-8")
    (tmp_path / "schema.graphql").write_text(bundled.schema_text(), encoding="utf-8")
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "members.graphql").write_text(OPERATIONS, encoding="utf-8")
    env = {
        "KILI_API_KEY": kili_server.api_key,
        "KILI_API_ENDPOINT": kili_server.endpoint,
        "PYTHONPATH": str(tmp_path),
    }

    generated = run(tmp_path, sys.executable, "-m", "kili_typed", "codegen", env=env)
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr.strip().endswith(": KiliOps, AsyncKiliOps")
    models = (tmp_path / "kili_ops" / "sync_client" / "members.py").read_text(encoding="utf-8")
    # Read with the project's function (serialize is for variables of the scalar).
    assert "created_at: Annotated[Stamp, BeforeValidator(parse_stamp)]" in " ".join(models.split())

    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    ran = run(tmp_path, sys.executable, "app.py", env=env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["admin@example.com Stamp 10", "1"]
