"""A generated method takes its operation's variables as typed keyword parameters and
nothing else: a misspelt variable is an error for mypy, pyright, ty and pyrefly (the
checkers users run, the versions the dev extra pins), each in its strict mode, on the
line where it is written; the correct call passes all four."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import PROCESS_TIMEOUT_SECONDS

from .conftest import generate_into

#: The user's file: the correct calls on lines 6 and 7, the misspelt one on line 8.
USER_FILE = """\
from kili_typed import Kili
from team_ops import Client


def check(kili: Kili) -> None:
    Client.from_kili(kili).users_by_email(email="ada@example.com")
    Client.from_kili(kili).users_by_email(email="ada@example.com", first=5)
    Client.from_kili(kili).users_by_email(emial="ada@example.com")
"""
MISSPELT_LINE = 8

BIN = Path(sys.executable).parent


def errors(tool: str, argv: list[str], cwd: Path, pattern: str) -> set[tuple[str, int]]:
    """The (file, line) of each error `tool` reports, read with `pattern`."""
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    done = subprocess.run(
        [str(BIN / tool), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    if tool == "pyright":
        report = json.loads(done.stdout)
        return {
            (Path(d["file"]).name, d["range"]["start"]["line"] + 1)
            for d in report["generalDiagnostics"]
            if d["severity"] == "error"
        }
    return {
        (Path(m[1]).name, int(m[2]))
        for m in (re.match(pattern, line) for line in done.stdout.splitlines())
        if m
    }


CHECKERS = {
    "mypy": (
        ["--strict", "--no-incremental", "--cache-dir=/dev/null", "app.py"],
        r"^(.+?):(\d+): error",
    ),
    "pyright": (["--outputjson", "--pythonpath", sys.executable, "app.py"], ""),
    "ty": (
        ["check", "--python", sys.prefix, "--output-format=concise", "--no-progress", "app.py"],
        r"^(.+?):(\d+):\d+: error\[",
    ),
    "pyrefly": (
        [
            "check",
            "--preset=strict",
            f"--python-interpreter-path={sys.executable}",
            "--output-format=min-text",
            "--summary=none",
            "app.py",
        ],
        r"^ERROR (.+?):(\d+):\d+-",
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("typed-variables")
    generate_into(directory, "team_ops")
    (directory / "app.py").write_text(USER_FILE, encoding="utf-8")
    (directory / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict"}), encoding="utf-8"
    )
    return directory


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_a_misspelt_variable_is_a_type_error(project: Path, checker: str) -> None:
    argv, pattern = CHECKERS[checker]
    assert errors(checker, argv, project, pattern) == {("app.py", MISSPELT_LINE)}
