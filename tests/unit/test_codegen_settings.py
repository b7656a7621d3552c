"""The async generated client is built with the same settings as the sync one."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

#: What the async configuration may, and must, change.
ASYNC_ONLY = {
    "target_package_name": "kili_typed_generated_async",
    "async_client": True,
    "base_client_name": "AsyncBaseClient",
    "base_client_file_path": "tools/codegen_base/async_base_client.py",
}


def test_the_async_codegen_settings_are_the_sync_ones_but_for_the_package_and_client() -> None:
    # The base client too: each its own file in tools/codegen_base/.
    sync = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "ariadne-codegen"
    ]
    async_ = tomllib.loads((ROOT / "tools" / "codegen-async.toml").read_text(encoding="utf-8"))[
        "tool"
    ]["ariadne-codegen"]
    assert {**sync, **ASYNC_ONLY} == async_
    assert sync["async_client"] is False
