"""The local Kili-compatible GraphQL server (``kili-typed serve``), for tests and demos.

Needs the ``server`` extra (``pip install 'kili-typed[server]'``). :class:`Store`, the
in-process admin API on a database file, needs only the standard library;
:class:`LocalServer` loads the web stack on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kili_typed_server.policy import UserChanges
from kili_typed_server.records import (
    ApiKeyFilter,
    ApiKeyRecord,
    Bootstrap,
    Caller,
    OrganizationRecord,
    UserFilter,
    UserRecord,
)
from kili_typed_server.store import Store

if TYPE_CHECKING:
    from kili_typed_server.local import LocalServer, serve_forever

__all__ = [
    "ApiKeyFilter",
    "ApiKeyRecord",
    "Bootstrap",
    "Caller",
    "LocalServer",
    "OrganizationRecord",
    "Store",
    "UserChanges",
    "UserFilter",
    "UserRecord",
    "serve_forever",
]


def __getattr__(name: str) -> Any:
    # uvicorn and starlette load only when the server itself is wanted.
    if name in ("LocalServer", "serve_forever"):
        from kili_typed_server import local

        return getattr(local, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
