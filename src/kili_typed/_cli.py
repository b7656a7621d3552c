"""The ``kili-typed`` command.

Commands::

    kili-typed users list|me|count|create|update|update-password|reset-password ...
    kili-typed schema diff|pull [--endpoint URL] ...
    kili-typed codegen --schema FILE --queries DIR --package NAME [--target DIR]  (no request)
    kili-typed server serve [--db PATH] [--host H] [--port N] ...
    kili-typed server keys create|revoke|list --db PATH ...
    kili-typed server reset-password --db PATH [--token-stdin | --token-file PATH]
    kili-typed completion bash|zsh|fish

``users``, ``schema`` and ``completion`` are the client's commands (`kili_typed._commands`):
they talk to any Kili server through `kili_typed.Kili`. Other packages add commands
through the ``kili_typed.commands`` entry-point group: the local server adds ``server``
(see ``pyproject.toml``). The client never names them: a plugin's module is loaded only
when a word the client does not know is typed (or the shell asks for completions, which
cover every command), and it adds its parsers with ``register(commands)`` and runs them
with ``run(args)``. ``kili-typed --help`` lists each plugin command without loading it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from kili_typed._commands import register as register_client_commands
from kili_typed._commands.completion import add_parser as add_completion
from kili_typed._commands.completion import complete, completing
from kili_typed._version import __version__

#: The entry-point group of commands other packages add to ``kili-typed``.
COMMANDS_GROUP = "kili_typed.commands"

#: A plugin's way to run the commands it registered.
Runner = Callable[[argparse.Namespace], int]


def plugin_modules() -> dict[str, str]:
    """The module of each command a plugin adds, by command word (none loaded)."""
    return {point.name: point.value for point in entry_points(group=COMMANDS_GROUP)}


def build_parser(
    argv: Sequence[str] = (),
) -> tuple[argparse.ArgumentParser, dict[str, Runner]]:
    """The ``kili-typed`` parser for `argv`, and the runner of each command a plugin added.

    The plugins are loaded, and their parsers added, only when `argv` names a command
    the client does not know itself, or when the shell asks for completions (which cover
    every command); otherwise each plugin command is listed as a placeholder and nothing
    of the plugin is imported. In completion mode, this writes the completions and exits.
    """
    parser = argparse.ArgumentParser(
        prog="kili-typed",
        description="A Kili client from the shell, and a local Kili-compatible server.",
        epilog="`kili-typed COMMAND --help` tells a command's options. Against Kili's cloud, "
        "set KILI_API_KEY (or put api_key in kili-sdk-config.json); nothing else.",
    )
    parser.add_argument("--version", action="version", version=f"kili-typed {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_client_commands(commands)
    first = next((word for word in argv if not word.startswith("-")), None)
    with_plugins = completing() or (first is not None and first not in commands.choices)
    runners: dict[str, Runner] = {}
    for name, module_name in plugin_modules().items():
        if not with_plugins:
            commands.add_parser(name, help=f"see `kili-typed {name} --help`", add_help=False)
            continue
        module: Any = import_module(module_name)
        before = set(commands.choices)
        module.register(commands)
        run: Runner = module.run
        runners.update((added, run) for added in set(commands.choices) - before)
    add_completion(commands)
    complete(parser, commands)
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``kili-typed`` command.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit status.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    parser, runners = build_parser(words)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        run: Runner = runners.get(args.command) or args.run
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
