"""The ``kili-typed`` command.

Commands::

    kili-typed users list|me|count|create|update|update-password|reset-password ...
    kili-typed schema diff|pull [--endpoint URL] ...
    kili-typed codegen --schema FILE --queries DIR --package NAME [--target DIR]  (no request)
    kili-typed server serve [--db PATH] [--host H] [--port N] ...
    kili-typed server keys create|revoke|list --db PATH ...
    kili-typed server reset-password --db PATH [--token-stdin | --token-file PATH]
    kili-typed completion bash|zsh|fish

``users`` and ``schema`` are the client's commands (`kili_typed._commands`): they talk to
any Kili server through `kili_typed.Kili`. ``server`` administers a local kili-typed
server (`kili_typed_server.commands`), which is loaded only when a server command is run
(or a completion script, which covers every command, is written): the client's commands
never load a module of the server. ``serve``, ``keys`` and ``reset-password`` still work
at the top level, hidden, for one release.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kili_typed._commands import register as register_client_commands
from kili_typed._version import __version__

#: The command that groups the local server's commands, and its one-line help.
SERVER_COMMAND = "server"
SERVER_SUMMARY = (
    "administer a local kili-typed server: serve it, or manage its database's API keys "
    "and password resets (never Kili's cloud)"
)
#: The server's commands as they were spelled before `server` grouped them.
LEGACY_SERVER_COMMANDS = ("serve", "keys", "reset-password")

#: Commands that need the server's parsers (none of them imports the web stack).
_NEEDS_SERVER_PARSERS = frozenset({SERVER_COMMAND, *LEGACY_SERVER_COMMANDS, "completion"})


def build_parser(*, with_server: bool) -> argparse.ArgumentParser:
    """The ``kili-typed`` parser; the server's commands only as placeholders unless
    `with_server`."""
    parser = argparse.ArgumentParser(
        prog="kili-typed",
        description="A Kili client from the shell, and a local Kili-compatible server.",
        epilog="`kili-typed COMMAND --help` tells a command's options. Against Kili's cloud, "
        "set KILI_API_KEY (or put api_key in kili-sdk-config.json); nothing else.",
    )
    parser.add_argument("--version", action="version", version=f"kili-typed {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_client_commands(commands)
    if with_server:
        from kili_typed_server.commands import register as register_server_commands

        register_server_commands(commands)
    else:
        # Listed in `kili-typed --help`; a server command is parsed by the full parser.
        commands.add_parser(SERVER_COMMAND, help=SERVER_SUMMARY, add_help=False)
        for name in LEGACY_SERVER_COMMANDS:
            commands.add_parser(name, add_help=False)
    from kili_typed._commands.completion import add_parser as add_completion

    add_completion(commands)
    return parser


def _needs_server_parsers(argv: Sequence[str]) -> bool:
    """Whether the command line names a server command (its first word that is no option)."""
    first = next((word for word in argv if not word.startswith("-")), None)
    return first in _NEEDS_SERVER_PARSERS


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``kili-typed`` command.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit status.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    with_server = _needs_server_parsers(words)
    parser = build_parser(with_server=with_server)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if with_server and args.command != "completion":
            from kili_typed_server.commands import run

            return run(args)
        status: int = args.run(args)
        return status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
