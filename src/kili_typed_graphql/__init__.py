"""The GraphQL files the client is generated from: ``schema.graphql`` and ``queries/``.

A package of its own, below both the client (`kili_typed`, whose ``schema diff`` reads
them) and the local server (`kili_typed_server`, which serves this schema), so that
neither imports the other; it imports nothing but the standard library.

Wheels carry the files as ``kili_typed_graphql/schema.graphql`` and
``kili_typed_graphql/queries/`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in ``pyproject.toml``); in a source checkout they are read from the repository root.
This module is the one way to find them.
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

#: Where a wheel puts each file, relative to this package.
PACKAGED_SCHEMA = (SCHEMA_FILE_NAME,)
PACKAGED_QUERIES = (QUERIES_DIR_NAME,)

_REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def _find(packaged: tuple[str, ...], source: Path, *, directory: bool) -> Traversable:
    candidate = resources.files(__name__).joinpath(*packaged)
    if candidate.is_dir() if directory else candidate.is_file():
        return candidate
    if source.is_dir() if directory else source.is_file():
        return source
    raise FileNotFoundError(
        f"{'/'.join(packaged)} is neither in the installed {__name__} package nor at {source}"
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
