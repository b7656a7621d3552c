"""Write `src/kili_typed/_user_fields.py`: typed selections of `User` fields.

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
#: server sent; enum values stay plain strings, as a newer server may add some.
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


def _scalar(type_: GraphQLOutputType, where: str) -> str:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLEnumType) or (
        isinstance(inner, GraphQLScalarType) and inner.name in SCALARS_AS_STR
    ):
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


#: `user_fields` records the names of up to this many arguments in its type (one
#: overload per count, one TypeVar per argument: the checkers' cost grows with the
#: square). Beyond it, a selection is `Selection[str]`, whose rows are `UserDict`.
MAX_TYPED_ARGS = 16

#: dict's `__getitem__` takes any str; the rows' take only the selected keys, by design.
IGNORE_OVERRIDE = "# pyright: ignore[reportIncompatibleMethodOverride]"


def _lit(*names: str) -> str:
    return "Literal[" + ", ".join(f'"{n}"' for n in names) + "]"


def render() -> str:
    leaves, nested = read_selection()
    defaults = default_user_fields()
    names = [leaf.name for leaf in leaves] + [
        f"{obj.name}.{leaf.name}" for obj in nested for leaf in obj.leaves
    ]
    out: list[str] = []
    w = out.append
    w("# Generated by tools/gen_selection.py from schema.graphql and queries/users.graphql.")
    w("# Do not edit: run `make generate`.")
    w("# The overloads of user_fields differ by arity: checking each pair for overlap only")
    w("# costs pyright minutes.")
    w("# pyright: reportOverlappingOverload=false")
    w('"""Typed selections of `User` fields and the rows they give.')
    w("")
    w("`user_fields` records, in its static type, exactly the names it is given;")
    w("`users` given such a selection returns `UserRow`s that let through only those")
    w("keys, with the value types of the schema. At run time a selection is a tuple")
    w("of str, and a row a dict (a `dict` subclass, so it is equal to, and serializes")
    w("like, the plain dicts the official SDK returns).")
    w('"""')
    w("")
    w("from __future__ import annotations")
    w("")
    w("from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, overload")
    w("")
    w("from ._fields import Selection")
    w("")
    w("__all__ = [")
    publics = [
        "DEFAULT_USER_SELECTION",
        "NESTED_ROWS",
        "USER_FIELD_NAMES",
        "DefaultUserField",
        "UserField",
        "UserRow",
        *(obj.class_name for obj in nested),
        "user_fields",
    ]
    # The order ruff's RUF022 asks for: SCREAMING_CASE, then CamelCase, then the rest.
    for public in sorted(publics, key=lambda n: (not n.isupper(), not n[0].isupper(), n)):
        w(f'    "{public}",')
    w("]")
    w("")
    w("#: Every name `user_fields` accepts, nested ones dotted.")
    w(f"UserField: TypeAlias = {_lit(*names)}")
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
    w("# more names is usable wherever one holding fewer is.")
    w('_K_contra = TypeVar("_K_contra", contravariant=True)')
    w("# A nested row's parameter: the user row it sits in.")
    w('_R_co = TypeVar("_R_co", covariant=True)')
    for obj in nested:
        for leaf in obj.leaves:
            var = f"_S_{obj.name}_{leaf.name}"
            w(f'{var} = TypeVar("{var}", bound="UserRow[Literal[\'{obj.name}.{leaf.name}\']]")')
    w("")
    w("")
    w("class UserRow(dict[str, Any], Generic[_K_contra]):")
    w('    """A user row holding the fields selected, `UserRow[Literal["email", "id"]]`.')
    w("")
    w("    Reading a key that was not selected is a type error. At run time it is a")
    w("    plain `dict` subclass: nothing is checked or converted on access.")
    w('    """')
    w("")
    w("    __slots__ = ()")
    w("")
    w("    if TYPE_CHECKING:")
    # The overloads accept fewer keys than dict's `str`: that is the point.
    first = "  # type: ignore[override]"
    for leaf in leaves:
        w("")
        w(f"        @overload{first}")
        first = ""
        w(
            f'        def __getitem__(self: UserRow[Literal["{leaf.name}"]], '
            f'key: Literal["{leaf.name}"], /) -> {leaf.annotation}: ...'
        )
    for obj in nested:
        value = f"{obj.class_name}[_S_{obj.name}_{{}}]"
        if obj.many:
            value = f"list[{value}]"
        if obj.nullable:
            value = f"{value} | None"
        for leaf in obj.leaves:
            w("")
            w("        @overload")
            w(
                f"        def __getitem__(self: _S_{obj.name}_{leaf.name}, "
                f'key: Literal["{obj.name}"], /) -> {value.format(leaf.name)}: ...'
            )
    w("")
    w(f"        def __getitem__(self, key: str, /) -> Any:  {IGNORE_OVERRIDE}")
    w("            return super().__getitem__(key)")
    for obj in nested:
        w("")
        w("")
        w(f"class {obj.class_name}(dict[str, Any], Generic[_R_co]):")
        what = "An item of" if obj.many else "The object at"
        w(f'    """{what} `{obj.name}` in a user row: only the `{obj.name}.*` fields selected.')
        w("")
        w("    Its parameter is the `UserRow` it comes from.")
        w('    """')
        w("")
        w("    __slots__ = ()")
        w("")
        w("    if TYPE_CHECKING:")
        first = "  # type: ignore[override]"
        for leaf in obj.leaves:
            w("")
            w(f"        @overload{first}")
            first = ""
            w(
                f"        def __getitem__(self: {obj.class_name}"
                f'[UserRow[Literal["{obj.name}.{leaf.name}"]]], '
                f'key: Literal["{leaf.name}"], /) -> {leaf.annotation}: ...'
            )
        w("")
        w(f"        def __getitem__(self, key: str, /) -> Any:  {IGNORE_OVERRIDE}")
        w("            return super().__getitem__(key)")
    w("")
    w("")
    w("#: The row class of each nested field, and whether it holds a list of them.")
    w("NESTED_ROWS: dict[str, tuple[type[dict[str, Any]], bool]] = {")
    for obj in nested:
        w(f'    "{obj.name}": ({obj.class_name}, {obj.many}),')
    w("}")
    w("")
    count = min(len(names), MAX_TYPED_ARGS)
    for i in range(1, count + 1):
        w(f'_F{i} = TypeVar("_F{i}", bound=UserField)')
    for n in range(1, count + 1):
        params = ", ".join(f"f{i}: _F{i}" for i in range(1, n + 1))
        union = " | ".join(f"_F{i}" for i in range(1, n + 1))
        w("")
        w("")
        w("@overload")
        w(f"def user_fields({params}, /) -> Selection[{union}]: ...")
    w("")
    w("")
    if count < len(names):
        # More names than the typed overloads take: still checked, no longer recorded.
        params = ", ".join(f"f{i}: UserField" for i in range(1, count + 2))
        w("@overload")
        w(f"def user_fields({params}, /, *more: UserField) -> Selection[str]: ...")
    w("")
    w("")
    w("def user_fields(*names: str) -> Selection[Any]:")
    w('    """A selection of `User` fields whose static type records the names given.')
    w("")
    w("    Args:")
    w('        *names: Field names of `User`; nested ones dotted, e.g. `"organization.id"`.')
    w("")
    w("    Returns:")
    w("        The names, deduplicated, as a tuple of str (accepted wherever `fields` is).")
    w("        `users(fields=user_fields(...))` returns rows typed with exactly them.")
    w("")
    w("    Raises:")
    w("        ValueError: A name is not a field of `User` (the message names the")
    w("            closest valid ones), or no name is given.")
    w("")
    w("    Examples:")
    w("        ```")
    w('        >>> user_fields("email", "organization.id")')
    w("        ('email', 'organization.id')")
    w("        ```")
    w('    """')
    w("    return Selection(names)")
    w("")
    w("")
    w("#: The fields `users` returns when none are named, as a typed selection.")
    w("DEFAULT_USER_SELECTION: Selection[DefaultUserField] = user_fields(")
    w("    " + ", ".join(f'"{n}"' for n in defaults))
    w(")")
    return "\n".join(out) + "\n"


def formatted(source: str) -> str:
    """`source` as `ruff format` writes it, so the committed file passes `make lint`."""
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [str(ruff), "format", "--stdin-filename", str(OUTPUT), "-"],
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
