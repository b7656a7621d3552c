"""The GraphQL files the client is generated from: ``schema.graphql`` and ``queries/``.

Wheels carry them as ``kili_typed/_graphql/schema.graphql`` and ``kili_typed/_graphql/queries/``
(see ``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``); in a
source checkout they are read from the repository root. Reading them needs only the
standard library. This module is the one way to find them: the local server
(`kili_typed_server`) reads its schema through it too.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:
    from importlib.abc import Traversable

SCHEMA_FILE_NAME = "schema.graphql"
QUERIES_DIR_NAME = "queries"

#: Where a wheel puts each file, relative to the ``kili_typed`` package.
PACKAGED_SCHEMA = ("_graphql", SCHEMA_FILE_NAME)
PACKAGED_QUERIES = ("_graphql", QUERIES_DIR_NAME)

_REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def _find(packaged: tuple[str, ...], source: Path, *, directory: bool) -> Traversable:
    candidate = resources.files("kili_typed").joinpath(*packaged)
    if candidate.is_dir() if directory else candidate.is_file():
        return candidate
    if source.is_dir() if directory else source.is_file():
        return source
    raise FileNotFoundError(
        f"{'/'.join(packaged)} is neither in the installed kili_typed package nor at {source}"
    )


def schema_file() -> Traversable:
    """The bundled ``schema.graphql``.

    Raises:
        FileNotFoundError: Neither the package nor the source checkout has it.
    """
    return _find(PACKAGED_SCHEMA, _REPOSITORY_ROOT / SCHEMA_FILE_NAME, directory=False)


def schema_text() -> str:
    """The text of the bundled ``schema.graphql``."""
    return schema_file().read_text(encoding="utf-8")


def operation_texts() -> dict[str, str]:
    """Every ``.graphql`` file of the bundled ``queries/``, by name, sorted.

    Returns:
        ``{"queries/users.graphql": "...", ...}``.

    Raises:
        FileNotFoundError: Neither the package nor the source checkout has ``queries/``.
    """
    folder = _find(PACKAGED_QUERIES, _REPOSITORY_ROOT / QUERIES_DIR_NAME, directory=True)
    return {
        f"{QUERIES_DIR_NAME}/{item.name}": item.read_text(encoding="utf-8")
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.is_file() and item.name.endswith(".graphql")
    }
