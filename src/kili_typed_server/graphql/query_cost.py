"""The cost model: how much work one GraphQL request may ask of the server.

Measured with fragments expanded (each fragment is measured once, so a "fragment bomb"
costs linear time to refuse), aliases counting as copies and introspection included:

- depth: selections nest at most ``limits.MAX_QUERY_DEPTH`` levels, or
  ``limits.MAX_INTROSPECTION_DEPTH`` inside ``__schema`` and ``__type``;
- size: at most ``limits.MAX_SELECTED_FIELDS`` fields in all;
- cost: at most a budget of units of work (``limits.MAX_QUERY_COST`` unless the server
  is told otherwise): each field counts once per item of every list around it, so rows
  times fields, aliases as copies. A paged list counts as its ``first`` (the largest page
  when not a literal), ``Organization.users`` as the users of the caller's organization
  (known when the request arrives), ``organizations`` as one (a caller sees its own), the
  introspection lists as the schema's real sizes. Each item of a list given as an
  argument (``where: {idIn: [...]}``, written in the document or in a variable) counts
  one unit more per time the field runs;
- scans: a field that reads the database by a filter (``countUsers``, ``users``,
  ``countApiKeys``, ``apiKeys``, ``countOrganizations``, ``organizations``, and
  ``Organization.activeUsersCount``) counts the rows it may visit (see ``scan_rows.py``:
  the users of the caller's organization unless an index narrows them), at
  ``limits.ROWS_PER_UNIT`` rows a unit, once per time it runs, aliases as copies;
- ``__schema`` at most ``limits.MAX_SCHEMA_INTROSPECTIONS`` times;
- a mutation holds at most ``limits.MAX_ROOT_MUTATION_FIELDS`` root fields.

``Organization.users`` inside a list (``users { organization { users { email } } }``, which
the official SDK sends for ``fields=["organization.users.email"]``) is allowed, as Kili
allows it: each of its copies counts as the organization's users, times the items around it.

The part of the cost that does not depend on the request (the document alone) is checked
by :func:`cost_rule`, a validation rule, once per document; :meth:`Cost.total` adds the
organization's size and the variables' lists for each request, before it runs (see
``app.py``). A request over the budget is refused before any resolver runs.
"""

# pyright: basic
# graphql-core annotates its type classes loosely (GraphQLField.type, GraphQLNonNull.of_type
# and the fields of named types are partly unknown to pyright), and this module walks them
# throughout; mypy --strict still checks it.

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
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
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    ValidationContext,
    ValueNode,
    VariableNode,
    get_named_type,
    is_input_object_type,
    is_list_type,
    value_from_ast_untyped,
)

from kili_typed_server.core import limits
from kili_typed_server.graphql.scan_rows import (
    ORGANIZATION_COUNTS,
    SCANNING_ROOT_FIELDS,
    scan_rows,
)

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
#: Fields answering every user of the caller's organization, not paged: their size is
#: the organization's, known when the request arrives.
_WHOLE_COLLECTIONS = frozenset({("Organization", "users")})
#: Lists whose size is known whatever the request: a caller sees one organization.
_KNOWN_SIZES = {("Query", "organizations"): 1, ("User", "organizations"): 1}
#: Items assumed for a list that is neither paged nor introspection (e.g. ``User.apiKeys``).
UNPAGED_LIST_ESTIMATE = 10
#: Digits beyond which an integer literal is not read (``int()`` of a long one is slow, and
#: Python refuses more than 4,300 digits): any such ``first`` means "the largest page".
_MAX_INT_DIGITS = 20


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


def _add(first: Mapping[str, int], second: Mapping[str, int], times: int = 1) -> dict[str, int]:
    total = dict(first)
    for name, weight in second.items():
        total[name] = total.get(name, 0) + weight * times
    return total


def list_items(value: object) -> int:
    """The items of every list in a JSON value, at any depth, without recursion."""
    count = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            items: list[Any] = item
            count += len(items)
            pending.extend(items)
        elif isinstance(item, dict):
            members: dict[str, Any] = item
            pending.extend(members.values())
    return count


@dataclass(frozen=True)
class Cost:
    """What a selection set asks for.

    Attributes:
        values: Units of work whatever the request's sizes.
        per_member: Units per user of the caller's organization (``Organization.users``).
        per_item: Units per list item of each variable, by variable name.
        defaults: List items in each variable's default value, used when it is not given.
        default_values: Each variable's default value, for the scans' arguments.
        scans: The fields that scan the database, by identity: the field and how many
            times it runs.
        counts_organization: Whether ``Organization.activeUsersCount`` is selected (a
            request counts each organization's users once).
    """

    depth: int = 0
    introspection_depth: int = 0
    fields: int = 0
    values: int = 0
    per_member: int = 0
    per_item: Mapping[str, int] = field(default_factory=dict[str, int])
    defaults: Mapping[str, int] = field(default_factory=dict[str, int])
    schema_introspections: int = 0
    default_values: Mapping[str, Any] = field(default_factory=dict[str, Any])
    scans: Mapping[int, tuple[FieldNode, int]] = field(
        default_factory=dict[int, tuple[FieldNode, int]]
    )
    counts_organization: bool = False

    @property
    def needs_members(self) -> bool:
        """Whether :meth:`total` reads the size of the caller's organization."""
        return bool(self.per_member or self.scans or self.counts_organization)

    def merge(self, other: Cost) -> Cost:
        """Combines sibling selections."""
        return Cost(
            depth=max(self.depth, other.depth),
            introspection_depth=max(self.introspection_depth, other.introspection_depth),
            fields=min(self.fields + other.fields, limits.MAX_SELECTED_FIELDS + 1),
            values=self.values + other.values,
            per_member=self.per_member + other.per_member,
            per_item=_add(self.per_item, other.per_item) if other.per_item else self.per_item,
            schema_introspections=self.schema_introspections + other.schema_introspections,
            scans=_add_scans(self.scans, other.scans) if other.scans else self.scans,
            counts_organization=self.counts_organization or other.counts_organization,
        )

    def total(self, variables: Mapping[str, Any] | None, members: int) -> int:
        """The cost of one request of this operation.

        Args:
            variables: The request's variables, as sent.
            members: Users in the caller's organization (what ``Organization.users``
                answers, at most ``limits.MAX_UNPAGED_USERS_PER_REQUEST``, and what a
                scan may visit); only read when :attr:`needs_members`.

        Returns:
            The units of work it may take.
        """
        total = self.values + self.per_member * min(members, limits.MAX_UNPAGED_USERS_PER_REQUEST)
        given = variables or {}
        for name, weight in self.per_item.items():
            items = list_items(given[name]) if name in given else self.defaults.get(name, 0)
            total += weight * items
        if self.scans or self.counts_organization:
            rows = self.scanned_rows({**self.default_values, **given}, members)
            total += -(-rows // limits.ROWS_PER_UNIT)
        return total

    def scanned_rows(self, variables: dict[str, Any], members: int) -> int:
        """The rows the scans of one request may visit (see ``scan_rows.py``)."""
        rows = members if self.counts_organization else 0
        for node, times in self.scans.values():
            rows += times * scan_rows(node, variables, members)
        return rows


def _add_scans(
    first: Mapping[int, tuple[FieldNode, int]],
    second: Mapping[int, tuple[FieldNode, int]],
    times: int = 1,
) -> dict[int, tuple[FieldNode, int]]:
    total = dict(first)
    for key, (node, count) in second.items():
        total[key] = (node, total[key][1] + count * times if key in total else count * times)
    return total


def _is_list(field_type: GraphQLOutputType) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return is_list_type(field_type)


def _page_size(node: FieldNode) -> int:
    """The items a paged field answers at most: its literal ``first``, else the largest page."""
    for argument in node.arguments:
        if argument.name.value == "first" and isinstance(argument.value, IntValueNode):
            digits = argument.value.value
            if len(digits) > _MAX_INT_DIGITS:
                return limits.MAX_PAGE_SIZE
            return max(0, min(int(digits), limits.MAX_PAGE_SIZE))
    return limits.MAX_PAGE_SIZE


def _value_lists(values: Iterable[ValueNode]) -> tuple[int, dict[str, int]]:
    """The list items written in argument values, and the uses of each variable there."""
    items = 0
    variables: dict[str, int] = {}
    pending = list(values)
    while pending:
        value = pending.pop()
        if isinstance(value, ListValueNode):
            items += len(value.values)
            pending.extend(value.values)
        elif isinstance(value, ObjectValueNode):
            pending.extend(member.value for member in value.fields)
        elif isinstance(value, VariableNode):
            name = value.name.value
            variables[name] = variables.get(name, 0) + 1
    return items, variables


class _Measure:
    """Measures the operations of one document, each fragment once."""

    def __init__(self, document: DocumentNode, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.list_sizes = _introspection_list_sizes(schema)
        self.definitions = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragments: dict[tuple[str, bool], Cost] = {}
        self.in_progress: set[str] = set()

    def operation(self, node: OperationDefinitionNode) -> Cost:
        cost = self.selection_set(node.selection_set, self.schema.get_root_type(node.operation))
        defaults: dict[str, int] = {}
        default_values: dict[str, Any] = {}
        for definition in node.variable_definitions or ():
            value = definition.default_value
            if value is not None:
                defaults[definition.variable.name.value] = _value_lists([value])[0]
                default_values[definition.variable.name.value] = value_from_ast_untyped(value)
        if not defaults:
            return cost
        return replace(cost, defaults=defaults, default_values=default_values)

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
        definition = self.definitions.get(name)
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
        key = (parent.name, name) if parent is not None else None
        whole = key in _WHOLE_COLLECTIONS
        inner = self.selection_set(node.selection_set, child_type, introspection)
        # Arguments are read each time the field runs: their lists count once per run.
        argument_items, argument_variables = _value_lists(a.value for a in node.arguments)
        is_list = definition is not None and _is_list(definition.type)
        if key in _KNOWN_SIZES:
            items = _KNOWN_SIZES[key]
        elif not is_list:
            items = 1
        elif whole:
            items = 0  # counted per member of the organization, below
        elif introspection:
            items = self.list_sizes.get(name, UNPAGED_LIST_ESTIMATE)
        elif definition is not None and "first" in definition.args:
            items = _page_size(node)
        else:
            items = UNPAGED_LIST_ESTIMATE
        # Inside a whole collection, what counts per member is bounded by the largest one
        # answered: one whole collection inside another counts the inner one's members as
        # many as one request may answer.
        per_member = inner.values if whole else 0
        per_member += inner.per_member * (limits.MAX_UNPAGED_USERS_PER_REQUEST if whole else items)
        times = limits.MAX_UNPAGED_USERS_PER_REQUEST if whole else items
        depth = 1 + max(inner.depth, inner.introspection_depth)
        scans = _add_scans({}, inner.scans, times) if inner.scans else {}
        if parent is not None and parent.name == "Query" and name in SCANNING_ROOT_FIELDS:
            scans[id(node)] = (node, 1)
        return Cost(
            depth=0 if introspection else depth,
            introspection_depth=depth if introspection else 0,
            fields=min(1 + inner.fields, limits.MAX_SELECTED_FIELDS + 1),
            values=1 + argument_items + items * inner.values,
            per_member=per_member,
            per_item=_add(argument_variables, inner.per_item, times),
            schema_introspections=inner.schema_introspections + (name == "__schema"),
            scans=scans,
            counts_organization=inner.counts_organization or key in ORGANIZATION_COUNTS,
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
                definition = self.definitions.get(name)
                if definition is not None and name not in seen:
                    count += self.root_fields(definition.selection_set, seen | {name})
        return count


def _name(node: OperationDefinitionNode) -> str:
    return f'"{node.name.value}"' if node.name else "The anonymous operation"


def over_budget(name: str, cost: int, budget: int) -> str:
    """The message refusing an operation whose cost is over the budget."""
    return (
        f"{name} may cost {cost} units of work, more than the {budget} one request may "
        "take: each field counts once per item of the lists around it (a page as its "
        "first, Organization.users as the users of your organization, aliases as "
        "copies), each item of a list argument counts once per time its field runs, and "
        "each count or filtered list counts the rows it may visit (every user of your "
        f"organization unless it filters by id or email), {limits.ROWS_PER_UNIT} rows a "
        "unit; ask for fewer fields, fewer aliases or shorter lists, or page with "
        "users(where, first, skip)"
    )


def operation_costs(schema: GraphQLSchema, document: DocumentNode) -> dict[str | None, Cost]:
    """The cost of each operation of a valid document, by name (``None``: anonymous)."""
    measure = _Measure(document, schema)
    return {
        None if d.name is None else d.name.value: measure.operation(d)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }


def cost_rule(budget: int) -> type[ASTValidationRule]:
    """The validation rule refusing what a document alone shows to be over the limits.

    Args:
        budget: The most units of work one request may take (see the module's doc).

    Returns:
        A rule for ``graphql.validate``.
    """

    class QueryCostRule(ASTValidationRule):
        """Refuses operations too deep, too large or too costly."""

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            """Measures one operation when the validator reaches it."""
            context = self.context
            assert isinstance(context, ValidationContext)
            measure = _Measure(context.document, context.schema)
            cost = measure.operation(node)
            for problem in _problems(node, cost, budget, measure):
                self.report_error(GraphQLError(problem, node))

    return QueryCostRule


def _problems(
    node: OperationDefinitionNode, cost: Cost, budget: int, measure: _Measure
) -> list[str]:
    name = _name(node)
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
    elif cost.values > budget:
        problems.append(over_budget(name, cost.values, budget))
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
    return problems


#: The rule with the default budget.
QueryCostRule = cost_rule(limits.MAX_QUERY_COST)
