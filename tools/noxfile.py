"""Every Python kili-typed claims, tested: ``make test-pythons`` runs
``nox -f tools/noxfile.py``.

- ``wheel``, on 3.10, 3.11, 3.12 and 3.13: builds the wheel, installs it with its
  ``server`` and ``codegen`` extras into the session's clean virtualenv, and runs
  `wheel_walkthrough.py` from a scratch directory, against its own
  ``kili-typed server serve`` on loopback.
- ``tests``, on 3.10, 3.12 and 3.13: the client, server, test-kit and unit tests (but the
  slow load test), from the source tree. 3.11 runs the whole suite in ``make test``.

The interpreters are found by `interpreter`: pyenv's versions first, then ``python3.X``
on PATH, each asked for its version; a missing one fails the run, naming it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent.parent
#: Every Python the classifiers and requires-python claim (tests/test_pythons.py holds
#: them to this list).
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
#: Those whose tests this file runs: `make test` runs the whole suite on the development
#: Python (3.11).
TESTED_HERE = ("3.10", "3.12", "3.13")
#: The test directories run on each Python: the client, the server, the test kit, and the
#: pure functions under them; the slow load test is left to `make test`.
TEST_PATHS = ("tests/client", "tests/server", "tests/testkit", "tests/unit")
#: What the tests need beyond the package, pinned as the dev extra pins them.
TEST_TOOLS = ("pytest", "pytest-timeout", "pytest-xdist", "hypothesis")

nox.options.sessions = ["wheel", "tests"]
nox.options.error_on_missing_interpreters = True
nox.options.reuse_existing_virtualenvs = False


def _version_of(python: str) -> str | None:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _pyenv_candidates(version: str) -> list[Path]:
    """pyenv's installs of `version` (3.10.13...), newest patch first."""
    try:
        root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, timeout=60, check=False
        ).stdout.strip()
    except OSError:
        root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    found = [
        path / "bin" / f"python{version}"
        for path in Path(root or ".", "versions").glob(f"{version}.*")
        if re.fullmatch(rf"{re.escape(version)}\.\d+", path.name)
    ]
    return sorted(found, key=lambda p: int(p.parent.parent.name.rsplit(".", 1)[1]), reverse=True)


def interpreter(version: str) -> Path | None:
    """A working ``python<version>``: pyenv's (whichever pyenv version is active), else
    the one on PATH. pyenv's shims are on PATH too, but answer only for the active
    version, so each candidate is asked for its version."""
    on_path = shutil.which(f"python{version}")
    for candidate in [*_pyenv_candidates(version), *([Path(on_path)] if on_path else [])]:
        if candidate.exists() and _version_of(str(candidate)) == version:
            return candidate
    return None


def _put_on_path() -> None:
    """Each interpreter's directory first on PATH, where nox looks for ``python3.X``."""
    found = {version: interpreter(version) for version in PYTHONS}
    missing = [version for version, path in found.items() if path is None]
    if missing:
        names = ", ".join(f"python{version}" for version in missing)
        raise SystemExit(
            f"make test-pythons: Python {', '.join(missing)} not found (looked in pyenv's "
            f"versions, then for {names} on PATH): install each, e.g. "
            f"`pyenv install {missing[0]}`"
        )
    directories = [str(path.parent) for path in found.values() if path is not None]
    os.environ["PATH"] = os.pathsep.join([*directories, os.environ.get("PATH", "")])


_put_on_path()


def _dev_pin(name: str) -> str:
    """The dev extra's requirement of `name` in pyproject.toml (``pytest==9.2.0``)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(rf'^\s*"({re.escape(name)}(\[[^\]]*\])?[=<>~!][^"]*)"', text, re.M)
    if found is None:
        raise SystemExit(f"{name} is not pinned in pyproject.toml's dev extra")
    return found.group(1)


@nox.session(python=list(PYTHONS))
def wheel(session: nox.Session) -> None:
    """The built wheel with [server,codegen], in a clean virtualenv: the walk-through."""
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT))
    (built,) = dist.glob("kili_typed-*.whl")
    session.install(f"{built}[server,codegen]")
    with tempfile.TemporaryDirectory(prefix="kili-typed-wheel-") as scratch:
        script = Path(scratch) / "wheel_walkthrough.py"
        shutil.copy(ROOT / "tools" / "wheel_walkthrough.py", script)
        session.chdir(scratch)
        session.run("python", str(script))


@nox.session(python=list(TESTED_HERE))
def tests(session: nox.Session) -> None:
    """The client, server, test-kit and unit tests, from the source tree."""
    session.install("-e", f"{ROOT}[server,codegen]", *map(_dev_pin, TEST_TOOLS))
    session.chdir(ROOT)
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow",
        *TEST_PATHS,
        *session.posargs,
    )
