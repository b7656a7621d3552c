"""The typed examples run against the local server (mypy --strict checks them too)."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from kili_typed import AsyncKili, Kili
from kili_typed_testkit.server import KiliServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_typed_usage_runs(kili_server: KiliServer) -> None:
    example = load("typed_usage")
    with Kili(api_key=kili_server.api_key, api_endpoint=kili_server.endpoint) as kili:
        example.main(kili, "typed@example.com", kili_server.admin_email, kili_server.admin_password)
        assert kili.count_users(email="typed@example.com") == 1
    assert kili_server.store.check_password(kili_server.admin_email, "N3w-passw0rd")


def test_typed_async_usage_runs(kili_server: KiliServer) -> None:
    example = load("typed_async_usage")

    async def run() -> None:
        endpoint = kili_server.endpoint
        async with AsyncKili(api_key=kili_server.api_key, api_endpoint=endpoint) as kili:
            await example.main(
                kili, "async@example.com", kili_server.admin_email, kili_server.admin_password
            )
            assert await kili.count_users(email="async@example.com") == 1

    asyncio.run(run())
    assert kili_server.store.check_password(kili_server.admin_email, "N3w-passw0rd")
