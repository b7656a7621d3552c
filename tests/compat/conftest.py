"""The official-SDK compatibility suite runs only when asked: ``make compat``.

It installs SDK releases from PyPI into their own virtualenvs, which ``make test`` must not
do, so its test files are left out of collection unless ``KILI_TYPED_COMPAT=1`` is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENABLE_VARIABLE = "KILI_TYPED_COMPAT"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leaves the suite out unless ``KILI_TYPED_COMPAT=1``, and the SDKs' virtualenvs always."""
    if ".venvs" in collection_path.parts:
        return True
    if os.environ.get(ENABLE_VARIABLE) == "1":
        return None
    return True
