"""``kili-typed completion bash|zsh|fish``: shell completion, by argcomplete.

The script that argcomplete writes asks ``kili-typed`` itself for the words at each
<Tab>: the command runs its own parser (the plugins' commands included) in argcomplete's
completion mode and answers, so a new command or option completes as soon as it exists.
Hidden commands (the old spellings of the server's commands) and options that only refuse
a secret are not offered. Install::

    kili-typed completion bash > ~/.local/share/bash-completion/completions/kili-typed
    kili-typed completion zsh > ~/.zfunc/_kili-typed   # a directory of your fpath
    kili-typed completion fish > ~/.config/fish/completions/kili-typed.fish
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kili_typed._version import __version__

SHELLS = ("bash", "zsh", "fish")
PROG = "kili-typed"
#: Set by argcomplete's scripts when the shell asks for completions.
COMPLETING = "_ARGCOMPLETE"


def completing() -> bool:
    """Whether this run answers a shell's request for completions."""
    return COMPLETING in os.environ


def complete(parser: argparse.ArgumentParser, commands: Any) -> None:
    """When a shell asks for completions, write them and exit; otherwise do nothing.

    Args:
        parser: The ``kili-typed`` parser, with every command.
        commands: Its subparsers object: commands it does not list in ``--help`` (the
            old spellings) are not offered.
    """
    if not completing():
        return
    import argcomplete

    # argcomplete offers every subparser; `--help` lists only those given a help text.
    listed = {action.dest for action in commands._get_subactions()}
    for hidden in set(commands.choices) - listed:
        del commands.choices[hidden]
    argcomplete.autocomplete(parser)


def add_parser(commands: Any) -> None:
    """Adds ``completion`` to the top-level command parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    parser = commands.add_parser(
        "completion",
        help="print a shell completion script for bash, zsh or fish",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[-3:]) if __doc__ else None,
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    script = shellcode([PROG], shell=args.shell)
    sys.stdout.write(
        f"{script.rstrip()}\n# written by `{PROG} completion {args.shell}` "
        f"(kili-typed {__version__}, argcomplete)\n"
    )
    return 0
