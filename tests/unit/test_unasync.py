"""The sync facade is written from the async one: `tools/unasync.py`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "tools" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["unasync"] = module
    spec.loader.exec_module(module)
    return module


unasync = _load()
SOURCE = (ROOT / "src" / "kili_typed" / "_async_client.py").read_text(encoding="utf-8")


def test_the_committed_sync_facade_is_what_the_script_writes() -> None:
    written = unasync.formatted(unasync.unasync(SOURCE))
    assert (ROOT / "src" / "kili_typed" / "_client.py").read_text(encoding="utf-8") == written


def test_the_sync_facade_says_it_is_written_and_keeps_no_async() -> None:
    written = unasync.unasync(SOURCE)
    assert written.startswith("# Generated from src/kili_typed/_async_client.py")
    body = written.removeprefix(unasync.HEADER)
    assert "class Kili:" in body and "AsyncKili" not in body
    assert "await " not in body and "async def" not in body


def test_an_edit_to_the_async_facade_makes_the_committed_copy_stale() -> None:
    edited = SOURCE.replace("Close the connection pool", "Close the pool of connections")
    written = unasync.formatted(unasync.unasync(edited))
    assert (ROOT / "src" / "kili_typed" / "_client.py").read_text(encoding="utf-8") != written


def test_a_substitution_that_no_longer_matches_is_an_error() -> None:
    renamed = SOURCE.replace("asyncio.sleep", "anyio.sleep")
    with pytest.raises(unasync.StaleRule, match=r"no match for 'asyncio\.sleep'"):
        unasync.unasync(renamed)


def test_async_left_over_by_the_table_is_an_error() -> None:
    with pytest.raises(unasync.StaleRule, match="async left in the sync facade"):
        unasync.unasync(SOURCE + "\nasync_thing = asyncio.get_event_loop\n")
