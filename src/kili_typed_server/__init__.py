"""The local Kili-compatible GraphQL server (``kili-typed server serve``), for tests and demos.

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

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from kili_typed_server.runner import LocalServer, serve_forever
    from kili_typed_server.store import Store

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

#: Where each public name lives. Every name loads on first use: the pytest plugin
#: (``pytest_plugin``) is imported by every pytest run where kili-typed is installed, and
#: must cost that run nothing until a test uses a fixture.
_HOMES = {
    "INSECURE_TEST_HASHER": "passwords",
    "PRODUCTION_HASHER": "passwords",
    "PasswordHasher": "passwords",
    "ScryptHasher": "passwords",
    "ApiKeyFilter": "records",
    "ApiKeyRecord": "records",
    "Bootstrap": "records",
    "Caller": "records",
    "OrganizationRecord": "records",
    "UserChanges": "records",
    "UserFilter": "records",
    "UserRecord": "records",
    "Store": "store",
    # uvicorn and starlette load only when the server itself is wanted.
    "LocalServer": "runner",
    "serve_forever": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"kili_typed_server.{home}"), name)
    globals()[name] = value
    return value
