"""The ``kili-typed`` command.

Commands::

    kili-typed users list|count|create|update|update-password|reset-password ...
    kili-typed schema diff [--endpoint URL]
    kili-typed serve [--db PATH] [--host H] [--port N] [--api-key KEY] ...
    kili-typed keys create|revoke|list --db PATH ...
    kili-typed reset-password --db PATH --token TOKEN [--password-stdin]

``users`` and ``schema`` are the client's commands (`kili_typed._commands`): they talk to
any Kili server through `kili_typed.Kili`. ``serve``, ``keys`` and ``reset-password`` belong
to the local server (`kili_typed_server.commands`), which is loaded only when one of them
is run: the client's commands never load a module of the server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kili_typed._commands import register as register_client_commands

#: The server's commands, with their one-line help; their parsers live with the server.
SERVER_COMMANDS = {
    "serve": "run the local Kili GraphQL server",
    "keys": "create, revoke or list API keys",
    "reset-password": "set a new password with a token from the server's log",
}


def _parser(*, with_server: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kili-typed",
        description="A Kili client from the shell, and a local Kili-compatible server.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_client_commands(commands)
    if with_server:
        from kili_typed_server.commands import register as register_server_commands

        register_server_commands(commands)
    else:
        # Listed in `kili-typed --help`; a server command is parsed by the full parser.
        for name, summary in SERVER_COMMANDS.items():
            commands.add_parser(name, help=summary, add_help=False)
    return parser


def _server_command(argv: Sequence[str]) -> bool:
    """Whether the command line names a server command (its first word that is no option)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first in SERVER_COMMANDS


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``kili-typed`` command.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit status.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    with_server = _server_command(words)
    args = _parser(with_server=with_server).parse_args(words)
    try:
        if with_server:
            from kili_typed_server.commands import run

            return run(args)
        status: int = args.run(args)
        return status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
