"""ariadne-codegen plugins: what the generated client must do that its defaults do not.

Loaded by ``make generate`` (and ``tools/check_generated.py``) with ``tools/`` on
``PYTHONPATH``, as ``plugins = ["codegen_plugins"]`` in both codegen settings.
Never imported at run time: the generated code they shape needs only pydantic.

- `TolerantEnumsPlugin` and `HiddenSecretsPlugin` (unknown enum values read as strings,
  secrets out of the models' ``repr``) live in `kili_typed._codegen_plugins`: the
  packages ``kili-typed codegen`` writes from users' own operations get them too.
- `TypedBasesPlugin`: annotations the copied base model and base clients lack.
"""

from __future__ import annotations

from ariadne_codegen.plugins.base import Plugin

from kili_typed._codegen_plugins import HiddenSecretsPlugin, TolerantEnumsPlugin

__all__ = ["HiddenSecretsPlugin", "TolerantEnumsPlugin", "TypedBasesPlugin"]


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
