"""Client CPU per row: a raw httpx loop, `Kili` and `AsyncKili`, side by side in one run.

One local server (`kili-typed server serve`, 0 ms latency) in its own process, seeded
with `--users` users; each measurement is a fresh process that lists them all
(4 fields, as `make bench` does) and reports the CPU time it spent
(`time.process_time`, which leaves the server's time out) and the wall time.
The three clients take turns, run after run, so that a busy moment of the
machine hits all of them; each figure is the median of `--runs` runs, each
ratio a ratio of medians. Nothing is asserted: the machine is shared and noisy.

Run: .venv/bin/python bench/client_cpu.py [--users 10000] [--runs 7] [--fields 4|9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

# The bench's own pieces: the server `make bench` starts, and the requests `Kili` sends.
from clients import FIELDS, NINE_FIELDS, generated_payloads
from run import API_KEY, server

FIELD_SETS = {"4": FIELDS, "9": NINE_FIELDS}
MODES = ("raw", "kili", "async")


# ------------------------------------------------------------------ the children


def _timed(run: Callable[[], int]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    rows = run()
    return {
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
        "rows": float(rows),
    }


def _raw(endpoint: str, fields: list[str]) -> dict[str, float]:
    """The floor: the same requests as `Kili`, one after another on one connection,
    each answer parsed as JSON and nothing more."""
    count_body, page_body = generated_payloads(fields)
    with httpx.Client(headers={"Authorization": f"X-API-Key: {API_KEY}"}, timeout=60) as http:
        http.post(endpoint, json=count_body)  # connect

        def run() -> int:
            total = http.post(endpoint, json=count_body).json()["data"]["countUsers"]
            rows = 0
            for skip in range(0, total, 100):
                first = min(100, total - skip)
                variables = {**page_body["variables"], "first": first, "skip": skip}
                answer = http.post(endpoint, json={**page_body, "variables": variables}).json()
                rows += len(answer["data"]["users"])
            return rows

        return _timed(run)


def _kili(endpoint: str, fields: list[str]) -> dict[str, float]:
    from kili_typed import Kili

    with Kili(api_key=API_KEY, api_endpoint=endpoint) as kili:
        kili.count_users()  # connect
        return _timed(lambda: len(kili.users(fields=fields, disable_tqdm=True)))


def _async(endpoint: str, fields: list[str]) -> dict[str, float]:
    from kili_typed import AsyncKili

    async def main() -> dict[str, float]:
        async with AsyncKili(api_key=API_KEY, api_endpoint=endpoint) as kili:
            await kili.count_users()  # connect
            wall, cpu = time.perf_counter(), time.process_time()
            rows = await kili.users(fields=fields, disable_tqdm=True)
            return {
                "cpu": time.process_time() - cpu,
                "wall": time.perf_counter() - wall,
                "rows": float(len(rows)),
            }

    return asyncio.run(main())


def child(mode: str, endpoint: str, fields: list[str]) -> None:
    runners = {"raw": _raw, "kili": _kili, "async": _async}
    print(json.dumps(runners[mode](endpoint, fields)))


# ------------------------------------------------------------------ the parent


def _measure(mode: str, endpoint: str, fields: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--endpoint", endpoint, "--fields", fields],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fields", choices=sorted(FIELD_SETS), default="4")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.endpoint, FIELD_SETS[args.fields])
        return
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    with server(args.users, 0) as endpoint:
        for _ in range(args.runs):
            for mode in MODES:
                figure = _measure(mode, endpoint, args.fields)
                assert figure["rows"] == args.users, (mode, figure)
                runs[mode].append(figure)
    cpu = {m: statistics.median(r["cpu"] for r in runs[m]) / args.users * 1e6 for m in MODES}
    wall = {m: statistics.median(r["wall"] for r in runs[m]) for m in MODES}
    names = {"raw": "raw httpx loop", "kili": "Kili.users()", "async": "AsyncKili.users()"}
    # No target here: make bench holds the facades against the official SDK's CPU per row.
    targets = {"raw": "", "kili": "", "async": ""}
    print(
        f"{args.users} users, {args.fields} fields, median of {args.runs} runs "
        "(CPU per row, wall at 0 ms latency)"
    )
    print(f"| {'client':<18} | {'CPU/row':>9} | {'x raw':>6} | {'target':>8} "
          f"| {'wall s':>7} | {'x raw':>6} |")  # fmt: skip
    for m in MODES:
        print(
            f"| {names[m]:<18} | {cpu[m]:>6.2f} us | {cpu[m] / cpu['raw']:>5.2f}x | "
            f"{targets[m]:>8} | {wall[m]:>7.3f} | {wall[m] / wall['raw']:>5.2f}x |"
        )


if __name__ == "__main__":
    main()
