"""``kili-typed codegen``: compile your own GraphQL operations into a typed package whose
clients run on kili-typed's runtime (see `kili_typed._codegen`). Needs ariadne-codegen:
``pip install 'kili-typed[codegen]'``."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import common, exit_codes
from .credentials import SecretLines, UsageError

if TYPE_CHECKING:
    from kili_typed._codegen_config import Settings

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
is left alone.

A [tool.ariadne-codegen] section in pyproject.toml (or --config FILE) is honoured:
client_name, scalars, plugins, include_all_inputs, include_all_enums,
convert_to_snake_case and ariadne-codegen's other settings of the generated code;
schema_path, queries_path, target_package_name and target_package_path are the
defaults of --schema, --queries, --package and --target. What conflicts with the
runtime (async_client, base_client_*, remote_schema_*...) is refused."""

_EPILOG = f"""\
exit status:
  {exit_codes.OK}    the package was written
  {exit_codes.USAGE}    wrong input (missing schema, no operations, invalid package name, an
       operation the schema refuses, a setting that conflicts with the runtime) or
       ariadne-codegen missing: nothing was written; the message names file:line:column"""


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
        "--schema", metavar="FILE", help="the schema (SDL): see schema pull (or schema_path)"
    )
    codegen.add_argument(
        "--queries",
        metavar="DIR",
        help="a directory of .graphql files holding your named queries and mutations "
        "(or queries_path)",
    )
    codegen.add_argument(
        "--package",
        metavar="NAME",
        help="the package's name, e.g. my_ops (or target_package_name)",
    )
    codegen.add_argument(
        "--target",
        metavar="DIR",
        help="the directory to write the package into (or target_package_path; default: "
        "the working directory)",
    )
    codegen.add_argument(
        "--config",
        metavar="FILE",
        help="a TOML file with a [tool.ariadne-codegen] section (default: pyproject.toml "
        "in the working directory, if it has one)",
    )
    codegen.set_defaults(run=functools.partial(common.run, _codegen))


def _option(args: argparse.Namespace, option: str, settings: Settings) -> str | Path:
    given: str | None = getattr(args, option.lstrip("-"))
    if given is not None:
        return given
    if option in settings.paths:
        return settings.paths[option]
    if option == "--target":
        return "."
    from kili_typed._codegen_config import PATHS, SECTION

    setting = next(key for key, value in PATHS.items() if value == option)
    raise UsageError(f"{option} is required (or {setting} in the [{SECTION}] settings)")


def _codegen(args: argparse.Namespace, lines: SecretLines) -> int:
    from kili_typed._codegen import CodegenError, generate
    from kili_typed._codegen_config import SettingsError, load

    try:
        settings = load(Path(args.config) if args.config else None, Path.cwd())
    except SettingsError as error:
        raise UsageError(str(error)) from None
    schema, queries, package, target = (
        _option(args, option, settings)
        for option in ("--schema", "--queries", "--package", "--target")
    )
    try:
        generated = generate(Path(schema), Path(queries), str(package), Path(target), settings)
    except CodegenError as error:
        raise UsageError(str(error)) from None
    count = len(generated.operations)
    files = f"{count} operation file" + ("s" if count != 1 else "")
    what = "replaced" if generated.replaced else "wrote"
    clients = ", ".join(generated.clients)
    print(f"{what} {generated.package} from {files}: {clients}", file=sys.stderr)
    return exit_codes.OK
