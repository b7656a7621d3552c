"""``kili-typed schema diff``: tell whether a live server's schema drifted from ours.

Introspects the server, reports breaking and dangerous changes against the bundled
``schema.graphql``, then validates every operation of ``queries/`` against the live
schema (see `kili_typed._drift`). Needs graphql-core: ``pip install 'kili-typed[schema]'``.
"""

from __future__ import annotations

import argparse
import functools
import importlib
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


def add_parser(commands: Any) -> None:
    """Adds ``schema`` and its ``diff`` action to the top-level command parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    formatter = argparse.RawDescriptionHelpFormatter
    schema = commands.add_parser(
        "schema",
        help="check a live server's schema against the bundled one",
        description="Schema checks against a live Kili server.",
        epilog=common.EPILOG,
        formatter_class=formatter,
    )
    actions = schema.add_subparsers(dest="schema_action", required=True, metavar="ACTION")
    diff = actions.add_parser(
        "diff",
        help="report schema drift between the live server and schema.graphql",
        description=_DESCRIPTION,
        parents=[common.connection_options()],
        epilog=common.EPILOG,
        formatter_class=formatter,
        allow_abbrev=False,
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


def _introspect(
    args: argparse.Namespace, lines: SecretLines, query: str, operation: str
) -> tuple[str, dict[str, Any]]:
    """The endpoint and the ``data`` of its answer to the introspection query."""
    key = common.read_api_key(args, lines)
    with common.open_client(args, key) as kili:
        # The same retries and error mapping as every other call: 401 -> AuthenticationError...
        return kili.api_endpoint, kili._execute(query, operation)  # pyright: ignore[reportPrivateUsage]


def _diff(args: argparse.Namespace, lines: SecretLines) -> int:
    try:
        # Loaded only here: graphql-core is not a dependency of the bare client.
        drift = importlib.import_module("kili_typed._drift")
    except ImportError as error:
        raise UsageError(
            f"schema diff needs graphql-core: pip install 'kili-typed[schema]' ({error})"
        ) from None
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
