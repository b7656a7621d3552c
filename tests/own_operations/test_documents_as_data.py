"""``kili-typed codegen`` writes each operation's document as data: a string literal made
by ``repr``, never text pasted between quotes. Every generated document parses back to
the operation as written, whatever its strings hold (quotes, backslashes, block strings,
unicode, line separators, variable defaults), and a document holding Python code,
the injection attempt ``\"\"\" + __import__("os").system("id") + \"\"\"`` included,
generates code that only sends it."""

from __future__ import annotations

import ast
import importlib
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FragmentDefinitionNode,
    parse,
    print_ast,
)
from hypothesis import given
from hypothesis import strategies as st

import kili_typed_graphql as bundled
from kili_typed import Kili
from kili_typed._codegen import generate
from kili_typed._codegen_plugins import operations_module

#: Code that, run, leaves a file behind: the test's way to see that nothing ran.
PAYLOAD = '__import__("pathlib").Path({path!r}).touch()'

#: Operations whose strings take every form: escaped characters in plain strings, escaped
#: triple quotes in block strings, unicode escapes and raw unicode, a line separator
#: (which str.splitlines splits on), defaults of variables, and Python code.
OPERATIONS = Path(__file__).with_name("hostile_operations.graphql")


def operations_text(marker: Path) -> str:
    code = PAYLOAD.format(path=str(marker))
    as_string = code.replace("\\", "\\\\").replace('"', '\\"')
    text = OPERATIONS.read_text(encoding="utf-8").replace("SEP", "\u2028")
    return text.replace("MARKER_CODE", code).replace("MARKER_STRING", as_string)


def definitions(document: DocumentNode) -> dict[str, str]:
    """Each definition of `document`, as graphql-core prints it, by kind and name."""
    out: dict[str, str] = {}
    for definition in document.definitions:
        assert isinstance(definition, ExecutableDefinitionNode)
        assert definition.name is not None
        kind = "fragment" if isinstance(definition, FragmentDefinitionNode) else "operation"
        out[f"{kind} {definition.name.value}"] = print_ast(definition)
    return out


def literal_documents(module: Path) -> dict[str, str]:
    """The documents of an ``operations`` module, read as the literals they are (never
    imported), after checking that it holds nothing but string constants."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    documents: dict[str, str] = {}
    docstring, exports, *assignments = tree.body
    assert isinstance(docstring, ast.Expr)
    assert isinstance(docstring.value, ast.Constant)
    assert isinstance(exports, ast.Assign)
    for statement in assignments:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        (target,) = statement.targets
        assert isinstance(target, ast.Name)
        assert isinstance(statement.value, ast.Constant), ast.dump(statement.value)
        assert isinstance(statement.value.value, str)
        documents[target.id] = statement.value.value
    assert ast.literal_eval(exports.value) == sorted(documents)
    return documents


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    """The package generated from `OPERATIONS`, and the marker its payloads would write."""
    directory = tmp_path_factory.mktemp("hostile-operations")
    marker = directory / "ran"
    (directory / "schema.graphql").write_text(bundled.schema_text(), encoding="utf-8")
    (directory / "ops").mkdir()
    (directory / "ops" / "hostile.graphql").write_text(operations_text(marker), encoding="utf-8")
    generate(directory / "schema.graphql", directory / "ops", "hostile_ops", directory)
    sys.path.insert(0, str(directory))
    try:
        yield directory, importlib.import_module("hostile_ops")
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m.split(".")[0] == "hostile_ops"]:
            del sys.modules[name]
    assert not marker.exists(), "a document's text ran as code"


def test_every_document_parses_back_to_the_operation_written(
    hostile: tuple[Path, ModuleType],
) -> None:
    directory, _ = hostile
    source = parse((directory / "ops" / "hostile.graphql").read_text(encoding="utf-8"))
    written = definitions(source)
    fragments = {k: v for k, v in written.items() if k.startswith("fragment ")}
    for flavour in ("sync_client", "async_client"):
        documents = literal_documents(directory / "hostile_ops" / flavour / "operations.py")
        assert sorted(documents) == ["BLOCKS", "INJECTION", "QUOTED", "QUOTES"]
        for document in documents.values():
            generated = definitions(parse(document))
            (operation,) = (k for k in generated if k.startswith("operation "))
            assert generated[operation] == written[operation]
            assert {k: v for k, v in generated.items() if k != operation}.items() <= (
                fragments.items()
            )
        # The one operation that spreads a fragment sends it too.
        assert "fragment Who on User" in documents["QUOTES"]


def test_the_client_modules_only_name_the_documents(hostile: tuple[Path, ModuleType]) -> None:
    directory, _ = hostile
    for flavour in ("sync_client", "async_client"):
        client = (directory / "hostile_ops" / flavour / "client.py").read_text(encoding="utf-8")
        assert "__import__" not in client
        assert "from .operations import BLOCKS, INJECTION, QUOTED, QUOTES" in client
        assert "def gql(" not in client


def test_the_documents_run_as_written(hostile: tuple[Path, ModuleType], kili: Kili) -> None:
    directory, hostile_ops = hostile
    ops = hostile_ops.Client.from_kili(kili)
    # Each is sent as the server parses it: the defaults and the payloads are strings
    # no user has for an email.
    assert ops.quotes().users == []
    assert ops.quotes(c="admin@example.com").users[0].email == "admin@example.com"
    assert ops.blocks().users == []
    assert ops.injection().plain == []
    created = ops.quoted().create_user
    assert created.email == "q'\"@example.com"
    assert not (directory / "ran").exists()


#: Text of every kind a document may hold, line breaks of every kind included.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(string.printable + "'\"\\\u2028\u2029\x85\r\x0b\x0c\x1c")),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


@given(documents=st.dictionaries(st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True), TEXT))
def test_the_operations_module_holds_each_document_exactly(documents: dict[str, str]) -> None:
    module = operations_module(documents)
    tree = ast.parse(module)
    found = {
        statement.targets[0].id: ast.literal_eval(statement.value)
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id != "__all__"
    }
    assert found == documents
    # Nothing but a docstring and assignments of literals: no call, no name read.
    assert all(isinstance(node, (ast.Expr, ast.Assign)) for node in tree.body)
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Call, ast.Attribute))]


def test_a_document_is_one_literal_per_line() -> None:
    module = operations_module({"ME": "query Me {\n  viewer {\n    id\n  }\n}"})
    assert module.endswith(
        "ME = (\n"
        "    'query Me {\\n'\n"
        "    '  viewer {\\n'\n"
        "    '    id\\n'\n"
        "    '  }\\n'\n"
        "    '}'\n"
        ")\n"
    )
