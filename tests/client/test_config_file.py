"""Kili's own conventions over real HTTP: ``kili-sdk-config.json`` alone reaches the server;
progress bars only on a terminal."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from kili_typed import AsyncKili, ConfigFileWarning, Kili
from kili_typed._cli import main
from kili_typed_testkit.server import KiliServer

from .facades import make_facade

VARIABLES = ("KILI_API_KEY", "KILI_API_ENDPOINT", "KILI_VERIFY", "KILI_DISABLE_TQDM")


class TTYText(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and home, and none of Kili's variables set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def write_config(directory: Path, server: KiliServer, **extra: object) -> None:
    path = directory / "kili-sdk-config.json"
    values = {"api_key": server.api_key, "api_endpoint": server.endpoint, **extra}
    path.write_text(json.dumps(values), encoding="utf-8")
    path.chmod(0o600)


def test_the_config_file_alone_reaches_the_server(
    kili_server: KiliServer, workdir: Path, facade: str
) -> None:
    write_config(workdir, kili_server, disable_tqdm=True)
    with make_facade(facade) as kili:
        assert kili.count_users() == 1
        assert kili.get_current_user(fields=["email"]) == {"email": kili_server.admin_email}


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
def test_file_settings_show_on_the_client(
    kili_server: KiliServer, workdir: Path, kind: type[Kili] | type[AsyncKili]
) -> None:
    write_config(workdir, kili_server, disable_tqdm=True, verify_ssl=False)
    client = kind()
    assert (client.api_endpoint, client.verify, client.disable_tqdm) == (
        kili_server.endpoint,
        False,
        True,
    )
    assert kili_server.api_key not in repr(client)


def test_the_home_directory_is_read_when_the_working_one_has_none(
    kili_server: KiliServer, workdir: Path
) -> None:
    write_config(Path(os.environ["HOME"]), kili_server)
    with Kili() as kili:
        assert kili.count_users() == 1


def test_the_cli_reads_the_config_file(
    kili_server: KiliServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(workdir, kili_server)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["users", "count"]) == 0
    assert capsys.readouterr().out.strip() == "1"


def test_no_bar_when_stderr_is_not_a_terminal(
    kili_server: KiliServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(workdir, kili_server)
    with Kili() as kili:
        assert len(kili.users()) == 1
        assert len(kili.users(disable_tqdm=None)) == 1
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("client_setting", "call", "drawn"),
    [(None, False, True), (None, None, True), (None, True, False), (True, False, False)],
)
def test_a_bar_on_a_terminal_unless_disabled(
    kili_server: KiliServer,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    client_setting: bool | None,
    call: bool | None,
    drawn: bool,
) -> None:
    write_config(workdir, kili_server)
    terminal = TTYText()
    monkeypatch.setattr(sys, "stderr", terminal)
    with Kili(disable_tqdm=client_setting) as kili:
        kili.users(disable_tqdm=call)
    assert ("users" in terminal.getvalue()) is drawn


def test_kili_disable_tqdm_turns_bars_off(
    kili_server: KiliServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(workdir, kili_server)
    monkeypatch.setenv("KILI_DISABLE_TQDM", "1")
    terminal = TTYText()
    monkeypatch.setattr(sys, "stderr", terminal)
    with Kili() as kili:
        kili.users()
    assert terminal.getvalue() == ""


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
def test_a_broken_file_warns_at_the_callers_line(
    kili_server: KiliServer, workdir: Path, kind: type[Kili] | type[AsyncKili]
) -> None:
    (workdir / "kili-sdk-config.json").write_text('{"api_key": ', encoding="utf-8")
    with pytest.warns(ConfigFileWarning, match="is not valid JSON") as caught:
        client = kind(api_key=kili_server.api_key, api_endpoint=kili_server.endpoint)
    assert caught[0].filename == __file__
    assert client.api_endpoint == kili_server.endpoint
