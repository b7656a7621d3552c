"""The ariadne-codegen plugins of kili-typed: what generated clients must do that
ariadne-codegen's defaults do not. Loaded at generation time only (they need the
``codegen`` extra); the code they shape needs only pydantic and kili-typed.

- `TolerantEnumsPlugin`: an enum value the client does not know (a newer server adding
  an organization role) must not break reading an answer. In result models every enum
  annotation ``E`` becomes ``Annotated[Union[E, str], Field(union_mode="left_to_right")]``:
  a known value is still the enum member, an unknown one stays its plain string. Input
  models keep the strict enums, so nothing unknown is ever sent.
- `HiddenSecretsPlugin`: passwords and API keys are left out of the ``repr`` of the
  generated models (``Field(repr=False)``), so printing or logging an input model never
  shows them.
- `KiliRuntimePlugin`, for the packages of ``kili-typed codegen`` only: each generated
  method hands its whole operation to kili-typed's runtime, and takes the operation's
  variables as its only keyword arguments (no ``**kwargs``: a misspelt variable is a type
  error, and a ``TypeError`` at run time).
- `OperationDocumentsPlugin`, for the packages of ``kili-typed codegen`` only: the
  operations' documents are data, string literals written by `repr` into the
  subpackage's ``operations`` module (see `operations_module`), never text pasted
  between quotes.

Both kili-typed's own generated client (``make generate``, through
``tools/codegen_plugins.py``) and the packages ``kili-typed codegen`` writes use the
first two.

ariadne-codegen ends each client method with::

    response = self.execute(query=..., operation_name="CreateUser", variables=..., **kwargs)
    data = self.get_data(response)
    return CreateUser.model_validate(data)

This plugin makes it::

    response = self.execute(query=..., operation_name=..., variables=..., mutation=True, **kwargs)
    return self.read(response, CreateUser)

so that the runtime (`kili_typed.runtime`) knows from the document, not from a guess,
whether the operation may write, and reads the answer into the result model with the
facade's error mapping: an answer that does not fit the model raises
`MalformedResponseError` (`OutcomeUnknownError` for a mutation), as in the facade's own
methods. Loaded by ariadne-codegen at generation time only; needs the ``codegen`` extra.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableDefinitionNode,
)

#: GraphQL names of input fields holding a secret.
SECRET_INPUT_FIELDS = frozenset(
    {"password", "oldPassword", "newPassword1", "newPassword2", "apiKey", "key"}
)
#: GraphQL names of result fields holding a secret (``ApiKey.key``).
SECRET_RESULT_FIELDS = frozenset({"key"})


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _with_keyword(value: ast.expr | None, keyword: str, constant: bool) -> ast.expr:
    """The field's default turned into (or kept as) a ``Field(...)`` with one more keyword."""
    added = ast.keyword(arg=keyword, value=ast.Constant(value=constant))
    if isinstance(value, ast.Call) and _name(value.func) == "Field":
        value.keywords.append(added)
        return value
    keywords = [] if value is None else [ast.keyword(arg="default", value=value)]
    return ast.Call(func=ast.Name(id="Field"), args=[], keywords=[*keywords, added])


class _OpenEnums(ast.NodeTransformer):
    """Replaces each enum name in an annotation by ``Annotated[Union[E, str], ...]``."""

    def __init__(self, enums: frozenset[str]) -> None:
        self.enums = enums

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id not in self.enums:
            return node
        union = ast.Subscript(
            value=ast.Name(id="Union"),
            slice=ast.Tuple(elts=[ast.Name(id=node.id), ast.Name(id="str")]),
        )
        mode = ast.Call(
            func=ast.Name(id="Field"),
            args=[],
            keywords=[ast.keyword(arg="union_mode", value=ast.Constant(value="left_to_right"))],
        )
        return ast.Subscript(value=ast.Name(id="Annotated"), slice=ast.Tuple(elts=[union, mode]))

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        # Forward references are strings: "OrganizationRole" is an enum too.
        if isinstance(node.value, str) and node.value in self.enums:
            return self.visit_Name(ast.Name(id=node.value))
        return node


class TolerantEnumsPlugin(Plugin):
    """Reads unknown enum values in answers as plain strings."""

    def _enums(self) -> frozenset[str]:
        return frozenset(
            name
            for name, kind in self.schema.type_map.items()
            if isinstance(kind, GraphQLEnumType) and not name.startswith("__")
        )

    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        transformer = _OpenEnums(self._enums())
        field_implementation.annotation = transformer.visit(field_implementation.annotation)
        return field_implementation


class HiddenSecretsPlugin(Plugin):
    """Keeps passwords and API keys out of the generated models' ``repr``."""

    def generate_input_field(
        self,
        field_implementation: ast.AnnAssign,
        input_field: GraphQLInputField,
        field_name: str,
    ) -> ast.AnnAssign:
        if field_name in SECRET_INPUT_FIELDS:
            field_implementation.value = _with_keyword(field_implementation.value, "repr", False)
        return field_implementation

    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        if field.name.value in SECRET_RESULT_FIELDS:
            field_implementation.value = _with_keyword(field_implementation.value, "repr", False)
        return field_implementation


def _is_self_call(node: ast.AST | None, method: str) -> bool:
    """Whether `node` is ``self.<method>(...)`` (awaited or not)."""
    if isinstance(node, ast.Await):
        node = node.value
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )


class KiliRuntimePlugin(Plugin):
    """Rewrites the end of each client method onto the runtime's `execute` and `read`,
    its variables its only keyword arguments."""

    def generate_arguments(
        self,
        arguments: ast.arguments,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.arguments:
        # ariadne-codegen's ``**kwargs: Any`` carries httpx options, which the runtime
        # refuses: the facade owns them (kili.with_options). Without it, a misspelt
        # variable is an error for every type checker, and a TypeError when called.
        arguments.kwarg = None
        return arguments

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        mutation = operation_definition.operation is not OperationType.QUERY
        body: list[ast.stmt] = []
        for statement in method_def.body:
            if isinstance(statement, ast.Assign) and _is_self_call(statement.value, "get_data"):
                continue  # read() takes the data from the response itself
            if isinstance(statement, ast.Assign) and _is_self_call(statement.value, "execute"):
                call = statement.value
                call = call.value if isinstance(call, ast.Await) else call
                assert isinstance(call, ast.Call)
                call.keywords = [k for k in call.keywords if k.arg is not None]  # **kwargs
                call.keywords.append(
                    ast.keyword(arg="mutation", value=ast.Constant(value=mutation))
                )
            if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Call):
                model = statement.value.func
                if isinstance(model, ast.Attribute) and model.attr == "model_validate":
                    statement = ast.Return(
                        value=ast.Call(
                            func=ast.Attribute(value=ast.Name(id="self"), attr="read"),
                            args=[ast.Name(id="response"), model.value],
                            keywords=[],
                        )
                    )
            body.append(statement)
        method_def.body = body
        return method_def


#: The module of each subpackage holding its operations' documents.
OPERATIONS_MODULE = "operations"

_OPERATIONS_HEADER = '''\
"""The documents of this package's operations, as its client sends them.

Written by `kili-typed codegen`: do not edit; run the command again. Each document is
a string literal written by Python's repr(), one per line of the operation: data,
never code.
"""
'''


def document_name(operation_name: str) -> str:
    """The constant holding the document of `operation_name` (``AddMember``: ``ADD_MEMBER``)."""
    from ariadne_codegen.utils import str_to_snake_case

    return str_to_snake_case(operation_name).upper()


def operations_module(documents: Mapping[str, str]) -> str:
    """The source of the ``operations`` module: one constant per operation, its document
    a parenthesized series of `repr` literals, one per line of it (a line's end kept in
    its literal, so that joined they are the document exactly).

    Args:
        documents: Each operation's document, by its constant's name.
    """
    names = sorted(documents)
    lines = [_OPERATIONS_HEADER, "__all__ = [", *(f"    {name!r}," for name in names), "]"]
    for name in names:
        pieces = documents[name].splitlines(keepends=True) or [""]
        lines += ["", f"{name} = (", *(f"    {piece!r}" for piece in pieces), ")"]
    return "\n".join(lines) + "\n"


def _is_gql_call(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == "gql"


class OperationDocumentsPlugin(Plugin):
    """Writes each operation's document into the ``operations`` module, and makes each
    client method send that constant.

    ariadne-codegen writes a document as a series of literals which it then joins into
    one triple-quoted string by text substitution (dropping every ``'`` and turning
    ``\\n`` escapes into line breaks), so a document holding quotes or backslashes came
    out changed, and one holding three double quotes closed the string early: what
    followed them ran as code.
    """

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)  # pyright: ignore[reportUnknownMemberType]
        self._documents: dict[str, str] = {}
        # The run's settings (ariadne-codegen types them as a bare dict).
        settings: dict[str, Any] = config_dict["tool"]["ariadne-codegen"]
        self._package = Path(settings["target_package_path"]) / settings["target_package_name"]

    def generate_operation_str(
        self, operation_str: str, operation_definition: ExecutableDefinitionNode
    ) -> str:
        if isinstance(operation_definition, OperationDefinitionNode) and (
            operation_definition.name is not None
        ):
            self._documents[document_name(operation_definition.name.value)] = operation_str
        return operation_str

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        assert operation_definition.name is not None  # ariadne-codegen requires names
        name = document_name(operation_definition.name.value)
        if name not in self._documents:
            raise RuntimeError(f"OperationDocumentsPlugin: no document for {name}")
        for statement in method_def.body:
            if isinstance(statement, ast.Assign) and _is_gql_call(statement.value):
                statement.value = ast.Name(id=name)
                return method_def
        raise RuntimeError(f"OperationDocumentsPlugin: no gql(...) call in {method_def.name}")

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        body = [s for s in module.body if not (isinstance(s, ast.FunctionDef) and s.name == "gql")]
        names = [ast.alias(name=name) for name in sorted(self._documents)]
        if names:
            body.insert(0, ast.ImportFrom(module=OPERATIONS_MODULE, names=names, level=1))
        module.body = body
        return ast.fix_missing_locations(module)

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        # The last hook of a run; the package's directory exists by then.
        text = operations_module(self._documents)
        (self._package / f"{OPERATIONS_MODULE}.py").write_text(text, encoding="utf-8")
        return module
