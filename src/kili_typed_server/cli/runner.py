"""Running the server: in the foreground (``kili-typed server serve``) or in a background thread.

:class:`ServerThread` runs it in a thread for the test kit, whose ``KiliServer`` is the
name tests, demos and scripts use.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Generator
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from kili_typed_server.core import limits
from kili_typed_server.core.records import Bootstrap
from kili_typed_server.http.app import GRAPHQL_PATH, VERSION_PATH, create_app
from kili_typed_server.http.connections import uvicorn_options
from kili_typed_server.service.administration import DEFAULT_ORGANIZATION_NAME
from kili_typed_server.service.display import escape
from kili_typed_server.service.passwords import PRODUCTION_HASHER, PasswordHasher
from kili_typed_server.service.store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4000
DEFAULT_DB = "kili-local.db"
_START_TIMEOUT_SECONDS = 15.0
#: What the banner says of a server hashing passwords at a test cost.
INSECURE_HASHING_WARNING = "INSECURE test-only hashing cost: passwords set now are easy to crack"
_STOP_TIMEOUT_SECONDS = 10.0


def bind_socket(host: str, port: int) -> socket.socket:
    """Binds a listening TCP socket; port 0 picks a free port.

    Args:
        host: The interface to listen on.
        port: The port, or 0.

    Returns:
        The bound socket; ``getsockname()[1]`` is the real port.
    """
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) is only reachable from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def base_url(host: str, port: int) -> str:
    """Builds ``http://host:port`` (brackets around an IPv6 address)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def banner(bootstrap: Bootstrap, endpoint: str, db_path: Path) -> str:
    """Describes a starting server to its operator.

    The admin's password and the key appear only when they were set by this start (a new
    database, or a key registered now); this is the one place secrets are printed.

    Args:
        bootstrap: What :meth:`Store.bootstrap` did.
        endpoint: The GraphQL endpoint URL.
        db_path: The database file.

    Returns:
        Lines ready to print.
    """
    state = "created" if bootstrap.created else "reused"
    lines = [
        "kili-typed local Kili server",
        f"  endpoint:     {endpoint}",
        f"  database:     {db_path.resolve()} ({state})",
        f"  organization: {escape(bootstrap.organization.name)}",
        f"  admin email:  {escape(bootstrap.admin_email)}",
    ]
    if bootstrap.admin_password is not None:
        lines.append(f"  password:     {bootstrap.admin_password}")
    if bootstrap.created and bootstrap.api_key is not None:
        lines.append(f"  api key:      {bootstrap.api_key}")
    elif bootstrap.key_registered:
        lines.append(
            "  api key:      the key given, now registered for " + escape(bootstrap.admin_email)
        )
    elif bootstrap.api_key is not None:
        lines.append("  api key:      the key given (already registered)")
    else:
        lines.append(
            "  api key:      the keys already in the database "
            "(kili-typed server keys create makes one)"
        )
    if bootstrap.created and bootstrap.api_key is not None:
        lines += [
            "",
            f"  export KILI_API_ENDPOINT={endpoint}",
            f"  export KILI_API_KEY={bootstrap.api_key}",
        ]
    return "\n".join(lines)


def options_summary(
    seed_users: int,
    seeded: int,
    rate_limit: int | None,
    latency_ms: int,
    max_query_cost: int = limits.MAX_QUERY_COST,
    request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
    max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
) -> list[str]:
    """Describes the optional behaviours a server runs with, for its banner.

    Args:
        seed_users: Seeded users asked for.
        seeded: Seeded users created by this start.
        rate_limit: Requests a minute per key, or ``None``.
        latency_ms: Added latency.
        max_query_cost: The units of work one request may take.
        request_timeout: Seconds a query may run.
        max_concurrent_requests: Requests of one key run at once, or ``None``.

    Returns:
        One line per option in use (the budgets when not the defaults).
    """
    lines: list[str] = []
    if seed_users:
        lines.append(f"  seed users:   {seed_users} ({seeded} created now)")
    if rate_limit is not None:
        lines.append(f"  rate limit:   {rate_limit} requests a minute per API key")
    if latency_ms:
        lines.append(f"  latency:      {latency_ms} ms added to each GraphQL answer")
    if max_query_cost != limits.MAX_QUERY_COST:
        lines.append(f"  query cost:   at most {max_query_cost} units of work a request")
    if request_timeout != limits.REQUEST_TIMEOUT_SECONDS:
        lines.append(f"  timeout:      queries stopped after {request_timeout:g} s")
    if max_concurrent_requests != limits.MAX_CONCURRENT_REQUESTS_PER_KEY:
        shown = "no limit" if max_concurrent_requests is None else f"{max_concurrent_requests}"
        lines.append(f"  concurrency:  {shown} requests of one API key at once")
    return lines


def serve_forever(
    db_path: str | Path = DEFAULT_DB,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    api_key: str | None = None,
    admin_email: str | None = None,
    admin_password: str | None = None,
    organization_name: str = DEFAULT_ORGANIZATION_NAME,
    log_level: str = "info",
    rate_limit: int | None = None,
    seed_users: int = 0,
    latency_ms: int = 0,
    hasher: PasswordHasher = PRODUCTION_HASHER,
    digest_secret: str | None = None,
    seed_file: str | Path | None = None,
    control_token: str | None = None,
    max_query_cost: int = limits.MAX_QUERY_COST,
    request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
    max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
) -> None:
    """Runs the server in the foreground until interrupted (``kili-typed server serve``).

    Args:
        db_path: The SQLite file; created and prepared when missing.
        host: The interface to listen on.
        port: The port; 0 picks a free one (the banner shows it).
        api_key: A fixed admin key, registered when unknown.
        admin_email: The admin's email on first start.
        admin_password: The admin's password on first start.
        organization_name: The organization's name on first start.
        log_level: uvicorn's log level.
        rate_limit: GraphQL requests allowed a minute per API key; ``None`` for no limit.
        seed_users: Seeded users to make sure exist (see :meth:`Store.seed_users`).
        latency_ms: Milliseconds to wait before each GraphQL answer.
        hasher: How passwords are hashed; anything but the default is for tests only.
        digest_secret: The key-digest secret when kept outside the database; ``None`` keeps
            it inside (see :class:`~kili_typed_server.storage.database.Database`).
        seed_file: A JSON or YAML file of users to make sure exist (see ``seeding.py``).
        control_token: Enables the control API (reset, seed, faults, request log; see
            ``control.py``) for requests bearing this token; off when ``None``.
        max_query_cost, request_timeout, max_concurrent_requests: The budgets, as for
            :class:`ServerThread`.

    Raises:
        kili_typed_server.storage.database.DatabaseError: When the database cannot be used.
        OSError: When the address cannot be listened on (e.g. the port is taken).
    """
    path = Path(db_path)
    store = Store(path, hasher=hasher, digest_secret=digest_secret)
    try:
        bootstrap = store.bootstrap(
            admin_email=admin_email,
            admin_password=admin_password,
            api_key=api_key,
            organization_name=organization_name,
        )
        seeded = store.seed_users(seed_users) if seed_users else 0
        seed_lines = _seed_from_file(store, seed_file)
        options: dict[str, Any] = {
            "rate_limit": rate_limit,
            "latency_ms": latency_ms,
            "max_query_cost": max_query_cost,
            "request_timeout": request_timeout,
            "max_concurrent_requests": max_concurrent_requests,
        }
        app = _serving_app(store, control_token, options)
        sock = bind_socket(host, port)
        url = base_url(host, sock.getsockname()[1])
        lines = [
            banner(bootstrap, url + GRAPHQL_PATH, path),
            *_caveats(bootstrap, admin_password, hasher),
            *options_summary(seed_users, seeded, **options),
            *seed_lines,
            *_exposure_lines(host, url, control_token),
        ]
        _run(app, sock, log_level, banner_lines=lines)
    finally:
        store.close()


#: The signals that stop ``serve``: Ctrl-C, and what service managers send.
_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def _mask(how: int) -> None:
    """Blocks or unblocks the stop signals in this thread (POSIX; elsewhere a no-op)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(how, _STOP_SIGNALS)


class _Server(uvicorn.Server):
    """uvicorn's server, taking the stop signals held back until its handlers are in place.

    ``serve`` prints its banner before uvicorn starts; a Ctrl-C right after it (a script
    that read the key and is done) would land in asyncio's own SIGINT handler, whose
    cancellation uvicorn's start-up may swallow, leaving a server that ignores it. The
    signals are blocked from the banner on and delivered here, to uvicorn's handlers.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            _mask(signal.SIG_UNBLOCK)
            yield


def _run(app: Any, sock: socket.socket, log_level: str, *, banner_lines: list[str]) -> None:
    """Prints the banner, then serves `app` on `sock` with uvicorn until interrupted.

    Raises:
        KeyboardInterrupt: When stopped by Ctrl-C, once uvicorn has shut down gracefully,
            so that ``serve`` exits with 130 as interrupted commands do. (uvicorn raises
            the signal again after shutting down, but into asyncio's SIGINT handler,
            which may or may not turn it into ``KeyboardInterrupt`` by the time the
            server's task ends; SIGTERM ends the process through its default action.)
    """
    config = uvicorn.Config(
        app, log_level=log_level, access_log=False, lifespan="off", **uvicorn_options()
    )
    server = _Server(config)
    # Queries are parsed and run in worker threads, which hold the GIL for up to the
    # switch interval at a time; a shorter one lets the event loop answer `/version` and
    # accept connections while heavy documents are being refused (issue #25).
    sys.setswitchinterval(limits.SWITCH_INTERVAL_SECONDS)
    _mask(signal.SIG_BLOCK)
    try:
        print("\n".join(banner_lines), flush=True)
        with sock:
            server.run(sockets=[sock])
    finally:
        _mask(signal.SIG_UNBLOCK)
    if server.should_exit:
        raise KeyboardInterrupt


def _seed_from_file(store: Store, seed_file: str | Path | None) -> list[str]:
    """Seeds the users of `seed_file`, if any; the banner's line about it."""
    if seed_file is None:
        return []
    from kili_typed_server.instruments.seeding import read_seed_file, seed

    created = seed(store, read_seed_file(seed_file))
    return [f"  seed file:    {seed_file} ({created} users created now)"]


def _serving_app(store: Store, control_token: str | None, options: dict[str, Any]) -> Any:
    """The API's app, behind the control API when a token enables it."""
    app: Any = create_app(store.accounts, **options)
    if control_token is None:
        return app
    from kili_typed_server.instruments.control import with_control

    return with_control(app, store, control_token, **options)


def _caveats(bootstrap: Bootstrap, admin_password: str | None, hasher: PasswordHasher) -> list[str]:
    """The banner's lines on what the options did not or should not do."""
    lines: list[str] = []
    if not bootstrap.created and admin_password is not None:
        lines.append("  (an admin password applies only to a new database: ignored)")
    if hasher != PRODUCTION_HASHER:
        lines.append(f"  passwords:    {INSECURE_HASHING_WARNING}")
    return lines


def _exposure_lines(host: str, url: str, control_token: str | None) -> list[str]:
    """The banner's lines on who may reach the server and its control API."""
    lines: list[str] = []
    if not is_loopback(host):
        lines.append(
            f"  WARNING:      listening on {host}, reachable from other machines; this "
            "server is for development and tests"
            + (", and its control API can reset the database" if control_token else "")
        )
    if control_token is not None:
        from kili_typed_server.instruments.instrument import CONTROL_PREFIX

        lines.append(f"  control API:  {url + CONTROL_PREFIX} (bearer token from the file)")
    return lines


class ServerThread:
    """The local Kili server in a background thread: the machinery beneath the test kit.

    Not a public name: tests, demos and scripts use ``kili_typed_testkit.KiliServer``,
    which runs one of these with the test credentials, reset, faults and a request log.

    Args:
        db_path: The SQLite file; created and prepared when missing, reused otherwise.
        api_key: The admin's key; random on a new database when not given. On an existing
            database it is registered when unknown.
        admin_email: The admin's email on a new database.
        admin_password: The admin's password on a new database (random when not given).
        host: The interface to listen on.
        port: The port; 0 (the default) picks a free one, see :attr:`port`.
        organization_name: The organization's name on a new database.
        log_level: uvicorn's log level.
        rate_limit: GraphQL requests allowed a minute per API key (bursts up to as many),
            answered with 429 and ``Retry-After`` beyond; ``None`` (the default) for none.
        seed_users: Seeded users to make sure exist before serving
            (see :meth:`Store.seed_users`); see :attr:`seeded` for how many were created.
        latency_ms: Milliseconds to wait before each GraphQL answer, without blocking
            other requests.
        hasher: How passwords are hashed: production-strength scrypt by default. Test
            suites pass :data:`~kili_typed_server.service.passwords.INSECURE_TEST_HASHER`
            (as the test kit's ``make_test_server`` does) so that creating
            users costs microseconds; never on a database that holds real passwords.
        digest_secret: The key-digest secret when kept outside the database; ``None`` (the
            default) keeps it inside.
        wrap_app: Called with the app and the store once both exist; the server serves
            what it returns (the test kit wraps the app to record requests and inject
            faults).
        max_query_cost: The units of work one request may take (see ``query_cost.py``);
            a request over it is refused with 400 before it runs.
        request_timeout: Seconds a query may run before it is stopped and answered with
            an error.
        max_concurrent_requests: GraphQL requests of one API key run at once (a few
            times as many wait their turn, beyond 429 with ``Retry-After``); ``None``
            for no limit.

    Examples:
        >>> with ServerThread(tmp_path / "kili.db", api_key="k" * 20) as server:  # doctest: +SKIP
        ...     httpx.get(server.version_url).json()
        {'version': '0.1.0'}
    """

    def __init__(
        self,
        db_path: str | Path,
        *,
        api_key: str | None = None,
        admin_email: str | None = None,
        admin_password: str | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        organization_name: str = DEFAULT_ORGANIZATION_NAME,
        log_level: str = "warning",
        rate_limit: int | None = None,
        seed_users: int = 0,
        latency_ms: int = 0,
        hasher: PasswordHasher = PRODUCTION_HASHER,
        digest_secret: str | None = None,
        wrap_app: Callable[[Any, Store], Any] | None = None,
        max_query_cost: int = limits.MAX_QUERY_COST,
        request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
        max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
    ) -> None:
        self.db_path = Path(db_path)
        self.max_concurrent_requests = max_concurrent_requests
        self._digest_secret = digest_secret
        self._wrap_app = wrap_app
        self.hasher = hasher
        self.rate_limit = rate_limit
        self.seed_users = seed_users
        self.latency_ms = latency_ms
        self.max_query_cost = max_query_cost
        self.request_timeout = request_timeout
        self.seeded = 0
        self.host = host
        self._requested_port = port
        self._api_key = api_key
        self._admin_email = admin_email
        self._admin_password = admin_password
        self._organization_name = organization_name
        self._log_level = log_level
        self._store: Store | None = None
        self._bootstrap: Bootstrap | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"ServerThread(db_path={str(self.db_path)!r}, port={self.port}, {state})"

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def store(self) -> Store:
        """The in-process admin API on the server's database (valid while running)."""
        if self._store is None:
            raise RuntimeError("the server is not running; call start() first")
        return self._store

    @property
    def bootstrap(self) -> Bootstrap:
        """What the last start created or reused."""
        if self._bootstrap is None:
            raise RuntimeError("the server has not started yet")
        return self._bootstrap

    @property
    def api_key(self) -> str:
        """The admin's key: the one given, or the one created on a new database.

        Raises:
            RuntimeError: When it is unknown: an existing database started without a key.
        """
        key = self.bootstrap.api_key
        if key is None:
            raise RuntimeError("no API key is known: give api_key= to reuse a database")
        return key

    @property
    def admin_email(self) -> str:
        """The admin's email."""
        return self.bootstrap.admin_email

    @property
    def admin_password(self) -> str | None:
        """The admin's password when it was set by this start (or given), else ``None``."""
        return self.bootstrap.admin_password or self._admin_password

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return base_url(self.host, self.port)

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint, ``http://host:port/api/label/v2/graphql``."""
        return self.base_url + GRAPHQL_PATH

    @property
    def version_url(self) -> str:
        """The version endpoint, ``http://host:port/api/label/v2/version``."""
        return self.base_url + VERSION_PATH

    def start(self) -> ServerThread:
        """Starts serving and waits until the server answers.

        Returns:
            The server itself.

        Raises:
            RuntimeError: When it is already running or does not come up in time.
        """
        if self.running:
            raise RuntimeError("the server is already running")
        store = Store(self.db_path, hasher=self.hasher, digest_secret=self._digest_secret)
        try:
            self._bootstrap = store.bootstrap(
                admin_email=self._admin_email,
                admin_password=self._admin_password,
                api_key=self._api_key,
                organization_name=self._organization_name,
            )
            self.seeded = store.seed_users(self.seed_users) if self.seed_users else 0
            app = create_app(
                store.accounts,
                rate_limit=self.rate_limit,
                latency_ms=self.latency_ms,
                max_query_cost=self.max_query_cost,
                max_concurrent_requests=self.max_concurrent_requests,
                request_timeout=self.request_timeout,
            )
            if self._wrap_app is not None:
                app = self._wrap_app(app, store)
            sock = bind_socket(self.host, self._requested_port)
        except BaseException:
            store.close()
            raise
        self._store, self._socket = store, sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level=self._log_level, access_log=False, lifespan="off", **uvicorn_options()
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"kili-typed-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not self.running:
                self.stop()
                raise RuntimeError("the local server thread died while starting; see the log")
            if self._server is not None and self._server.started:
                try:
                    with urllib.request.urlopen(self.version_url, timeout=1) as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"the local server did not answer within {_START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        """Stops serving, waits for the thread and closes the database. Idempotent."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT_SECONDS)
            if self._thread.is_alive():
                logging.getLogger("kili_typed_server").warning(
                    "the local server thread did not stop within %s s", _STOP_TIMEOUT_SECONDS
                )
        if self._socket is not None:
            self._socket.close()
        if self._store is not None:
            self._store.close()
        self._server = self._thread = self._socket = self._store = None

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
