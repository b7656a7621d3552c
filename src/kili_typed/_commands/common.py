"""What every client command shares: connection options, refusing secrets as arguments,
running a command with one-line errors and documented exit statuses."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from kili_typed import ConfigurationError, Kili
from kili_typed._config import CONFIG_FILE_NAME, DISABLE_TQDM_ENV, NO_API_KEY, VERIFY_ENV
from kili_typed._constants import API_ENDPOINT_ENV, API_KEY_ENV, DEFAULT_READ_TIMEOUT

from . import exit_codes
from .credentials import SecretLines, UsageError, api_key

#: The environment the client commands read, shown at the end of their ``--help``.
ENVIRONMENT_HELP = f"""\
environment:
  {API_KEY_ENV}       the API key (or pipe it in with --api-key-stdin)
  {API_ENDPOINT_ENV}  the GraphQL endpoint (or --endpoint); Kili's cloud by default
  {VERIFY_ENV}        false (not true, 1 or yes) to skip verifying TLS certificates
  {DISABLE_TQDM_ENV}  true to never draw progress bars
  Unset ones are read from {CONFIG_FILE_NAME} (api_key, api_endpoint, verify_ssl,
  disable_tqdm) in the working directory, else the home directory."""

EPILOG = ENVIRONMENT_HELP + "\n\n" + exit_codes.HELP

Handler = Callable[[argparse.Namespace, SecretLines], int]


class RefuseSecretArgument(argparse.Action):
    """An option that exists only to refuse a secret given on the command line.

    The value is never echoed: the error names the option and the safe alternative.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        self.alternative = kwargs.pop("alternative")
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> NoReturn:
        parser.error(
            f"{option_string} is not accepted: a secret on the command line is visible to "
            f"other users of this machine and stays in your shell history; {self.alternative}"
        )


def connection_options() -> argparse.ArgumentParser:
    """A parent parser with the options that say where and as whom to connect."""
    parent = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    group = parent.add_argument_group("connection")
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"the GraphQL endpoint (default: ${API_ENDPOINT_ENV}, else Kili's cloud)",
    )
    group.add_argument(
        "--api-key-stdin",
        action="store_true",
        help=f"read the API key from the first line of standard input (default: ${API_KEY_ENV})",
    )
    group.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=f"seconds to wait for each answer (default {DEFAULT_READ_TIMEOUT:g})",
    )
    group.add_argument(
        "--api-key",
        action=RefuseSecretArgument,
        alternative=f"set {API_KEY_ENV} or use --api-key-stdin",
    )
    return parent


def read_api_key(args: argparse.Namespace, lines: SecretLines) -> str | None:
    """The API key from standard input (``--api-key-stdin``); else `None`, to let `Kili`
    read ``KILI_API_KEY`` or ``kili-sdk-config.json``."""
    return api_key(args.api_key_stdin, lines)


def open_client(args: argparse.Namespace, key: str | None) -> Kili:
    """A client for the endpoint the options, environment and config file name, with `key`.

    Raises:
        UsageError: No key anywhere; the message says every place one may be put.
    """
    try:
        return Kili(
            api_key=key,
            api_endpoint=args.endpoint,
            timeout=DEFAULT_READ_TIMEOUT if args.timeout is None else args.timeout,
        )
    except ConfigurationError as error:
        if key is None and str(error).startswith(NO_API_KEY):
            raise UsageError(
                f"no API key: set {API_KEY_ENV}, put api_key in {CONFIG_FILE_NAME}, or pipe "
                "the key in with --api-key-stdin (a key is never taken as a plain argument)"
            ) from None
        raise


def connect(args: argparse.Namespace, lines: SecretLines) -> Kili:
    """A client for the endpoint and key the options, environment and config file name."""
    return open_client(args, read_api_key(args, lines))


def fail(message: str, status: int) -> int:
    """Prints one line on standard error and returns `status`."""
    print(f"kili-typed: {message}", file=sys.stderr)
    return status


def run(handler: Handler, args: argparse.Namespace) -> int:
    """Runs a client command: expected failures become one line and an exit status.

    Args:
        handler: The command.
        args: Its parsed options.

    Returns:
        The exit status; see `exit_codes`.
    """
    try:
        return handler(args, SecretLines())
    except UsageError as error:
        return fail(str(error), exit_codes.USAGE)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exit_codes.OK
    except (Exception, KeyboardInterrupt) as error:
        status = exit_codes.exit_code_for(error)
        if status is None:
            raise
        if status == exit_codes.INTERRUPTED:
            return status
        return fail(str(error) or type(error).__name__, status)
