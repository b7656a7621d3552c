"""``KiliServer(mode="subprocess")``: the server as a child process, driven over HTTP.

:class:`ServerProcess` starts ``kili-typed server serve`` on 127.0.0.1 with a free port,
its own SQLite file, the test credentials and the control API on, and stops it (SIGTERM,
then SIGKILL) so that no process outlives the test. :class:`ControlClient` gives
:class:`~kili_typed_testkit.server.KiliServer` the same controls as the in-process
harness (reset, seeds, faults, the request log) through the control API.

The secrets (API key, admin password, control token) reach the child in files of a
private temporary folder, never on its command line, and are removed when it stops.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from kili_typed_server.instruments.faults import Fault, FaultSet
from kili_typed_server.instruments.harness import AppSettings
from kili_typed_server.instruments.instrument import CONTROL_PREFIX
from kili_typed_server.instruments.recording import RecordedRequest, RequestList
from kili_typed_server.instruments.seeding import SeedUser, read_seed_file
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TEST_API_KEY

#: Seconds a child may take to answer after it starts: generous, for a loaded machine.
STARTUP_TIMEOUT = 120.0
#: Seconds a child may take to exit after SIGTERM before it gets SIGKILL.
STOP_TIMEOUT = 10.0
#: How much of the child's standard error an error message quotes.
_TAIL_CHARACTERS = 2000
_HOST = "127.0.0.1"
_GRAPHQL_PATH = "/api/label/v2/graphql"
_VERSION_PATH = "/api/label/v2/version"


def unavailable(what: str) -> RuntimeError:
    """The error for a part of ``KiliServer`` that cannot reach another process."""
    return RuntimeError(
        f"KiliServer(mode='subprocess'): {what} is not available across a process; the "
        "server runs in a child process, reached only over HTTP (use mode='thread' for it)"
    )


def _write_secret(folder: Path, name: str, value: str) -> Path:
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(value + "\n")
    return path


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; waits for the child either way."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ServerProcess:
    """``kili-typed server serve`` in a child process, on a free loopback port.

    Args:
        db_path: Its SQLite file.
        settings: Rate limit, latency and budgets, given on its command line (each
            control API reset gives them back).
        seed_users: Seeded users it starts with.
        seed_file: A seed file whose users it starts with.
        startup_timeout: Seconds it may take to answer before :meth:`start` gives up.
    """

    def __init__(
        self,
        db_path: str | Path,
        settings: AppSettings,
        *,
        seed_users: int = 0,
        seed_file: str | Path | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.db_path = Path(db_path)
        self.settings = settings
        self.host = _HOST
        self.port = 0
        self.api_key = TEST_API_KEY
        self.control_token = secrets.token_urlsafe(32)
        self._seed_users = seed_users
        self._seed_file = None if seed_file is None else Path(seed_file).resolve()
        self._startup_timeout = startup_timeout
        self._folder: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"ServerProcess(db_path={str(self.db_path)!r}, port={self.port}, {state})"

    @property
    def running(self) -> bool:
        """Whether the child is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The child's process id, once started."""
        return None if self._process is None else self._process.pid

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint."""
        return self.base_url + _GRAPHQL_PATH

    def _command(self, folder: Path) -> list[str]:
        settings = self.settings
        command = [
            *(sys.executable, "-m", "kili_typed", "server", "serve"),
            *("--db", str(self.db_path), "--host", self.host, "--port", "0"),
            *("--api-key-file", str(_write_secret(folder, "api-key", self.api_key))),
            *("--admin-email", TEST_ADMIN_EMAIL),
            *("--admin-password-file", str(_write_secret(folder, "pw", TEST_ADMIN_PASSWORD))),
            *("--control-token-file", str(_write_secret(folder, "token", self.control_token))),
            *("--insecure-test-hashing", "--log-level", "warning"),
            *("--latency-ms", str(settings.latency_ms)),
            *("--max-query-cost", str(settings.max_query_cost)),
            *("--request-timeout", repr(settings.request_timeout)),
            *("--seed-users", str(self._seed_users)),
        ]
        if settings.rate_limit is not None:
            command += ["--rate-limit", str(settings.rate_limit)]
        command += ["--max-concurrent-requests", str(settings.max_concurrent_requests or 0)]
        if self._seed_file is not None:
            command += ["--seed-file", str(self._seed_file)]
        return command

    def start(self) -> ServerProcess:
        """Starts the child and waits until it answers.

        Raises:
            RuntimeError: When the child exits or does not answer within the startup
                timeout; the message quotes the end of its standard error.
        """
        if self._process is not None:
            raise RuntimeError("this server process has already been started")
        self._folder = folder = Path(tempfile.mkdtemp(prefix="kili-typed-server-"))
        try:
            command = self._command(folder)
            with (folder / "stdout").open("wb") as out, (folder / "stderr").open("wb") as err:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
            # A server nobody stopped is still stopped when the interpreter exits.
            weakref.finalize(self, _stop, self._process, STOP_TIMEOUT)
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self) -> None:
        assert self._process is not None and self._folder is not None
        deadline = time.monotonic() + self._startup_timeout
        with httpx.Client(trust_env=False, timeout=5.0) as client:
            while time.monotonic() < deadline:
                code = self._process.poll()
                if code is not None:
                    raise RuntimeError(self._failure(f"exited with status {code} on start"))
                if not self.port:
                    self.port = self._port_from_banner()
                elif _answers(client, self.base_url + _VERSION_PATH):
                    return
                time.sleep(0.05)
        raise RuntimeError(self._failure(f"did not answer within {self._startup_timeout:g} s"))

    def _port_from_banner(self) -> int:
        assert self._folder is not None
        text = (self._folder / "stdout").read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            name, _, value = line.strip().partition(":")
            if name == "endpoint" and value.strip().endswith(_GRAPHQL_PATH):
                address = value.strip().removesuffix(_GRAPHQL_PATH)
                return int(address.rpartition(":")[2])
        return 0

    def _failure(self, what: str) -> str:
        tail = self.stderr_tail() or "(nothing)"
        return f"the local server (kili-typed server serve) {what}; its stderr ends:\n{tail}"

    def stderr_tail(self) -> str:
        """The end of the child's standard error, secrets replaced by ``***``."""
        if self._folder is None:
            return ""
        try:
            text = (self._folder / "stderr").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        for secret in (self.api_key, TEST_ADMIN_PASSWORD, self.control_token):
            text = text.replace(secret, "***")
        return text[-_TAIL_CHARACTERS:].strip()

    def stop(self) -> None:
        """Stops the child (SIGTERM, then SIGKILL after a bounded wait) and removes its
        secret files. Safe to call more than once."""
        if self._process is not None:
            _stop(self._process, STOP_TIMEOUT)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _answers(client: httpx.Client, url: str) -> bool:
    try:
        return client.get(url).status_code == 200
    except httpx.TransportError:
        return False


class ControlClient:
    """The test kit's controls over a child server's control API.

    Offers what :class:`~kili_typed_server.instruments.harness.Harness` offers
    ``KiliServer``: reset, seeds, faults and the request log.

    Args:
        server: The running child.
    """

    def __init__(self, server: ServerProcess) -> None:
        self.defaults = server.settings
        self._client = httpx.Client(
            base_url=server.base_url + CONTROL_PREFIX,
            headers={"Authorization": f"Bearer {server.control_token}"},
            trust_env=False,
            timeout=60.0,
        )
        self.faults: FaultSet = RemoteFaults(self)

    def __repr__(self) -> str:
        return f"ControlClient({self._client.base_url!s})"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One control API request; its JSON answer.

        Raises:
            ValueError: When the server refuses the input (400), with its message.
            RuntimeError: On any other refusal.
        """
        answer = self._client.request(method, path, json=body)
        if answer.status_code == 400:
            raise ValueError(answer.json().get("error", answer.text))
        if answer.is_error:
            raise RuntimeError(f"the control API answered {answer.status_code} to {method} {path}")
        return answer.json()

    def reset(
        self,
        *,
        seed_users: int = 0,
        seed_file: str | Path | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        """Back to the state the child started with, plus these seeds.

        Raises:
            RuntimeError: When `settings` differ from the child's: the control API cannot
                change them (give them to ``KiliServer(...)``).
        """
        if settings is not None and settings != self.defaults:
            raise unavailable(
                "a reset with other latency_ms, rate_limit, max_query_cost or "
                "request_timeout than the session's (give them to KiliServer(...))"
            )
        self.call("POST", "/reset")
        if seed_users:
            self.seed_users(seed_users)
        if seed_file is not None:
            self.seed(seed_file)

    def seed_users(self, count: int) -> int:
        """Makes sure `count` seeded users exist; returns how many were created."""
        created: int = self.call("POST", "/seed", {"users": count})["created"]
        return created

    def seed(self, users: str | Path | list[SeedUser]) -> int:
        """Adds the users of a seed file (read here), or already read ones."""
        found = read_seed_file(users) if isinstance(users, (str, Path)) else users
        if not found:
            return 0
        entries = [{k: v for k, v in asdict(user).items() if v is not None} for user in found]
        created: int = self.call("POST", "/seed", {"seed": entries})["created"]
        return created

    @property
    def requests(self) -> RequestList:
        """The requests the child received since the last reset."""
        found = self.call("GET", "/requests")["requests"]
        return RequestList([_recorded(item) for item in found])

    def close(self) -> None:
        """Closes the connection to the control API."""
        self._client.close()


def _recorded(item: dict[str, Any]) -> RecordedRequest:
    fault = item.get("fault")
    return RecordedRequest(
        index=item["index"],
        method=item["method"],
        path=item["path"],
        operation=item["operation"],
        operation_name=item["operation_name"],
        variables=item["variables"],
        status=item["status"],
        fault=None if fault is None else Fault(**fault),
    )


class RemoteFaults(FaultSet):
    """A child server's faults, through its control API: ``add``, ``clear``, ``pending``.

    ``take`` is the server's own step and is not offered.
    """

    def __init__(self, control: ControlClient) -> None:
        super().__init__()
        self._control = control

    def add(self, operation: str | None = None, **options: Any) -> Fault:
        """Adds a fault in the child; see :meth:`FaultSet.add`."""
        body = {"operation": operation, **options} if operation is not None else options
        return Fault(**self._control.call("POST", "/faults", body)["fault"])

    def clear(self) -> None:
        """Removes every fault of the child, ending requests hanging because of one."""
        self._control.call("DELETE", "/faults")

    def take(self, operation: str | None) -> Fault | None:
        """Not offered: the child takes its faults itself."""
        raise unavailable("faults.take")

    @property
    def pending(self) -> list[Fault]:
        """The child's faults that have not hit all their requests yet."""
        return [Fault(**item) for item in self._control.call("GET", "/faults")["faults"]]
