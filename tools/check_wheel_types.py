"""Type-check what a user of the built wheel writes, with mypy --strict and pyright strict.

Builds the wheel, installs it into a clean virtualenv outside the repository,
and checks, with no repository path on either checker's search path:

- positive code, which must pass both checkers: `examples/*.py`, each Python
  block of `README.md` and `docs/*.md` (as a module of its own, unless the line
  before it says ``<!-- typecheck: skip (why) -->``), and
  `tests/typing/positive/*.py`;
- negative code, `tests/typing/negative/*.py`: every line marked
  ``# expect-error`` must be reported by both checkers, and no other line.

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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
MARK = "# expect-error"
#: Both checkers as `make typecheck` runs them: the repository's own pinned copies.
BIN = Path(sys.executable).parent
PYRIGHT_CONFIG = {"typeCheckingMode": "strict", "pythonVersion": "3.10"}
#: A Python block of the docs, and the line before it (for SKIP).
FENCE = re.compile(r"^([^\n]*)\n```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: Put on the line before a block that is not meant to run as is (a fragment, or code
#: for another package), with the reason: ``<!-- typecheck: skip (fragment) -->``.
SKIP = "<!-- typecheck: skip"
#: A block that includes a file of the repository (pymdownx.snippets).
INCLUDE = re.compile(r'--8<-- "([^"]+)"')


@dataclass
class Report:
    #: (file, line) pairs each checker reported, with its messages.
    errors: dict[str, dict[tuple[str, int], list[str]]] = field(default_factory=dict)


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
    """The requirement of `name` in the dev extra of pyproject.toml, e.g. ``pytest==9.2.0``."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(rf'"({re.escape(name)}==[^"]+)"', text)
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


def mypy_errors(python: Path, files: list[Path], cwd: Path) -> dict[tuple[str, int], list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    result = run(
        [
            str(BIN / "mypy"),
            "--strict",
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
        env=env,
    )
    found: dict[tuple[str, int], list[str]] = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(.+?):(\d+): error: (.*)$", line)
        if match:
            key = (Path(match[1]).name, int(match[2]))
            found.setdefault(key, []).append(match[3])
    if result.returncode not in (0, 1):
        raise SystemExit(f"mypy crashed:\n{result.stdout}\n{result.stderr}")
    return found


def pyright_errors(python: Path, files: list[Path], cwd: Path) -> dict[tuple[str, int], list[str]]:
    (cwd / "pyrightconfig.json").write_text(json.dumps(PYRIGHT_CONFIG))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = run(
        [str(BIN / "pyright"), "--outputjson", f"--pythonpath={python}", *map(str, files)],
        cwd=cwd,
        env=env,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pyright failed:\n{result.stdout}\n{result.stderr}") from None
    found: dict[tuple[str, int], list[str]] = {}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] != "error":
            continue
        key = (Path(diag["file"]).name, diag["range"]["start"]["line"] + 1)
        found.setdefault(key, []).append(diag["message"].splitlines()[0])
    return found


def marked(files: list[Path]) -> set[tuple[str, int]]:
    return {
        (path.name, number)
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.rstrip().endswith(MARK)
    }


def verdict(
    kind: str, files: list[Path], found: dict[str, dict[tuple[str, int], list[str]]]
) -> list[str]:
    """What is wrong with `kind`'s files, given each checker's errors."""
    problems: list[str] = []
    expected = marked(files) if kind.endswith("negative") else set()
    for checker, errors in found.items():
        for key in sorted(errors.keys() - expected):
            problems.append(f"{checker}: {key[0]}:{key[1]}: unexpected error: {errors[key][0]}")
        for key in sorted(expected - errors.keys()):
            problems.append(f"{checker}: {key[0]}:{key[1]}: expected an error, none reported")
    return problems


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kili-typed-wheel-types-"))
    failed = False
    try:
        python = build_and_install(work)
        for kind, files in gather(work).items():
            if not files:
                continue
            cwd = files[0].parent
            found = {
                "mypy": mypy_errors(python, files, cwd),
                "pyright": pyright_errors(python, files, cwd),
            }
            problems = verdict(kind, files, found)
            names = ", ".join(path.name for path in files)
            status = "ok" if not problems else f"{len(problems)} problem(s)"
            print(f"{kind}: {status} ({names})")
            if kind.endswith("negative"):
                for checker, errors in found.items():
                    for (name, line), messages in sorted(errors.items()):
                        print(f"  {checker}: {name}:{line}: {messages[0]}")
            for problem in problems:
                print(f"  {problem}")
            failed = failed or (bool(problems))
        score = completeness(python)
        met = score >= MIN_COMPLETENESS
        print(
            f"pyright --verifytypes kili_typed --ignoreexternal: {score:.1f}% "
            f"({'met' if met else 'below'} the {MIN_COMPLETENESS:.0f}% floor)"
        )
        failed = failed or not met
    finally:
        if args.keep:
            print(f"scratch directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
