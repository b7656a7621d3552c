"""What a test's fresh start costs: the plugin's snapshot reset against a server per test.

Run with ``.venv/bin/python bench/testkit_reset.py``. Side by side, in one run:

* **restart**: what tests did before the plugin: a new server per test
  (``make_test_server`` on a new SQLite file: bootstrap, start, stop);
* **reset**: the plugin's ``kili_server`` fixture: one server for the session, its
  database put back to the snapshot before each test (``KiliServer.reset``);
* **reset, 1,000 seeded users**: the same when every test starts with seeded users
  (the seeded state is built once, then restored).

Each "test" creates two users and counts them through a ``Kili`` client, so each reset
has real changes to undo. Figures are medians; nothing is asserted (the machine is shared).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from kili_typed import Kili
from kili_typed_testkit.server import KiliServer
from kili_typed_testkit.testing import make_test_server

RESTARTS = 15
RESETS = 200


def a_test(kili: Kili, n: int) -> None:
    """What each test does: two writes and a read."""
    for i in range(2):
        kili.create_user(
            email=f"user{n}-{i}@example.com", password="Password-1234", organization_role="USER"
        )
    kili.count_users()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def restart_per_test(root: Path) -> tuple[list[float], list[float]]:
    """Per test: (start and stop of a new server, the whole test with it)."""
    starts, totals = [], []
    tls = httpx.create_ssl_context()
    for n in range(RESTARTS):
        began = time.perf_counter()
        with make_test_server(root / f"restart-{n}.db") as server:
            ready = time.perf_counter()
            # The same client set-up as the plugin's (a shared TLS context), so that the
            # figures differ by the server's start and stop only.
            http = httpx.Client(trust_env=False, verify=tls)
            with (
                http,
                Kili(
                    api_key=server.api_key, api_endpoint=server.endpoint, http_client=http
                ) as kili,
            ):
                a_test(kili, n)
            ran = time.perf_counter() - ready
        totals.append(time.perf_counter() - began)
        starts.append(totals[-1] - ran)
    return starts, totals


def reset_per_test(
    server: KiliServer, reset: Callable[[], None]
) -> tuple[list[float], list[float]]:
    """Per test: (the reset alone, the reset and the test)."""
    resets, totals = [], []
    for n in range(RESETS):
        began = time.perf_counter()
        reset()
        resets.append(time.perf_counter() - began)
        with server.kili() as kili:
            a_test(kili, n)
        totals.append(time.perf_counter() - began)
    return resets, totals


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        print(f"restart: {RESTARTS} tests, each on a new server...", file=sys.stderr)
        starts, restart_totals = restart_per_test(root)
        server = KiliServer(root / "session.db").start()
        try:
            print(f"reset: {RESETS} tests on one server...", file=sys.stderr)
            resets, reset_totals = reset_per_test(server, server.reset)
            seeded, seeded_totals = reset_per_test(server, lambda: server.reset(seed_users=1000))
        finally:
            server.stop()
    rows = [
        ("new server per test (start + stop)", median_ms(starts), median_ms(restart_totals)),
        ("plugin reset (snapshot restore)", median_ms(resets), median_ms(reset_totals)),
        ("plugin reset, 1,000 seeded users", median_ms(seeded), median_ms(seeded_totals)),
    ]
    print(f"{'per test':<40} {'fresh state':>12} {'whole test':>12}")
    for name, fresh, whole in rows:
        print(f"{name:<40} {fresh:>9.2f} ms {whole:>9.2f} ms")
    print(
        f"fresh state: reset is {median_ms(starts) / median_ms(resets):,.0f}x faster than a "
        f"restart; a whole test {median_ms(restart_totals) / median_ms(reset_totals):.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
