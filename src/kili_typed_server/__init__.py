"""The local Kili-compatible GraphQL server (``kili-typed server serve``), for tests and demos.

Needs the ``server`` extra (``pip install 'kili-typed[server]'``). :class:`Store`, the
in-process admin API on a database file, needs only the standard library;
:func:`serve_forever` loads the web stack on first use. Tests run the server through
``kili_typed_testkit.KiliServer``.

The layers are folders, each importing only those below it (``tests/test_package_edges.py``):

- ``cli/``: the ``kili-typed server`` commands and the runner that serves the app;
- ``instruments/``: what tests use (faults, the request log, the control API, seeding);
  the serving layers below never import it;
- ``http/``: the Starlette app, request rules, limits on bodies and connections, the wire;
- ``graphql/``: the schema, its resolvers (wire shapes only), the cost model, deadlines and
  the fast path beside the executor;
- ``service/``: the accounts service, where every permission and policy check lives, the
  operator's administration, input rules, passwords, and ``Store`` holding them all;
- ``storage/``: the database (connections, transactions, tables), the repositories (the
  SQL of each table) and snapshots;
- ``core/``: what every layer shares: limits, errors, records, time and tokens.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kili_typed_server.cli.runner import serve_forever
    from kili_typed_server.core.records import (
        ApiKeyFilter,
        ApiKeyRecord,
        Bootstrap,
        Caller,
        OrganizationRecord,
        UserChanges,
        UserFilter,
        UserRecord,
    )
    from kili_typed_server.service.passwords import (
        INSECURE_TEST_HASHER,
        PRODUCTION_HASHER,
        PasswordHasher,
        ScryptHasher,
    )
    from kili_typed_server.service.store import Store

__all__ = [
    "INSECURE_TEST_HASHER",
    "PRODUCTION_HASHER",
    "ApiKeyFilter",
    "ApiKeyRecord",
    "Bootstrap",
    "Caller",
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
    "INSECURE_TEST_HASHER": "service.passwords",
    "PRODUCTION_HASHER": "service.passwords",
    "PasswordHasher": "service.passwords",
    "ScryptHasher": "service.passwords",
    "ApiKeyFilter": "core.records",
    "ApiKeyRecord": "core.records",
    "Bootstrap": "core.records",
    "Caller": "core.records",
    "OrganizationRecord": "core.records",
    "UserChanges": "core.records",
    "UserFilter": "core.records",
    "UserRecord": "core.records",
    "Store": "service.store",
    # uvicorn and starlette load only when the server itself is wanted.
    "serve_forever": "cli.runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"kili_typed_server.{home}"), name)
    globals()[name] = value
    return value
