"""The client side of the ``kili-typed`` command: ``users``, ``schema`` and ``codegen``.

These commands talk to a Kili server (the cloud, an on-premise install or ``kili-typed
serve``) through `kili_typed.Kili`; they never load the local server's web stack.
Exit statuses are in `kili_typed._commands.exit_codes`.
"""

from __future__ import annotations

from typing import Any

from . import codegen, schema, users


def register(commands: Any) -> None:
    """Adds the client commands to the ``kili-typed`` parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    users.add_parser(commands)
    schema.add_parser(commands)
    codegen.add_parser(commands)
