"""Attacks on the local server, as a USER key in a 10,000-user organization would try them.

Run it with ``python bench/abuse.py [default|SECONDS|SECONDS/COST ...]``. It starts
``kili-typed server serve`` on a loopback port three times (the defaults; then
``--request-timeout 1``; then that and a budget so large that only the deadline stops
anything), each time on a fresh database of 10,000 users, makes an API key for one seeded
USER,
and sends each request of the table of issue #25 (and its siblings: the other ``count*``
fields and filtered lists) once, then six of the first at once. For each it prints the
HTTP status, the wall time, the server's CPU time (from ``/proc``) and the slowest
``GET /version`` answered meanwhile (polled every 50 ms from another thread), then tries
the control API's non-finite and huge delays and times ``serve``'s exit after SIGTERM.

Traffic goes to 127.0.0.1 only; every loop is bounded and every request has a client
timeout. Nothing is asserted: the figures are for the reader (and the closing note).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
USERS = 10_000
ALIASES = 990
CONTROL_TOKEN = "abuse-control-token-0123456789"
#: Longest a client waits for one answer (a request the server does not bound may take
#: minutes; this script still ends).
CLIENT_TIMEOUT = 300.0


def _aliases(field: str, arguments: str, selection: str = "", copies: int = ALIASES) -> str:
    return " ".join(f"a{i}:{field}{arguments}{selection}" for i in range(copies))


#: name -> (document, variables)
ATTACKS: dict[str, tuple[str, dict[str, object]]] = {
    "countUsers x990 (row 1)": (
        "query($w:UserWhere!){" + _aliases("countUsers", "(where:$w)") + "}",
        {"w": {"activated": False}},
    ),
    "countApiKeys x990": (
        "query($w:ApiKeyWhere!){" + _aliases("countApiKeys", "(where:$w)") + "}",
        {"w": {"user": {"activated": False}}},
    ),
    "countOrganizations x990": (
        "query($w:OrganizationWhere!){" + _aliases("countOrganizations", "(where:$w)") + "}",
        {"w": {"user": {"activated": False}}},
    ),
    "users(activated:false) x450": (
        "query($w:UserWhere!){" + _aliases("users", "(where:$w,first:1)", "{id}", 450) + "}",
        {"w": {"activated": False}},
    ),
    "activeUsersCount x300": (
        "{" + _aliases("viewer", "", "{organization{activeUsersCount}}", 300) + "}",
        {},
    ),
}
ROW_ONE = "countUsers x990 (row 1)"


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """The user and system CPU time a process has used (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    user_key: str


@contextmanager
def serve(request_timeout: float | None, max_query_cost: int | None = None) -> Iterator[Server]:
    """``kili-typed server serve`` with 10,000 users and the control API; a USER's key."""
    with tempfile.TemporaryDirectory(prefix="kili-typed-abuse-") as tmp:
        db = f"{tmp}/abuse.db"
        token_file = Path(tmp) / "control-token"
        token_file.write_text(CONTROL_TOKEN + "\n", encoding="utf-8")
        kili_typed = str(BIN / "kili-typed")
        port = free_port()
        command = [
            kili_typed, "server", "serve", "--db", db, "--port", str(port),
            "--seed-users", str(USERS - 1), "--control-token-file", str(token_file),
            "--log-level", "warning",
        ]  # fmt: skip
        if request_timeout is not None:
            command += ["--request-timeout", str(request_timeout)]
        if max_query_cost is not None:
            command += ["--max-query-cost", str(max_query_cost)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(process, base)
            key = subprocess.run(
                [kili_typed, "server", "keys", "create", "--db", db,
                 "--email", "seed-000001@seed.kili-local.test"],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            yield Server(process, base, key)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


def _wait_until_up(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 300
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            httpx.get(f"{base}/api/label/v2/version", timeout=5).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not come up") from None
            time.sleep(0.2)


@contextmanager
def version_probe(base: str) -> Iterator[Callable[[], float]]:
    """Polls ``/version`` every 50 ms meanwhile; yields a function giving the slowest."""
    slowest = [0.0]
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            while not stop.is_set():
                started = time.perf_counter()
                with contextlib.suppress(httpx.HTTPError):
                    client.get(f"{base}/api/label/v2/version")
                slowest[0] = max(slowest[0], time.perf_counter() - started)
                stop.wait(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield lambda: slowest[0]
    finally:
        stop.set()
        thread.join(timeout=CLIENT_TIMEOUT)


def post(server: Server, query: str, variables: dict[str, object]) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        response = httpx.post(
            f"{server.base}/api/label/v2/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"X-API-Key: {server.user_key}"},
            timeout=CLIENT_TIMEOUT,
        )
    except httpx.HTTPError as error:
        return 0, type(error).__name__, time.perf_counter() - started
    return response.status_code, _summary(response), time.perf_counter() - started


def _summary(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:120]
    if isinstance(body, dict) and body.get("errors"):
        return str(body["errors"][0].get("message", ""))[:120]
    return "data" if isinstance(body, dict) and body.get("data") else str(body)[:120]


def attack(server: Server, name: str, copies: int = 1) -> None:
    query, variables = ATTACKS[name]
    before = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    with version_probe(server.base) as slowest, ThreadPoolExecutor(copies) as pool:
        results = list(pool.map(lambda _: post(server, query, variables), range(copies)))
    wall = time.perf_counter() - started
    cpu = cpu_seconds(server.process.pid) - before
    statuses = ",".join(str(status) for status, _, _ in results)
    slowest_answer = max(seconds for _, _, seconds in results)
    label = name if copies == 1 else f"{name}, {copies} at once"
    log(
        f"  {label:<40} HTTP {statuses:<24} wall {wall:6.2f} s (slowest {slowest_answer:6.2f} s)"
        f"  server CPU {cpu:6.2f} s ({cpu / copies:5.2f} s each)"
        f"  /version max {slowest():5.3f} s"
    )
    log(f"    {results[0][1]}")


def control(server: Server) -> None:
    """Row 6: non-finite and huge delays through the control API, then SIGTERM."""
    url = f"{server.base}/kili-typed/control/faults"
    headers = {"Authorization": f"Bearer {CONTROL_TOKEN}", "Content-Type": "application/json"}
    with httpx.Client(timeout=10.0) as client:
        for raw in ('{"delay": NaN}', '{"delay": 1e308}'):
            added = client.post(url, content=raw, headers=headers)
            listed = client.get(url, headers=headers)
            status, summary, seconds = _graphql_within(server, 10.0)
            log(
                f"  POST faults {raw:<20} HTTP {added.status_code}; GET faults HTTP "
                f"{listed.status_code}; next GraphQL request: HTTP {status} ({summary}) "
                f"in {seconds:.2f} s"
            )
            client.delete(url, headers=headers)
        # A request hanging on a huge delay while the server is told to stop.
        client.post(url, content='{"delay": 1e308}', headers=headers)
    hanging = threading.Thread(target=_graphql_within, args=(server, 60.0), daemon=True)
    hanging.start()
    time.sleep(1.0)
    started = time.perf_counter()
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=30)
        log(f"  SIGTERM with a request in flight: exited in {time.perf_counter() - started:.2f} s")
    except subprocess.TimeoutExpired:
        log("  SIGTERM with a request in flight: still running after 30 s (killed)")


def _graphql_within(server: Server, seconds: float) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        response = httpx.post(
            f"{server.base}/api/label/v2/graphql",
            json={"query": "{viewer{email}}"},
            headers={"Authorization": f"X-API-Key: {server.user_key}"},
            timeout=seconds,
        )
    except httpx.HTTPError as error:
        return 0, type(error).__name__, time.perf_counter() - started
    return response.status_code, _summary(response), time.perf_counter() - started


def main() -> None:
    """Runs every attack against a server per setting given on the command line:
    ``default``, a request timeout in seconds, or ``SECONDS/COST`` for a timeout and a
    query budget (``1/1000000000`` lets every attack past the cost model, so that only
    the deadline stops it). All three when none is given."""
    chosen = sys.argv[1:] or ["default", "1", "1/1000000000"]
    for setting in chosen:
        seconds, _, cost = setting.partition("/")
        timeout = None if seconds == "default" else float(seconds)
        budget = int(cost) if cost else None
        shown = "default" if timeout is None else f"{timeout:g} s"
        more = "" if budget is None else f", query budget {budget}"
        log(f"serve, {USERS} users, USER key, request timeout {shown}{more}:")
        with serve(timeout, budget) as server:
            with version_probe(server.base) as slowest:
                time.sleep(3.0)
            log(f"  {'nothing sent (the machine alone)':<40} /version max {slowest():5.3f} s")
            for name in ATTACKS:
                attack(server, name)
            attack(server, ROW_ONE, copies=6)
            if timeout is None:
                control(server)
    log(json.dumps({"done": True}))


if __name__ == "__main__":
    main()
