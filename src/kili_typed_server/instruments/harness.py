"""The controls of a running server that tests use: reset, seeding, faults, request log.

:class:`Harness` wraps a server's app in an :class:`~kili_typed_server.instruments.instrument.
InstrumentedApp` and holds the state a test may change: the database (put back to a
snapshot by :meth:`Harness.reset`), the faults, the request log, and the app's settings
(latency, rate limit), which a reset gives back their defaults, with a fresh rate limiter.
The pytest plugin (``testkit.py``) and ``kili-typed server serve --control-token-file``
(``control.py``) both drive one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kili_typed_server.core import limits
from kili_typed_server.instruments.faults import FaultSet
from kili_typed_server.instruments.instrument import ASGIApp, InstrumentedApp
from kili_typed_server.instruments.recording import RequestList, RequestLog
from kili_typed_server.instruments.seeding import SeedUser, read_seed_file, seed
from kili_typed_server.service.store import Store
from kili_typed_server.storage.snapshots import Snapshot

if TYPE_CHECKING:
    from graphql import GraphQLSchema


@dataclass(frozen=True)
class AppSettings:
    """What the server's app is built with, as ``ServerThread`` takes them."""

    rate_limit: int | None = None
    latency_ms: int = 0
    max_query_cost: int = limits.MAX_QUERY_COST
    request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS
    max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``create_app`` for these settings."""
        return {
            "rate_limit": self.rate_limit,
            "latency_ms": self.latency_ms,
            "max_query_cost": self.max_query_cost,
            "request_timeout": self.request_timeout,
            "max_concurrent_requests": self.max_concurrent_requests,
        }


#: Which state a test starts from: (seeded users, seed file).
_BaselineKey = tuple[int, str | None]


class Harness:
    """Reset, seeding, faults and request log of a server on `store`.

    Args:
        store: The server's database.
        app: The app the server was built with (``create_app``), on `defaults`.
        defaults: Its settings, given back by each reset.
    """

    def __init__(self, store: Store, app: ASGIApp, defaults: AppSettings) -> None:
        self.store = store
        self.defaults = defaults
        self.faults = FaultSet()
        self.log = RequestLog()
        self.app = InstrumentedApp(app, self.faults, self.log, authenticate=self._valid_key)
        self._default_app = app
        self._settings = defaults
        self._schema: GraphQLSchema | None = None
        self._lock = threading.Lock()
        self._baselines: dict[_BaselineKey, Snapshot] = {}
        self.set_baseline()

    def __repr__(self) -> str:
        requests = len(self.log.snapshot())
        return f"Harness({self.store!r}, {len(self.faults)} faults, {requests} requests)"

    def _valid_key(self, api_key: str) -> bool:
        return self.store.accounts.authenticate(api_key) is not None

    @property
    def requests(self) -> RequestList:
        """The requests received since the last reset, in order."""
        return self.log.snapshot()

    def set_baseline(self) -> None:
        """Makes the database's current content the state each reset goes back to."""
        with self._lock:
            for snapshot in self._baselines.values():
                snapshot.close()
            self._baselines = {(0, None): Snapshot(self.store.database)}

    def reset(
        self,
        *,
        seed_users: int = 0,
        seed_file: str | Path | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        """Puts the server back as it was at the baseline, for the next test.

        Ends hanging requests and removes every fault, restores the database (with
        `seed_users` seeded users and the users of `seed_file` on top; each such state is
        built once and kept as a snapshot too), forgets the requests, and builds the app
        for `settings` (the defaults when ``None``; a rate limit starts afresh).

        Args:
            seed_users: Seeded users to start with (see ``Store.seed_users``).
            seed_file: A JSON or YAML seed file whose users to start with.
            settings: Latency and rate limit; the server's defaults when ``None``.
        """
        self.faults.clear()
        key = (seed_users, None if seed_file is None else str(Path(seed_file).resolve()))
        with self._lock:
            snapshot = self._baselines.get(key)
            if snapshot is None:
                self._baselines[(0, None)].restore(self.store.database)
                if seed_users:
                    self.store.seed_users(seed_users)
                if seed_file is not None:
                    seed(self.store, read_seed_file(seed_file))
                self._baselines[key] = Snapshot(self.store.database)
            else:
                snapshot.restore(self.store.database)
        self.log.clear()
        self.configure(settings or self.defaults)

    def configure(self, settings: AppSettings) -> None:
        """Serves with these settings from the next request on (a fresh rate limiter)."""
        if settings == self.defaults and settings.rate_limit is None:
            self.app.inner = self._default_app
        else:
            self.app.inner = self._build_app(settings)
        self._settings = settings

    @property
    def settings(self) -> AppSettings:
        """The settings served with now."""
        return self._settings

    def _build_app(self, settings: AppSettings) -> ASGIApp:
        from kili_typed_server.graphql.schema import build_schema
        from kili_typed_server.http.app import create_app

        if self._schema is None:
            self._schema = build_schema()
        app: ASGIApp = create_app(self.store.accounts, self._schema, **settings.options())
        return app

    def seed_users(self, count: int) -> int:
        """Makes sure `count` seeded users exist; returns how many were created."""
        return self.store.seed_users(count)

    def seed(self, users: str | Path | list[SeedUser]) -> int:
        """Adds the users of a seed file (or already read ones) that do not exist yet."""
        found = read_seed_file(users) if isinstance(users, (str, Path)) else users
        return seed(self.store, found)

    def close(self) -> None:
        """Ends hanging requests and frees the snapshots."""
        self.faults.clear()
        with self._lock:
            for snapshot in self._baselines.values():
                snapshot.close()
            self._baselines = {}

    def state(self) -> dict[str, Any]:
        """What a control API reports: settings, pending faults, requests seen."""
        return {
            "rate_limit": self._settings.rate_limit,
            "latency_ms": self._settings.latency_ms,
            "max_query_cost": self._settings.max_query_cost,
            "request_timeout": self._settings.request_timeout,
            "max_concurrent_requests": self._settings.max_concurrent_requests,
            "faults": [fault.to_json() for fault in self.faults.pending],
            "requests": len(self.log.snapshot()),
        }
