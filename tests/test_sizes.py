"""Modules and functions in ``src/`` stay small enough to read in one sitting.

No module is over 600 lines and no function over 80. The facade pair (``_client.py`` and
``_async_client.py``, long for their overload ladders) and the files the code generators
write are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
#: Long by design (overload ladders) or written by a generator, never by hand.
EXEMPT = {"kili_typed/_client.py", "kili_typed/_async_client.py", "kili_typed/_user_fields.py"}


def sources() -> list[Path]:
    return [
        path for path in sorted(SRC.rglob("*.py")) if path.relative_to(SRC).as_posix() not in EXEMPT
    ]


def test_no_module_is_over_600_lines() -> None:
    long = {
        path.relative_to(SRC).as_posix(): lines
        for path in sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_80_lines() -> None:
    long: dict[str, int] = {}
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                # From the first decorator, as a reader meets it, to the last line.
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = node.end_lineno - first + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(SRC).as_posix()}:{node.name}"] = lines
    assert long == {}
