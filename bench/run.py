"""`make bench`: kili-typed against a raw httpx loop and the official Kili SDK.

Everything runs here, side by side, in one run, against the local server in
its own process (`kili-typed server serve`), seeded with 10,000 users for the speed
figures and 100,000 for the memory figures. Each client measurement runs in a
fresh process; each figure is the median of several runs, and each
comparison is a ratio of medians. Targets are printed beside the figures;
nothing here asserts anything (the machines are shared and noisy).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLIENTS = ROOT / "bench" / "clients.py"
OFFICIAL_VERSION = "26.2.4"
OFFICIAL_VENV = ROOT / "bench" / ".venvs" / f"kili-{OFFICIAL_VERSION}"
API_KEY = "kt_bench-key-0123456789abcdef"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
USERS = 10_000
MEMORY_USERS = 100_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def official_python() -> Path:
    """The official SDK's interpreter, in a virtualenv of its own (made on first use)."""
    python = OFFICIAL_VENV / "bin" / "python"
    if not python.exists():
        log(f"installing the official SDK kili=={OFFICIAL_VERSION} into {OFFICIAL_VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(OFFICIAL_VENV)], check=True)
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"kili=={OFFICIAL_VERSION}"],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            raise SystemExit(f"installing kili=={OFFICIAL_VERSION} failed:\n{install.stderr}")
    return python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(users: int, latency_ms: int, *, fast_path: bool = True) -> Iterator[str]:
    """A local server in its own process, seeded with `users` users; yields its endpoint.

    With `fast_path` false, the server answers every query with graphql-core's executor
    (see `kili_typed_server.graphql.fast_path`), to compare the two.
    """
    with tempfile.TemporaryDirectory(prefix="kili-typed-bench-") as tmp:
        port = free_port()
        key_file = Path(tmp) / "api-key"
        key_file.write_text(API_KEY + "\n", encoding="utf-8")
        command = [
            str(BIN / "kili-typed"), "server", "serve", "--db", f"{tmp}/bench.db",
            "--port", str(port), "--api-key-file", str(key_file), "--seed-users", str(users - 1),
            "--latency-ms", str(latency_ms), "--log-level", "warning",
        ]  # fmt: skip
        env = dict(os.environ, KILI_TYPED_SERVER_FAST_PATH="1" if fast_path else "0")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
        try:
            base = f"http://127.0.0.1:{port}/api/label/v2"
            deadline = time.monotonic() + 300
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"the server exited with {process.returncode}")
                try:
                    httpx.get(f"{base}/version").raise_for_status()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not come up") from None
                    time.sleep(0.2)
            yield f"{base}/graphql"
        finally:
            process.terminate()
            process.wait(timeout=30)


def measure(mode: str, endpoint: str, python: Path | None = None) -> dict[str, float]:
    env = dict(os.environ, KILI_SDK_SKIP_CHECKS="1")
    interpreter = str(python or sys.executable)
    out = subprocess.run(
        [interpreter, str(CLIENTS), mode, endpoint, API_KEY],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def median_of(mode: str, endpoint: str, python: Path | None = None) -> dict[str, float]:
    runs = [measure(mode, endpoint, python) for _ in range(RUNS)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def import_seconds(python: Path, statement: str) -> float:
    """The median time `statement` takes in a fresh interpreter, over several runs."""
    return statistics.median(import_seconds_once(python, statement) for _ in range(max(RUNS, 7)))


def import_ratio(python: Path, statement: str, floor: str) -> tuple[float, float, float]:
    """`statement`'s and `floor`'s import times, alternated run by run, and their ratio."""
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(max(RUNS, 7)):
        ours.append(import_seconds_once(python, statement))
        theirs.append(import_seconds_once(python, floor))
    a, b = statistics.median(ours), statistics.median(theirs)
    return a, b, a / b


def import_seconds_once(python: Path, statement: str) -> float:
    """The time `statement` takes in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    env = dict(os.environ, KILI_SDK_SKIP_CHECKS="1")
    done = subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(done.stdout.strip().splitlines()[-1])


def compile_bytecode() -> None:
    """Compile our sources to bytecode, as pip does when it installs a wheel.

    The checkout is installed in editable mode, and with PYTHONDONTWRITEBYTECODE set
    (as on CI machines) every fresh interpreter would compile them again, a cost no
    installed copy pays; the official SDK, installed by pip, is compiled already.
    """
    packages = [ROOT / "src", ROOT / "generated"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, packages)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


#: Adds one row of the table: figure, value, target and verdict.
Row = Callable[..., None]


def server_cost_rows(row: Row) -> None:
    """The server's cost of a page, fast path and executor side by side."""
    log("server cost of a 100-row page, fast path and executor side by side ...")
    with server(USERS, 0) as fast, server(USERS, 0, fast_path=False) as executor:
        cost = median_of("server-cost", f"{fast},{executor}")
    servers = (("executor", "executor"), ("fast", "fast path"))
    for name, label in servers:
        row(f"server ({label}): GET /version round trip ms", f"{cost[name + '_version_ms']:.2f}")
    for fields, key in ((4, "page4"), (9, "page9")):
        for name, label in servers:
            row(
                f"server ({label}): 100 rows x {fields} fields ms",
                f"{cost[f'{name}_{key}_ms']:.2f}",
            )
        for name, label in servers:
            ratio = cost[f"{name}_{key}_ratio"]
            target = f"<= 3x: {verdict(ratio <= 3)}" if fields == 9 and name == "fast" else ""
            row(f"server ({label}): 100 rows x {fields} fields / version", f"{ratio:.2f}x", target)
    for name, label in servers:
        first, listing = cost[f"{name}_page9_ratio"], cost[f"{name}_listing9_ratio"]
        row(f"server ({label}): listing pages, skip 0-6000, 9 fields / version", f"{listing:.2f}x")
        row(
            f"server ({label}): listing page / first page",
            f"{listing / first:.2f}x",
            f"<= 1.25x: {verdict(listing / first <= 1.25)}" if name == "fast" else "",
        )


def test_kit_rows(row: Row) -> None:
    """A listing through the test kit's in-process transport, beside loopback."""
    log("listing through the test kit's in-process transport, beside loopback ...")
    inside = median_of("in-process", str(USERS))
    row(f"test kit: Kili lists {USERS} users over loopback s", f"{inside['loopback_s']:.3f}")
    row(f"test kit: Kili lists {USERS} users in-process s", f"{inside['in_process_s']:.3f}")
    row(
        "test kit: in-process / loopback",
        f"{inside['in_process_s'] / inside['loopback_s']:.2f}x",
    )


def speed_rows(row: Row, official: Path) -> None:
    """Listing speed and CPU per row at 0 and 50 ms: raw loop, official SDK, ours."""
    names = {
        "a": "(a) raw httpx loop, sequential",
        "b": f"(b) official kili {OFFICIAL_VERSION}",
        "c": "(c) Kili.users()",
        "d": "(d) AsyncKili.users()",
    }
    for latency in (0, 50):
        log(f"speed at {latency} ms added latency, {USERS} users ...")
        with server(USERS, latency) as endpoint:
            figures = {
                "a": median_of("raw", endpoint),
                "b": median_of("official", endpoint, official),
                "c": median_of("kili", endpoint),
                "d": median_of("async", endpoint),
            }
        for key, fig in figures.items():
            assert fig["rows"] == USERS, (key, fig)
        a, b, c, d = (figures[k]["seconds"] for k in "abcd")
        for key in "abcd":
            row(f"{latency} ms: {names[key]} s", f"{figures[key]['seconds']:.3f}")
        if latency == 0:
            row("0 ms: (c) / (a)", f"{c / a:.2f}x", f"<= 1.10x: {verdict(c / a <= 1.10)}")
            row("0 ms: (d) / (a)", f"{d / a:.2f}x", f"<= 1.10x: {verdict(d / a <= 1.10)}")
            row("0 ms: (b) / (c)", f"{b / c:.2f}x", f"> 1x: {verdict(b > c)}")
            per_row = {k: figures[k]["cpu_seconds"] / USERS * 1e6 for k in "abcd"}
            for key in "abcd":
                row(f"client CPU per row, {names[key]}", f"{per_row[key]:.1f} us")
            # The targets are against the official SDK, as users compare the two; the
            # ratio to the raw loop says what the facade adds to httpx's own cost.
            for key in "cd":
                ratio = per_row[key] / per_row["a"]
                row(f"client CPU per row, {names[key]} / (a)", f"{ratio:.2f}x")
            for key, limit in (("c", 0.75), ("d", 1.0)):
                ratio = per_row[key] / per_row["b"]
                row(f"client CPU per row, {names[key]} / (b)", f"{ratio:.2f}x",
                    f"<= {limit}x: {verdict(ratio <= limit)}")  # fmt: skip
        else:
            row("50 ms: (b) / (c)", f"{b / c:.2f}x", f">= 8x: {verdict(b / c >= 8)}")
            row("50 ms: (b) / (d)", f"{b / d:.2f}x", f">= 8x: {verdict(b / d >= 8)}")


def import_rows(row: Row, official: Path) -> None:
    """Import times, and the wait for a first answer."""
    log("import times ...")
    compile_bytecode()
    ours, floor, ratio = import_ratio(
        Path(sys.executable), "import kili_typed", "import httpx; from pydantic import BaseModel"
    )
    theirs = import_seconds(official, "import kili.client")
    row("import kili_typed s", f"{ours:.3f}")
    row("import httpx; from pydantic import BaseModel s (the floor)", f"{floor:.3f}")
    row("import ratio kili_typed / floor", f"{ratio:.2f}x", f"<= 1.15x: {verdict(ratio <= 1.15)}")
    row("import kili.client s", f"{theirs:.3f}")
    row("import ratio kili_typed / kili.client", f"{ours / theirs:.2f}x",
        f"<= 0.25x: {verdict(ours / theirs <= 0.25)}")  # fmt: skip

    # The import defers what only a call needs (the generated client and its models):
    # this is the whole wait, from a fresh interpreter to the first answer.
    log("first answer: import, construct, count_users() ...")
    with server(USERS, 0) as endpoint:
        call = f"Kili(api_key={API_KEY!r}, api_endpoint={endpoint!r}).count_users()"
        first_ours = import_seconds(Path(sys.executable), f"from kili_typed import Kili; {call}")
        first_theirs = import_seconds(official, f"from kili.client import Kili; {call}")
    row("first answer (import, Kili(), count_users()): ours s", f"{first_ours:.3f}")
    row("first answer (import, Kili(), count_users()): kili s", f"{first_theirs:.3f}")
    row("first answer: kili_typed / official", f"{first_ours / first_theirs:.2f}x")


def memory_rows(row: Row) -> None:
    """Memory of a 100,000-user listing, as a generator and as a list."""
    log(f"memory with {MEMORY_USERS} users ...")
    with server(MEMORY_USERS, 0) as endpoint:
        stream = median_of("stream-memory", endpoint)
        listed = median_of("list-memory", endpoint)
    for name, fig in (("as_generator=True", stream), ("list", listed)):
        assert fig["rows"] == MEMORY_USERS, (name, fig)
    growth = stream["peak_mb"] - stream["baseline_mb"]
    row("stream 100k: RSS after first page MB", f"{stream['baseline_mb']:.1f}")
    row("stream 100k: peak RSS MB", f"{stream['peak_mb']:.1f}")
    row("stream 100k: peak - after first page MB", f"{growth:.1f}",
        f"<= 25 MB: {verdict(growth <= 25)}")  # fmt: skip
    row("list 100k: peak - after first page MB", f"{listed['peak_mb'] - listed['baseline_mb']:.1f}")


def main() -> None:
    official = official_python()
    lines: list[str] = []

    def row(name: str, value: str, note: str = "") -> None:
        lines.append(f"| {name:<58} | {value:>14} | {note}")

    lines.append(f"| {'figure (median of ' + str(RUNS) + ' runs)':<58} | {'value':>14} | target")
    lines.append(f"|{'-' * 60}|{'-' * 16}|-------")
    server_cost_rows(row)
    test_kit_rows(row)
    speed_rows(row, official)
    import_rows(row, official)
    memory_rows(row)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
