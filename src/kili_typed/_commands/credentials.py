"""Where the client commands get secrets: API keys and passwords.

Secrets never come from plain command-line arguments, which other users of the machine
can read in the process list and which shells keep in their history. The API key comes
from ``KILI_API_KEY`` or ``kili-sdk-config.json`` or, with ``--api-key-stdin``, from
standard input; passwords are
prompted for without echo on a terminal, or read from standard input with
``--password-stdin``. When several secrets come from standard input they are read one
per line, in a fixed order: the API key, then the key to filter on, then the passwords.
"""

from __future__ import annotations

import getpass
import sys
from typing import TextIO


class UsageError(Exception):
    """The command was used wrongly; the message says how to use it. Exit status 2."""


class SecretLines:
    """Reads secrets from standard input, one per line, in the order they are asked for.

    Args:
        stream: Where to read; ``sys.stdin`` by default.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def read(self, what: str, *, strip: bool = False) -> str:
        """Reads the next line.

        Args:
            what: What the line holds, for the error message ("the API key").
            strip: Remove surrounding white space (keys); passwords keep theirs but lose
                the line ending.

        Returns:
            The line without its line ending.

        Raises:
            UsageError: Standard input ended first, or the line is empty.
        """
        stream = self._stream if self._stream is not None else sys.stdin
        line = stream.readline()
        if not line:
            raise UsageError(f"expected {what} on standard input, found the end of input")
        value = line.rstrip("\r\n")
        if strip:
            value = value.strip()
        if not value:
            raise UsageError(f"expected {what} on standard input, found an empty line")
        return value


def api_key(from_stdin: bool, lines: SecretLines) -> str | None:
    """The API key to authenticate with, when the command line says where it is.

    Args:
        from_stdin: ``--api-key-stdin`` was given.
        lines: Standard input's secrets.

    Returns:
        The key read from standard input; else `None`, and `kili_typed.Kili` reads
        ``KILI_API_KEY``, else ``api_key`` in ``kili-sdk-config.json``.
    """
    if from_stdin:
        return lines.read("the API key", strip=True)
    return None


def can_prompt() -> bool:
    """Whether a person is there to type a password: standard input is a terminal."""
    return sys.stdin.isatty()


def prompt_password(prompt: str) -> str:
    """Asks for a password without echo.

    Raises:
        UsageError: No terminal to ask on, or an empty answer.
    """
    if not can_prompt():
        raise UsageError("no terminal to ask for the password on: pipe it in with --password-stdin")
    value = getpass.getpass(prompt)
    if not value:
        raise UsageError("the password is empty")
    return value


def new_password(prompt: str, from_stdin: bool, lines: SecretLines) -> str:
    """A new password: one line of standard input, or typed twice at a prompt.

    Raises:
        UsageError: The two typed passwords differ, or there is nothing to read.
    """
    if from_stdin:
        return lines.read("the password")
    first = prompt_password(prompt)
    if prompt_password("again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first
