"""The kili-typed command: serve in a real process, and the operator's key commands."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from kili_typed._cli import main
from kili_typed_server import Store, UserFilter
from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, GraphQLCaller, make_test_server
from tests.processes import ServeProcess


def test_serve_first_start_prints_credentials_then_reuses(tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    with ServeProcess("--db", str(db)) as served:
        served.wait_for("api key")
        endpoint, key = served.field("endpoint"), served.field("api key")
        assert "(created)" in served.field("database")
        password = served.field("password")
        with httpx.Client(timeout=30) as http:
            viewer = GraphQLCaller(endpoint, key, http)("{ viewer { email } }").data["viewer"]
            version = http.get(endpoint.replace("/graphql", "/version")).json()
        assert viewer["email"] == served.field("admin email")
        assert set(version) == {"version"}
        # Interrupted as Ctrl-C would: it exits with 130, as interrupted commands do.
        assert served.stop() == 130
    with Store(db) as store:
        assert store.check_password(viewer["email"], password)
    with ServeProcess("--db", str(db)) as served:
        served.wait_for("api key")
        assert "(reused)" in served.field("database")
        assert not served.has_field("password")
        assert key not in "\n".join(served.lines)
        with httpx.Client(timeout=30) as http:
            answer = GraphQLCaller(served.field("endpoint"), key, http)("{ viewer { email } }")
        assert answer.status == 200


def test_serve_with_fixed_credentials(tmp_path: Path) -> None:
    key = "kt_fixed-for-scripts-0123456789"
    # Secrets come from files, never from arguments other users could read.
    (tmp_path / "key").write_text(key + "\n")
    (tmp_path / "password").write_text("ops-pass-0123\n")
    with ServeProcess(
        "--db",
        str(tmp_path / "k.db"),
        "--api-key-file",
        str(tmp_path / "key"),
        "--admin-email",
        "Ops@Example.com",
        "--admin-password-file",
        str(tmp_path / "password"),
    ) as served:
        served.wait_for("api key")
        assert served.field("api key") == key
        assert served.field("admin email") == "ops@example.com"
        assert served.field("password") == "ops-pass-0123"


def test_serve_refuses_a_weak_fixed_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The deprecated spellings, still accepted for one release, with a warning each.
    assert main(["serve", "--db", str(tmp_path / "k.db"), "--api-key", "weak-0123"]) == 1
    err = capsys.readouterr().err
    assert "16 to 256" in err
    assert "'serve' is now 'kili-typed server serve'" in err
    assert "--api-key on the command line is visible to other users" in err
    assert "use --api-key-file PATH" in err and "weak-0123" not in err


def test_keys_create_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "k.db"
    with make_test_server(db) as server:
        assert (
            main(
                [
                    "keys",
                    "create",
                    "--db",
                    str(db),
                    "--email",
                    TEST_ADMIN_EMAIL.upper(),
                    "--name",
                    "ci",
                    "--expires-in",
                    "30",
                ]
            )
            == 0
        )
        key = capsys.readouterr().out.strip()
        with httpx.Client(timeout=30) as http:
            gql = GraphQLCaller(server.endpoint, key, http)
            assert gql("{ viewer { email } }").data["viewer"]["email"] == TEST_ADMIN_EMAIL
            assert main(["keys", "list", "--db", str(db)]) == 0
            listing = capsys.readouterr().out
            assert "'ci'" in listing and "****" + key[-4:] in listing and key not in listing
            (key_id,) = [line.split()[0] for line in listing.splitlines() if "'ci'" in line]
            assert main(["keys", "revoke", "--db", str(db), "--id", key_id]) == 0
            assert gql("{ viewer { email } }").status == 401


def test_keys_need_an_existing_database_and_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit, match="no database"):
        main(["keys", "list", "--db", str(tmp_path / "missing.db")])
    assert not (tmp_path / "missing.db").exists()
    db = tmp_path / "k.db"
    with make_test_server(db):
        assert main(["keys", "create", "--db", str(db), "--email", "ghost@example.com"]) == 1
    assert "no user with email" in capsys.readouterr().err


def test_reset_password_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "k.db"
    with make_test_server(db) as server:
        admin = server.store.get_user(TEST_ADMIN_EMAIL)
        assert admin is not None
        with capture_reset_token() as tokens:
            server.store.accounts.request_password_reset(admin, UserFilter(email=TEST_ADMIN_EMAIL))
    # The token, then the password, on standard input: never on the command line.
    stdin = io.StringIO(f"{tokens[0]}\nafter-reset-99\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", stdin)
        command = ["server", "reset-password", "--db", str(db), "--token-stdin", "--password-stdin"]
        assert main(command) == 0
    assert "password changed for admin@example.com" in capsys.readouterr().out
    with Store(db) as store:
        assert store.check_password(TEST_ADMIN_EMAIL, "after-reset-99")


@contextmanager
def capture_reset_token() -> Iterator[list[str]]:
    tokens: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            match = re.search(r"token (\S+) valid", record.getMessage())
            if match:
                tokens.append(match.group(1))

    handler = Grab()
    logger = logging.getLogger("kili_typed_server")
    logger.addHandler(handler)
    try:
        yield tokens
    finally:
        logger.removeHandler(handler)


#: What the client must never load: the server's package and its web stack.
SERVER_SIDE = ("kili_typed_server", "ariadne", "uvicorn", "starlette")

# Imports kili_typed, or runs `kili-typed ARGS...` as `python -m kili_typed` does; then,
# however it exits (--help exits early), writes the server-side modules it loaded to a file.
_PROBE = f"""
import atexit, json, runpy, sys

report = sys.argv.pop(1)


def write_report():
    loaded = sorted(n for n in sys.modules if n.partition(".")[0] in {SERVER_SIDE!r})
    with open(report, "w") as out:
        json.dump(loaded, out)


atexit.register(write_report)
if sys.argv[1:]:
    runpy.run_module("kili_typed", run_name="__main__", alter_sys=True)
else:
    import kili_typed
"""

_CLIENT_COMMANDS = [
    (),  # only `import kili_typed`
    ("--help",),
    ("users", "--help"),
    *[
        ("users", action, "--help")
        for action in ("list", "count", "create", "update", "update-password", "reset-password")
    ],
    ("schema", "--help"),
    ("schema", "diff", "--help"),
    ("users", "count"),
    ("users", "list", "--first", "2", "--format", "json"),
    ("schema", "diff"),
]


def server_side_modules_loaded(
    tmp_path: Path, argv: tuple[str, ...], env: dict[str, str]
) -> list[str]:
    """Runs the probe in a fresh interpreter; the server-side modules it loaded."""
    report = tmp_path / "modules.json"
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )
    assert completed.returncode == 0, (argv, completed.stderr)
    loaded: list[str] = json.loads(report.read_text())
    return loaded


@pytest.mark.parametrize(
    "argv", _CLIENT_COMMANDS, ids=lambda argv: " ".join(argv) or "import kili_typed"
)
def test_the_client_never_loads_the_server(
    argv: tuple[str, ...], local_server: ServerThread, tmp_path: Path
) -> None:
    # The boundary of the two packages: importing kili_typed, and any client command
    # (help or a real run against a live server), loads nothing of the server's side.
    env = {"KILI_API_KEY": local_server.api_key, "KILI_API_ENDPOINT": local_server.endpoint}
    assert server_side_modules_loaded(tmp_path, argv, env) == []


def test_the_boundary_probe_sees_server_modules(tmp_path: Path) -> None:
    # The probe itself works: a server command does load the server.
    loaded = server_side_modules_loaded(tmp_path, ("serve", "--help"), {})
    assert "kili_typed_server.cli.commands" in loaded
