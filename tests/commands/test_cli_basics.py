"""What any published command does: ``--version``, help when run bare, shell completion
written from the parser, and client commands that never load the server's package."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kili_typed import __version__

from .conftest import InProcess


def test_version(cli: InProcess) -> None:
    result = cli("--version")
    assert result.status == 0
    assert result.out.strip() == f"kili-typed {__version__}"


def test_bare_command_prints_help(cli: InProcess) -> None:
    result = cli()
    assert result.status == 0
    assert result.out.startswith("usage: kili-typed")
    for command in ("users", "schema", "codegen", "server", "completion"):
        assert f"    {command}" in result.out
    assert "KILI_API_KEY" in result.out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["users", "--help"],
        ["users", "me", "--help"],
        ["schema", "diff", "--help"],
        ["schema", "pull", "--help"],
        ["codegen", "--help"],
    ],
)
def test_client_commands_never_import_the_server_package(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from kili_typed._cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kili_typed_server', 'ariadne', 'uvicorn', 'starlette')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "LOADED []"


def bash_complete(script: str, line: str) -> list[str]:
    """What bash completes for `line` (the cursor at its end), through the completion
    function `script` registers, which runs the installed ``kili-typed``."""
    words = line.split(" ")
    program = (
        f"{script}\n"
        f"COMP_LINE={shlex.quote(line)}\n"
        f"COMP_POINT={len(line)}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_python_argcomplete kili-typed\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=60,
    )
    return [word.strip() for word in result.stdout.splitlines() if word.strip()]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "kili-typed ",
            ["users", "schema", "codegen", "server", "completion", "-h", "--help", "--version"],
        ),
        ("kili-typed us", ["users"]),
        ("kili-typed users m", ["me"]),
        ("kili-typed server ", ["serve", "keys", "reset-password", "-h", "--help"]),
        ("kili-typed server keys c", ["create"]),
        ("kili-typed users list --format j", ["json", "jsonl"]),
        ("kili-typed users list --email a@b.c --fo", ["--format"]),
        ("kili-typed server reset-password --tok", ["--token-stdin", "--token-file"]),
        ("kili-typed completion ", ["bash", "zsh", "fish", "-h", "--help"]),
        # Hidden spellings and secret-refusing options are not offered.
        ("kili-typed ke", []),
        ("kili-typed users create --pass", ["--password-stdin"]),
    ],
)
def test_bash_completion(cli: InProcess, line: str, expected: list[str]) -> None:
    result = cli("completion", "bash")
    assert result.status == 0
    assert sorted(bash_complete(result.out, line)) == sorted(expected)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_script_it_can_read(cli: InProcess, shell: str) -> None:
    result = cli("completion", shell)
    assert result.status == 0
    assert f"written by `kili-typed completion {shell}`" in result.out
    assert "kili-typed" in result.out
    if shutil.which(shell):
        check = subprocess.run(
            [shell, "-n"], input=result.out, text=True, capture_output=True, timeout=60
        )
        assert check.returncode == 0, check.stderr
