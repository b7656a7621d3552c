"""A fast path for the queries clients send most: the same answer, without the per-field walk.

graphql-core's executor, for every field of every row, builds a ``GraphQLResolveInfo`` and a
path, calls a resolver, checks for awaitables and completes the value: about 60-100 µs a
row for a page of users, several times the cost of the HTTP round trip around it. Here a
query is executed column by column instead: the same resolvers (the schema's own, bound by
`kili_typed_server.graphql.resolvers`, so every permission check stays in the accounts service)
give each row's source once (those of ``resolvers.COLUMN_RESOLVERS`` for a whole page at
once, with the same values), every field the executor would resolve with its default
resolver is read from those sources for the whole page at once, and each column of leaf
values is checked and serialized as the schema's scalar or enum would.

What this path covers is decided per document and operation, once: a query (not a
mutation, not a subscription) whose every field is one of the schema's own fields (no
introspection) and whose only directives are ``@include`` and ``@skip``. Everything else,
and every request that goes wrong in any way (variables that do not coerce, a resolver
that raises, a value a scalar refuses, a non-null field that is null), is answered by the
normal executor: this path answers only successes, so every error the API gives keeps
coming from one place. The variables, the arguments, the directives and the merging of
fields are those of the executor itself (graphql-core's `get_variable_values`,
`get_argument_values` and `collect_fields`), and queries only read, so running one
again through the executor after a failure here changes nothing.

The answer is the same Python value the executor builds, key order included, and the HTTP
layer writes both with the same encoder, so the bytes on the wire are identical: a
differential test (``tests/server/test_fast_path.py``) checks it for every document the
official SDKs and kili-typed send.

``KILI_TYPED_SERVER_FAST_PATH=0`` in the server's environment turns this path off, to
compare the two (``make bench`` does).
"""

# pyright: basic
# Like query_cost.py, this walks graphql-core's loosely annotated type classes throughout
# (GraphQLWrappingType.of_type, field maps); mypy --strict still checks it.

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeNode,
    VariableDefinitionNode,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Undefined

from kili_typed_server.core.records import Caller
from kili_typed_server.graphql.deadlines import Deadline
from kili_typed_server.graphql.resolvers import COLUMN_RESOLVERS, RequestContext
from kili_typed_server.service.accounts import Accounts

logger = logging.getLogger("kili_typed_server")

#: The environment variable that turns the fast path off when set to ``0``.
ENVIRONMENT_SWITCH = "KILI_TYPED_SERVER_FAST_PATH"
#: Documents whose plan is kept (the HTTP layer keeps as many parsed documents).
_PLAN_CACHE_SIZE = 256
#: Sets of @include/@skip values whose collected fields a plan keeps.
_COLLECTED_CACHE_SIZE = 64
#: The key of the operation's own selection in a plan's collected fields.
_ROOT = "<operation>"
#: The directives the executor itself applies while collecting fields.
_FIELD_DIRECTIVES = frozenset({"include", "skip"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)


def enabled() -> bool:
    """Whether the server should use the fast path (unless the environment says ``0``)."""
    return os.environ.get(ENVIRONMENT_SWITCH, "1").strip() != "0"


class _Fallback(Exception):
    """This request is for the normal executor (the reason is only for debug logs)."""


@dataclass(frozen=True)
class _Info:
    """The part of ``GraphQLResolveInfo`` this server's resolvers read: the context."""

    context: RequestContext


#: A selection's collected fields, as `collect_fields` gives them.
_Collected = dict[str, list[FieldNode]]


@dataclass(frozen=True)
class _Plan:
    """A document's operation that the fast path can run.

    Attributes:
        operation: The operation.
        fragments: The document's fragments, by name.
        booleans: The operation's variables of type ``Boolean`` or ``Boolean!``, in order:
            a JSON boolean given for one coerces to itself, so only the other variables
            go through the executor's coercion; and ``@include``/``@skip`` can only depend
            on these, so their values key the cache of collected fields.
        boolean_names: The names of `booleans`, in the same order.
        others: The definitions of the other variables.
        collected: Collected fields by the values of `booleans`, then by selection.
    """

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    booleans: tuple[VariableDefinitionNode, ...]
    boolean_names: tuple[str, ...]
    others: tuple[VariableDefinitionNode, ...]
    collected: dict[tuple[Any, ...], dict[Any, _Collected]] = field(
        default_factory=dict, compare=False
    )


class FastPath:
    """Runs the queries it covers without the executor's per-field walk.

    Args:
        accounts: The service the resolvers call.
        schema: The executable schema (with this server's resolvers bound).
    """

    def __init__(self, accounts: Accounts, schema: GraphQLSchema) -> None:
        self.accounts = accounts
        self.schema = schema
        # Keyed by the document's identity: the HTTP layer hands the same cached
        # DocumentNode for the same text, and hashing a document walks all of it. The
        # document is kept in the value, so its id cannot be reused while cached.
        self._plans: dict[tuple[int, str | None], tuple[DocumentNode, _Plan | None]] = {}
        self._lock = threading.Lock()  # requests run on several worker threads

    def execute(
        self,
        document: DocumentNode,
        caller: Caller,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        *,
        deadline: Deadline | None = None,
        keep_plan: bool = True,
    ) -> dict[str, Any] | None:
        """Runs a valid document, as the executor would, when it is covered and succeeds.

        Args:
            document: The parsed and validated document.
            caller: The authenticated caller.
            variables: The request's raw variables, if any.
            operation_name: The request's operation name, if any.
            deadline: When the request must be done by; none when ``None``.
            keep_plan: Whether to keep the plan for the next request of this document:
                the HTTP layer keeps only documents it caches, so plans of documents it
                does not (the long ones) would only fill memory.

        Returns:
            The response body (``{"data": ...}``), or ``None`` when the normal executor
            must answer: the document is not covered, or something went wrong.
        """
        plan = self.plan(document, operation_name, keep=keep_plan)
        if plan is None:
            return None
        try:
            return {"data": self._run(plan, caller, variables, deadline)}
        except Exception as error:  # every error is the executor's to answer
            logger.debug("fast path: falling back to the executor: %r", error)
            return None

    def plan_count(self) -> int:
        """How many plans are kept (at most as many as the HTTP layer keeps documents)."""
        return len(self._plans)

    def plan(
        self, document: DocumentNode, operation_name: str | None, *, keep: bool = True
    ) -> _Plan | None:
        """The plan of a document's operation, or ``None`` when the fast path does not cover it.

        Args:
            document: The parsed and validated document.
            operation_name: The request's operation name, if any.
            keep: Whether to keep the plan for the next request of the same document.
        """
        key = (id(document), operation_name)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is document:
            return cached[1]
        plan = self._compile(document, operation_name)
        if not keep:
            return plan
        with self._lock:
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.pop(next(iter(self._plans)))
            self._plans[key] = (document, plan)
        return plan

    def _compile(self, document: DocumentNode, operation_name: str | None) -> _Plan | None:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is None:
            chosen = operations if len(operations) == 1 else []
        else:
            chosen = [o for o in operations if o.name and o.name.value == operation_name]
        if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY:
            return None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        query_type = self.schema.query_type
        if query_type is None:
            return None
        if not self._covered(chosen[0].selection_set, query_type, fragments, set()):
            return None
        definitions = chosen[0].variable_definitions or ()
        booleans = tuple(d for d in definitions if _is_boolean(d.type))
        return _Plan(
            operation=chosen[0],
            fragments=fragments,
            booleans=booleans,
            boolean_names=tuple(d.variable.name.value for d in booleans),
            others=tuple(d for d in definitions if not _is_boolean(d.type)),
        )

    def _covered(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        fragments: dict[str, FragmentDefinitionNode],
        visiting: set[str],
    ) -> bool:
        """Whether every selection is a field of the schema, with no other directive."""
        for selection in selection_set.selections:
            directives = selection.directives or ()
            if any(d.name.value not in _FIELD_DIRECTIVES for d in directives):
                return False
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name == "__typename":
                    continue
                field = parent.fields.get(name)
                if field is None:  # __schema, __type
                    return False
                named = _named_type(field.type)
                if selection.selection_set is not None and (
                    not isinstance(named, GraphQLObjectType)
                    or not self._covered(selection.selection_set, named, fragments, visiting)
                ):
                    return False
            elif isinstance(selection, InlineFragmentNode):
                if not self._fragment_covered(
                    selection.type_condition.name.value if selection.type_condition else None,
                    selection.selection_set,
                    parent,
                    fragments,
                    visiting,
                ):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in visiting:
                    return False
                if not self._fragment_covered(
                    fragment.type_condition.name.value,
                    fragment.selection_set,
                    parent,
                    fragments,
                    visiting | {name},
                ):
                    return False
        return True

    def _fragment_covered(
        self,
        type_condition: str | None,
        selection_set: SelectionSetNode,
        parent: GraphQLObjectType,
        fragments: dict[str, FragmentDefinitionNode],
        visiting: set[str],
    ) -> bool:
        # The schema has no interfaces or unions: a valid fragment is on its parent's type.
        if type_condition is not None and type_condition != parent.name:
            return False
        return self._covered(selection_set, parent, fragments, visiting)

    # -- execution ----------------------------------------------------------------------

    def _run(
        self,
        plan: _Plan,
        caller: Caller,
        variables: dict[str, Any] | None,
        deadline: Deadline | None,
    ) -> dict[str, Any]:
        raw = variables or {}
        # Each variable coerces on its own; the executor's coercion runs on all but the
        # booleans given as JSON booleans, which coerce to themselves (Boolean.parse_value).
        names = plan.boolean_names
        given = [type(raw.get(name)) is bool for name in names]
        rest = list(plan.others)
        if not all(given):
            rest.extend(d for d, is_bool in zip(plan.booleans, given, strict=True) if not is_bool)
        coerced = get_variable_values(self.schema, rest, raw) if rest else {}
        if isinstance(coerced, list):
            raise _Fallback("variables do not coerce")
        for name, is_bool in zip(names, given, strict=True):
            if is_bool:
                coerced[name] = raw[name]
        query_type = self.schema.query_type
        assert query_type is not None  # checked when the plan was made
        flags = tuple(map(coerced.get, names, repeat(Undefined)))
        collected = plan.collected.get(flags)
        if collected is None:
            collected = {}
            with self._lock:
                if len(plan.collected) >= _COLLECTED_CACHE_SIZE:
                    plan.collected.clear()
                plan.collected[flags] = collected
        run = _Run(
            schema=self.schema,
            fragments=plan.fragments,
            variables=coerced,
            info=_Info(RequestContext(accounts=self.accounts, caller=caller, deadline=deadline)),
            collected=collected,
        )
        fields = collected.get(_ROOT)
        if fields is None:
            fields = collected[_ROOT] = collect_fields(
                self.schema, plan.fragments, coerced, query_type, plan.operation.selection_set
            )
        return run.complete_fields(query_type, fields, [None])[0]


def _is_boolean(type_node: TypeNode) -> bool:
    if isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    return isinstance(type_node, NamedTypeNode) and type_node.name.value == GraphQLBoolean.name


def _named_type(type_: GraphQLOutputType) -> Any:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_


@dataclass
class _Run:
    """One request's execution: its coerced variables and its resolver context."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    info: _Info
    #: Collected fields by selection, for these variables' values (shared by requests).
    collected: dict[Any, _Collected]

    def complete_fields(
        self,
        parent: GraphQLObjectType,
        fields: dict[str, list[FieldNode]],
        sources: Sequence[Any],
    ) -> list[dict[str, Any]]:
        """The objects of `parent` type for `sources`, column by column.

        The deadline is looked at before each column, as the executor looks at it before
        each field: 990 sibling root fields stop within one field of it.
        """
        deadline = self.info.context.deadline
        columns: list[list[Any]] = []
        for nodes in fields.values():
            if deadline is not None:
                deadline.check()
            name = nodes[0].name.value
            if name == "__typename":
                columns.append([parent.name] * len(sources))
                continue
            definition = parent.fields[name]
            if definition.resolve is None:
                # graphql-core's default resolver reads `source.get(name)` from a mapping;
                # this server's resolvers return dicts (anything else raises here: the
                # executor answers). A callable value, which that resolver would call,
                # is caught where the column is serialized.
                values = list(map(dict.get, sources, repeat(name)))
            elif definition.resolve in COLUMN_RESOLVERS and not definition.args:
                values = COLUMN_RESOLVERS[definition.resolve](sources, self.info)
            else:
                arguments = get_argument_values(definition, nodes[0], self.variables)
                resolve: Callable[..., Any] = definition.resolve
                values = [resolve(source, self.info, **arguments) for source in sources]
            columns.append(self.complete_values(definition.type, nodes, values))
        if not columns:
            return [{} for _ in sources]
        return _row_builder(tuple(fields))(columns)

    def complete_values(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], values: list[Any]
    ) -> list[Any]:
        """Completes a column of resolved values as the executor's ``complete_value`` does."""
        if isinstance(type_, GraphQLNonNull):
            if None in values:  # the values are plain data: no __eq__ surprises
                raise _Fallback("null for a non-null field")
            return self.complete_values(type_.of_type, nodes, values)
        if isinstance(type_, GraphQLList):
            return self._complete_lists(type_, nodes, values)
        if isinstance(type_, GraphQLObjectType):
            if type_.is_type_of is not None:
                raise _Fallback(f"{type_.name} has is_type_of")
            present = [value for value in values if value is not None]
            if not present:
                return values
            key = (type_.name, *map(id, nodes))
            sub_fields = self.collected.get(key)
            if sub_fields is None:
                sub_fields = self.collected[key] = collect_sub_fields(
                    self.schema, self.fragments, self.variables, type_, nodes
                )
            completed = self._complete_objects(type_, sub_fields, present)
            if len(present) == len(values):
                return completed
            rest = iter(completed)
            return [None if value is None else next(rest) for value in values]
        if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
            return _serialize_column(type_, values)
        raise _Fallback(f"no completion for {type_}")

    def _complete_objects(
        self, type_: GraphQLObjectType, fields: dict[str, list[FieldNode]], sources: list[Any]
    ) -> list[dict[str, Any]]:
        """The objects of `type_` for `sources`, each distinct source completed once when
        every field is a leaf read from the source (no resolver: nothing else is called).

        A page's users share their organization's dict: its ``{id name}`` is the same
        object for every row, and the encoder writes it as many times.
        """
        if len(sources) > 1 and all(
            name == "__typename"
            or (
                type_.fields[name].resolve is None
                and isinstance(_named_type(type_.fields[name].type), _LEAF_TYPES)
            )
            for name in (nodes[0].name.value for nodes in fields.values())
        ):
            distinct = {id(source): source for source in sources}
            if len(distinct) < len(sources):
                completed = self.complete_fields(type_, fields, list(distinct.values()))
                by_source = dict(zip(distinct, completed, strict=True))
                return [by_source[id(source)] for source in sources]
        return self.complete_fields(type_, fields, sources)

    def _complete_lists(
        self, type_: GraphQLList[Any], nodes: list[FieldNode], values: list[Any]
    ) -> list[Any]:
        # All the rows' items are completed together, then cut back into lists.
        items: list[Any] = []
        lengths: list[int | None] = []
        for value in values:
            if value is None:
                lengths.append(None)
                continue
            if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
                raise _Fallback("a list field resolved to something else")
            items.extend(value)
            lengths.append(len(value))
        completed = self.complete_values(type_.of_type, nodes, items)
        out: list[Any] = []
        start = 0
        for length in lengths:
            if length is None:
                out.append(None)
            else:
                out.append(completed[start : start + length])
                start += length
        return out


@functools.lru_cache(maxsize=_PLAN_CACHE_SIZE)
def _row_builder(keys: tuple[str, ...]) -> Callable[[list[list[Any]]], list[dict[str, Any]]]:
    """A function building the objects of these response keys from their columns.

    A dict display with constant keys (as ``namedtuple`` and ``dataclasses`` write their
    methods) builds a row about three times faster than ``dict(zip(keys, row))``. The keys
    are GraphQL names (``[_A-Za-z][_0-9A-Za-z]*``), written with ``repr`` all the same.
    """
    names = [f"v{i}" for i in range(len(keys))]
    items = ", ".join(f"{key!r}: {name}" for key, name in zip(keys, names, strict=True))
    source = (
        "def build(columns):\n"
        f"    return [{{{items}}} for {', '.join(names)}, in zip(*columns, strict=True)]\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # only GraphQL names, written as repr literals
    build: Callable[[list[list[Any]]], list[dict[str, Any]]] = namespace["build"]
    return build


def _serialize_column(type_: GraphQLScalarType | GraphQLEnumType, values: list[Any]) -> list[Any]:
    """Serializes a column of leaf values as the executor would, nulls left as they are."""
    # The built-in scalars' serializers return a value of the exact type unchanged: a
    # column of such values (the usual case) needs no call per value.
    exact: type | None = None
    if type_ is GraphQLString or type_ is GraphQLID:
        exact = str
    elif type_ is GraphQLBoolean:
        exact = bool
    if exact is not None:
        if set(map(type, values)) <= {exact, type(None)}:
            return values
    elif type_ is GraphQLInt and set(map(type, values)) <= {int, type(None)}:
        present = [value for value in values if value is not None]
        if not present or (min(present) >= _INT_MIN and max(present) <= _INT_MAX):
            return values
    if set(map(type, values)) <= {str, type(None)}:
        # Strings (enum values, dates): the same string serializes the same way, so each
        # distinct one is serialized once; a page has few roles, often few dates.
        distinct = set(values)
        distinct.discard(None)
        serialized = dict(zip(distinct, _serialize_values(type_, list(distinct)), strict=True))
        serialized[None] = None
        return list(map(serialized.__getitem__, values))
    return _serialize_values(type_, values)


def _serialize_values(type_: GraphQLScalarType | GraphQLEnumType, values: list[Any]) -> list[Any]:
    serialize = type_.serialize
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        if callable(value):
            raise _Fallback("a callable field value")
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise _Fallback(f"{type_.name} serialized {value!r} as nothing")
        out.append(serialized)
    return out
