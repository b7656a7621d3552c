"""The database file and ``serve``'s start-up: private files, an outside digest secret, and
one-line failures with distinct exit statuses instead of tracebacks."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kili_typed._cli import main
from kili_typed_server import Store
from kili_typed_server.cli import commands
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER
from kili_typed_server.storage.database import Database, DigestSecretError
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, GraphQLCaller, make_test_server

SECRET = "0123456789abcdef" * 4
OTHER_SECRET = "fedcba9876543210" * 4


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``kili-typed serve`` expecting it to fail at start-up."""
    return subprocess.run(
        [sys.executable, "-m", "kili_typed", "server", "serve", "--insecure-test-hashing", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_one_line(completed: subprocess.CompletedProcess[str], status: int, text: str) -> None:
    assert completed.returncode == status, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr  # before: a raw traceback
    assert lines[0].startswith("kili-typed: ") and text in lines[0]


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        completed = serve("--db", str(tmp_path / "k.db"), "--port", str(port))
    assert_one_line(completed, commands.EXIT_ADDRESS_UNAVAILABLE, "the port is already in use")


def test_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    completed = serve("--db", str(tmp_path / "missing" / "k.db"), "--port", "0")
    assert_one_line(completed, commands.EXIT_DATABASE_UNREACHABLE, "cannot create the database")


def test_a_corrupt_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    db.write_bytes(b"not a database, at all " * 500)
    completed = serve("--db", str(db), "--port", "0")
    assert_one_line(completed, commands.EXIT_DATABASE_CORRUPT, "is not a usable SQLite database")


def test_a_wrong_digest_secret_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    Store(db, digest_secret=SECRET).close()
    completed = serve(
        "--db", str(db), "--port", "0", env={"KILI_TYPED_DIGEST_SECRET": OTHER_SECRET}
    )
    assert_one_line(completed, commands.EXIT_DIGEST_SECRET, "is not the one")
    completed = serve("--db", str(db), "--port", "0", env={"KILI_TYPED_DIGEST_SECRET": ""})
    assert_one_line(completed, commands.EXIT_DIGEST_SECRET, "kept outside it")


def test_the_exit_statuses_are_distinct() -> None:
    statuses = [
        commands.EXIT_REFUSED,
        commands.EXIT_MISSING_EXTRA,
        commands.EXIT_ADDRESS_UNAVAILABLE,
        commands.EXIT_DATABASE_UNREACHABLE,
        commands.EXIT_DATABASE_CORRUPT,
        commands.EXIT_DIGEST_SECRET,
    ]
    assert len(set(statuses)) == len(statuses) and 0 not in statuses


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_database_files_are_private(tmp_path: Path) -> None:
    # Before: created 0644, readable by every local user.
    db = tmp_path / "k.db"
    with make_test_server(db) as server, httpx.Client(timeout=30) as http:
        GraphQLCaller(server.endpoint, server.api_key, http)("{ viewer { id } }")
        files = [path for path in tmp_path.iterdir() if path.name.startswith("k.db")]
        assert {path.name for path in files} >= {"k.db", "k.db-wal", "k.db-shm"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def meta(db: Path) -> dict[str, str]:
    with Store(db, digest_secret=SECRET) as store:
        rows = store.database.connection().execute("SELECT key, value FROM meta").fetchall()
    return dict(rows)


def test_an_outside_secret_is_never_stored(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    with Store(db, digest_secret=SECRET, hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(api_key="kt_outside-secret-key-0123")
    stored = meta(db)
    assert "digest_secret" not in stored and SECRET not in db.read_bytes().decode("latin-1")
    with Store(db, digest_secret=SECRET) as store:  # the same secret finds the key
        assert store.accounts.authenticate("kt_outside-secret-key-0123") is not None
    with pytest.raises(DigestSecretError, match="kept outside it"):
        Database(db)
    with pytest.raises(DigestSecretError, match="is not the one"):
        Database(db, secret=OTHER_SECRET)


def test_databases_made_without_a_secret_keep_working(tmp_path: Path) -> None:
    # The documented default: the secret made with the database, kept inside.
    db = tmp_path / "k.db"
    with Store(db, hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(api_key="kt_inside-secret-key-01234")
        inside = (
            store.database.connection()
            .execute("SELECT value FROM meta WHERE key = 'digest_secret'")
            .fetchone()[0]
        )
    with Store(db) as store:
        assert store.accounts.authenticate("kt_inside-secret-key-01234") is not None
    with Store(db, digest_secret=inside) as store:  # given from outside: the same one
        assert store.accounts.authenticate("kt_inside-secret-key-01234") is not None
    with pytest.raises(DigestSecretError, match="keeps its own digest secret"):
        Database(db, secret=OTHER_SECRET)


@pytest.mark.parametrize("secret", ["short", "x" * 31, "é" * 40, "tab\there" * 8])
def test_unusable_secrets_are_refused(tmp_path: Path, secret: str) -> None:
    with pytest.raises(DigestSecretError, match="at least 32 printable ASCII"):
        Database(tmp_path / "k.db", secret=secret)


def test_commands_read_the_secret_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, secret_file = tmp_path / "k.db", tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    with Store(db, digest_secret=SECRET, hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(admin_email=TEST_ADMIN_EMAIL)
    argv = ["keys", "create", "--db", str(db), "--email", TEST_ADMIN_EMAIL]
    assert main([*argv, "--digest-secret-file", str(secret_file)]) == 0
    key = capsys.readouterr().out.strip()
    with Store(db, digest_secret=SECRET) as store:
        assert store.accounts.authenticate(key) is not None
    assert main([*argv, "--digest-secret-file", str(tmp_path / "nope")]) == (
        commands.EXIT_DIGEST_SECRET
    )
    assert "cannot read the digest secret file" in capsys.readouterr().err
