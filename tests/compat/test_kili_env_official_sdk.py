"""The official SDK in a user's own tests, reaching the local server through ``kili_env``.

A user environment holds only the current official SDK, ``kili-typed[server]`` and
pytest (``environments.ensure_user_environment``). The testing guide's example suite for
official-SDK users (``examples/testing/test_with_official_sdk.py``), with no fixture of
its own, is run by pytest there: its tests build ``kili.client.Kili()`` with no argument,
so the client is configured only by the variables ``kili_env`` sets, list users, and meet
a retried 503, a lost answer to ``create_user``, a throttled query and a GraphQL error.
A loopback guard (``driver.install_network_guard``, loaded with ``-p``) refuses any other
address. Run with ``make compat``, or
``KILI_TYPED_COMPAT=1 pytest tests/compat -k kili_env``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from .environments import HERE, SDK_2026, ensure_user_environment

#: The example suite of the testing guide for official-SDK users, run as is.
EXAMPLE = HERE.parent.parent / "examples" / "testing" / "test_with_official_sdk.py"

GUARD = "import driver\n\ndriver.install_network_guard()\n"

EXPECTED = [
    "test_lists_users",
    "test_sees_none_of_the_previous_tests_users",
    "test_a_query_is_retried_after_a_503",
    "test_a_lost_answer_to_create_user",
    "test_a_throttled_query_waits_and_succeeds",
    "test_a_graphql_error_reaches_your_code",
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    python = ensure_user_environment(SDK_2026, pytest.__version__)
    project = tmp_path_factory.mktemp("official-sdk-user")
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    shutil.copy(EXAMPLE, project / EXAMPLE.name)
    (project / "loopback_guard.py").write_text(GUARD, encoding="utf-8")
    home = project / "home"
    home.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KILI_", "PYTEST_")) and not name.upper().endswith("_PROXY")
    }
    # HOME: the 2026 SDK caches under it. PYTHONPATH: the guard, and driver.py it loads.
    env.update(HOME=str(home), PYTHONPATH=f"{project}{os.pathsep}{HERE}")
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-p",
            "loopback_guard",
            "-p",
            "no:cacheprovider",
            "--junitxml=report.xml",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = project / "report.xml"
    assert report.is_file(), done.stdout[-4000:] + done.stderr[-4000:]
    found: dict[str, str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        problems = [case.find(tag) for tag in ("failure", "error", "skipped")]
        problem = next((p for p in problems if p is not None), None)
        found[case.attrib["name"]] = (
            "passed" if problem is None else f"{problem.tag}: {problem.text or problem.attrib}"
        )
    assert set(found) == set(EXPECTED), done.stdout[-4000:]
    return found


@pytest.mark.parametrize("name", EXPECTED)
def test_kili_env_official_sdk(outcomes: dict[str, str], name: str, tmp_path: Path) -> None:
    assert outcomes[name] == "passed"
