"""`make bench`: kili-typed against a raw httpx loop and the official Kili SDK.

Everything runs here, side by side, in one run, against the local server in
its own process (`kili-typed serve`), seeded with 10,000 users for the speed
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
from collections.abc import Iterator
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
def server(users: int, latency_ms: int) -> Iterator[str]:
    """A local server in its own process, seeded with `users` users; yields its endpoint."""
    with tempfile.TemporaryDirectory(prefix="kili-typed-bench-") as tmp:
        port = free_port()
        key_file = Path(tmp) / "api-key"
        key_file.write_text(API_KEY + "\n", encoding="utf-8")
        command = [
            str(BIN / "kili-typed"), "server", "serve", "--db", f"{tmp}/bench.db",
            "--port", str(port), "--api-key-file", str(key_file), "--seed-users", str(users - 1),
            "--latency-ms", str(latency_ms), "--log-level", "warning",
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
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


def import_seconds(python: Path, module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([str(python), "-c", code], check=True, capture_output=True,
                             text=True).stdout)
        for _ in range(max(RUNS, 7))
    ]  # fmt: skip
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    official = official_python()
    lines: list[str] = []

    def row(name: str, value: str, note: str = "") -> None:
        lines.append(f"| {name:<52} | {value:>14} | {note}")

    lines.append(f"| {'figure (median of ' + str(RUNS) + ' runs)':<52} | {'value':>14} | target")
    lines.append(f"|{'-' * 54}|{'-' * 16}|-------")
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
        names = {
            "a": "(a) raw httpx loop, sequential",
            "b": f"(b) official kili {OFFICIAL_VERSION}",
            "c": "(c) Kili.users()",
            "d": "(d) AsyncKili.users()",
        }
        for key in "abcd":
            row(f"{latency} ms: {names[key]} s", f"{figures[key]['seconds']:.3f}")
        if latency == 0:
            row("0 ms: (c) / (a)", f"{c / a:.2f}x", f"<= 1.15x: {verdict(c / a <= 1.15)}")
            row("0 ms: (b) / (c)", f"{b / c:.2f}x", f"> 1x: {verdict(b > c)}")
            for key in "abcd":
                per_row = figures[key]["cpu_seconds"] / USERS * 1e6
                row(f"client CPU per row, {names[key]}", f"{per_row:.1f} us")
        else:
            row("50 ms: (b) / (c)", f"{b / c:.2f}x", f">= 6x: {verdict(b / c >= 6)}")
            row("50 ms: (b) / (d)", f"{b / d:.2f}x", f">= 6x: {verdict(b / d >= 6)}")

    log("import times ...")
    ours = import_seconds(Path(sys.executable), "kili_typed")
    theirs = import_seconds(official, "kili.client")
    row("import kili_typed s", f"{ours:.3f}")
    row("import kili.client s", f"{theirs:.3f}")
    row("import ratio kili_typed / kili.client", f"{ours / theirs:.2f}x",
        f"<= 0.25x: {verdict(ours / theirs <= 0.25)}")  # fmt: skip

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
    print("\n".join(lines))


if __name__ == "__main__":
    main()
