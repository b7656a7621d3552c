"""``kili-typed codegen``: compile your own GraphQL operations into a typed package whose
clients run on kili-typed's runtime (see `kili_typed._codegen`). Needs ariadne-codegen:
``pip install 'kili-typed[codegen]'``."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Any

from . import common, exit_codes
from .credentials import SecretLines, UsageError

_DESCRIPTION = """\
Compile the GraphQL operations of a directory (.graphql files, each operation named)
into a typed Python package: a sync Client and an AsyncClient with one method per
operation, returning pydantic models. They run on kili-typed's runtime: made with
Client.from_kili(kili) / AsyncClient.from_kili(async_kili), they share that client's
connection, API key and settings, retry queries as it does, never resend a mutation
the server may have run, and raise kili_typed's errors. Sends no request.

  kili-typed schema pull --output schema.graphql
  kili-typed codegen --schema schema.graphql --queries ops --package my_ops --target .

Running it again replaces the package it wrote, whole; any other existing directory
is left alone."""

_EPILOG = f"""\
exit status:
  {exit_codes.OK}    the package was written
  {exit_codes.USAGE}    wrong input (missing schema, no operations, invalid package name, an
       operation the schema refuses) or ariadne-codegen missing: nothing was written"""


def add_parser(commands: Any) -> None:
    """Adds ``codegen`` to the top-level command parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    codegen = commands.add_parser(
        "codegen",
        help="compile your own GraphQL operations into a typed package (Client, AsyncClient)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    codegen.add_argument(
        "--schema", required=True, metavar="FILE", help="the schema (SDL): see schema pull"
    )
    codegen.add_argument(
        "--queries",
        required=True,
        metavar="DIR",
        help="a directory of .graphql files holding your named queries and mutations",
    )
    codegen.add_argument(
        "--package", required=True, metavar="NAME", help="the package's name, e.g. my_ops"
    )
    codegen.add_argument(
        "--target",
        default=".",
        metavar="DIR",
        help="the directory to write the package into (default: the working directory)",
    )
    codegen.set_defaults(run=functools.partial(common.run, _codegen))


def _codegen(args: argparse.Namespace, lines: SecretLines) -> int:
    from kili_typed._codegen import CodegenError, generate

    try:
        generated = generate(Path(args.schema), Path(args.queries), args.package, Path(args.target))
    except CodegenError as error:
        raise UsageError(str(error)) from None
    count = len(generated.operations)
    files = f"{count} operation file" + ("s" if count != 1 else "")
    what = "replaced" if generated.replaced else "wrote"
    print(f"{what} {generated.package} from {files}: Client, AsyncClient", file=sys.stderr)
    return exit_codes.OK
