"""The official SDK releases the compatibility suite drives, each in its own virtualenv.

Each release has a fully pinned requirements file in ``requirements/``. Its virtualenv is
built once under ``tests/compat/.venvs/`` (git-ignored) and reused while the file and the
Python version stay the same: the directory name holds a digest of both. A half-built
environment (an interrupted install) has no completion stamp and is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements"
VENVS = Path(os.environ.get("KILI_TYPED_COMPAT_VENVS", HERE / ".venvs"))
DRIVER = HERE / "driver.py"
#: The checkout, installed into user environments (``ensure_user_environment``).
PROJECT = HERE.parent.parent
_STAMP = ".complete"
_INSTALL_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Sdk:
    """One official SDK release and the Python versions its pinned set installs on.

    Attributes:
        version: The ``kili`` release on PyPI.
        era: ``"2022"`` or ``"2026"``: what the release sends differs by era.
        pythons: ``major.minor`` versions the pinned wheels exist for.
        honours_skip_checks: Whether it reads ``KILI_SDK_SKIP_CHECKS`` (2022 releases
            always run their start-up checks).
    """

    version: str
    era: str
    pythons: tuple[str, ...]
    honours_skip_checks: bool

    @property
    def requirements(self) -> Path:
        """The pinned requirements file."""
        return REQUIREMENTS / f"kili-{self.version}.txt"

    def __str__(self) -> str:
        return f"kili-{self.version}"


SDK_2022 = Sdk("2.128.2", "2022", ("3.10", "3.11"), honours_skip_checks=False)
SDK_2026 = Sdk("26.2.4", "2026", ("3.10", "3.11", "3.12", "3.13"), honours_skip_checks=True)
SDKS = (SDK_2022, SDK_2026)


def _python_for(sdk: Sdk) -> str:
    """Finds an interpreter the SDK's pinned set installs on: this one, or one on PATH."""
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if current in sdk.pythons:
        return sys.executable
    for version in sdk.pythons:
        found = shutil.which(f"python{version}")
        if found is not None:
            probe = subprocess.run(
                [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=False,
            )
            if probe.returncode == 0 and probe.stdout.strip() == version:
                return found
    raise RuntimeError(
        f"{sdk} needs Python {' or '.join(sdk.pythons)}; this is {current} and none of those "
        "is on PATH"
    )


def _version_of(python: str) -> str:
    probe = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return probe.stdout.strip()


def ensure_environment(sdk: Sdk) -> Path:
    """Builds the SDK's virtualenv if needed and returns its Python.

    Args:
        sdk: The release.

    Returns:
        The path of the environment's ``python``.

    Raises:
        RuntimeError: When no suitable Python exists or the install fails.
    """
    return _ensure(sdk, "", ["--requirement", str(sdk.requirements)])


def ensure_user_environment(sdk: Sdk, pytest_version: str) -> Path:
    """Builds a user's virtualenv: the SDK, ``kili-typed[server]`` and pytest, no more.

    The SDK's pinned set constrains the resolution, so the SDK runs with the versions
    it is tested with; kili-typed is installed from this checkout (editable, so the
    environment follows the source), which registers its pytest plugin.

    Args:
        sdk: The release.
        pytest_version: The pytest to install (the one running the suite).

    Returns:
        The path of the environment's ``python``.
    """
    return _ensure(
        sdk,
        f"with-kili-typed-pytest-{pytest_version}",
        [
            "--requirement",
            str(sdk.requirements),
            "--constraint",
            str(sdk.requirements),
            "--editable",
            f"{PROJECT}[server]",
            f"pytest=={pytest_version}",
        ],
    )


def _ensure(sdk: Sdk, variant: str, install: list[str]) -> Path:
    base_python = _python_for(sdk)
    pins = sdk.requirements.read_bytes()
    key = hashlib.sha256(pins + _version_of(base_python).encode() + variant.encode()).hexdigest()[
        :12
    ]
    root = VENVS / "-".join(filter(None, [str(sdk), variant, key]))
    python = root / "bin" / "python"
    if (root / _STAMP).is_file() and python.is_file():
        return python
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [base_python, "-m", "venv", str(root)],
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            # Wheels wherever they exist (cuid 0.4 is published only as an sdist).
            "--prefer-binary",
            *install,
        ],
        # Importing the client proves the pinned set is complete and consistent.
        [str(python), "-c", "import kili.client"],
    ]
    for step in steps:
        done = subprocess.run(
            step,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(
                f"building the environment of {sdk} failed at {' '.join(step[:4])}...:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
    (root / _STAMP).write_text(f"{sdk}\n", encoding="utf-8")
    return python
