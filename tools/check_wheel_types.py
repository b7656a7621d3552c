"""Type-check what a user of the built wheel writes, with the four checkers users run.

Builds the wheel, installs it into a clean virtualenv outside the repository,
and checks, with no repository path on any checker's search path, with mypy,
pyright, ty and pyrefly (the versions the dev extra pins), each in its strict
mode and in its default mode:

- positive code, which must pass every checker in every mode: `examples/*.py`,
  each Python block of `README.md` and `docs/*.md` (as a module of its own,
  unless the line before it says ``<!-- typecheck: skip (why) -->``), and
  `tests/typing/positive/*.py`;
- negative code, `tests/typing/negative/*.py`: every line marked
  ``# expect-error`` must be reported by every checker, and no other line; a line
  marked ``# expect-error[mypy,pyright]`` by the checkers named alone, in their
  strict modes (a rule the others do not have). In a default mode, the modes that
  report such errors at all are held to the same lines; pyrefly's unconfigured
  preset (`basic`) reports almost none, and is held to the positive code alone.

It also prints, for each checker, the size of its longest report of one line of
the negative code, as the checker prints it by default (ty's and pyrefly's full
reports, with their notes and code excerpts), and fails when any is over
`MAX_MESSAGE_BYTES`. Last, it runs tests/editor/ against the wheel: what
pyright-langserver, `ty server` and `pyrefly lsp` complete.

Usage: python tools/check_wheel_types.py [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
MARK = "# expect-error"
#: The checkers, the repository's own pinned copies (the dev extra).
BIN = Path(sys.executable).parent
#: A Python block of the docs, and the line before it (for SKIP).
FENCE = re.compile(r"^([^\n]*)\n```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: Put on the line before a block that is not meant to run as is (a fragment, or code
#: for another package), with the reason: ``<!-- typecheck: skip (fragment) -->``.
SKIP = "<!-- typecheck: skip"
#: A block that includes a file of the repository (pymdownx.snippets).
INCLUDE = re.compile(r'--8<-- "([^"]+)"')


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def build_and_install(work: Path) -> Path:
    """The clean virtualenv's python, with the freshly built wheel installed."""
    dist = work / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)]
    )
    if built.returncode:
        raise SystemExit(f"building the wheel failed:\n{built.stderr}")
    (wheel,) = dist.glob("kili_typed-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # With the server extra and pytest: the docs show test code built on the test kit.
    installed = run(
        [str(python), "-m", "pip", "install", "--quiet", f"{wheel}[server]", dev_pin("pytest")]
    )
    if installed.returncode:
        raise SystemExit(f"installing the wheel failed:\n{installed.stderr}")
    return python


def dev_pin(name: str) -> str:
    """The requirement of `name` in the dev extra of pyproject.toml, e.g. ``pytest==9.2.0``
    (with its extras, e.g. ``pyright[nodejs]==1.1.414``)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(rf'"({re.escape(name)}(?:\[[^\]]*\])?==[^"]+)"', text)
    if found is None:
        raise SystemExit(f"pyproject.toml pins no {name}")
    return found.group(1)


def block_code(block: str) -> str:
    """A docs block's code; a pymdownx snippet line (``--8<-- "path"``) is the file it names."""
    included = INCLUDE.fullmatch(block.strip())
    return (ROOT / included.group(1)).read_text(encoding="utf-8") if included else block


def gather(work: Path) -> dict[str, list[Path]]:
    """Copies of the code to check, by kind, in directories of their own."""
    kinds: dict[str, list[Path]] = {"positive": [], "negative": []}
    out = work / "code"
    for kind in kinds:
        (out / kind).mkdir(parents=True)

    def copy(src: Path, kind: str, name: str | None = None) -> None:
        dest = out / kind / (name or src.name)
        shutil.copy2(src, dest)
        kinds[kind].append(dest)

    for path in sorted((ROOT / "examples").glob("*.py")):
        copy(path, "positive", f"example_{path.name}")
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        stem = doc.stem.replace("-", "_").lower()
        for number, (before, block) in enumerate(FENCE.findall(doc.read_text()), start=1):
            if before.strip().startswith(SKIP):
                continue
            included = INCLUDE.fullmatch(block.strip())
            # An included file keeps its name, so that the blocks importing it find it.
            name = Path(included.group(1)).name if included else f"doc_{stem}_{number}.py"
            dest = out / "positive" / name
            dest.write_text(block_code(block))
            kinds["positive"].append(dest)
    for path in sorted((TYPING / "positive").glob("*.py")):
        copy(path, "positive")
    for path in sorted((TYPING / "negative").glob("*.py")):
        copy(path, "negative")
    return kinds


#: The longest report of one mistake a checker may print, in bytes (a typo once cost mypy
#: 113 KB; a key not selected once cost pyrefly 31 KB, each overload listed).
MAX_MESSAGE_BYTES = 8 * 1024

#: A checker's report: (file, line) -> its messages there, errors and their notes.
Found = dict[tuple[str, int], list[str]]


def clean_env(*drop: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH", *drop)}


def mypy_errors(python: Path, files: list[Path], cwd: Path, strict: bool) -> Found:
    result = run(
        [
            str(BIN / "mypy"),
            *(["--strict"] if strict else []),
            "--python-version=3.10",
            f"--python-executable={python}",
            "--config-file=",
            "--no-incremental",
            "--cache-dir=/dev/null",
            "--hide-error-context",
            "--no-error-summary",
            *map(str, files),
        ],
        cwd=cwd,
        env=clean_env(),
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"mypy crashed:\n{result.stdout}\n{result.stderr}")
    found: Found = {}
    errors: set[tuple[str, int]] = set()
    for line in result.stdout.splitlines():
        match = re.match(r"^(.+?):(\d+): (error|note): (.*)$", line)
        if match:
            key = (Path(match[1]).name, int(match[2]))
            found.setdefault(key, []).append(line)
            if match[3] == "error":
                errors.add(key)
    # A line with notes alone (a reveal_type) is not an error.
    return {key: found[key] for key in errors}


def pyright_errors(python: Path, files: list[Path], cwd: Path, strict: bool) -> Found:
    mode = "strict" if strict else "standard"
    (cwd / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": mode, "pythonVersion": "3.10"})
    )
    result = run(
        [str(BIN / "pyright"), "--outputjson", f"--pythonpath={python}", *map(str, files)],
        cwd=cwd,
        env=clean_env(),
    )
    (cwd / "pyrightconfig.json").unlink()
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pyright failed:\n{result.stdout}\n{result.stderr}") from None
    found: Found = {}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] != "error":
            continue
        key = (Path(diag["file"]).name, diag["range"]["start"]["line"] + 1)
        found.setdefault(key, []).append(diag["message"])
    return found


def reports_by_line(output: str, header: str, error: str) -> Found:
    """Each error report of `output`, by the (file, line) its ``--> file:line:column`` line
    names: a line that `header` matches, and the lines under it up to the next report;
    an error's when the header's first group is `error`."""
    found: Found = {}
    reports: list[list[str]] = []
    for line in output.splitlines():
        if re.match(header, line):
            reports.append([line])
        elif reports:
            reports[-1].append(line)
    for report in reports:
        where = next((m for m in map(LOCATION.match, report) if m), None)
        severity = re.match(header, report[0])
        if where is not None and severity is not None and severity[1] == error:
            text = "\n".join(report).rstrip()
            found.setdefault((Path(where[1]).name, int(where[2])), []).append(text)
    return found


#: Where a full report of ty or pyrefly points: ``  --> path:line:column``.
LOCATION = re.compile(r"^\s*--> (.+?):(\d+):\d+")


def ty_errors(python: Path, files: list[Path], cwd: Path, strict: bool) -> Found:
    # ty has one mode: its default rules, which report every mistake of the negative code.
    del strict
    result = run(
        [
            str(BIN / "ty"),
            "check",
            "--python",
            str(python.parent.parent),
            "--python-version=3.10",
            "--output-format=full",
            "--no-progress",
            *map(str, files),
        ],
        cwd=cwd,
        env=clean_env("VIRTUAL_ENV"),
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"ty failed:\n{result.stdout}\n{result.stderr}")
    return reports_by_line(result.stdout, r"^(error|warning|info)\[", "error")


def pyrefly_errors(python: Path, files: list[Path], cwd: Path, strict: bool) -> Found:
    """pyrefly's `strict` preset, or its `basic` one: what it uses where no config is found."""
    result = run(
        [
            str(BIN / "pyrefly"),
            "check",
            f"--preset={'strict' if strict else 'basic'}",
            f"--python-interpreter-path={python}",
            "--python-version=3.10",
            "--output-format=full-text",
            "--summary=none",
            *map(str, files),
        ],
        cwd=cwd,
        env=clean_env("VIRTUAL_ENV"),
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"pyrefly failed:\n{result.stdout}\n{result.stderr}")
    return reports_by_line(result.stdout, r"^(ERROR|WARN|INFO) ", "ERROR")


Checker = Callable[[Path, list[Path], Path, bool], Found]
CHECKERS: dict[str, Checker] = {
    "mypy": mypy_errors,
    "pyright": pyright_errors,
    "ty": ty_errors,
    "pyrefly": pyrefly_errors,
}
#: Default modes held to the positive code alone: they report almost no mistake at all.
LENIENT_DEFAULTS = frozenset({"pyrefly"})
MARKED = re.compile(re.escape(MARK) + r"(?:\[([a-z,]+)\])?\s*$")


def marked(files: list[Path]) -> dict[tuple[str, int], frozenset[str] | None]:
    """The lines marked `# expect-error`, each with the checkers it names (None: all)."""
    out: dict[tuple[str, int], frozenset[str] | None] = {}
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = MARKED.search(line)
            if match:
                out[(path.name, number)] = frozenset(match[1].split(",")) if match[1] else None
    return out


def verdict(kind: str, files: list[Path], found: dict[str, Found], strict: bool) -> list[str]:
    """What is wrong with `kind`'s files, given each checker's errors."""
    problems: list[str] = []
    marks = marked(files) if kind == "negative" else {}
    for checker, errors in found.items():
        if kind == "negative" and not strict and checker in LENIENT_DEFAULTS:
            continue
        expected = {k for k, only in marks.items() if only is None or checker in only}
        # A rule of a strict mode alone may or may not be in the default one.
        optional = set() if strict else {k for k, only in marks.items() if only is not None}
        for key in sorted(errors.keys() - expected - optional):
            problems.append(f"{checker}: {key[0]}:{key[1]}: unexpected error: {errors[key][0]}")
        for key in sorted(expected - errors.keys() - optional):
            problems.append(f"{checker}: {key[0]}:{key[1]}: expected an error, none reported")
    return problems


def longest_reports(found: dict[str, Found]) -> dict[str, tuple[int, tuple[str, int]]]:
    """For each checker, the size in bytes of its longest report of one line, and where."""
    out: dict[str, tuple[int, tuple[str, int]]] = {}
    for checker, errors in found.items():
        sizes = [(len("\n".join(messages).encode()), key) for key, messages in errors.items()]
        if sizes:
            out[checker] = max(sizes)
    return out


#: The least `pyright --verifytypes kili_typed --ignoreexternal` may score, in percent.
MIN_COMPLETENESS = 98.0


def completeness(python: Path) -> float:
    """pyright's type completeness score of the installed `kili_typed`, in percent."""
    venv = python.parent.parent
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{python.parent}:{os.environ['PATH']}"}
    result = run(
        [str(BIN / "pyright"), "--verifytypes", "kili_typed", "--ignoreexternal", "--outputjson"],
        cwd=venv,
        env=env,
    )
    report = json.loads(result.stdout)
    score: float = report["typeCompleteness"]["completenessScore"] * 100
    return score


def completions(python: Path) -> bool:
    """Runs tests/editor/ (what the language servers complete) against `python`'s wheel."""
    print("completions (tests/editor/, pyright-langserver, ty server, pyrefly lsp):")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n0", "-q", "-p", "no:cacheprovider", "tests/editor"],
        cwd=ROOT,
        env={**clean_env(), "KILI_TYPED_WHEEL_PYTHON": str(python)},
        text=True,
        capture_output=True,
    )
    print(textwrap.indent(result.stdout.strip().splitlines()[-1], "  "))
    if result.returncode:
        print(textwrap.indent(result.stdout, "    "))
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kili-typed-wheel-types-"))
    failed = False
    try:
        python = build_and_install(work)
        versions = ", ".join(f"{name} {tool_version(name)}" for name in CHECKERS)
        print(f"checkers: {versions}")
        for kind, files in gather(work).items():
            if not files:
                continue
            cwd = files[0].parent
            names = ", ".join(path.name for path in files)
            print(f"{kind}: {names}")
            for strict in (True, False):
                mode = "strict" if strict else "default"
                found = {
                    name: check(python, files, cwd, strict) for name, check in CHECKERS.items()
                }
                problems = verdict(kind, files, found, strict)
                status = "ok" if not problems else f"{len(problems)} problem(s)"
                print(f"  {mode}: {status}")
                for problem in problems:
                    print(f"    {problem}")
                failed = failed or bool(problems)
                if kind == "negative" and strict:
                    for checker, (size, (name, line)) in longest_reports(found).items():
                        print(f"    {checker}: longest report {size} bytes ({name}:{line})")
                        if size > MAX_MESSAGE_BYTES:
                            print(f"    {checker}'s report is over {MAX_MESSAGE_BYTES} bytes")
                            failed = True
        score = completeness(python)
        met = score >= MIN_COMPLETENESS
        print(
            f"pyright --verifytypes kili_typed --ignoreexternal: {score:.1f}% "
            f"({'met' if met else 'below'} the {MIN_COMPLETENESS:.0f}% floor)"
        )
        failed = failed or not met
        failed = not completions(python) or failed
    finally:
        if args.keep:
            print(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def tool_version(name: str) -> str:
    """The version the dev extra pins, e.g. ``1.0.0`` for ty."""
    return dev_pin(name).partition("==")[2]


if __name__ == "__main__":
    sys.exit(main())
