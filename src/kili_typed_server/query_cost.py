"""A validation rule that bounds how much work one GraphQL document may ask for.

Measured with fragments expanded (each fragment is measured once, so a "fragment bomb"
costs linear time to refuse), aliases counting as copies and introspection included:

- depth: selections nest at most ``limits.MAX_QUERY_DEPTH`` levels, or
  ``limits.MAX_INTROSPECTION_DEPTH`` inside ``__schema`` and ``__type``;
- size: at most ``limits.MAX_SELECTED_FIELDS`` fields in all;
- cost: at most ``limits.MAX_QUERY_COST`` values answered, estimated by counting each
  field once per item of every list around it (a paged list as its ``first``, the
  introspection lists as the schema's real sizes), so that aliased copies of a page or of
  the schema add up;
- ``__schema`` at most ``limits.MAX_SCHEMA_INTROSPECTIONS`` times;
- a mutation holds at most ``limits.MAX_ROOT_MUTATION_FIELDS`` root fields;
- ``Organization.users`` (every user of the organization, not paged) may not sit inside
  a list, where it would be repeated for each item of a page. Its size is known only when
  it runs: the resolvers count its users against ``limits.MAX_UNPAGED_USERS_PER_REQUEST``.
"""

# pyright: basic
# graphql-core annotates its type classes loosely (GraphQLField.type, GraphQLNonNull.of_type
# and the fields of named types are partly unknown to pyright), and this module walks them
# throughout; mypy --strict still checks it.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    ValidationContext,
    get_named_type,
    is_input_object_type,
    is_list_type,
)

from kili_typed_server import limits

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
#: Fields answering a whole unpaged collection: never allowed inside a list.
_WHOLE_COLLECTIONS = frozenset({("Organization", "users")})
#: Items assumed for a list that is neither paged nor introspection (e.g. ``User.apiKeys``).
UNPAGED_LIST_ESTIMATE = 10
#: Fields counted once, whatever their type: the resolvers bound them at run time.
_COUNTED_AT_RUN_TIME = frozenset({("Organization", "users"), ("User", "organizations")})


def _introspection_list_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """How many items each introspection list answers on average over this schema.

    Averages over all types, not maxima: nested lists (``types { fields { args } }``) then
    multiply to about the real total, where maxima would multiply to many times it.
    """
    named = list(schema.type_map.values())

    def average(counts: list[int]) -> int:
        return -(-sum(counts) // len(counts)) if counts else 0

    fields: list[object] = [
        field
        for named_type in named
        if isinstance(named_type, (GraphQLObjectType, GraphQLInterfaceType))
        for field in named_type.fields.values()
    ]

    def per_type(count: Callable[[GraphQLNamedType], int]) -> int:
        return average([count(t) for t in named])

    return {
        "types": len(named),
        "directives": len(schema.directives),
        "fields": per_type(
            lambda t: 0 if is_input_object_type(t) else len(getattr(t, "fields", {}))
        ),
        "inputFields": per_type(
            lambda t: len(t.fields) if isinstance(t, GraphQLInputObjectType) else 0
        ),
        "enumValues": per_type(lambda t: len(t.values) if isinstance(t, GraphQLEnumType) else 0),
        "args": max(1, average([len(getattr(f, "args", {})) for f in fields])),
        "interfaces": per_type(lambda t: len(getattr(t, "interfaces", ()))),
        "possibleTypes": per_type(
            lambda t: (
                len(schema.get_possible_types(t))
                if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)
                else 0
            )
        ),
        "locations": average([len(d.locations) for d in schema.directives]),
    }


@dataclass(frozen=True)
class Cost:
    """What a selection set asks for."""

    depth: int = 0
    introspection_depth: int = 0
    fields: int = 0
    values: int = 0
    schema_introspections: int = 0
    has_whole_collection: bool = False
    whole_collection_in_list: bool = False

    def merge(self, other: Cost) -> Cost:
        """Combines sibling selections."""
        return Cost(
            depth=max(self.depth, other.depth),
            introspection_depth=max(self.introspection_depth, other.introspection_depth),
            fields=min(self.fields + other.fields, limits.MAX_SELECTED_FIELDS + 1),
            values=min(self.values + other.values, limits.MAX_QUERY_COST + 1),
            schema_introspections=self.schema_introspections + other.schema_introspections,
            has_whole_collection=self.has_whole_collection or other.has_whole_collection,
            whole_collection_in_list=self.whole_collection_in_list
            or other.whole_collection_in_list,
        )


def _is_list(field_type: GraphQLOutputType) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return is_list_type(field_type)


def _page_size(node: FieldNode) -> int:
    """The items a paged field answers at most: its literal ``first``, else the largest page."""
    for argument in node.arguments:
        if argument.name.value == "first" and isinstance(argument.value, IntValueNode):
            return max(0, min(int(argument.value.value), limits.MAX_PAGE_SIZE))
    return limits.MAX_PAGE_SIZE


class _Measure:
    def __init__(self, context: ValidationContext, list_sizes: dict[str, int]) -> None:
        self.context = context
        self.schema = context.schema
        self.list_sizes = list_sizes
        self.fragments: dict[tuple[str, bool], Cost] = {}
        self.in_progress: set[str] = set()

    def selection_set(
        self,
        node: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        introspection: bool = False,
    ) -> Cost:
        cost = Cost()
        if node is None:
            return cost
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                cost = cost.merge(self.field(selection, parent, introspection))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost = cost.merge(self.selection_set(selection.selection_set, inner, introspection))
            elif isinstance(selection, FragmentSpreadNode):
                cost = cost.merge(self.fragment(selection.name.value, introspection))
        return cost

    def fragment(self, name: str, introspection: bool) -> Cost:
        if (name, introspection) in self.fragments:
            return self.fragments[name, introspection]
        definition = self.context.get_fragment(name)
        if definition is None or name in self.in_progress:
            return Cost()  # unknown or cyclic: other rules report it
        self.in_progress.add(name)
        parent = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection_set(definition.selection_set, parent, introspection)
        self.in_progress.discard(name)
        self.fragments[name, introspection] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, introspection: bool) -> Cost:
        name = node.name.value
        if name == "__typename":
            return Cost(depth=1, fields=1, values=1)
        introspection = introspection or name in _INTROSPECTION_ROOTS
        definition: GraphQLField | None
        if name in _INTROSPECTION_ROOTS:
            definition = SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        elif isinstance(parent, GraphQLObjectType):
            definition = parent.fields.get(name)
        else:
            definition = None
        child_type = None if definition is None else get_named_type(definition.type)
        is_list = definition is not None and _is_list(definition.type)
        key = (parent.name, name) if parent is not None else None
        whole = key in _WHOLE_COLLECTIONS
        inner = self.selection_set(node.selection_set, child_type, introspection)
        if not is_list or key in _COUNTED_AT_RUN_TIME:
            items = 1
        elif introspection:
            items = self.list_sizes.get(name, UNPAGED_LIST_ESTIMATE)
        elif definition is not None and "first" in definition.args:
            items = _page_size(node)
        else:
            items = UNPAGED_LIST_ESTIMATE
        depth = 1 + max(inner.depth, inner.introspection_depth)
        return Cost(
            depth=0 if introspection else depth,
            introspection_depth=depth if introspection else 0,
            fields=min(1 + inner.fields, limits.MAX_SELECTED_FIELDS + 1),
            values=min(1 + items * inner.values, limits.MAX_QUERY_COST + 1),
            schema_introspections=inner.schema_introspections + (name == "__schema"),
            has_whole_collection=whole or inner.has_whole_collection,
            whole_collection_in_list=inner.whole_collection_in_list
            or (is_list and inner.has_whole_collection),
        )

    def root_fields(self, node: SelectionSetNode, seen: frozenset[str] = frozenset()) -> int:
        """The number of fields directly in a root selection, through fragments."""
        count = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self.root_fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = self.context.get_fragment(name)
                if definition is not None and name not in seen:
                    count += self.root_fields(definition.selection_set, seen | {name})
        return count


class QueryCostRule(ASTValidationRule):
    """Refuses operations too deep, too large, too costly, or repeating a whole collection."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measures one operation when the validator reaches it."""
        context = self.context
        assert isinstance(context, ValidationContext)
        sizes = _introspection_list_sizes(context.schema)
        root = context.schema.get_root_type(node.operation)
        measure = _Measure(context, sizes)
        cost = measure.selection_set(node.selection_set, root)
        name = f'"{node.name.value}"' if node.name else "The anonymous operation"
        problems: list[str] = []
        if cost.depth > limits.MAX_QUERY_DEPTH:
            problems.append(
                f"{name} nests {cost.depth} levels deep; at most {limits.MAX_QUERY_DEPTH} accepted"
            )
        if cost.introspection_depth > limits.MAX_INTROSPECTION_DEPTH:
            problems.append(
                f"{name} nests introspection {cost.introspection_depth} levels deep; "
                f"at most {limits.MAX_INTROSPECTION_DEPTH} accepted"
            )
        if cost.fields > limits.MAX_SELECTED_FIELDS:
            problems.append(
                f"{name} selects more than {limits.MAX_SELECTED_FIELDS} fields "
                "(counting fragments, aliases and introspection); split it into several requests"
            )
        elif cost.values > limits.MAX_QUERY_COST:
            problems.append(
                f"{name} may answer more than {limits.MAX_QUERY_COST} values (each field counts "
                "once per item of the lists around it, a page as its first, aliases as copies); "
                "ask for smaller pages, fewer fields or fewer aliases"
            )
        if cost.schema_introspections > limits.MAX_SCHEMA_INTROSPECTIONS:
            problems.append(
                f"{name} selects __schema {cost.schema_introspections} times; "
                f"at most {limits.MAX_SCHEMA_INTROSPECTIONS} accepted"
            )
        if node.operation == OperationType.MUTATION:
            count = measure.root_fields(node.selection_set)
            if count > limits.MAX_ROOT_MUTATION_FIELDS:
                problems.append(
                    f"{name} holds {count} mutation fields; at most "
                    f"{limits.MAX_ROOT_MUTATION_FIELDS} accepted in one request"
                )
        if cost.whole_collection_in_list:
            problems.append(
                f"{name} selects Organization.users inside a list, which would repeat every "
                "user of the organization for each item; select it once, e.g. viewer "
                "{ organization { users { ... } } }, or page with users"
            )
        for problem in problems:
            self.report_error(GraphQLError(problem, node))
