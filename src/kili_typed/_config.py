"""Where a client's settings come from: arguments, environment, ``kili-sdk-config.json``.

The names, the lookup order and the precedence are the current official Kili SDK's
(``kili/client.py`` and ``kili/core/config_loader.py`` of kili 26.2): each setting is the
constructor argument, else its environment variable, else its key in the first readable
``kili-sdk-config.json`` (working directory, then home directory), else its default.

- ``api_key`` / ``KILI_API_KEY`` / ``api_key`` / none (a `ConfigurationError`);
- ``api_endpoint`` / ``KILI_API_ENDPOINT`` / ``api_endpoint`` / Kili's cloud;
- ``verify`` / ``KILI_VERIFY`` / ``verify_ssl`` / ``True``;
- ``disable_tqdm`` / ``KILI_DISABLE_TQDM`` / ``disable_tqdm`` / ``None`` (each call decides).

``KILI_DISABLE_TQDM`` is true when it reads ``true``, ``1`` or ``yes`` (any case), false
otherwise, as in the official SDK. ``KILI_VERIFY`` turns verification off only when it
says so: ``true``/``1``/``yes``/``on`` and ``false``/``0``/``no``/``off`` (any case), or the
path of a CA bundle (verification on, with that bundle); anything else is a
`ConfigurationError` (the official SDK reads a path or ``on`` as false: verification off).
A file that is not valid JSON (or not a JSON object, or unreadable) is skipped with a
`ConfigFileWarning`; a file that holds an API key and that other users may read is used,
with a `ConfigFileWarning`.

Everything here is pure but for reading that one file and ``sys.stderr.isatty()``; the
environment and the search path can be given, so the rules are tested table-driven.
"""

from __future__ import annotations

import ipaddress
import json
import os
import ssl
import stat
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

from ._constants import API_ENDPOINT_ENV, API_KEY_ENV, DEFAULT_API_ENDPOINT
from ._redaction import hide
from .errors import ConfigFileWarning, ConfigurationError, InsecureEndpointWarning

#: The file the official SDK reads its settings from, in these directories, in order.
CONFIG_FILE_NAME = "kili-sdk-config.json"
VERIFY_ENV = "KILI_VERIFY"
#: How the message of a missing key starts, so that the CLI can add its own way to give one.
NO_API_KEY = "no Kili API key"
DISABLE_TQDM_ENV = "KILI_DISABLE_TQDM"

#: How the official SDK reads a boolean environment variable: these (any case) are true,
#: anything else is false.
TRUE_WORDS = frozenset({"true", "1", "yes"})
#: The words ``KILI_VERIFY`` accepts (any case), with what they mean.
VERIFY_WORDS: Mapping[str, bool] = {
    **dict.fromkeys(("true", "1", "yes", "on"), True),
    **dict.fromkeys(("false", "0", "no", "off"), False),
}

#: The keys of the file, each with the types it may hold.
FILE_KEYS: Mapping[str, tuple[type, ...]] = {
    "api_key": (str,),
    "api_endpoint": (str,),
    "verify_ssl": (bool, str),
    "disable_tqdm": (bool,),
}


def default_search_paths() -> list[Path]:
    """The directories searched for ``kili-sdk-config.json``: working directory, then home
    (when there is one: a service account may have none)."""
    try:
        return [Path.cwd(), Path.home()]
    except RuntimeError:
        return [Path.cwd()]


@dataclass(frozen=True)
class ConfigFile:
    """The settings read from ``kili-sdk-config.json``.

    Attributes:
        path: The file read, or `None` when none was found (or all were skipped).
        values: Its JSON object (empty when no file was read).
    """

    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict[str, Any])

    def get(self, key: str) -> Any:
        """A key's value, checked against the types the key may hold; `None` when absent."""
        if key not in self.values or self.values[key] is None:
            return None
        value = self.values[key]
        allowed = FILE_KEYS[key]
        # bool is an int, and no key takes an int: refuse 1 where true is meant.
        if not isinstance(value, allowed):
            names = " or ".join("boolean" if t is bool else "string" for t in allowed)
            raise ConfigurationError(
                f"{self.path}: {key!r} must be a {names}, got a {_json_type(value)}"
            )
        return value

    def __repr__(self) -> str:
        return f"ConfigFile(path={self.path!r}, keys={sorted(self.values)!r})"


def _json_type(value: object) -> str:
    names: dict[type, str] = {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "list",
    }
    return names.get(type(value), "object")


def readable_by_others(path: Path) -> bool:
    """Whether users other than the owner may read `path` (never on Windows, which has no
    such mode bits)."""
    if os.name != "posix":
        return False
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def load_config_file(search_paths: Sequence[Path] | None = None) -> ConfigFile:
    """Read the first usable ``kili-sdk-config.json`` of `search_paths`.

    Args:
        search_paths: The directories to look in, in order; the working directory, then
            the home directory, by default.

    Returns:
        The file's settings, or an empty `ConfigFile` when there is none.

    Warns:
        ConfigFileWarning: A file is skipped (unreadable, invalid JSON, not a JSON
            object), or the file used holds an API key that other users may read.
    """
    for directory in default_search_paths() if search_paths is None else search_paths:
        path = directory / CONFIG_FILE_NAME
        if not path.exists():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            values: object = json.loads(text)
        except json.JSONDecodeError as error:
            # `error.msg` and the position only: the text may hold a key.
            _warn(
                f"{path} is not valid JSON ({error.msg}: line {error.lineno} column "
                f"{error.colno}); skipping it"
            )
            continue
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
            _warn(f"could not read {path} ({reason}); skipping it")
            continue
        if not isinstance(values, dict):
            _warn(f"{path} holds a JSON {_json_type(values)}, not an object; skipping it")
            continue
        settings = cast("dict[str, Any]", values)
        if settings.get("api_key") and readable_by_others(path):
            _warn(
                f"{path} holds an API key and other users of this machine may read it; "
                f"make it private: chmod 600 {path}"
            )
        return ConfigFile(path, settings)
    return ConfigFile()


def _warn(message: str) -> None:
    # stacklevel: past this module (3 frames) and the facade's constructor, at its caller.
    warnings.warn(message, ConfigFileWarning, stacklevel=5)


def env_flag(value: str) -> bool:
    """A boolean environment variable as the official SDK reads it."""
    return value.strip().lower() in TRUE_WORDS


def verify_from_env(value: str) -> bool | str:
    """``KILI_VERIFY``: a boolean word, or the path of a CA bundle to verify with.

    Raises:
        ConfigurationError: When it is neither (verification is never turned off by a
            value that does not say so).
    """
    word = value.strip().lower()
    if word in VERIFY_WORDS:
        return VERIFY_WORDS[word]
    path = value.strip()
    if os.path.exists(path):
        return path
    raise ConfigurationError(
        f"{VERIFY_ENV} must be one of {', '.join(VERIFY_WORDS)} (any case), or the path of "
        f"a CA bundle to verify with; got {path!r}, which is neither a word nor an "
        "existing file"
    )


def _env(environ: Mapping[str, str], name: str) -> str | None:
    """A variable's value; unset, empty or blank reads as unset."""
    value = environ.get(name)
    return value if value is not None and value.strip() else None


@dataclass(frozen=True)
class Settings:
    """A client's resolved settings. The key never shows in a repr."""

    api_key: str = field(repr=False)
    api_endpoint: str
    #: A bool, a CA bundle's path or an `ssl.SSLContext`.
    verify: bool | str | ssl.SSLContext
    #: The client-wide default of `disable_tqdm`: `None` lets each call decide.
    disable_tqdm: bool | None
    #: The configuration file read, if any, for messages.
    config_path: Path | None = None


def _check_type(name: str, value: object, allowed: tuple[type, ...], wanted: str) -> None:
    if value is not None and not isinstance(value, allowed):
        raise TypeError(f"Kili() argument {name!r} must be {wanted}, not {type(value).__name__}")


def resolve_settings(
    api_key: object = None,
    api_endpoint: object = None,
    verify: object = None,
    disable_tqdm: object = None,
    *,
    environ: Mapping[str, str] | None = None,
    config: ConfigFile | None = None,
) -> Settings:
    """Each setting: the argument, else the environment, else the file, else the default.

    Args:
        api_key: ``Kili(api_key=...)``.
        api_endpoint: ``Kili(api_endpoint=...)``.
        verify: ``Kili(verify=...)``: a bool, the path of a CA bundle, or an
            `ssl.SSLContext`.
        disable_tqdm: ``Kili(disable_tqdm=...)``.
        environ: The environment; ``os.environ`` by default.
        config: The configuration file; `load_config_file()` by default.

    Returns:
        The settings.

    Raises:
        TypeError: An argument has the wrong type.
        ConfigurationError: No API key anywhere, an endpoint that is not an http(s) URL,
            or a file key of the wrong type.
    """
    _check_type("api_key", api_key, (str,), "str or None")
    _check_type("api_endpoint", api_endpoint, (str,), "str or None")
    _check_type(
        "verify",
        verify,
        (bool, str, ssl.SSLContext),
        "bool, str (a CA bundle path), ssl.SSLContext or None",
    )
    _check_type("disable_tqdm", disable_tqdm, (bool,), "bool or None")
    env = os.environ if environ is None else environ
    file = load_config_file() if config is None else config
    return Settings(
        api_key=_api_key(api_key, env, file),
        api_endpoint=_api_endpoint(api_endpoint, env, file),
        verify=_verify(verify, env, file),
        disable_tqdm=_disable_tqdm(disable_tqdm, env, file),
        config_path=file.path,
    )


def _api_key(api_key: object, env: Mapping[str, str], file: ConfigFile) -> str:
    key = hide(api_key if api_key is not None else _env(env, API_KEY_ENV) or file.get("api_key"))
    if not isinstance(key, str) or not key.strip():
        where = f", or 'api_key' in {file.path}" if file.path is not None else ""
        raise ConfigurationError(
            f"{NO_API_KEY}: pass Kili(api_key=...), set the {API_KEY_ENV} environment "
            f"variable{where}, or put it in {CONFIG_FILE_NAME} (working or home directory) "
            "(create a key in Kili's web app, or with 'kili-typed server keys create' "
            "for the local server)"
        )
    return key.strip()


def _api_endpoint(api_endpoint: object, env: Mapping[str, str], file: ConfigFile) -> str:
    endpoint = (
        (api_endpoint if isinstance(api_endpoint, str) else None)
        or _env(env, API_ENDPOINT_ENV)
        or file.get("api_endpoint")
        or DEFAULT_API_ENDPOINT
    )
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"Kili API endpoint must be an http:// or https:// URL, got {endpoint!r}"
        )
    if endpoint.startswith("http://") and not _is_loopback(httpx.URL(endpoint).host):
        warnings.warn(
            f"the Kili endpoint {endpoint!r} is plain http:// on another machine: the API "
            "key will cross the network unencrypted; use https://",
            InsecureEndpointWarning,
            # Past this function, resolve_settings and the facade's constructor, at its
            # caller.
            stacklevel=4,
        )
    return endpoint


def _verify(
    verify: object, env: Mapping[str, str], file: ConfigFile
) -> bool | str | ssl.SSLContext:
    if verify is None:
        verify_env = _env(env, VERIFY_ENV)
        if verify_env is not None:
            verify = verify_from_env(verify_env)
        else:
            from_file = file.get("verify_ssl")
            verify = True if from_file is None else from_file
    assert isinstance(verify, (bool, str, ssl.SSLContext))
    return verify


def _disable_tqdm(disable_tqdm: object, env: Mapping[str, str], file: ConfigFile) -> bool | None:
    if disable_tqdm is None:
        tqdm_env = _env(env, DISABLE_TQDM_ENV)
        disable_tqdm = env_flag(tqdm_env) if tqdm_env is not None else file.get("disable_tqdm")
    assert disable_tqdm is None or isinstance(disable_tqdm, bool)
    return disable_tqdm


def _is_loopback(host: str) -> bool:
    """Whether `host` names this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def show_progress(call: bool | None, client: bool | None, *, terminal: bool) -> bool:
    """Whether a listing draws its progress bar.

    Args:
        call: The call's `disable_tqdm`.
        client: The client's default (`Settings.disable_tqdm`).
        terminal: Whether standard error, where the bar goes, is a terminal.

    Returns:
        True only on a terminal, when neither the call nor the client disables the bar:
        a bar is never drawn into a file or a pipe, as the official SDK's default does.
        A call's `False` (the documented default) cannot be told from no choice, so it
        does not override a client-wide `True`.
    """
    return terminal and call is not True and client is not True


def stderr_is_terminal() -> bool:
    """Whether standard error is a terminal (it may be closed or replaced)."""
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
