"""ariadne-codegen plugins: what the generated client must do that its defaults do not.

Loaded by ``make generate`` (and ``tools/check_generated.py``) with ``tools/`` on
``PYTHONPATH``, as ``plugins = ["codegen_plugins"]`` in both codegen settings.
Never imported at run time: the generated code they shape needs only pydantic.

- `TolerantEnumsPlugin` and `HiddenSecretsPlugin` (unknown enum values read as strings,
  secrets out of the models' ``repr``) live in `kili_typed._codegen_plugins`: the
  packages ``kili-typed codegen`` writes from users' own operations get them too.
- `ExceptionsExportPlugin`: the package exports its exceptions, as with the stock base
  client (ariadne-codegen exports them only beside its own).
- `TypedBasesPlugin`: annotations the copied base model lacks (the base clients are
  ours, in ``tools/codegen_base/``, and annotated there).
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin

from kili_typed._codegen_plugins import HiddenSecretsPlugin, TolerantEnumsPlugin

__all__ = [
    "ExceptionsExportPlugin",
    "HiddenSecretsPlugin",
    "TolerantEnumsPlugin",
    "TypedBasesPlugin",
]


#: Annotations that the copied base model lacks, each as (file marker, old text, new text).
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
)


class TypedBasesPlugin(Plugin):
    """Annotate the public attributes of the copied base model.

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


#: The exceptions the generated packages export (``tools/codegen_base/exceptions.py``).
EXCEPTIONS = (
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
)


class ExceptionsExportPlugin(Plugin):
    """Export `EXCEPTIONS` from the package's ``__init__``, lazily like every other name.

    ariadne-codegen copies ``exceptions.py`` and exports its names only beside its own
    base client; ours (``tools/codegen_base/``) includes the file, and this exports them.
    """

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        names = [ast.alias(name) for name in EXCEPTIONS]
        for node in module.body:
            if isinstance(node, ast.If):  # the `if TYPE_CHECKING:` block
                node.body.append(ast.ImportFrom(module="exceptions", names=names, level=1))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                entries = {
                    _constant(k): _constant(v)
                    for k, v in zip(node.value.keys, node.value.values, strict=True)
                }
                entries.update(dict.fromkeys(EXCEPTIONS, ".exceptions"))
                node.value.keys = [ast.Constant(k) for k in sorted(entries)]
                node.value.values = [ast.Constant(entries[k]) for k in sorted(entries)]
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
                exported = {_constant(element) for element in node.value.elts} | set(EXCEPTIONS)
                node.value.elts = [ast.Constant(name) for name in sorted(exported)]
        ast.fix_missing_locations(module)
        return module


def _constant(node: ast.expr | None) -> str:
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        raise RuntimeError("ExceptionsExportPlugin: the __init__ is not the expected lazy one")
    return node.value
