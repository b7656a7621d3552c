"""Shared fixtures.

``local_server`` runs the real local Kili server over HTTP on a loopback port, with a fresh
SQLite file and the known credentials of ``kili_typed_server.testing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kili_typed_server import LocalServer
from kili_typed_server.testing import make_test_server


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[LocalServer]:
    """A running local server on a fresh database, stopped after the test."""
    with make_test_server(tmp_path / "kili-test.db") as server:
        yield server
