"""``kili-typed schema diff``: tell whether a live server's schema drifted from ours.

Introspects the server, reports breaking and dangerous changes against the bundled
``schema.graphql``, then validates every operation of ``queries/`` against the live
schema (see `kili_typed._drift`). Needs graphql-core: ``pip install 'kili-typed[schema]'``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import kili_typed_graphql as bundled

from . import common, exit_codes
from .credentials import SecretLines, UsageError

_DESCRIPTION = """\
Compare a live Kili server's schema with the schema.graphql this client was built
from: list breaking changes (removed fields, new required arguments...) and dangerous
ones (new enum values...), then validate each operation of queries/ against the live
schema. Exits with status 5 when anything is breaking or an operation no longer
validates; dangerous changes alone exit with 0 unless --fail-on-dangerous."""

_PULL_DESCRIPTION = """\
Introspect a live Kili server and write its schema in the GraphQL schema language
(SDL), descriptions included: the input of `kili-typed codegen`, which compiles your
own operations into a typed package."""


def add_parser(commands: Any) -> None:
    """Adds ``schema`` and its ``diff`` action to the top-level command parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    schema = commands.add_parser(
        "schema",
        help="a live server's schema: check it against the bundled one, or pull it",
        description="Schema checks against a live Kili server.",
        epilog=common.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = schema.add_subparsers(dest="schema_action", required=True, metavar="ACTION")
    diff = _add_action(
        actions,
        "diff",
        "report schema drift between the live server and schema.graphql",
        _DESCRIPTION,
    )
    diff.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    diff.add_argument(
        "--fail-on-dangerous",
        action="store_true",
        help=f"exit with status {exit_codes.SCHEMA_DRIFT} on dangerous changes too",
    )
    diff.set_defaults(run=functools.partial(common.run, _diff))
    pull = _add_action(
        actions,
        "pull",
        "write the live server's schema as SDL (for kili-typed codegen)",
        _PULL_DESCRIPTION,
    )
    pull.add_argument(
        "--output",
        metavar="FILE",
        help="the file to write (replaced whole, once the schema is read); "
        "default: standard output",
    )
    pull.set_defaults(run=functools.partial(common.run, _pull))


def _add_action(actions: Any, name: str, summary: str, description: str) -> Any:
    """An action of ``schema``, with the connection options."""
    return actions.add_parser(
        name,
        help=summary,
        description=description,
        parents=[common.connection_options()],
        epilog=common.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )


def _introspect(
    args: argparse.Namespace, lines: SecretLines, query: str, operation: str
) -> tuple[str, dict[str, Any]]:
    """The endpoint and the ``data`` of its answer to the introspection query."""
    key = common.read_api_key(args, lines)
    with common.open_client(args, key) as kili:
        # The same retries and error mapping as every other call: 401 -> AuthenticationError...
        return kili.api_endpoint, kili._execute(query, operation)  # pyright: ignore[reportPrivateUsage]


def _needs_graphql(command: str, module: str) -> Any:
    """`module`, which needs graphql-core: not a dependency of the bare client."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise UsageError(
            f"schema {command} needs graphql-core: pip install 'kili-typed[schema]' ({error})"
        ) from None


def _pull(args: argparse.Namespace, lines: SecretLines) -> int:
    graphql = _needs_graphql("pull", "graphql")
    drift = _needs_graphql("pull", "kili_typed._drift")
    query = graphql.get_introspection_query(
        descriptions=True, schema_description=True, input_value_deprecation=True
    )
    endpoint, introspection = _introspect(args, lines, query, "IntrospectionQuery")
    try:
        sdl: str = graphql.print_schema(drift.live_schema(introspection)) + "\n"
    except (TypeError, ValueError, graphql.GraphQLError) as error:
        return common.fail(
            f"{endpoint} did not answer with a usable schema: {error}", exit_codes.UNAVAILABLE
        )
    if args.output is None:
        print(sdl, end="")
        return exit_codes.OK
    write_whole(Path(args.output), sdl)
    print(f"wrote the schema of {endpoint} to {args.output}", file=sys.stderr)
    return exit_codes.OK


def write_whole(path: Path, text: str) -> None:
    """Writes `text` to `path` through a file beside it, renamed over it: a reader never
    sees half of it, and a failure leaves what was there.

    Raises:
        UsageError: The file cannot be written.
    """
    try:
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise UsageError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        # mkstemp's file is private (0600); a schema is not: the mode `open` would give.
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(scratch, 0o666 & ~umask)
        os.replace(scratch, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise UsageError(f"cannot write {str(path)!r}: {error.strerror or error}") from None


def _diff(args: argparse.Namespace, lines: SecretLines) -> int:
    drift = _needs_graphql("diff", "kili_typed._drift")
    endpoint, introspection = _introspect(
        args, lines, drift.INTROSPECTION_QUERY, drift.INTROSPECTION_OPERATION
    )
    try:
        report = drift.compare(
            bundled.schema_text(), introspection, bundled.operation_texts(), endpoint=endpoint
        )
    except (TypeError, ValueError) as error:
        return common.fail(
            f"{endpoint} did not answer with a usable schema: {error}", exit_codes.UNAVAILABLE
        )
    print(drift.to_json(report) if args.format == "json" else drift.format_text(report))
    if report.is_breaking or (args.fail_on_dangerous and report.dangerous):
        return exit_codes.SCHEMA_DRIFT
    return exit_codes.OK
