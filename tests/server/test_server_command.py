"""``kili-typed server``: one clearly described command for the local database, the old
spellings as hidden aliases, and a reset token that never comes from an argument."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kili_typed._cli import main
from kili_typed_server import Store, UserFilter
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL, make_test_server

from .test_cli import capture_reset_token


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = ""
) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_server_help_says_it_acts_on_a_local_database(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["server", "--help"], capsys)
    assert status == 0
    assert "serve" in out and "keys" in out and "reset-password" in out
    assert "SQLite database" in out and "Kili's cloud" in out


def test_old_spellings_still_work_but_are_hidden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, top_help, _ = run(["--help"], capsys)
    listed = [line.split()[0] for line in top_help.splitlines() if line.startswith("    ")]
    assert "server" in listed
    assert not {"keys", "serve", "reset-password"} & set(listed)
    db = tmp_path / "k.db"
    with make_test_server(db):
        status, out, err = run(["keys", "list", "--db", str(db)], capsys)
        assert status == 0 and "****" in out
        assert "'keys' is now 'kili-typed server keys'" in err
        status, out, err = run(["server", "keys", "list", "--db", str(db)], capsys)
        assert status == 0 and "****" in out and err == ""


def reset_token(db: Path) -> str:
    with make_test_server(db) as server:
        admin = server.store.get_user(TEST_ADMIN_EMAIL)
        assert admin is not None
        with capture_reset_token() as tokens:
            server.store.accounts.request_password_reset(admin, UserFilter(email=TEST_ADMIN_EMAIL))
    return tokens[0]


def test_the_token_comes_from_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "k.db"
    token_file = tmp_path / "token"
    token_file.write_text(reset_token(db) + "\n")
    argv = ["server", "reset-password", "--db", str(db), "--token-file", str(token_file)]
    status, out, _ = run([*argv, "--password-stdin"], capsys, stdin="from-a-file-77\n")
    assert status == 0, out
    with Store(db) as store:
        assert store.check_password(TEST_ADMIN_EMAIL, "from-a-file-77")


@pytest.mark.parametrize("spelling", [["server", "reset-password"], ["reset-password"]])
def test_a_token_argument_is_refused_without_echo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: list[str]
) -> None:
    argv = [*spelling, "--db", str(tmp_path / "k.db"), "--token", "secret-token-123"]
    status, out, err = run(argv, capsys)
    assert status == 2
    assert "--token is not accepted" in err and "--token-file" in err
    assert "secret-token-123" not in out + err


def test_no_terminal_and_no_token_source_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit, match="--token-stdin or --token-file"):
        main(["server", "reset-password", "--db", str(tmp_path / "k.db")])
