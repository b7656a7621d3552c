"""Write `src/kili_typed/_user_fields.py` and its stub: typed selections of `User` fields.

The names `user_fields` accepts, the row classes and their per-key overloads all
mirror what `queries/users.graphql` selects, with the value types and
nullability of `schema.graphql`. They are written here, never by hand, so they
cannot drift from the schema: `make generate` runs this script and
`tools/check_generated.py` fails when its output is stale.

Usage: python tools/gen_selection.py [--output PATH]
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    OperationDefinitionNode,
    build_schema,
    parse,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema.graphql"
QUERY = ROOT / "queries" / "users.graphql"
OUTPUT = ROOT / "src" / "kili_typed" / "_user_fields.py"

#: Python types of scalar values in a row. Date-times are the ISO strings the
#: server sent; an enum's values are its `Literal` (so that a value read from a row
#: can be written back, e.g. `organization_role=row["organizationRole"]`).
SCALARS = {"ID": "str", "String": "str", "Boolean": "bool", "Int": "int", "Float": "float"}
SCALARS_AS_STR = {"DateTime"}

CONSTANTS = ROOT / "src" / "kili_typed" / "_constants.py"


def default_user_fields() -> tuple[str, ...]:
    """`DEFAULT_USER_FIELDS` of kili_typed._constants, read without importing the package."""
    for node in ast.parse(CONSTANTS.read_text()).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "DEFAULT_USER_FIELDS"
            and node.value is not None
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return tuple(str(v) for v in value)
    raise SystemExit(f"{CONSTANTS}: no DEFAULT_USER_FIELDS")


@dataclass(frozen=True)
class Leaf:
    name: str
    annotation: str


@dataclass(frozen=True)
class Nested:
    name: str
    many: bool
    nullable: bool
    leaves: tuple[Leaf, ...]

    @property
    def class_name(self) -> str:
        return f"User{self.name[0].upper()}{self.name[1:]}Row"

    @property
    def names_class(self) -> str:
        return f"User{self.name[0].upper()}{self.name[1:]}FieldNames"


def _scalar(type_: GraphQLOutputType, where: str) -> str:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLEnumType):
        base = "Literal[" + ", ".join(f'"{value}"' for value in inner.values) + "]"
    elif isinstance(inner, GraphQLScalarType) and inner.name in SCALARS_AS_STR:
        base = "str"
    elif isinstance(inner, GraphQLScalarType) and inner.name in SCALARS:
        base = SCALARS[inner.name]
    else:
        raise SystemExit(f"{where}: no Python type for {inner}; add it to SCALARS")
    return f"{base} | None" if nullable else base


def read_selection() -> tuple[list[Leaf], list[Nested]]:
    """The leaves and nested objects that the `users` operation selects on `User`."""
    schema = build_schema(SCHEMA.read_text())
    document = parse(QUERY.read_text())
    operation = next(
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == "users"
    )
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode) and root.selection_set is not None
    user = schema.get_type("User")
    assert isinstance(user, GraphQLObjectType)
    leaves: list[Leaf] = []
    nested: list[Nested] = []
    for node in root.selection_set.selections:
        assert isinstance(node, FieldNode)
        name = node.name.value
        type_ = user.fields[name].type
        if node.selection_set is None:
            leaves.append(Leaf(name, _scalar(type_, f"User.{name}")))
            continue
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        many = isinstance(inner, GraphQLList)
        if many:
            assert isinstance(inner, GraphQLList)
            inner = inner.of_type
            inner = inner.of_type if isinstance(inner, GraphQLNonNull) else inner
        assert isinstance(inner, GraphQLObjectType)
        subs = []
        for sub in node.selection_set.selections:
            assert isinstance(sub, FieldNode)
            sub_name = sub.name.value
            subs.append(
                Leaf(sub_name, _scalar(inner.fields[sub_name].type, f"{inner.name}.{sub_name}"))
            )
        nested.append(Nested(name, many, nullable, tuple(subs)))
    return leaves, nested


def _lit(*names: str) -> str:
    return "Literal[" + ", ".join(f'"{n}"' for n in names) + "]"


def _row_methods(w: Callable[[str], None]) -> None:
    """The members every row class declares before its per-key overloads."""
    w("    # dict(row), {**row}: their key type is read from keys(), and their value")
    w("    # type from the first overload that takes it, here Never's: Any.")
    w("    def keys(self) -> dict_keys[Any, Any]: ...")
    w("    @overload  # type: ignore[override]")
    w("    def __getitem__(self, key: Never, /) -> Any: ...")


#: One overload of a row's `__getitem__` and `get`: (self guard, key, value type, and
#: what `row[...]` alone accepts besides the `Literal` key: `F`'s spelling of it).
Get = tuple[str, str, str, str]


def _keyed_methods(gets: list[Get], w: Callable[[str], None]) -> None:
    """`__getitem__` and `get`, one overload per (self guard, key, value type).

    A key a row holds is always there: `get` returns its value, never the default.
    `row[...]` also takes the key's spelling in `F` (`F.organizations`, a nested row's
    `F.organizations.name`); `get` the string alone (a dict's `get` ignores `__missing__`).
    """
    for method in ("__getitem__", "get"):
        for number, (guard, key, value, also) in enumerate(gets):
            default = ", default: object = None" if method == "get" else ""
            ignore = "  # type: ignore[override]" if method == "get" and number == 0 else ""
            accepted = f'Literal["{key}"]'
            if method == "__getitem__" and also:
                accepted = f"{accepted} | {also}"
            w(f"    @overload{ignore}")
            w(f"    def {method}(self: {guard}, key: {accepted}{default}, /) -> {value}: ...")


#: A row's bases in the stub. The protocol `dict(row)` and `{**row}` ask for is named, so
#: that mypy takes a row for one where a `dict[str, Any]` or `dict[str, object]` is
#: expected: structurally, it would look for a `__getitem__` taking any str, the very
#: overload whose absence makes `row["emial"]` an error.
ROW_BASES = "dict[str, Any], SupportsKeysAndGetItem[str, Any]"


F_DOC = (
    "Every name `user_fields` accepts, as an attribute: `F.email`, `F.organizations.name`.",
    "",
    'Each attribute is the name itself (`F.organizations.name == "organizations.name"`),',
    "typed as its `Literal`, so `user_fields(F.email, F.organizations.name)` is",
    '`user_fields("email", "organizations.name")` to every checker. Editors complete',
    "attributes everywhere, string literals not in every position: see docs/editors.md.",
    "As keys they read what the strings read: `row[F.email]`, `row[F.organizations]`,",
    'and on a nested row `org[F.organizations.name]` (its key `"name"`, dotted).',
)


def _names_classes(
    leaves: list[Leaf], nested: list[Nested], stub: bool, w: Callable[[str], None]
) -> None:
    """`F`'s classes: in the stub, one read-only `Literal` property per name; in the
    module, the names as class attributes."""

    def member(attribute: str, value: str) -> None:
        if stub:
            w("    @property")
            w(f'    def {attribute}(self) -> Literal["{value}"]: ...')
        else:
            w(f'    {attribute}: Final = "{value}"')

    for obj in nested:
        w("")
        # At run time the object is also the nested key itself, a str equal to it: what
        # `row[F.organizations]` reads. The stub leaves str out, so that an editor
        # offers the names after `F.organizations.`, not str's methods among them.
        w(f"class {obj.names_class}:" if stub else f"class {obj.names_class}(str):")
        w(f'    """The names of `{obj.name}`\'s fields, dotted, and the key `{obj.name}` itself.')
        w("")
        w(f'    `F.{obj.name}.id == "{obj.name}.id"`, and `F.{obj.name} == "{obj.name}"`:')
        w(f'    `row[F.{obj.name}]` reads what `row["{obj.name}"]` reads, and a nested row')
        w(f'    takes `F.{obj.name}.id` for its key `"id"`.')
        w('    """')
        w("")
        w("    __slots__ = ()")
        for leaf in obj.leaves:
            member(leaf.name, f"{obj.name}.{leaf.name}")
    w("")
    w("class UserFieldNames:")
    out_doc = _docstring(F_DOC, "    ")
    for line in out_doc:
        w(line)
    w("")
    w("    __slots__ = ()")
    for leaf in leaves:
        member(leaf.name, leaf.name)
    for obj in nested:
        if stub:
            w("    @property")
            w(f"    def {obj.name}(self) -> {obj.names_class}: ...")
        else:
            w(f'    {obj.name}: Final = {obj.names_class}("{obj.name}")')
    w("")
    w("#: Every name `user_fields` accepts, as an attribute (`F.organizations.name`).")
    w("F: UserFieldNames" if stub else "F: Final = UserFieldNames()")


HEADER = (
    "# Generated by tools/gen_selection.py from schema.graphql and queries/users.graphql.",
    "# Do not edit: run `make generate`.",
)

#: What a row class is, said once for the stub and the module.
USER_ROW_DOC = (
    'A user row holding the fields selected, `UserRow[Literal["email", "id"]]`.',
    "",
    "Reading a key that was not selected, with `row[key]` or `row.get(key)`, is a",
    "type error; a nested field reads as its own row class, parameterized by the row",
    'it was read from (`UserOrganizationRow[UserRow[Literal["organization.name"]]]`',
    'holds "name" alone). At run time it is a plain `dict` subclass: nothing is',
    "checked or converted on access, and `dict(row)`, `{**row}` and `json.dumps(row)`",
    "give what they give for any dict.",
)


def _nested_doc(obj: Nested) -> tuple[str, ...]:
    what = "An item of" if obj.many else "The object at"
    return (
        f"{what} `{obj.name}` in a user row: only the `{obj.name}.*` fields selected.",
        "",
        "Its parameter is the user row it was read from, so that it holds what that",
        f'row holds: `{obj.class_name}[UserRow[Literal["{obj.name}.id", "email"]]]` for a row',
        f'of `user_fields("{obj.name}.id", "email")`.',
    )


def _user_fields_doc(count: int) -> tuple[str, ...]:
    return (
        "A selection of `User` fields whose static type records the names given.",
        "",
        "Args:",
        '    *names: Field names of `User`; nested ones dotted, e.g. `"organization.name"`.',
        f"        At most {count}, the number of fields there are.",
        "",
        "Returns:",
        "    The names, deduplicated, as a `Selection` (accepted wherever `fields` is).",
        "    `users(fields=user_fields(...))` returns rows typed with exactly them.",
        "",
        "Raises:",
        "    ValueError: A name is not a field of `User` (the message names the",
        "        closest valid ones), or no name is given.",
        "    TypeError: A name is not a str.",
        "",
        "Examples:",
        "    ```",
        '    >>> user_fields("email", "organization.name")',
        "    Selection('email', 'organization.name')",
        "    ```",
    )


def _docstring(lines: tuple[str, ...], indent: str) -> list[str]:
    body = [f"{indent}{line}" if line else "" for line in lines]
    body[0] = f'{indent}"""{lines[0]}'
    return [*body, f'{indent}"""']


def _publics(nested: list[Nested]) -> list[str]:
    publics = [
        "DEFAULT_USER_SELECTION",
        "NESTED_ROWS",
        "USER_FIELD_NAMES",
        "F",
        "DefaultUserField",
        "UserField",
        "UserFieldNames",
        "UserRow",
        *(obj.class_name for obj in nested),
        *(obj.names_class for obj in nested),
        "user_fields",
    ]
    # The order ruff's RUF022 asks for: SCREAMING_CASE, then CamelCase, then the rest.
    # (a name of one capital, `F`, counts as CamelCase there).
    return sorted(publics, key=lambda n: (not (n.isupper() and len(n) > 1), not n[0].isupper(), n))


def _names_block(
    names: list[str],
    defaults: tuple[str, ...],
    nested: list[Nested],
    w: Callable[[str], None],
    stub: bool = False,
) -> None:
    """`__all__`, the names `user_fields` accepts and the rows' TypeVar: both files' head."""
    w("__all__ = [")
    for public in _publics(nested):
        w(f'    "{public}",')
    w("]")
    w("")
    w("#: Every name `user_fields` accepts, nested ones dotted.")
    w(f"UserField: TypeAlias = {_lit(*names)}")
    w("")
    w("#: What `users` and `get_current_user` accept as a list of names: any str, as the")
    w("#: documented `fields`; `list[UserField]` first, so that editors offer the names.")
    if stub:
        # mypy completes nothing, and would spell the 33 names in each overload it lists.
        w("if MYPY:")
        w("    UserFieldList: TypeAlias = list[str] | tuple[str, ...]")
        w("else:")
        w("    UserFieldList: TypeAlias = list[UserField] | list[str] | tuple[str, ...]")
    else:
        w("UserFieldList: TypeAlias = list[UserField] | list[str] | tuple[str, ...]")
    w("")
    w("#: The fields `users` returns when none are named.")
    w(f"DefaultUserField: TypeAlias = {_lit(*defaults)}")
    w("")
    w("#: `UserField`'s names at run time, in the schema's order.")
    w("USER_FIELD_NAMES: tuple[UserField, ...] = (")
    for name in names:
        w(f'    "{name}",')
    w(")")
    w("")
    w("# A row's parameter: the names it holds. Contravariant, so that a row holding")
    w("# more names is usable wherever one holding fewer is, and a guard")
    w('# `self: UserRow[Literal["email"]]` lets through exactly the rows holding "email".')
    w('_K_contra = TypeVar("_K_contra", contravariant=True)')
    w("# A nested row's parameter: the user row it was read from (whose names it holds).")
    w('_R_co = TypeVar("_R_co", covariant=True)')


def selection_model() -> tuple[list[Leaf], list[Nested], tuple[str, ...], list[str]]:
    """What both files are written from: the leaves and nested objects `users` selects,
    the default fields, and every name `user_fields` accepts (nested ones dotted)."""
    leaves, nested = read_selection()
    names = [leaf.name for leaf in leaves] + [
        f"{obj.name}.{leaf.name}" for obj in nested for leaf in obj.leaves
    ]
    return leaves, nested, default_user_fields(), names


def render_stub() -> str:
    """The types: the guarded overloads of each row, and `user_fields`'s one signature.

    A stub beside the module, so that the thousands of overloads cost the checkers
    alone: `import kili_typed` compiles and loads none of them.
    """
    leaves, nested, defaults, names = selection_model()
    out: list[str] = list(HEADER)
    w = out.append
    w("# The guarded overloads of a row overlap by design: the first that a row's guard")
    w("# lets through is the one that applies. user_fields's optional TypeVars default to")
    w("# Never: a name left out adds nothing to the selection.")
    w('# mypy: disable-error-code="overload-overlap"')
    w("# F's attributes are the schema's names, camelCase.")
    w("# ruff: noqa: N802")
    w("# pyright: reportOverlappingOverload=false, reportInvalidTypeVarUse=false")
    w("# pyright: reportIncompatibleMethodOverride=false, reportRedeclaration=false")
    w("")
    w("from _collections_abc import dict_keys")
    w("from typing import Any, Generic, Literal, TypeAlias, overload")
    w("")
    w("from _typeshed import SupportsKeysAndGetItem")
    w("from typing_extensions import Never, TypeVar")
    w("")
    w("from ._fields import Selection")
    w("")
    w("MYPY = False")
    w("")
    _names_block(names, defaults, nested, w, stub=True)
    w("")
    w(f"class UserRow({ROW_BASES}, Generic[_K_contra]):")
    out.extend(_docstring(USER_ROW_DOC, "    "))
    _row_methods(w)
    # One overload per key, guarded by the name the row must hold. A nested key has one
    # per name of its object, each guarded by that dotted name: the first that lets the
    # row through returns its nested row class over the row's own type (its parameter,
    # in a position where a contravariant one may be), whose overloads are guarded by
    # the same dotted names. 34 overloads where one per subset of nested names took 267
    # (and pyrefly lists them all in a message).
    gets: list[Get] = []
    for leaf in leaves:
        gets.append((f'UserRow[Literal["{leaf.name}"]]', leaf.name, leaf.annotation, ""))
    for obj in nested:
        for leaf in obj.leaves:
            value = f"{obj.class_name}[UserRow[_K_contra]]"
            if obj.many:
                value = f"list[{value}]"
            if obj.nullable:
                value = f"{value} | None"
            guard = f'UserRow[Literal["{obj.name}.{leaf.name}"]]'
            gets.append((guard, obj.name, value, obj.names_class))
    _keyed_methods(gets, w)
    for obj in nested:
        w("")
        w(f"class {obj.class_name}({ROW_BASES}, Generic[_R_co]):")
        out.extend(_docstring(_nested_doc(obj), "    "))
        _row_methods(w)
        _keyed_methods(
            [
                (
                    f'{obj.class_name}[UserRow[Literal["{obj.name}.{leaf.name}"]]]',
                    leaf.name,
                    leaf.annotation,
                    f'Literal["{obj.name}.{leaf.name}"]',
                )
                for leaf in obj.leaves
            ],
            w,
        )
    _names_classes(leaves, nested, True, w)
    w("")
    w("NESTED_ROWS: dict[str, tuple[type[dict[str, Any]], bool]]")
    w("")
    # mypy reads one signature, whose optional TypeVars default to Never: a bad name is
    # then reported as one TypeVar's, in a line (it joins the names given to one
    # `*names: _F` into its bound). pyright, ty and pyrefly solve `*names: _F` to the
    # union of the names given, in one overload whatever their number (33 overloads, one
    # per arity, cost pyright seconds per file); the second, never chosen, is there for
    # the editors: pyright and pyrefly complete a string argument from a `Literal`
    # parameter, not from a TypeVar's bound. `MYPY` is true for mypy alone.
    count = len(names)
    w('_F = TypeVar("_F", bound=UserField)')
    w('_F1 = TypeVar("_F1", bound=UserField)')
    for i in range(2, count + 1):
        w(f'_D{i} = TypeVar("_D{i}", bound=UserField, default=Never)')
    w("")
    params = ", ".join(["f1: _F1", *(f"f{i}: _D{i} = ..." for i in range(2, count + 1))])
    union = " | ".join(["_F1", *(f"_D{i}" for i in range(2, count + 1))])
    w("if MYPY:")
    w(f"    def user_fields({params}, /) -> Selection[{union}]: ...")
    w("")
    w("else:")
    w("    @overload")
    w("    def user_fields(*names: _F) -> Selection[_F]: ...")
    w("    @overload")
    w("    def user_fields(*names: UserField) -> Selection[UserField]: ...")
    w("")
    w("#: The fields `users` returns when none are named, as a typed selection.")
    w("DEFAULT_USER_SELECTION: Selection[DefaultUserField]")
    return "\n".join(out) + "\n"


def render() -> str:
    """The module: the names, the row classes and `user_fields` as they run."""
    leaves, nested, defaults, names = selection_model()
    out: list[str] = list(HEADER)
    w = out.append
    w("# The types are in _user_fields.pyi, written beside it.")
    w("# F's attributes are the schema's names, camelCase.")
    w("# ruff: noqa: N815")
    w('"""Typed selections of `User` fields and the rows they give.')
    w("")
    w("`user_fields` records, in its static type, exactly the names it is given;")
    w("`users` given such a selection returns `UserRow`s that let through only those")
    w("keys, with the value types of the schema. At run time a selection is a")
    w("`Selection` (a read-only sequence of the names), and a row a dict (a `dict`")
    w("subclass, so it is equal to, and serializes like, the plain dicts the")
    w("official SDK returns).")
    w('"""')
    w("")
    w("from __future__ import annotations")
    w("")
    w("from typing import Any, Final, Generic, Literal, TypeAlias, TypeVar")
    w("")
    w("from ._fields import Selection")
    w("")
    _names_block(names, defaults, nested, w)
    w("")
    w("")
    w("def _dotted(row: dict[str, Any], key: object, prefix: str) -> Any:")
    w('    """`row[key]` for a key dotted as `F` spells it: `F.organizations.name` for "name".')
    w("")
    w("    Called by a nested row's `__missing__`, so on a miss only: a key the row holds")
    w("    is read by dict's own lookup, at no cost.")
    w('    """')
    w("    if isinstance(key, str) and key.startswith(prefix):")
    w("        short = key[len(prefix) :]")
    w("        if short in row:")
    w("            return row[short]")
    w("    raise KeyError(key)")
    w("")
    w("")
    w("class UserRow(dict[str, Any], Generic[_K_contra]):")
    out.extend(_docstring(USER_ROW_DOC, "    "))
    w("")
    w("    __slots__ = ()")
    for obj in nested:
        w("")
        w("")
        w(f"class {obj.class_name}(dict[str, Any], Generic[_R_co]):")
        out.extend(_docstring(_nested_doc(obj), "    "))
        w("")
        w("    __slots__ = ()")
        w("")
        w("    def __missing__(self, key: object) -> Any:")
        w(f'        return _dotted(self, key, "{obj.name}.")')
    w("")
    w("")
    _names_classes(leaves, nested, False, w)
    w("")
    w("")
    w("#: The row class of each nested field, and whether it holds a list of them.")
    w("NESTED_ROWS: dict[str, tuple[type[dict[str, Any]], bool]] = {")
    for obj in nested:
        w(f'    "{obj.name}": ({obj.class_name}, {obj.many}),')
    w("}")
    w("")
    w("")
    w("def user_fields(*names: str) -> Selection[Any]:")
    out.extend(_docstring(_user_fields_doc(len(names)), "    "))
    w("    return Selection(names)")
    w("")
    w("")
    w("#: The fields `users` returns when none are named, as a typed selection.")
    w("DEFAULT_USER_SELECTION: Selection[DefaultUserField] = user_fields(")
    w("    " + ", ".join(f'"{n}"' for n in defaults))
    w(")")
    return "\n".join(out) + "\n"


def formatted(source: str, name: Path = OUTPUT) -> str:
    """`source` as `ruff format` writes it, so the committed file passes `make lint`."""
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [str(ruff), "format", "--stdin-filename", str(name), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.write_text(formatted(render()))
    stub = args.output.with_suffix(".pyi")
    stub.write_text(formatted(render_stub(), OUTPUT.with_suffix(".pyi")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
