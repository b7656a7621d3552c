"""The public-API guard: the documented signatures, transcribed, against `Kili` and
`AsyncKili`.

`DOCUMENTED` is copied from the official SDK's documentation of the six user methods
(``shared/seed``), annotations as written there. Each parameter's name, position, kind,
default and annotation must match, up to the strictening that kili-typed documents:

- ``Optional[X]`` is written ``X | None`` (the same type);
- ``fields: List[str]`` also accepts an equal tuple, and its default is a tuple of the
  same names (a mutable default list is shared between calls);
- ``organization_role`` is ``Literal["ADMIN", "USER"]``, the values the docs name.

A change to the public surface then fails here, not in a user's code.
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import AsyncGenerator, Coroutine, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

import pytest
from typing_extensions import get_overloads

import kili_typed
from kili_typed import Kili, MutationResult, Selection, UserField


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Param:
    """One documented parameter: its name, its annotation as documented, its default."""

    name: str
    annotation: str
    default: Any = REQUIRED


# ------------------------------------------------------ transcribed from the documentation

DOCUMENTED: dict[str, list[Param]] = {
    "users": [
        Param("api_key", "Optional[str]", None),
        Param("email", "Optional[str]", None),
        Param("organization_id", "Optional[str]", None),
        Param("fields", "List[str]", ["email", "id", "firstname", "lastname"]),
        Param("first", "Optional[int]", None),
        Param("skip", "int", 0),
        Param("disable_tqdm", "bool", False),
        Param("as_generator", "bool", False),
    ],
    "count_users": [
        Param("organization_id", "Optional[str]", None),
        Param("api_key", "Optional[str]", None),
        Param("email", "Optional[str]", None),
    ],
    "create_user": [
        Param("email", "str"),
        Param("password", "str"),
        Param("organization_role", "str"),
        Param("firstname", "Optional[str]", None),
        Param("lastname", "Optional[str]", None),
    ],
    "update_password": [
        Param("email", "str"),
        Param("old_password", "str"),
        Param("new_password_1", "str"),
        Param("new_password_2", "str"),
    ],
    "reset_password": [Param("email", "str")],
    "update_properties_in_user": [
        Param("email", "str"),
        Param("firstname", "Optional[str]", None),
        Param("lastname", "Optional[str]", None),
        Param("organization_id", "Optional[str]", None),
        Param("organization_role", "Optional[str]", None),
        Param("activated", "Optional[bool]", None),
    ],
}
#: The documented return annotation of `users`; the others are undocumented or `int`.
DOCUMENTED_USERS_RETURN = "Iterable[Dict]"

# ------------------------------------------------------------ kili-typed's strictening

Role = Literal["ADMIN", "USER"]
STRICTER: dict[tuple[str, str], Any] = {
    # Wider: a `Selection` (user_fields, select_fields) is no tuple, and is accepted too;
    # a list of `UserField`s is spelled out first, so that editors offer the names.
    ("users", "fields"): list[UserField] | list[str] | tuple[str, ...] | Selection[str],
    # Wider, not stricter: `None` as the current SDK accepts it ("decide from the environment").
    ("users", "disable_tqdm"): bool | None,
    ("create_user", "organization_role"): Role,
    ("update_properties_in_user", "organization_role"): Role | None,
}

#: What each facade's methods return (the documentation says only `Iterable[Dict]`).
#: The implementations' annotations. Which rows `users` gives (`UserDict`, or `UserRow`
#: narrowed to a typed selection) is said by its overloads, which tests/typing checks
#: from the wheel with both type checkers.
RETURNS: dict[str, dict[str, Any]] = {
    "Kili": {
        "users": list[Any] | Generator[Any, None, None],
        "count_users": int,
    },
    "AsyncKili": {
        "users": Coroutine[Any, Any, list[Any]] | AsyncGenerator[Any, None],
        "count_users": int,
    },
}
MUTATIONS = ("create_user", "update_password", "reset_password", "update_properties_in_user")

#: Public names besides the six methods.
#: `client` (the generated client, made on first use) is a property: it shows on the class.
OTHER_PUBLIC = {
    "Kili": {"client", "close", "with_options"},
    "AsyncKili": {"aclose", "client", "with_options"},
}

#: Methods of the current official SDK (kili 26.2) that code written for it, and the
#: documented example of `users`, call: their parameters as (name, default, keyword-only).
CURRENT_SDK: dict[str, list[tuple[str, Any, bool]]] = {
    "get_current_user": [("fields", ("email", "id", "firstname", "lastname"), False)],
    "organizations": [
        ("email", None, False),
        ("organization_id", None, False),
        ("fields", ("id", "name"), False),
        ("first", None, False),
        ("skip", 0, False),
        ("disable_tqdm", None, False),
        ("as_generator", False, True),
    ],
    "count_organizations": [("email", None, False), ("organization_id", None, False)],
}

#: The names the documented annotations use, from `typing` as the SDK imported them.
_TYPING_NAMES = {name: getattr(typing, name) for name in ("Optional", "List", "Dict", "Iterable")}


def documented_type(text: str) -> Any:
    """Evaluates an annotation as the documentation writes it."""
    return eval(text, {"__builtins__": {"str": str, "int": int, "bool": bool}}, _TYPING_NAMES)


def canonical(annotation: Any) -> Any:
    """A form in which equal types compare equal: ``Optional[str] == str | None``,
    ``List[str] == list[str]``, unions and literals regardless of order."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return ("union", frozenset(canonical(arg) for arg in typing.get_args(annotation)))
    if origin is Literal:
        return ("literal", frozenset(typing.get_args(annotation)))
    if origin is not None:
        return (origin, tuple(canonical(arg) for arg in typing.get_args(annotation)))
    if annotation is None:
        return type(None)
    return annotation


def facades() -> list[Any]:
    async_kili = getattr(kili_typed, "AsyncKili", None)
    skip_async = pytest.mark.skip(reason="kili_typed.AsyncKili does not exist yet")
    return [
        pytest.param(Kili, id="Kili"),
        pytest.param(async_kili, id="AsyncKili", marks=() if async_kili else skip_async),
    ]


def signature(facade: type, method: str) -> inspect.Signature:
    return inspect.signature(getattr(facade, method), eval_str=True)


@pytest.mark.parametrize("facade", facades())
@pytest.mark.parametrize("method", list(DOCUMENTED))
def test_parameters_match_the_documentation(facade: type, method: str) -> None:
    parameters = list(signature(facade, method).parameters.values())
    assert parameters[0].name == "self"
    actual = parameters[1:]
    documented = DOCUMENTED[method]
    assert [p.name for p in actual] == [p.name for p in documented], "names or order"
    for have, want in zip(actual, documented, strict=True):
        where = f"{facade.__name__}.{method}({have.name})"
        assert have.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, where
        expected_type = STRICTER.get((method, have.name), documented_type(want.annotation))
        assert canonical(have.annotation) == canonical(expected_type), where
        if want.default is REQUIRED:
            assert have.default is inspect.Parameter.empty, where
        elif isinstance(want.default, list):
            assert isinstance(have.default, tuple), f"{where}: an immutable default"
            assert list(have.default) == want.default, where
        else:
            assert type(have.default) is type(want.default), where
            assert have.default == want.default, where


@pytest.mark.parametrize("facade", facades())
@pytest.mark.parametrize("method", list(DOCUMENTED))
def test_return_types(facade: type, method: str) -> None:
    returns = signature(facade, method).return_annotation
    expected = RETURNS[facade.__name__].get(method, MutationResult)
    assert canonical(returns) == canonical(expected)
    if method == "users":
        # Both shapes are iterables of dicts, as documented.
        assert DOCUMENTED_USERS_RETURN == "Iterable[Dict]"


@pytest.mark.parametrize("facade", facades())
def test_no_other_public_methods(facade: type) -> None:
    public = {name for name in dir(facade) if not name.startswith("_")}
    assert public == set(DOCUMENTED) | set(CURRENT_SDK) | OTHER_PUBLIC[facade.__name__]


@pytest.mark.parametrize("facade", facades())
@pytest.mark.parametrize("method", list(CURRENT_SDK))
def test_current_sdk_methods_keep_its_signatures(facade: type, method: str) -> None:
    parameters = list(signature(facade, method).parameters.values())[1:]
    have = [(p.name, p.default, p.kind is inspect.Parameter.KEYWORD_ONLY) for p in parameters]
    assert have == CURRENT_SDK[method]


@pytest.mark.parametrize("facade", facades())
def test_async_methods_are_awaitable(facade: type) -> None:
    is_async = facade.__name__ == "AsyncKili"
    for method in DOCUMENTED:
        if method == "users":
            continue  # returns a coroutine or an async iterator: see test_return_types
        assert inspect.iscoroutinefunction(getattr(facade, method)) is is_async, method


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is 3.11+")
@pytest.mark.parametrize("facade", facades())
def test_every_overload_of_users_keeps_the_documented_names(facade: Any) -> None:
    overloads = get_overloads(facade.users)
    assert overloads, "users has overloads for as_generator"
    names = [p.name for p in DOCUMENTED["users"]]
    without_fields = [name for name in names if name != "fields"]
    for variant in overloads:
        parameters = list(inspect.signature(variant).parameters.values())[1:]
        # The overloads for a call that names no `fields` (its rows have the
        # documented default keys) leave the parameter out; every other keeps all.
        assert [p.name for p in parameters] in (names, without_fields)
        documented = {p.name: p for p in DOCUMENTED["users"]}
        for have in parameters:
            want = documented[have.name]
            if have.default is not inspect.Parameter.empty and have.name != "fields":
                assert have.default == want.default, have.name


def _section(doc: str | None, title: str) -> str:
    """The text of one Google-style docstring section, e.g. ``Args``."""
    assert doc, "missing docstring"
    text = inspect.cleandoc(doc)
    start = text.index(f"{title}:\n")
    rest = text[start + len(title) + 2 :]
    lines = []
    for line in rest.splitlines():
        if line and not line.startswith(" "):
            break
        lines.append(line)
    return "\n".join(lines).strip()


@pytest.mark.parametrize("name", ["users", "count_users", *MUTATIONS, "with_options"])
def test_both_facades_document_the_same_arguments(name: str) -> None:
    # AsyncKili spells its docstrings out, so IDEs show them; they must not drift.
    kili_doc = getattr(Kili, name).__doc__
    async_doc = getattr(kili_typed.AsyncKili, name).__doc__
    # The one documented difference: an async iterator where Kili gives a generator.
    async_args = _section(async_doc, "Args").replace("an async iterator", "a generator")
    assert async_args == _section(kili_doc, "Args")
    assert _section(async_doc, "Raises") == _section(kili_doc, "Raises")


#: Names a test server went by before `KiliServer` became the only one.
RETIRED_SERVER_NAMES = ("LocalServer", "make_test_server", "Harness", "ServerThread")


def test_kili_server_is_the_only_public_name_for_a_test_server() -> None:
    import kili_typed_server
    import kili_typed_testkit

    assert "KiliServer" in kili_typed_testkit.__all__
    public = {*kili_typed_server.__all__, *kili_typed_testkit.__all__}
    assert not public & set(RETIRED_SERVER_NAMES)
    root = Path(__file__).resolve().parents[1]
    pages = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    pages += sorted((root / "examples").rglob("*.py"))
    naming = {
        str(page.relative_to(root)): name
        for page in pages
        for name in RETIRED_SERVER_NAMES
        if name in page.read_text(encoding="utf-8")
    }
    assert naming == {}
