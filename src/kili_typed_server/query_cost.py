"""A validation rule that bounds how much work one GraphQL document may ask for.

Three bounds, measured with fragments expanded (each fragment is measured once, so a
"fragment bomb" costs linear time to refuse):

- depth: selections nest at most ``limits.MAX_QUERY_DEPTH`` levels;
- size: at most ``limits.MAX_SELECTED_FIELDS`` fields in all (aliases make copies);
- ``Organization.users`` (every user of the organization) may not sit inside a list,
  where it would be repeated for each item of a page.

Introspection (``__schema``, ``__type``) is exempt: the schema itself bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    get_named_type,
    get_nullable_type,  # pyright: ignore[reportUnknownVariableType]  (graphql-core's own)
    is_list_type,
)

from kili_typed_server import limits

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
#: Fields answering a whole unpaged collection: never allowed inside a list.
_WHOLE_COLLECTIONS = frozenset({("Organization", "users")})


@dataclass(frozen=True)
class Cost:
    """What a selection set asks for."""

    depth: int = 0
    fields: int = 0
    has_whole_collection: bool = False
    whole_collection_in_list: bool = False

    def merge(self, other: Cost) -> Cost:
        """Combines sibling selections."""
        return Cost(
            depth=max(self.depth, other.depth),
            fields=min(self.fields + other.fields, limits.MAX_SELECTED_FIELDS + 1),
            has_whole_collection=self.has_whole_collection or other.has_whole_collection,
            whole_collection_in_list=self.whole_collection_in_list
            or other.whole_collection_in_list,
        )


class _Measure:
    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.schema = context.schema
        self.fragments: dict[str, Cost] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Cost:
        cost = Cost()
        if node is None:
            return cost
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                cost = cost.merge(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost = cost.merge(self.selection_set(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                cost = cost.merge(self.fragment(selection.name.value))
        return cost

    def fragment(self, name: str) -> Cost:
        if name in self.fragments:
            return self.fragments[name]
        definition = self.context.get_fragment(name)
        if definition is None or name in self.in_progress:
            return Cost()  # unknown or cyclic: other rules report it
        self.in_progress.add(name)
        parent = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selection_set(definition.selection_set, parent)
        self.in_progress.discard(name)
        self.fragments[name] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Cost:
        name = node.name.value
        if name in _INTROSPECTION_ROOTS:
            return Cost()
        definition = parent.fields.get(name) if isinstance(parent, GraphQLObjectType) else None
        # graphql-core's GraphQLNamedType is partly unknown to pyright; the value is one.
        child_type: GraphQLNamedType | None = (  # pyright: ignore[reportUnknownVariableType]
            None if definition is None else get_named_type(definition.type)
        )
        is_list = definition is not None and is_list_type(get_nullable_type(definition.type))
        whole = parent is not None and (parent.name, name) in _WHOLE_COLLECTIONS
        inner = self.selection_set(node.selection_set, child_type)  # pyright: ignore[reportUnknownArgumentType]
        return Cost(
            depth=1 + inner.depth,
            fields=min(1 + inner.fields, limits.MAX_SELECTED_FIELDS + 1),
            has_whole_collection=whole or inner.has_whole_collection,
            whole_collection_in_list=inner.whole_collection_in_list
            or (is_list and inner.has_whole_collection),
        )


class QueryCostRule(ASTValidationRule):
    """Refuses operations too deep, too large, or repeating a whole collection per item."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measures one operation when the validator reaches it."""
        context = self.context
        assert isinstance(context, ValidationContext)
        root = context.schema.get_root_type(node.operation)
        cost = _Measure(context).selection_set(node.selection_set, root)
        name = repr(node.name.value) if node.name else "the anonymous operation"
        if cost.depth > limits.MAX_QUERY_DEPTH:
            self.report_error(
                GraphQLError(
                    f"{name} nests {cost.depth} levels deep; "
                    f"at most {limits.MAX_QUERY_DEPTH} accepted",
                    node,
                )
            )
        if cost.fields > limits.MAX_SELECTED_FIELDS:
            self.report_error(
                GraphQLError(
                    f"{name} selects more than {limits.MAX_SELECTED_FIELDS} fields "
                    "(counting fragments and aliases); split it into several requests",
                    node,
                )
            )
        if cost.whole_collection_in_list:
            self.report_error(
                GraphQLError(
                    f"{name} selects Organization.users inside a list, which would repeat "
                    "every user of the organization for each item; select it once, "
                    "e.g. viewer { organization { users { ... } } }, or page with users",
                    node,
                )
            )
