"""`make bench`, the editor's part: what typed selections cost each checker, and what
each language server completes.

Builds the wheel into a clean virtualenv (as `make typecheck-wheel` does), then prints:

- for mypy, pyright, ty and pyrefly, the time to check `bench/consumers/typed.py` (four
  typed selections) beside `bench/consumers/plain.py` (the same code with plain lists),
  alternated run by run in one run, and their ratio (target: at most 1.5x, or under
  half a second more for ty and pyrefly, which take under a second either way);
- the first completion of a fresh pyright language server inside `user_fields(`, beside
  its first completion on a file that only imports kili_typed (target: at most 2x);
- the table of what pyright-langserver, `ty server` and `pyrefly lsp` complete where
  (tests/editor/servers.py's cases; tests/editor/ asserts them).

Nothing here asserts anything: the machines are shared and noisy.

Usage: python bench/editor.py [--runs N] [--python VENV/bin/python]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

import check_wheel_types as wheel  # noqa: E402

from tests.editor.servers import CASES, SERVERS, complete, make_client, start, verdict  # noqa: E402

CONSUMERS = ROOT / "bench" / "consumers"
#: Under this many seconds more, a checker's cost is met whatever the ratio (ty, pyrefly).
SLACK = {"ty": 0.5, "pyrefly": 0.5}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(check: wheel.Checker, python: Path, files: list[Path], cwd: Path) -> float:
    """Seconds `check` takes on `files`, in its strict mode."""
    start = time.perf_counter()
    check(python, files, cwd, True)
    return time.perf_counter() - start


def checker_costs(python: Path, work: Path, runs: int) -> list[str]:
    """A line per checker: typed and plain seconds (medians), their ratio, the verdict."""
    lines = []
    for kind in ("typed", "plain"):
        (work / kind).mkdir()
        shutil.copy2(CONSUMERS / f"{kind}.py", work / kind / "consumer.py")
    for name, check in wheel.CHECKERS.items():
        log(f"timing {name} on the typed and the plain consumer ...")
        times: dict[str, list[float]] = {"typed": [], "plain": []}
        for _ in range(runs):
            for kind in times:
                files = [work / kind / "consumer.py"]
                times[kind].append(timed(check, python, files, work / kind))
        typed, plain = (statistics.median(times[k]) for k in ("typed", "plain"))
        ratio = typed / plain
        slack = SLACK.get(name)
        met = ratio <= 1.5 or (slack is not None and typed - plain < slack)
        target = "<= 1.5x" + (f" or < +{slack} s" if slack else "")
        lines.append(
            f"| {name + ': typed / plain consumer':<40} | {typed:6.2f} s / {plain:6.2f} s "
            f"| {ratio:5.2f}x | {target}: {'met' if met else 'NOT met'}"
        )
    return lines


async def first_completion(python: Path, code: str) -> float:
    """Seconds from a fresh pyright language server's start to its first completion."""
    server = SERVERS["pyright"]
    with tempfile.TemporaryDirectory(prefix="kili-typed-editor-") as tmp:
        workspace = Path(tmp)
        server.configure(workspace, python)
        client = make_client()
        began = time.perf_counter()
        await start(client, server, workspace)
        await complete(client, workspace / "first.py", code)
        took = time.perf_counter() - began
        await client.shutdown_session()
        await client.stop()  # type: ignore[no-untyped-call]  # pygls is untyped
    return took


def first_completions(python: Path, runs: int) -> list[str]:
    log("timing a fresh pyright server's first completion ...")
    inside = 'from kili_typed import user_fields\n\nuser_fields("|")\n'
    floor = "import kili_typed\n\nkili_typed.|\n"
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        ours.append(asyncio.run(first_completion(python, inside)))
        theirs.append(asyncio.run(first_completion(python, floor)))
    a, b = statistics.median(ours), statistics.median(theirs)
    return [
        f"| {'pyright: first completion in user_fields(':<40} | {a:6.2f} s / {b:6.2f} s "
        f"| {a / b:5.2f}x | <= 2x the file importing kili_typed: "
        f"{'met' if a / b <= 2 else 'NOT met'}"
    ]


async def completion_table(python: Path) -> dict[str, dict[str, bool]]:
    """For each server, whether it offers what each case expects."""
    table: dict[str, dict[str, bool]] = {}
    for name, server in SERVERS.items():
        log(f"asking {name} for completions ...")
        with tempfile.TemporaryDirectory(prefix="kili-typed-editor-") as tmp:
            workspace = Path(tmp)
            server.configure(workspace, python)
            client = make_client()
            await start(client, server, workspace)
            table[name] = {}
            for number, case in enumerate(CASES):
                labels = await complete(client, workspace / f"case{number}.py", case.code)
                table[name][case.name] = verdict(case, labels)
            await client.shutdown_session()
            await client.stop()  # type: ignore[no-untyped-call]  # pygls is untyped
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--python", type=Path, help="a virtualenv's python where kili-typed is installed already"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kili-typed-bench-editor-"))
    try:
        if args.python:
            python = args.python
        else:
            log("building the wheel into a clean virtualenv ...")
            python = wheel.build_and_install(work)
        table = asyncio.run(completion_table(python))
        costs = checker_costs(python, work, args.runs)
        firsts = first_completions(python, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"| {'where the user types':<28} | " + " | ".join(f"{n:^7}" for n in SERVERS) + " |")
    print(f"|{'-' * 30}|" + "|".join("-" * 9 for _ in SERVERS) + "|")
    for case in CASES:
        marks = ["   ✓   " if table[n][case.name] else "   -   " for n in SERVERS]
        print(f"| {case.name:<28} | " + " | ".join(marks) + " |")
    print()
    print(f"| {'figure (median of ' + str(args.runs) + ' runs)':<40} | {'typed / floor':^21} "
          "| ratio  | target")  # fmt: skip
    print(f"|{'-' * 42}|{'-' * 23}|--------|-------")
    print("\n".join(costs + firsts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
