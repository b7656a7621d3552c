"""The Pythons kili-typed claims are exactly those ``make test-pythons`` tests: the
classifiers, ``requires-python`` and tools/noxfile.py name the same versions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def project_table() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return text[text.index("[project]") : text.index("\n[", text.index("[project]") + 1)]


def pythons_tested() -> tuple[str, ...]:
    """The noxfile's PYTHONS, read without importing it (it looks for interpreters)."""
    tree = ast.parse((ROOT / "tools" / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "PYTHONS"
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return tuple(str(v) for v in value)
    raise AssertionError("tools/noxfile.py has no PYTHONS")


def test_the_classifiers_name_the_pythons_tested() -> None:
    classifiers = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', project_table())
    assert tuple(classifiers) == pythons_tested()


def test_requires_python_admits_exactly_the_pythons_tested() -> None:
    found = re.search(r'^requires-python = "([^"]+)"', project_table(), re.MULTILINE)
    assert found is not None
    specifier = SpecifierSet(found.group(1))
    admitted = tuple(f"3.{minor}" for minor in range(6, 20) if f"3.{minor}.0" in specifier)
    assert admitted == pythons_tested()
