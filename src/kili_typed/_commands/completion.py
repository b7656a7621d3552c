"""``kili-typed completion bash|zsh|fish``: shell completion, written from the parser.

The script is generated from the same argparse parser that runs the commands, so a new
command or option completes as soon as it exists. Hidden commands (the old spellings of
the server's commands) and options that only refuse a secret are left out. Install::

    kili-typed completion bash > ~/.local/share/bash-completion/completions/kili-typed
    kili-typed completion zsh > ~/.zfunc/kili-typed.zsh   # then source it from ~/.zshrc
    kili-typed completion fish > ~/.config/fish/completions/kili-typed.fish
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from kili_typed._version import __version__

SHELLS = ("bash", "zsh", "fish")
PROG = "kili-typed"


@dataclass(frozen=True)
class Option:
    """One option of a command, as completion needs it."""

    names: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()
    is_path: bool = False


def _no_commands() -> dict[str, Command]:
    return {}


def _no_options() -> list[Option]:
    return []


@dataclass
class Command:
    """A command (or the program) at `path`: its subcommands and options."""

    path: tuple[str, ...]
    help: str = ""
    commands: dict[str, Command] = field(default_factory=_no_commands)
    options: list[Option] = field(default_factory=_no_options)
    #: Values of a positional argument with fixed choices (``completion SHELL``).
    words: tuple[str, ...] = ()


def _first_sentence(text: str | None) -> str:
    if not text or text == argparse.SUPPRESS:
        return ""
    sentence = text.split("; ")[0].split(". ")[0].strip()
    return sentence if len(sentence) <= 70 else sentence[:67] + "..."


def command_tree(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help_text: str = ""
) -> Command:
    """The commands and options of `parser`, recursively, without hidden ones."""
    node = Command(path, help_text)
    for action in parser._actions:
        # argparse keeps a subcommand's parser, and whether it is listed, in private fields.
        parsers = cast(
            "dict[str, argparse.ArgumentParser] | None", getattr(action, "_name_parser_map", None)
        )
        if parsers is not None:
            listed_actions = cast("list[argparse.Action]", getattr(action, "_choices_actions", []))
            listed = {choice.dest: choice.help or "" for choice in listed_actions}
            for name, sub in parsers.items():
                if name in listed:
                    node.commands[name] = command_tree(sub, (*path, name), listed[name])
        elif action.help == argparse.SUPPRESS:
            continue
        elif action.option_strings:
            dest = action.dest
            node.options.append(
                Option(
                    names=tuple(action.option_strings),
                    help=_first_sentence(action.help),
                    takes_value=action.nargs != 0,
                    choices=tuple(str(c) for c in action.choices or ()),
                    is_path=dest == "db" or dest.endswith("_file"),
                )
            )
        elif action.choices:
            node.words = tuple(str(c) for c in action.choices)
    return node


def _walk(node: Command) -> Iterator[Command]:
    yield node
    for sub in node.commands.values():
        yield from _walk(sub)


def _words(items: Any) -> str:
    return " ".join(items)


def bash_script(tree: Command) -> str:
    """A bash completion script for `tree` (also sourced by zsh through bashcompinit)."""
    words: list[str] = []
    commands: list[str] = []
    values: list[str] = []
    for node in _walk(tree):
        key = " ".join(node.path)
        names = [*node.commands, *node.words, *(n for o in node.options for n in o.names)]
        words.append(f"        '{key}') echo '{_words(names)}' ;;")
        if node.commands:
            commands.append(f"        '{key}') echo '{_words(node.commands)}' ;;")
        for option in node.options:
            if not option.takes_value:
                continue
            value = "__path__" if option.is_path else _words(option.choices)
            for name in option.names:
                values.append(f"        '{key} {name}') echo '{value}' ;;")
    return "\n".join(
        [
            f"# bash completion for {PROG} {__version__}, written by `{PROG} completion bash`.",
            "_kili_typed_words() {",
            '    case "$1" in',
            *words,
            "    esac",
            "}",
            "_kili_typed_commands() {",
            '    case "$1" in',
            *commands,
            "    esac",
            "}",
            "# What an option's value completes to; fails for an option that takes none.",
            "_kili_typed_value() {",
            '    case "$1 $2" in',
            *values,
            "        *) return 1 ;;",
            "    esac",
            "}",
            "_kili_typed() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" path="" word i skip=0 values prev',
            "    COMPREPLY=()",
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            '        word="${COMP_WORDS[i]}"',
            "        if ((skip)); then skip=0; continue; fi",
            '        if [[ "$word" == -* ]]; then',
            '            [[ "$word" != *=* ]] && _kili_typed_value "$path" "$word" >/dev/null'
            " && skip=1",
            "            continue",
            "        fi",
            '        if [[ " $(_kili_typed_commands "$path") " == *" $word "* ]]; then',
            '            path="${path:+$path }$word"',
            "        fi",
            "    done",
            '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    if [[ "$prev" == -* ]] && values="$(_kili_typed_value "$path" "$prev")"; then',
            '        if [[ "$values" == __path__ ]]; then',
            '            COMPREPLY=($(compgen -f -- "$cur"))',
            '        elif [[ -n "$values" ]]; then',
            '            COMPREPLY=($(compgen -W "$values" -- "$cur"))',
            "        fi",
            "        return 0",
            "    fi",
            '    COMPREPLY=($(compgen -W "$(_kili_typed_words "$path")" -- "$cur"))',
            "}",
            f"complete -F _kili_typed {PROG}",
            "",
        ]
    )


def zsh_script(tree: Command) -> str:
    """A zsh completion script: the bash one, through zsh's bashcompinit."""
    return "\n".join(
        [
            f"# zsh completion for {PROG} {__version__}, written by `{PROG} completion zsh`.",
            "# Source it from ~/.zshrc (after compinit).",
            "autoload -U +X bashcompinit && bashcompinit",
            bash_script(tree),
        ]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_script(tree: Command) -> str:
    """A fish completion script for `tree`."""
    cases: list[str] = []
    for node in _walk(tree):
        if node.commands:
            cases.append(f"        case {_fish_quote(' '.join(node.path))}")
            cases.append(f"            printf '%s\\n' {_words(node.commands)}")
    lines = [
        f"# fish completion for {PROG} {__version__}, written by `{PROG} completion fish`.",
        "function __kili_typed_commands",
        "    switch $argv[1]",
        *cases,
        "    end",
        "end",
        "function __kili_typed_path",
        "    set -l path ''",
        "    set -l words (commandline -opc)",
        "    for word in $words[2..-1]",
        "        if contains -- $word (__kili_typed_commands $path)",
        '            set path (string trim -- "$path $word")',
        "        end",
        "    end",
        "    echo $path",
        "end",
        "function __kili_typed_at",
        "    set -l here (__kili_typed_path)",
        '    test "$here" = "$argv[1]"',
        "end",
        f"complete -c {PROG} -f",
    ]
    for node in _walk(tree):
        at = f"-n {_fish_quote('__kili_typed_at ' + repr(' '.join(node.path)))}"
        for name, sub in node.commands.items():
            lines.append(
                f"complete -c {PROG} {at} -a {name} -d {_fish_quote(_first_sentence(sub.help))}"
            )
        if node.words:
            lines.append(f"complete -c {PROG} {at} -a {_fish_quote(_words(node.words))}")
        for option in node.options:
            flags = " ".join(
                f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in option.names
            )
            if option.choices:
                value = f" -x -a {_fish_quote(_words(option.choices))}"
            elif option.is_path:
                value = " -r -F"
            elif option.takes_value:
                value = " -x"
            else:
                value = ""
            lines.append(
                f"complete -c {PROG} {at} {flags}{value} -d {_fish_quote(option.help)}".rstrip()
            )
    return "\n".join([*lines, ""])


WRITERS = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}


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
    from kili_typed._cli import build_parser

    tree = command_tree(build_parser(["completion"])[0])
    sys.stdout.write(WRITERS[args.shell](tree))
    return 0
