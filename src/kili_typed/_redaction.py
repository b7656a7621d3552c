"""Keeping secrets (API keys, passwords) out of messages, logs and reprs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

REDACTED = "[REDACTED]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in `text` by ``[REDACTED]``.

    Servers sometimes echo what they were sent; this is applied to every
    server message before it reaches an exception or a log record.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (JSON: dicts, lists, strings...) with every secret redacted from its strings."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        members = cast("dict[object, object]", value)
        return {redact(str(k), secrets): redact_json(v, secrets) for k, v in members.items()}
    if isinstance(value, list):
        items = cast("list[object]", value)
        return [redact_json(item, secrets) for item in items]
    return value


class Secrets(tuple[str, ...]):
    """The secret values of one call (API key, passwords), to redact.

    A tuple whose ``repr`` never shows them, so a debugger or a traceback
    printer that shows locals does not either.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Secrets(<{len(self)} redacted>)"


_T = TypeVar("_T")


class Secret(str):
    """A secret string (a password, an API key) whose ``repr`` never shows it.

    The facades wrap each secret argument in one as soon as they receive it, so that a
    debugger or a traceback printer that shows the locals of the library's frames shows
    ``Secret(<redacted>)`` instead. It is a `str` in every other way: it compares, hashes,
    formats and encodes to JSON as its value.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret(<redacted>)"

    def strip(self, chars: str | None = None) -> Secret:
        return Secret(str.strip(self, chars))


def hide(value: _T) -> _T:
    """`value` as a `Secret` when it is a string, else as it is (wrong types are reported
    by the argument checks, which never show a secret's value)."""
    if isinstance(value, str) and not isinstance(value, Secret):
        return cast(_T, Secret(value))
    return value
