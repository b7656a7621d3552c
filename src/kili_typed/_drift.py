"""Schema drift: how a live server's schema differs from the bundled ``schema.graphql``.

Compares the two with graphql-core's ``find_breaking_changes`` and
``find_dangerous_changes`` (the bundled schema is the old one: the client was built
against it), then validates every operation of ``queries/`` against the live schema.
Pure: the introspection result comes in, a report goes out. Needs graphql-core, which
the ``schema`` and ``server`` extras install.

Changes to directives that only the schema language can use (``@deprecated``,
``@specifiedBy``, ``@oneOf``) are left out: no operation can depend on them, and
servers built on different GraphQL libraries declare them differently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from graphql import (
    DirectiveLocation,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    IntrospectionQuery,
    OperationDefinitionNode,
    Source,
    Visitor,
    build_client_schema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_introspection_query,
    parse,
    validate,
    visit,
)
from graphql.validation import NoDeprecatedCustomRule

from ._answers import too_deep

#: The deepest answer an introspection query can get: its deepest selection is a type
#: reference's ``ofType`` chain, 8 or so levels below ``__schema.types.fields.args``.
MAX_INTROSPECTION_DEPTH = 64

#: The operation name of `INTROSPECTION_QUERY`.
INTROSPECTION_OPERATION = "IntrospectionQuery"

#: The standard introspection query, with deprecated arguments and input fields, as the
#: official Kili SDK sends it at start-up.
INTROSPECTION_QUERY = get_introspection_query(descriptions=False, input_value_deprecation=True)

_EXECUTABLE_LOCATIONS = frozenset(
    {
        DirectiveLocation.QUERY,
        DirectiveLocation.MUTATION,
        DirectiveLocation.SUBSCRIPTION,
        DirectiveLocation.FIELD,
        DirectiveLocation.FRAGMENT_DEFINITION,
        DirectiveLocation.FRAGMENT_SPREAD,
        DirectiveLocation.INLINE_FRAGMENT,
        DirectiveLocation.VARIABLE_DEFINITION,
    }
)


@dataclass(frozen=True, order=True)
class SchemaChange:
    """One difference between the bundled and the live schema.

    Attributes:
        type: graphql-core's name for it, e.g. ``FIELD_REMOVED``.
        description: What changed, e.g. ``User.email was removed.``.
    """

    type: str
    description: str


@dataclass(frozen=True)
class OperationCheck:
    """One operation of ``queries/`` validated against the live schema.

    Attributes:
        name: The operation's name, e.g. ``users``.
        kind: ``query`` or ``mutation``.
        file: The file that defines it, e.g. ``queries/users.graphql``.
        errors: Why it would be refused, each as ``file:line:column: message``.
        notes: Deprecated fields or arguments it uses: they still work.
    """

    name: str
    kind: str
    file: str
    errors: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the live server would accept it."""
        return not self.errors


@dataclass(frozen=True)
class DriftReport:
    """What `compare` found.

    Attributes:
        endpoint: The live server's endpoint, as shown in the report.
        breaking: Changes that can break the client.
        dangerous: Changes that may change what the client sees (new enum values...).
        operations: Every operation, checked against the live schema.
        problems: Files of ``queries/`` that could not even be read as GraphQL.
    """

    endpoint: str
    breaking: tuple[SchemaChange, ...]
    dangerous: tuple[SchemaChange, ...]
    operations: tuple[OperationCheck, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def invalid_operations(self) -> tuple[OperationCheck, ...]:
        """The operations the live server would refuse."""
        return tuple(check for check in self.operations if not check.valid)

    @property
    def is_breaking(self) -> bool:
        """Whether anything is breaking: a breaking change or an invalid operation."""
        return bool(self.breaking or self.invalid_operations or self.problems)


def _operation_schema(schema: GraphQLSchema) -> GraphQLSchema:
    """The same schema with only the directives an operation can use."""
    directives = [
        directive
        for directive in schema.directives
        if _EXECUTABLE_LOCATIONS.intersection(directive.locations)
    ]
    return GraphQLSchema(
        query=schema.query_type,
        mutation=schema.mutation_type,
        subscription=schema.subscription_type,
        types=[t for name, t in schema.type_map.items() if not name.startswith("__")],
        directives=directives,
    )


def compare_schemas(
    bundled: GraphQLSchema, live: GraphQLSchema
) -> tuple[tuple[SchemaChange, ...], tuple[SchemaChange, ...]]:
    """The breaking and the dangerous changes from `bundled` to `live`.

    Args:
        bundled: The schema the client was generated from.
        live: The server's schema.

    Returns:
        ``(breaking, dangerous)``, each sorted by type then description.
    """
    old, new = _operation_schema(bundled), _operation_schema(live)
    breaking = sorted(
        SchemaChange(change.type.name, change.description)
        for change in find_breaking_changes(old, new)
    )
    dangerous = sorted(
        SchemaChange(change.type.name, change.description)
        for change in find_dangerous_changes(old, new)
    )
    return tuple(breaking), tuple(dangerous)


class _SpreadNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _spread_names(node: OperationDefinitionNode | FragmentDefinitionNode) -> set[str]:
    collector = _SpreadNames()
    visit(node, collector)
    return collector.names


def _needed_fragments(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """Every fragment the operation spreads, directly or through other fragments."""
    needed: dict[str, FragmentDefinitionNode] = {}
    pending = sorted(_spread_names(operation))
    while pending:
        name = pending.pop()
        if name in needed or name not in fragments:
            continue  # an unknown fragment is reported by validation
        needed[name] = fragments[name]
        pending.extend(sorted(_spread_names(fragments[name])))
    return list(needed.values())


def where(error: GraphQLError, default_file: str) -> str:
    # A document may join nodes of several files (an operation and the fragments it
    # spreads): graphql-core locates an error in the file of its first node.
    if error.source is not None and error.locations:
        location = error.locations[0]
        return f"{error.source.name}:{location.line}:{location.column}"
    return default_file


def _messages(errors: Iterable[GraphQLError], default_file: str) -> tuple[str, ...]:
    return tuple(f"{where(error, default_file)}: {error.message}" for error in errors)


def check_operations(
    live: GraphQLSchema, files: Mapping[str, str]
) -> tuple[tuple[OperationCheck, ...], tuple[str, ...]]:
    """Validates every operation of `files` against `live`.

    Each operation is validated with the fragments it uses, wherever they are defined.

    Args:
        live: The server's schema.
        files: GraphQL documents by file name, as `kili_typed_graphql.operation_texts`.

    Returns:
        ``(operations, problems)``: a check per operation, in file order, and the files
        that are not valid GraphQL syntax.
    """
    documents: dict[str, DocumentNode] = {}
    problems: list[str] = []
    for name, text in files.items():
        try:
            documents[name] = parse(Source(text, name))
        except GraphQLError as error:
            problems.extend(_messages([error], name))
    fragments = {
        definition.name.value: definition
        for document in documents.values()
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    checks: list[OperationCheck] = []
    for file_name, document in documents.items():
        for operation in document.definitions:
            if not isinstance(operation, OperationDefinitionNode):
                continue
            single = DocumentNode(definitions=(operation, *_needed_fragments(operation, fragments)))
            checks.append(
                OperationCheck(
                    name=operation.name.value if operation.name else "(anonymous)",
                    kind=operation.operation.value,
                    file=file_name,
                    errors=_messages(validate(live, single), file_name),
                    notes=_messages(validate(live, single, [NoDeprecatedCustomRule]), file_name),
                )
            )
    return tuple(checks), tuple(problems)


def live_schema(introspection: Mapping[str, Any]) -> GraphQLSchema:
    """The schema a server described in its answer to an introspection query
    (`INTROSPECTION_QUERY`, or ``schema pull``'s, which asks for descriptions too).

    Args:
        introspection: The answer's ``data`` member (holding ``__schema``).

    Raises:
        TypeError: It is not an introspection result.
        ValueError: It nests deeper than any answer to the query can (graphql-core
            reads type references recursively: a hostile ``ofType`` chain 900 deep
            would raise `RecursionError`), or graphql-core cannot build it.
    """
    if not isinstance(introspection, Mapping) or "__schema" not in introspection:
        raise TypeError("the answer to the introspection query holds no __schema")
    if too_deep(introspection, MAX_INTROSPECTION_DEPTH):
        raise ValueError(
            f"the answer nests deeper than {MAX_INTROSPECTION_DEPTH} levels, which no "
            "answer to the introspection query does (a type's ofType chain is too long)"
        )
    return build_client_schema(cast(IntrospectionQuery, dict(introspection)))


def compare(
    bundled_sdl: str,
    introspection: Mapping[str, Any],
    operations: Mapping[str, str],
    *,
    endpoint: str,
) -> DriftReport:
    """Compares the bundled schema and operations with a live server's schema.

    Args:
        bundled_sdl: The text of the bundled ``schema.graphql``.
        introspection: The ``data`` of the server's answer to `INTROSPECTION_QUERY`.
        operations: The bundled ``queries/`` files, by name.
        endpoint: The server's endpoint, for the report.

    Returns:
        The report.
    """
    live = live_schema(introspection)
    breaking, dangerous = compare_schemas(build_schema(bundled_sdl), live)
    checks, problems = check_operations(live, operations)
    return DriftReport(endpoint, breaking, dangerous, checks, problems)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _change_lines(title: str, changes: Sequence[SchemaChange]) -> list[str]:
    if not changes:
        return [f"{title}: none"]
    return [f"{title} ({len(changes)}):", *(f"  {c.type}: {c.description}" for c in changes)]


def format_text(report: DriftReport) -> str:
    """The report as lines for a person.

    Returns:
        Text ending with a ``result:`` line.
    """
    lines = [f"bundled schema.graphql against {report.endpoint}", ""]
    lines += _change_lines("breaking changes", report.breaking)
    lines += _change_lines("dangerous changes", report.dangerous)
    lines += ["", f"operations of queries/ against the live schema ({len(report.operations)}):"]
    width = max((len(f"{c.kind} {c.name}") for c in report.operations), default=0)
    for check in report.operations:
        state = "ok     " if check.valid else "INVALID"
        lines.append(f"  {state}  {f'{check.kind} {check.name}'.ljust(width)}  {check.file}")
        lines += [f"             {message}" for message in check.errors]
        lines += [f"             note: {message}" for message in check.notes]
    lines += [f"  UNREADABLE {problem}" for problem in report.problems]
    lines.append("")
    invalid = len(report.invalid_operations) + len(report.problems)
    if report.is_breaking:
        lines.append(
            f"result: BREAKING: {_plural(len(report.breaking), 'breaking change')}, "
            f"{_plural(invalid, 'invalid operation')}, "
            f"{_plural(len(report.dangerous), 'dangerous change')}"
        )
    elif report.dangerous:
        lines.append(
            f"result: compatible, with {_plural(len(report.dangerous), 'dangerous change')}"
        )
    else:
        lines.append("result: compatible: no breaking or dangerous changes")
    return "\n".join(lines)


def to_json(report: DriftReport) -> str:
    """The report as a JSON document, for tools."""
    document = {
        "endpoint": report.endpoint,
        "breaking": [asdict(change) for change in report.breaking],
        "dangerous": [asdict(change) for change in report.dangerous],
        "operations": [
            {
                "name": check.name,
                "kind": check.kind,
                "file": check.file,
                "valid": check.valid,
                "errors": list(check.errors),
                "notes": list(check.notes),
            }
            for check in report.operations
        ],
        "problems": list(report.problems),
        "is_breaking": report.is_breaking,
    }
    return json.dumps(document, indent=2)
