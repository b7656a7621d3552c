"""One measurement in a fresh process; prints its figures as one JSON line.

Run by bench/run.py, never by hand:
    python bench/clients.py MODE ENDPOINT API_KEY
MODE: raw | kili | async | stream-memory | list-memory | official | server-cost
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

FIELDS = ["email", "id", "firstname", "lastname"]
#: The 9 fields of the server-cost figure (issue 14):
#: `id email firstname lastname createdAt activated organizationRole organization{id name}`.
NINE_FIELDS = [
    "id", "email", "firstname", "lastname", "createdAt", "activated", "organizationRole",
    "organization.id", "organization.name",
]  # fmt: skip
#: Requests of each kind timed by the server-cost figure.
SERVER_COST_SAMPLES = 150
#: Pages of the listing the server cost walks through (skip 0 to 6,000).
LISTING_PAGES = 61


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run: Any) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    rows = run()
    return {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "rows": float(rows),
    }


def generated_payloads(fields: list[str] = FIELDS) -> tuple[dict[str, Any], dict[str, Any]]:
    """The countUsers and users request bodies `Kili.users(fields=fields)` sends."""
    import httpx
    from kili_typed_generated.client import Client
    from kili_typed_generated.input_types import UserWhere

    from kili_typed._listing import Listing
    from kili_typed._operations import users_request

    payloads: list[dict[str, Any]] = []

    def record(request: httpx.Request) -> httpx.Response:
        payloads.append(json.loads(request.content))
        raise LookupError("recorded")

    recorder = httpx.Client(transport=httpx.MockTransport(record))
    client = Client(url="http://recorder", http_client=recorder)
    request = users_request(
        api_key=None,
        email=None,
        organization_id=None,
        fields=fields,
        first=None,
        skip=0,
        disable_tqdm=True,
        as_generator=False,
    )
    flags = Listing(request).flags
    for call in (
        lambda: client.count_users(where=UserWhere()),
        lambda: client.users(where=UserWhere(), first=100, skip=0, **flags),
    ):
        with contextlib.suppress(LookupError):
            call()
    return payloads[0], payloads[1]


def raw(endpoint: str, key: str) -> dict[str, float]:
    """The floor of a sequential client: the same count and page requests as `Kili`,
    one after another on one connection, each answer parsed as JSON and nothing more."""
    import httpx

    count_body, page_body = generated_payloads()
    headers = {"Authorization": f"X-API-Key: {key}"}
    with httpx.Client(headers=headers, timeout=60) as http:
        http.post(endpoint, json=count_body)  # connect

        def run() -> int:
            total = http.post(endpoint, json=count_body).json()["data"]["countUsers"]
            rows = 0
            for skip in range(0, total, 100):
                variables = {
                    **page_body["variables"],
                    "first": min(100, total - skip),
                    "skip": skip,
                }
                answer = http.post(endpoint, json={**page_body, "variables": variables}).json()
                rows += len(answer["data"]["users"])
            return rows

        return timed(run)


def server_cost(endpoints: str, key: str) -> dict[str, float]:
    """The server's cost of a 100-row page (4 and 9 fields), as a ratio to a `GET /version`
    round trip on the same connection (the HTTP floor of the server on this machine), for
    two servers: `endpoints` is ``FAST_PATH_URL,EXECUTOR_URL``.

    Every request of a round (the three requests on each server) runs back to back, so a
    noisy neighbour weighs on all alike; each time is the round trip alone (the answer is
    read, not decoded), and each figure the median of its samples.
    """
    import httpx

    urls = dict(zip(("fast", "executor"), endpoints.split(","), strict=True))
    pages = {}
    for name, fields in (("page4", FIELDS), ("page9", NINE_FIELDS)):
        _, body = generated_payloads(fields)
        pages[name] = {**body, "variables": {**body["variables"], "first": 100, "skip": 0}}
    # A listing's pages, 9 fields, skip 0 to 6,000, one a round: the deep ones cost what
    # the database does to find where a page starts.
    pages["listing9"] = pages["page9"]
    samples: dict[tuple[str, str], list[float]] = {
        (server, name): [] for server in urls for name in ("version", "page4", "page9", "listing9")
    }
    headers = {"Authorization": f"X-API-Key: {key}"}
    clients = {server: httpx.Client(headers=headers, timeout=60) for server in urls}
    try:
        for round_ in range(SERVER_COST_SAMPLES + 10):
            for server, name in samples:
                http, url = clients[server], urls[server]
                start = time.perf_counter()
                if name == "version":
                    answer = http.get(url.rsplit("/", 1)[0] + "/version")
                elif name == "listing9":
                    skip = (round_ * 100) % (LISTING_PAGES * 100)
                    variables = {**pages[name]["variables"], "skip": skip}
                    answer = http.post(url, json={**pages[name], "variables": variables})
                else:
                    answer = http.post(url, json=pages[name])
                elapsed = time.perf_counter() - start
                answer.raise_for_status()
                if name != "version":
                    assert len(answer.json()["data"]["users"]) == 100, answer.text[:200]
                if round_ >= 10:  # the first rounds warm the caches and connections up
                    samples[server, name].append(elapsed)
    finally:
        for http in clients.values():
            http.close()
    figures: dict[str, float] = {}
    for server in urls:
        version = statistics.median(samples[server, "version"])
        figures[f"{server}_version_ms"] = version * 1e3
        for name in ("page4", "page9"):
            page = statistics.median(samples[server, name])
            figures[f"{server}_{name}_ms"] = page * 1e3
            figures[f"{server}_{name}_ratio"] = page / version
        # The mean over the listing's pages, each skip as often as the others.
        listing = statistics.fmean(samples[server, "listing9"])
        figures[f"{server}_listing9_ratio"] = listing / version
    return figures


def kili(endpoint: str, key: str) -> dict[str, float]:
    from kili_typed import Kili

    with Kili(api_key=key, api_endpoint=endpoint) as client:
        client.count_users()  # connect
        return timed(lambda: len(client.users(fields=FIELDS, disable_tqdm=True)))


def async_kili(endpoint: str, key: str) -> dict[str, float]:
    from kili_typed import AsyncKili

    async def main() -> dict[str, float]:
        async with AsyncKili(api_key=key, api_endpoint=endpoint) as client:
            await client.count_users()  # connect
            wall, cpu = time.perf_counter(), time.process_time()
            rows = await client.users(fields=FIELDS, disable_tqdm=True)
            return {
                "seconds": time.perf_counter() - wall,
                "cpu_seconds": time.process_time() - cpu,
                "rows": float(len(rows)),
            }

    return asyncio.run(main())


def official(endpoint: str, key: str) -> dict[str, float]:
    from kili.client import Kili

    client = Kili(api_key=key, api_endpoint=endpoint)
    client.count_users()
    return timed(lambda: len(list(client.users(fields=FIELDS, disable_tqdm=True))))


def memory(endpoint: str, key: str, stream: bool) -> dict[str, float]:
    from kili_typed import Kili

    with Kili(api_key=key, api_endpoint=endpoint) as client:
        if stream:
            rows = client.users(fields=FIELDS, disable_tqdm=True, as_generator=True)
            next(rows)
            baseline = rss_mb()
            count = 1 + sum(1 for _ in rows)
        else:
            client.users(fields=FIELDS, first=100, disable_tqdm=True)  # the first page
            baseline = rss_mb()
            count = len(client.users(fields=FIELDS, disable_tqdm=True))
        return {"rows": float(count), "baseline_mb": baseline, "peak_mb": peak_rss_mb()}


def in_process(users: str) -> dict[str, float]:
    """Listing every user of a test-kit server, over loopback then in-process, alternated.

    The test kit's server runs in this process (its app on a background event loop), so
    the two differ only by the transport under the same `Kili`.
    """
    import tempfile

    from kili_typed_testkit.server import KiliServer

    times: dict[str, list[float]] = {"loopback_s": [], "in_process_s": []}
    with tempfile.TemporaryDirectory(prefix="kili-typed-bench-") as tmp:
        server = KiliServer(Path(tmp) / "kili.db", seed_users=int(users) - 1).start()
        try:
            for _ in range(3):
                for name, inside in (("loopback_s", False), ("in_process_s", True)):
                    server.in_process = inside
                    with server.kili() as kili:
                        started = time.perf_counter()
                        rows = kili.users(fields=["email", "id"], disable_tqdm=True)
                        times[name].append(time.perf_counter() - started)
                    assert len(rows) == int(users)
        finally:
            server.stop()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    mode, endpoint, key = sys.argv[1:4]
    runners = {
        "raw": lambda: raw(endpoint, key),
        "kili": lambda: kili(endpoint, key),
        "async": lambda: async_kili(endpoint, key),
        "official": lambda: official(endpoint, key),
        "stream-memory": lambda: memory(endpoint, key, stream=True),
        "list-memory": lambda: memory(endpoint, key, stream=False),
        "server-cost": lambda: server_cost(endpoint, key),  # two endpoints, comma-separated
        "in-process": lambda: in_process(endpoint),  # here: the number of users
    }
    print(json.dumps(runners[mode]()))


if __name__ == "__main__":
    main()
