"""The kili-typed test kit: a local Kili server for tests, and clients on it.

It sits on top of the two other parts and is the only one that imports both: the client
(`kili_typed`) and the local server (`kili_typed_server`, the ``[server]`` extra). Its
pieces:

- ``pytest_plugin``: the ``kili_server``, ``kili``, ``async_kili`` and ``kili_env``
  fixtures and the ``kili_server`` marker (registered through the ``pytest11`` entry
  point; see docs/testing.md);
- ``server``: :class:`KiliServer`, the server those fixtures hand out (reset, seeds,
  faults, the request log, clients over HTTP or in-process);
- ``inprocess``: httpx transports that call the server's ASGI app with no socket;
- ``testing``: the known test credentials, and helpers for kili-typed's own suite.

The faults themselves, the request log and the control API are the server's
(``kili-typed server serve --control-token-file``), so a test in any language can use
them over HTTP; this package drives them from Python.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kili_typed_testkit.server import KiliServer
    from kili_typed_testkit.testing import (
        TEST_ADMIN_EMAIL,
        TEST_ADMIN_PASSWORD,
        TEST_API_KEY,
    )

__all__ = [
    "TEST_ADMIN_EMAIL",
    "TEST_ADMIN_PASSWORD",
    "TEST_API_KEY",
    "KiliServer",
]

#: Where each public name lives. Names load on first use: the pytest plugin is imported
#: by every pytest run where kili-typed is installed, and must cost it nothing until a
#: test uses a fixture.
_HOMES = {
    "KiliServer": "server",
    "TEST_ADMIN_EMAIL": "testing",
    "TEST_ADMIN_PASSWORD": "testing",
    "TEST_API_KEY": "testing",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"kili_typed_testkit.{home}"), name)
    globals()[name] = value
    return value
