"""The server the pytest plugin hands to tests: :class:`KiliServer`, the ``kili_server`` fixture.

One server runs for the whole session, on a loopback port, with the known test
credentials and the cheap test password hasher. Before each test,
:meth:`KiliServer.reset` puts its database back to a snapshot (the bootstrap organization,
admin and key, plus any session seeds), removes the faults and forgets the requests, in
milliseconds. Clients built by :meth:`KiliServer.kili` and :meth:`KiliServer.async_kili`
reach it over HTTP, or in-process (no socket) when the test asks for it. With
``mode="subprocess"`` the server is a child process instead, driven through its control API
(see ``subprocess_server.py``).
"""

from __future__ import annotations

import ssl
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_server.instruments.harness import AppSettings, Harness
from kili_typed_server.instruments.recording import RequestList
from kili_typed_server.instruments.seeding import SeedUser
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER
from kili_typed_server.service.store import Store
from kili_typed_testkit.inprocess import AppLoop, InProcessAsyncTransport, InProcessTransport
from kili_typed_testkit.subprocess_server import ControlClient, ServerProcess, unavailable
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TEST_API_KEY

if TYPE_CHECKING:
    from kili_typed import AsyncKili, Kili
    from kili_typed_server.instruments.faults import FaultSet

#: Where a :class:`KiliServer` runs and how its clients reach it: over a loopback socket
#: to the server's thread, by calling its ASGI app in-process (no socket), or over a
#: loopback socket to a child process.
Mode = Literal["thread", "in-process", "subprocess"]
_MODES = ("thread", "in-process", "subprocess")
_ADMIN_ORGANIZATION = (
    "query($email: String) { users(where: {email: $email}, first: 1) { organizationId } }"
)


class KiliServer:
    """A local Kili server for tests and demos, reset before each test.

    The server runs in a background thread on a free loopback port, with the known test
    credentials and the cheap test password hasher. Use it as a context manager, or call
    :meth:`start` and :meth:`stop`; the pytest plugin's ``kili_server`` fixture is one.

    With ``mode="subprocess"`` it runs ``kili-typed server serve`` as a child process
    instead (127.0.0.1, a free port, the control API on), and drives it over HTTP: the
    endpoint, credentials, clients, :meth:`reset`, :attr:`faults`, :attr:`requests` and the
    seeds behave as in the other modes. What lives only in the server's interpreter is
    refused with a ``RuntimeError`` naming it: :attr:`store`, :attr:`harness`,
    ``faults.take``, in-process clients, and a :meth:`reset` with other latency, rate
    limit or budgets than the session's. Stopping sends SIGTERM, then SIGKILL.

    Args:
        db_path: The SQLite file (under pytest's temporary directory).
        mode: Where the server runs and how clients made by :meth:`kili`,
            :meth:`async_kili` and :meth:`http_client` reach it: ``"thread"`` over
            loopback HTTP (the default), ``"in-process"`` by calling the app directly, with
            no socket, ``"subprocess"`` over loopback HTTP to a child process.
        seed_users: Seeded users every test starts with.
        seed_file: A JSON or YAML seed file whose users every test starts with.
        latency_ms: Latency every test gets unless it asks for another.
        rate_limit: Rate limit every test gets unless it asks for another.
        max_query_cost: The units of work one request may take, unless a test asks for
            another (see ``query_cost.py``).
        request_timeout: Seconds a query may run before it is stopped, unless a test
            asks for another.
        max_concurrent_requests: GraphQL requests of one API key run at once (a few
            times as many wait their turn, beyond 429), unless a test asks for another;
            ``None`` for no limit.
    """

    def __init__(
        self,
        db_path: str | Path,
        *,
        mode: Mode = "thread",
        seed_users: int = 0,
        seed_file: str | Path | None = None,
        latency_ms: int = 0,
        rate_limit: int | None = None,
        max_query_cost: int = limits.MAX_QUERY_COST,
        request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
        max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
    ) -> None:
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {', '.join(map(repr, _MODES))}, got {mode!r}")
        in_process = mode == "in-process"
        self._defaults = AppSettings(
            rate_limit, latency_ms, max_query_cost, request_timeout, max_concurrent_requests
        )
        self._seed_file = seed_file
        self._harness: Harness | None = None
        self._controls: Harness | ControlClient | None = None
        self._organization_id: str | None = None
        self._server: ServerThread | ServerProcess
        if mode == "subprocess":
            self._seed_file = None  # the child reads it on start
            self._server = ServerProcess(
                db_path, self._defaults, seed_users=seed_users, seed_file=seed_file
            )
        else:
            self._server = self._thread(db_path, seed_users)
        self._default_in_process = in_process
        #: Whether the clients made for the current test call the app in-process.
        self.in_process = in_process
        self._app_loop = AppLoop()
        self._clients: list[httpx.Client] = []
        self._ssl: ssl.SSLContext | None = None

    def _thread(self, db_path: str | Path, seed_users: int) -> ServerThread:
        defaults = self._defaults
        return ServerThread(
            db_path,
            api_key=TEST_API_KEY,
            admin_email=TEST_ADMIN_EMAIL,
            admin_password=TEST_ADMIN_PASSWORD,
            hasher=INSECURE_TEST_HASHER,
            seed_users=seed_users,
            rate_limit=defaults.rate_limit,
            latency_ms=defaults.latency_ms,
            max_query_cost=defaults.max_query_cost,
            request_timeout=defaults.request_timeout,
            max_concurrent_requests=defaults.max_concurrent_requests,
            wrap_app=self._wrap,
        )

    def _wrap(self, app: Any, store: Store) -> Any:
        self._harness = self._controls = Harness(store, app, self._defaults)
        return self._harness.app

    @property
    def _subprocess(self) -> bool:
        return isinstance(self._server, ServerProcess)

    def __repr__(self) -> str:
        mode = "in-process" if self.in_process else "HTTP"
        if self._subprocess:
            mode = "subprocess"
        return f"KiliServer({self.endpoint!r}, {mode})"

    # -- life ---------------------------------------------------------------------------

    def start(self) -> KiliServer:
        """Starts the server and takes the snapshot each reset goes back to."""
        self._server.start()
        try:
            self._prepare()
        except BaseException:
            # `with` calls no __exit__ when __enter__ fails: stop here, leave nothing running.
            self.stop()
            raise
        return self

    def _prepare(self) -> None:
        if isinstance(self._server, ServerProcess):
            self._controls = ControlClient(self._server)
            # Read now, and the log forgotten: a test sees only its own requests.
            self._organization_id = self.organization_id
            self.reset()
            return
        if self._seed_file is not None:
            self.harness.seed(self._seed_file)
        self.harness.set_baseline()

    def stop(self) -> None:
        """Ends hanging requests, stops the server and the in-process loop."""
        self._close_clients()
        try:
            if self._controls is not None:
                self._controls.close()
        finally:
            self._server.stop()
            self._app_loop.close()

    def __enter__(self) -> KiliServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(
        self,
        *,
        seed_users: int = 0,
        seed_file: str | Path | None = None,
        latency_ms: int | None = None,
        rate_limit: int | None = None,
        in_process: bool | None = None,
        max_query_cost: int | None = None,
        request_timeout: float | None = None,
        max_concurrent_requests: int | None = None,
    ) -> None:
        """Back to the session's starting state, for the next test.

        Args:
            seed_users: Seeded users this test starts with, beyond the session's.
            seed_file: A seed file whose users this test starts with.
            latency_ms: This test's latency; the session's when ``None``.
            rate_limit: This test's rate limit; the session's when ``None``.
            in_process: Whether this test's clients call the app directly; the
                session's choice when ``None``.
            max_query_cost: This test's budget of work per request; the session's when
                ``None``.
            request_timeout: This test's seconds a query may run; the session's when
                ``None``.
            max_concurrent_requests: This test's requests of one key run at once (0 for
                no limit); the session's when ``None``.
        """
        if in_process and self._subprocess:
            raise unavailable("in_process=True")
        self._close_clients()
        defaults = self._defaults
        settings = AppSettings(
            defaults.rate_limit if rate_limit is None else rate_limit,
            defaults.latency_ms if latency_ms is None else latency_ms,
            defaults.max_query_cost if max_query_cost is None else max_query_cost,
            defaults.request_timeout if request_timeout is None else request_timeout,
            defaults.max_concurrent_requests
            if max_concurrent_requests is None
            else max_concurrent_requests or None,
        )
        self._live_controls.reset(seed_users=seed_users, seed_file=seed_file, settings=settings)
        self.in_process = self._default_in_process if in_process is None else in_process

    def _close_clients(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    # -- what tests read ----------------------------------------------------------------

    @property
    def harness(self) -> Harness:
        """The controls: reset, seeding, faults, request log (not in subprocess mode)."""
        if self._subprocess:
            raise unavailable("harness (the in-process controls)")
        if self._harness is None:
            raise RuntimeError("the server has not started yet")
        return self._harness

    @property
    def _live_controls(self) -> Harness | ControlClient:
        """The controls of any mode: the harness, or the child's control API."""
        if self._controls is None:
            raise RuntimeError("the server has not started yet")
        return self._controls

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint, ``http://127.0.0.1:PORT/api/label/v2/graphql``."""
        return self._server.endpoint

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._server.base_url

    @property
    def host(self) -> str:
        """The loopback address the server listens on."""
        return self._server.host

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._server.port

    @property
    def api_key(self) -> str:
        """The admin's API key."""
        return self._server.api_key

    @property
    def organization_id(self) -> str:
        """The id of the bootstrap organization, which the admin and seeded users belong to."""
        if isinstance(self._server, ServerThread):
            return self._server.bootstrap.organization.id
        if self._organization_id is None:
            answer = self.http_client().post(
                self.endpoint,
                json={"query": _ADMIN_ORGANIZATION, "variables": {"email": self.admin_email}},
                headers={"Authorization": f"X-API-Key: {self.api_key}"},
            )
            self._organization_id = str(answer.json()["data"]["users"][0]["organizationId"])
        return self._organization_id

    @property
    def admin_email(self) -> str:
        """The admin's email."""
        return TEST_ADMIN_EMAIL

    @property
    def admin_password(self) -> str:
        """The admin's password."""
        return TEST_ADMIN_PASSWORD

    @property
    def store(self) -> Store:
        """The in-process administration API on the server's database (not in subprocess
        mode)."""
        if isinstance(self._server, ServerProcess):
            raise unavailable("store (the in-process administration API)")
        return self._server.store

    @property
    def faults(self) -> FaultSet:
        """The faults to inject: ``faults.add(operation, status=..., ...)``, ``faults.clear()``."""
        return self._live_controls.faults

    @property
    def requests(self) -> RequestList:
        """The requests received in this test, in order (secrets redacted)."""
        return self._live_controls.requests

    def seed_users(self, count: int) -> int:
        """Makes sure `count` seeded users ``seed-<n>@seed.kili-local.test`` exist.

        Returns:
            How many were created.
        """
        return self._live_controls.seed_users(count)

    def seed_file(self, path: str | Path) -> int:
        """Adds the users of a JSON (or YAML, with PyYAML) seed file.

        Returns:
            How many were created (users whose email exists are left as they are).
        """
        return self._live_controls.seed(path)

    def seed(self, users: list[SeedUser]) -> int:
        """Adds users already read with ``seeding.parse_seed``."""
        return self._live_controls.seed(users)

    def env(self) -> dict[str, str]:
        """The environment a client needs to reach this server on its own."""
        return {
            "KILI_API_KEY": self.api_key,
            "KILI_API_ENDPOINT": self.endpoint,
            "KILI_SDK_SKIP_CHECKS": "1",
        }

    # -- clients ------------------------------------------------------------------------

    def http_client(self) -> httpx.Client:
        """An httpx client reaching the server: in-process or over loopback, as the test
        asked. Closed when the test ends."""
        if self.in_process:
            client = httpx.Client(transport=InProcessTransport(self.harness.app, self._app_loop))
        else:
            # trust_env=False: a proxy set in the environment must not see loopback traffic.
            client = httpx.Client(trust_env=False, verify=self._ssl_context())
        self._clients.append(client)
        return client

    def async_http_client(self) -> httpx.AsyncClient:
        """An async httpx client reaching the server, which needs no closing.

        Over loopback it keeps no connection open between requests, and in-process it has
        none, so a test may drop it whatever event loop it ran on.
        """
        if self.in_process:
            return httpx.AsyncClient(transport=InProcessAsyncTransport(self.harness.app))
        transport = httpx.AsyncHTTPTransport(
            verify=self._ssl_context(), limits=httpx.Limits(max_keepalive_connections=0)
        )
        return httpx.AsyncClient(transport=transport, trust_env=False)

    def _ssl_context(self) -> ssl.SSLContext:
        # Loopback traffic is plain http; but httpx builds a TLS context for every new
        # client (tens of milliseconds loading CA certificates), so one is shared.
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    def kili(self, **options: Any) -> Kili:
        """A `Kili` bound to the server as the admin.

        Args:
            **options: More keyword arguments of `Kili` (``max_retries``, ``timeout``...).
        """
        from kili_typed import Kili

        if "http_client" not in options:
            options["http_client"] = self.http_client()
        return Kili(api_key=self.api_key, api_endpoint=self.endpoint, **options)

    def async_kili(self, **options: Any) -> AsyncKili:
        """An `AsyncKili` bound to the server as the admin; it needs no closing.

        Args:
            **options: More keyword arguments of `AsyncKili`.
        """
        from kili_typed import AsyncKili

        if "http_client" not in options:
            options["http_client"] = self.async_http_client()
        return AsyncKili(api_key=self.api_key, api_endpoint=self.endpoint, **options)
