"""The local Kili-compatible GraphQL server (``kili-typed serve``), for tests and demos.

Needs the ``server`` extra (``pip install 'kili-typed[server]'``). :class:`Store`, the
in-process admin API on a database file, needs only the standard library;
:class:`LocalServer` loads the web stack on first use.

The layers, each with one reason to change: ``app`` (HTTP transport, limits,
authentication) → ``resolvers`` (wire shapes only) → ``accounts`` (the service where every
permission and policy check lives) → ``repositories`` (the SQL of each table) →
``database`` (connections, transactions, tables). ``administration`` holds the operator's
commands, ``store`` opens a database file with all of them, ``runner`` runs the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kili_typed_server.passwords import (
    INSECURE_TEST_HASHER,
    PRODUCTION_HASHER,
    PasswordHasher,
    ScryptHasher,
)
from kili_typed_server.records import (
    ApiKeyFilter,
    ApiKeyRecord,
    Bootstrap,
    Caller,
    OrganizationRecord,
    UserChanges,
    UserFilter,
    UserRecord,
)
from kili_typed_server.store import Store

if TYPE_CHECKING:
    from kili_typed_server.runner import LocalServer, serve_forever

__all__ = [
    "INSECURE_TEST_HASHER",
    "PRODUCTION_HASHER",
    "ApiKeyFilter",
    "ApiKeyRecord",
    "Bootstrap",
    "Caller",
    "LocalServer",
    "OrganizationRecord",
    "PasswordHasher",
    "ScryptHasher",
    "Store",
    "UserChanges",
    "UserFilter",
    "UserRecord",
    "serve_forever",
]


def __getattr__(name: str) -> Any:
    # uvicorn and starlette load only when the server itself is wanted.
    if name in ("LocalServer", "serve_forever"):
        from kili_typed_server import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
