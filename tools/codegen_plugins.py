"""ariadne-codegen plugins: what the generated client must do that its defaults do not.

Loaded by ``make generate`` (and ``tools/check_generated.py``) with ``tools/`` on
``PYTHONPATH``, as ``plugins = ["codegen_plugins"]`` in both codegen settings.
Never imported at run time: the generated code they shape needs only pydantic.

- `TolerantEnumsPlugin`: an enum value this client does not know (a newer server
  adding an organization role) must not break reading an answer. In result models
  every enum annotation ``E`` becomes
  ``Annotated[Union[E, str], Field(union_mode="left_to_right")]``: a known value
  is still the enum member, an unknown one stays its plain string. Input models
  keep the strict enums, so nothing unknown is ever sent.
- `HiddenSecretsPlugin`: passwords and API keys are left out of the ``repr`` of
  the generated models (``Field(repr=False)``), so printing or logging an input
  model never shows them.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLInputField,
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


#: Annotations that the copied base files lack, each as (file marker, old text, new text).
#: Unannotated public attributes are "ambiguous" to `pyright --verifytypes`, and an
#: unannotated ``model_config`` makes every generated model's base class partly unknown.
_BASE_ANNOTATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "class BaseModel(PydanticBaseModel):",
        "    model_config = ConfigDict(",
        "    model_config: ClassVar[ConfigDict] = ConfigDict(",
    ),
    (
        "class BaseModel(PydanticBaseModel):",
        "from io import IOBase\n",
        "from io import IOBase\nfrom typing import ClassVar\n",
    ),
    (
        "class BaseClient:",
        "        self.http_client = http_client if http_client else httpx.Client(headers=headers)",
        "        self.http_client: httpx.Client = (\n"
        "            http_client if http_client else httpx.Client(headers=headers)\n"
        "        )",
    ),
    (
        "class AsyncBaseClient:",
        "        self.http_client = (\n",
        "        self.http_client: httpx.AsyncClient = (\n",
    ),
    (
        "class AsyncBaseClient:",
        "        self.ws_headers = ws_headers or {}",
        "        self.ws_headers: Dict[str, Any] = ws_headers or {}",
    ),
    (
        "class AsyncBaseClient:",
        # websockets' Origin is a NewType of str, and websockets is not a dependency.
        "        self.ws_origin = Origin(ws_origin) if ws_origin else None",
        "        self.ws_origin: Optional[str] = Origin(ws_origin) if ws_origin else None",
    ),
    (
        "class AsyncBaseClient:",
        "from typing import IO, Any, Optional,",
        "from typing import IO, Any, Dict, Optional,",
    ),
)


class TypedBasesPlugin(Plugin):
    """Annotate the public attributes of the copied base model and base clients.

    Fails when a substitution no longer matches (a new ariadne-codegen), rather
    than silently shipping the untyped attribute.
    """

    def copy_code(self, copied_code: str) -> str:
        for marker, old, new in _BASE_ANNOTATIONS:
            if marker not in copied_code:
                continue
            if copied_code.count(old) != 1:
                raise RuntimeError(
                    f"TypedBasesPlugin: {old.strip()!r} not found once beside {marker!r}"
                )
            copied_code = copied_code.replace(old, new)
        return copied_code
