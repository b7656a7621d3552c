"""What pyright-langserver, `ty server` and `pyrefly lsp` offer where a user writes a
field name or a row's key, asked over LSP as an editor asks, against the built wheel.

`make typecheck-wheel` (tools/check_wheel_types.py) builds the wheel, installs it into
a clean virtualenv and runs these tests with `KILI_TYPED_WHEEL_PYTHON` naming that
virtualenv's python; elsewhere they are skipped (a wheel and a virtualenv per run of
the suite would cost every run a minute). Each server runs once per module, in a
workspace of its own whose configuration points at the virtualenv; the cases are in
tests/editor/servers.py, where each says which servers it does not hold
(docs/editors.md gives those servers the attribute spelling, `F.email`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from pytest_lsp import LanguageClient

from tests.editor.servers import CASES, SERVERS, TIMEOUT, Case, complete, make_client, start

WHEEL_PYTHON = os.environ.get("KILI_TYPED_WHEEL_PYTHON")

pytestmark = [
    pytest.mark.skipif(
        WHEEL_PYTHON is None,
        reason="runs from `make typecheck-wheel`, against the built wheel",
    ),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, LanguageClient, Path]]:
    """A language server started in a workspace of its own, and that workspace."""
    name: str = request.param
    assert WHEEL_PYTHON is not None
    workspace = tmp_path_factory.mktemp(f"editor-{name}")
    SERVERS[name].configure(workspace, Path(WHEEL_PYTHON))
    client = make_client()
    await asyncio.wait_for(start(client, SERVERS[name], workspace), TIMEOUT)
    yield name, client, workspace
    await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    await client.stop()  # type: ignore[no-untyped-call]  # pygls is untyped


#: Each case, in each server it holds for (the others are exempt: see `Case.exempt`).
PAIRS = [(name, case) for name in SERVERS for case in CASES if name not in case.exempt]


@pytest.mark.parametrize(
    ("server", "case"),
    PAIRS,
    indirect=["server"],
    ids=[f"{name}-{case.name}" for name, case in PAIRS],
)
async def test_names_offered(server: tuple[str, LanguageClient, Path], case: Case) -> None:
    name, client, workspace = server
    path = workspace / f"{case.name.replace(' ', '_').replace('.', '_')}.py"
    labels = await asyncio.wait_for(complete(client, path, case.code), TIMEOUT)
    assert case.offered <= labels, f"{name} did not offer {sorted(case.offered - labels)}"
    assert not case.absent & labels, f"{name} offered keys not selected: {case.absent & labels}"
