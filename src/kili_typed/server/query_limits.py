"""Validation rules that bound how much work one GraphQL document may ask for."""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)

from kili_typed.server import limits

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


def _depth(
    context: ValidationContext, selection_set: SelectionSetNode | None, seen: frozenset[str]
) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in _INTROSPECTION_ROOTS:
                continue  # introspection is bounded by the schema itself
            deepest = max(deepest, 1 + _depth(context, selection.selection_set, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(context, selection.selection_set, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is not None and name not in seen:
                deepest = max(deepest, _depth(context, fragment.selection_set, seen | {name}))
    return deepest


class MaxDepthRule(ASTValidationRule):
    """Refuses operations whose selections nest deeper than ``limits.MAX_QUERY_DEPTH``."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        """Measures one operation's depth when the validator reaches it."""
        context = self.context
        assert isinstance(context, ValidationContext)
        depth = _depth(context, node.selection_set, frozenset())
        if depth > limits.MAX_QUERY_DEPTH:
            name = node.name.value if node.name else "anonymous"
            self.report_error(
                GraphQLError(
                    f"operation {name!r} nests {depth} levels deep; "
                    f"at most {limits.MAX_QUERY_DEPTH} accepted",
                    node,
                )
            )
