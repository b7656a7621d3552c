"""Write the sync facade `Kili` from the async one, `AsyncKili`.

`src/kili_typed/_async_client.py` is the only hand-written facade. This script
applies the substitutions below, in order, to write `src/kili_typed/_client.py`
(formatted with ruff, behind a "do not edit" header), as httpcore's
``scripts/unasync.py`` does. A substitution that no longer matches anything is an
error: the table must follow the source, or a difference would slip through.

Usage::

    python tools/unasync.py           # write _client.py (run by `make generate`)
    python tools/unasync.py --check   # fail when _client.py is not what it would write
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kili_typed" / "_async_client.py"
TARGET = ROOT / "src" / "kili_typed" / "_client.py"

HEADER = (
    "# Generated from src/kili_typed/_async_client.py by tools/unasync.py: do not edit.\n"
    "# Change AsyncKili, then run `make generate`.\n"
)


@dataclass(frozen=True)
class Rule:
    """Replace `pattern` (a regular expression when `regex`) with `replacement`."""

    pattern: str
    replacement: str
    regex: bool = False

    def apply(self, text: str) -> tuple[str, int]:
        if self.regex:
            return re.subn(self.pattern, self.replacement, text)
        return text.replace(self.pattern, self.replacement), text.count(self.pattern)


_TYPE_ARGUMENT = r"(?:[^\[\]]|\[[^\[\]]*\])+"

#: In order: the prose that says "async" first, then names, then the keywords.
RULES = (
    # The module docstring.
    Rule(
        r'(?s)\A""".*?"""\n',
        '"""`Kili`: the six documented user methods on the generated typed client.\n\n'
        "Written from ``_async_client.py`` by ``tools/unasync.py``: edit that file, not this one.\n"
        '"""\n',
        regex=True,
    ),
    # Docstring phrases.
    Rule(
        "An asyncio client for the Kili user API, with the official SDK's six user methods.\n"
        "\n"
        "    Every method is awaitable and takes the same arguments as its `Kili` twin;\n"
        "    ``users(as_generator=True)`` returns an async iterator instead of a generator.\n",
        "A client for the Kili user API, with the official SDK's six user methods.\n",
    ),
    Rule("an iterator holds at most", "a generator holds at most"),
    Rule(
        r"Get an async iterator or a list of (\w+)", r"Get a generator or a list of \1", regex=True
    ),
    Rule(
        r"If `True`, an async iterator on the (\w+)",
        r"If `True`, a generator on the \1",
        regex=True,
    ),
    Rule(
        r"awaited, a list;\s+with ``as_generator=True``, an async\s+iterator to use with"
        r" ``async for``\.",
        "a list, or a generator with ``as_generator=True``.",
        regex=True,
    ),
    Rule("(await kili.organizations())", "kili.organizations()"),
    Rule("The generated typed async client", "The generated typed client"),
    # Imports.
    Rule("import asyncio\n", ""),
    Rule(
        "from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Iterator\n",
        "from collections.abc import Callable, Generator, Iterator\n",
    ),
    Rule("kili_typed_generated_async", "kili_typed_generated"),
    Rule(
        "from ._concurrency import AsyncPageRunner, alist\n",
        "from ._concurrency import PageRunner\n",
    ),
    # The pool the client creates (kili_typed._http).
    Rule("make_async_client", "make_client"),
    # Types.
    # A type argument: a name with at most one level of brackets, e.g. UserRow[_F].
    Rule(rf"AsyncGenerator\[({_TYPE_ARGUMENT}), None\]", r"Generator[\1, None, None]", regex=True),
    Rule(rf"Coroutine\[Any, Any, (list\[{_TYPE_ARGUMENT}\])\]", r"\1", regex=True),
    Rule(r"Awaitable\[(\w+)\]", r"\1", regex=True),
    # Names.
    Rule("GeneratedAsyncClient", "GeneratedClient"),
    Rule("httpx.AsyncClient", "httpx.Client"),
    Rule("AsyncPageRunner", "PageRunner"),
    Rule("alist(rows)", "list(rows)"),
    Rule("asyncio.sleep", "time.sleep"),
    Rule("AsyncKili", "Kili"),
    Rule("__aenter__", "__enter__"),
    Rule("__aexit__", "__exit__"),
    Rule("aclose", "close"),
    # Sync generators delegate: `async for` cannot.
    Rule(r"for row in rows:\n\s+yield row\n", "yield from rows\n", regex=True),
    # Keywords.
    Rule("async def ", "def "),
    Rule("async with ", "with "),
    Rule("async for ", "for "),
    Rule("await ", ""),
)


class StaleRule(Exception):
    """A substitution matched nothing in the source."""


def unasync(source: str) -> str:
    """The sync facade's source, before formatting.

    Raises:
        StaleRule: A rule no longer matches anything.
    """
    text = source
    for rule in RULES:
        text, count = rule.apply(text)
        if count == 0:
            raise StaleRule(f"tools/unasync.py: no match for {rule.pattern!r}")
    leftover = re.findall(r"\b(?:async|await|asyncio|Async\w+)\b", text)
    if leftover:
        raise StaleRule(f"tools/unasync.py: async left in the sync facade: {sorted(set(leftover))}")
    return HEADER + text


def formatted(text: str) -> str:
    """`text` as `ruff format` writes it, with the project's settings."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"tools/unasync.py: ruff format failed:\n{result.stderr}")
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    try:
        written = formatted(unasync(SOURCE.read_text(encoding="utf-8")))
    except StaleRule as error:
        print(error, file=sys.stderr)
        return 1
    relative = TARGET.relative_to(ROOT)
    if args.check:
        if TARGET.read_text(encoding="utf-8") != written:
            print(
                f"{relative} is stale: it is written from AsyncKili; "
                "run 'make generate' and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{relative} matches AsyncKili")
        return 0
    TARGET.write_text(written, encoding="utf-8")
    print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
