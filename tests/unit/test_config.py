"""Where settings come from (`kili_typed._config`): the official SDK's names and order."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from kili_typed import ConfigFileWarning, ConfigurationError
from kili_typed._config import (
    CONFIG_FILE_NAME,
    ConfigFile,
    Settings,
    load_config_file,
    resolve_settings,
    show_progress,
)
from kili_typed._constants import DEFAULT_API_ENDPOINT

ARG_URL = "https://arg.test/graphql"
ENV_URL = "https://env.test/graphql"
FILE_URL = "https://file.test/graphql"
FILE = ConfigFile(
    Path("/cfg") / CONFIG_FILE_NAME,
    {"api_key": "file-key", "api_endpoint": FILE_URL, "verify_ssl": False, "disable_tqdm": True},
)
NO_FILE = ConfigFile()


@pytest.mark.parametrize(
    ("arguments", "environ", "config", "expected"),
    [
        # Each setting: argument, else environment, else file, else default.
        ({"api_key": "arg"}, {}, NO_FILE, ("arg", DEFAULT_API_ENDPOINT, True, None)),
        ({}, {"KILI_API_KEY": "env"}, NO_FILE, ("env", DEFAULT_API_ENDPOINT, True, None)),
        ({}, {}, FILE, ("file-key", FILE_URL, False, True)),
        (
            {"api_key": "arg", "api_endpoint": ARG_URL, "verify": "/ca.pem", "disable_tqdm": False},
            {
                "KILI_API_KEY": "env",
                "KILI_API_ENDPOINT": ENV_URL,
                "KILI_VERIFY": "true",
                "KILI_DISABLE_TQDM": "true",
            },
            FILE,
            ("arg", ARG_URL, "/ca.pem", False),
        ),
        (
            {},
            {
                "KILI_API_KEY": "env",
                "KILI_API_ENDPOINT": ENV_URL,
                "KILI_VERIFY": "yes",
                "KILI_DISABLE_TQDM": "0",
            },
            FILE,
            ("env", ENV_URL, True, False),
        ),
        # Blank variables count as unset; keys are stripped.
        ({}, {"KILI_API_KEY": " ", "KILI_VERIFY": ""}, FILE, ("file-key", FILE_URL, False, True)),
        ({"api_key": " k \n"}, {}, NO_FILE, ("k", DEFAULT_API_ENDPOINT, True, None)),
        # The official SDK's words for true, in any case; anything else is false.
        (
            {"api_key": "k"},
            {"KILI_VERIFY": "TRUE"},
            NO_FILE,
            ("k", DEFAULT_API_ENDPOINT, True, None),
        ),
        ({"api_key": "k"}, {"KILI_VERIFY": "1"}, NO_FILE, ("k", DEFAULT_API_ENDPOINT, True, None)),
        (
            {"api_key": "k"},
            {"KILI_VERIFY": "off"},
            NO_FILE,
            ("k", DEFAULT_API_ENDPOINT, False, None),
        ),
        (
            {"api_key": "k"},
            {"KILI_DISABLE_TQDM": "Yes"},
            NO_FILE,
            ("k", DEFAULT_API_ENDPOINT, True, True),
        ),
        # A CA bundle path in the file.
        (
            {"api_key": "k"},
            {},
            ConfigFile(Path("c.json"), {"verify_ssl": "/ca.pem", "disable_tqdm": None}),
            ("k", DEFAULT_API_ENDPOINT, "/ca.pem", None),
        ),
    ],
)
def test_precedence(
    arguments: dict[str, Any],
    environ: dict[str, str],
    config: ConfigFile,
    expected: tuple[str, str, bool | str, bool | None],
) -> None:
    settings = resolve_settings(**arguments, environ=environ, config=config)
    assert (
        settings.api_key,
        settings.api_endpoint,
        settings.verify,
        settings.disable_tqdm,
    ) == expected


@pytest.mark.parametrize(
    ("value", "verify"),
    [
        *[(word, True) for word in ("true", "1", "yes", "on", "TRUE", " Yes ", "On")],
        *[(word, False) for word in ("false", "0", "no", "off", "FALSE", " No ", "OFF")],
    ],
)
def test_kili_verify_words(value: str, verify: bool) -> None:
    settings = resolve_settings(api_key="k", environ={"KILI_VERIFY": value}, config=NO_FILE)
    assert settings.verify is verify


def test_kili_verify_a_ca_bundle_verifies_with_it(tmp_path: Path) -> None:
    # Before: a path read as false, and verification was silently off.
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = resolve_settings(api_key="k", environ={"KILI_VERIFY": str(bundle)}, config=NO_FILE)
    assert settings.verify == str(bundle)


@pytest.mark.parametrize("value", ["maybe", "enabled", "/no/such/ca.pem", "2"])
def test_kili_verify_anything_else_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        resolve_settings(api_key="k", environ={"KILI_VERIFY": value}, config=NO_FILE)
    message = str(raised.value)
    assert "KILI_VERIFY" in message and repr(value) in message
    assert "true, 1, yes, on, false, 0, no, off" in message and "CA bundle" in message


@pytest.mark.parametrize(
    ("arguments", "config", "error", "message"),
    [
        ({}, NO_FILE, ConfigurationError, "KILI_API_KEY"),
        ({}, NO_FILE, ConfigurationError, CONFIG_FILE_NAME),
        ({"api_key": ""}, FILE, ConfigurationError, "no Kili API key"),
        ({"api_key": "k", "api_endpoint": "ftp://x"}, NO_FILE, ConfigurationError, "http://"),
        ({"api_key": 1}, NO_FILE, TypeError, "'api_key' must be str or None, not int"),
        ({"api_key": "k", "verify": 0}, NO_FILE, TypeError, "'verify' must be bool"),
        ({"api_key": "k", "disable_tqdm": "yes"}, NO_FILE, TypeError, "'disable_tqdm'"),
        (
            {},
            ConfigFile(Path("c.json"), {"api_key": 123}),
            ConfigurationError,
            "c.json: 'api_key' must be a string, got a number",
        ),
        (
            {"api_key": "k"},
            ConfigFile(Path("c.json"), {"disable_tqdm": "true"}),
            ConfigurationError,
            "'disable_tqdm' must be a boolean, got a string",
        ),
        (
            {"api_key": "k"},
            ConfigFile(Path("c.json"), {"verify_ssl": 1}),
            ConfigurationError,
            "'verify_ssl' must be a boolean or string, got a number",
        ),
    ],
)
def test_bad_settings_say_what_is_wrong(
    arguments: dict[str, Any], config: ConfigFile, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=None) as raised:
        resolve_settings(**arguments, environ={}, config=config)
    assert message in str(raised.value)


def test_the_key_never_shows_in_a_repr() -> None:
    settings = resolve_settings(environ={}, config=FILE)
    assert "file-key" not in repr(settings)
    assert "file-key" not in repr(FILE)
    assert isinstance(settings, Settings)


def write(directory: Path, content: str, mode: int = 0o600) -> Path:
    path = directory / CONFIG_FILE_NAME
    path.write_text(content, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return work, home


def test_the_working_directory_comes_before_home(dirs: tuple[Path, Path]) -> None:
    work, home = dirs
    write(home, json.dumps({"api_key": "home"}))
    assert load_config_file([work, home]).get("api_key") == "home"
    write(work, json.dumps({"api_key": "work"}))
    assert load_config_file([work, home]).get("api_key") == "work"


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ('{"api_key": "secret-in-bad-json",', "is not valid JSON"),
        ('["a list"]', "holds a JSON list, not an object"),
        (b"\xff\xfe".decode("latin-1"), "is not valid JSON"),
    ],
)
def test_a_broken_file_is_skipped_with_a_warning(
    dirs: tuple[Path, Path], content: str, warning: str
) -> None:
    work, home = dirs
    bad = write(work, content)
    write(home, json.dumps({"api_key": "home"}))
    with pytest.warns(ConfigFileWarning, match=warning) as caught:
        config = load_config_file([work, home])
    assert config.get("api_key") == "home"
    assert str(bad) in str(caught[0].message)
    assert "secret-in-bad-json" not in str(caught[0].message)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX modes, not as root")
def test_an_unreadable_file_is_skipped_with_a_warning(dirs: tuple[Path, Path]) -> None:
    work, home = dirs
    write(work, "{}", mode=0o000)
    with pytest.warns(ConfigFileWarning, match="could not read"):
        assert load_config_file([work, home]).path is None


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
@pytest.mark.parametrize(
    ("mode", "content", "warns"),
    [
        (0o644, {"api_key": "k"}, True),
        (0o640, {"api_key": "k"}, True),
        (0o600, {"api_key": "k"}, False),
        (0o644, {"api_endpoint": FILE_URL}, False),
    ],
)
def test_a_key_others_may_read_is_used_with_a_warning(
    dirs: tuple[Path, Path], mode: int, content: dict[str, str], warns: bool
) -> None:
    work, home = dirs
    path = write(work, json.dumps(content), mode=mode)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_config_file([work, home])
    assert config.path == path
    messages = [str(w.message) for w in caught if issubclass(w.category, ConfigFileWarning)]
    assert bool(messages) == warns
    if warns:
        assert f"chmod 600 {path}" in messages[0]
        assert "'k'" not in messages[0]


def test_no_file_anywhere_is_no_settings(dirs: tuple[Path, Path]) -> None:
    config = load_config_file(list(dirs))
    assert config.path is None
    assert config.get("api_key") is None


@pytest.mark.parametrize(
    ("call", "client", "terminal", "shown"),
    [
        (False, None, True, True),
        (None, None, True, True),
        (None, False, True, True),
        (True, None, True, False),
        (True, False, True, False),
        (False, True, True, False),
        (None, True, True, False),
        # Never into a file or a pipe, whatever the settings.
        (False, None, False, False),
        (None, False, False, False),
        (False, False, False, False),
    ],
)
def test_when_a_progress_bar_is_drawn(
    call: bool | None, client: bool | None, terminal: bool, shown: bool
) -> None:
    assert show_progress(call, client, terminal=terminal) is shown


def test_no_home_directory_is_no_error(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    work, _ = dirs
    monkeypatch.chdir(work)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    write(work, json.dumps({"api_key": "work"}))
    assert load_config_file().get("api_key") == "work"
