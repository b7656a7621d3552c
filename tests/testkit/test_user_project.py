"""The plugin as a user gets it: pytest on a project with no fixture of its own.

The project is written to a temporary directory and run by pytest in a subprocess, with
only the installed kili-typed (whose ``pytest11`` entry point brings the fixtures) and
pytest: no conftest, no ``pytest_plugins``. It holds the example suite of the testing
guide (``examples/testing``: creating and listing users, a fresh state per test, a retry
after a 503, a lost answer to ``create_user``, throttling, seeds, ``kili_env``,
in-process and async tests) and the few more cases below. Each of its tests is then
checked here, from its JUnit report.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "testing"
EXAMPLE_FILES = ("pipeline.py", "test_with_kili_typed.py", "users.json")

MORE_TESTS = """
import pytest

from kili_typed import AsyncKili, Kili, RateLimitError


@pytest.mark.kili_server(seed_users=30, seed_file="users.json")
def test_both_seeds_of_a_marker(kili: Kili) -> None:
    assert kili.count_users() == 1 + 30 + 2


class TestAClass:
    @pytest.mark.kili_server(latency_ms=1)
    def test_a_marker_on_a_method(self, kili: Kili, kili_server) -> None:
        assert kili_server.harness.settings.latency_ms == 1
        assert kili.count_users() == 1


@pytest.mark.anyio
@pytest.mark.kili_server(in_process=True)
async def test_async_in_process(async_kili: AsyncKili, kili_server) -> None:
    kili_server.faults.add("createUser", status=502, after_processing=True)
    with pytest.raises(Exception):
        await async_kili.create_user(email="alan@example.com", password="Turing-1912",
                                     organization_role="USER")
    assert await async_kili.count_users() == 2


@pytest.mark.kili_server(rate_limit=1)
def test_a_rate_limit_starts_afresh_in_each_test_1(kili_server) -> None:
    with kili_server.kili(max_retries=0) as kili:
        kili.count_users()
        with pytest.raises(RateLimitError):
            kili.count_users()


@pytest.mark.kili_server(rate_limit=1)
def test_a_rate_limit_starts_afresh_in_each_test_2(kili_server) -> None:
    with kili_server.kili(max_retries=0) as kili:
        kili.count_users()
"""


def defined_tests(paths: list[Path]) -> set[str]:
    """The names of the test functions and methods the files define."""
    names: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            node
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        names.update(f.name for f in functions if f.name.startswith("test_"))
    return names


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Runs the project once; returns each test's outcome (``passed`` or the failure)."""
    project = tmp_path_factory.mktemp("user-project")
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for name in EXAMPLE_FILES:
        shutil.copy(EXAMPLES / name, project / name)
    (project / "test_more.py").write_text(MORE_TESTS, encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("KILI_", "PYTEST_")) and not name.upper().endswith("_PROXY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--junitxml=report.xml"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = project / "report.xml"
    assert report.is_file(), done.stdout[-4000:] + done.stderr[-4000:]
    found: dict[str, str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        # An element with no children is false: look for each kind of outcome by name.
        problems = [case.find(tag) for tag in ("failure", "error", "skipped")]
        problem = next((p for p in problems if p is not None), None)
        found[case.attrib["name"]] = (
            "passed" if problem is None else f"{problem.tag}: {problem.text or problem.attrib}"
        )
    expected = defined_tests([project / "test_with_kili_typed.py", project / "test_more.py"])
    assert {name.split("[")[0] for name in found} == expected, done.stdout[-4000:]
    return found


def test_every_test_of_the_user_project_passes(outcomes: dict[str, str]) -> None:
    failed = {name: outcome for name, outcome in outcomes.items() if outcome != "passed"}
    assert failed == {}


@pytest.mark.parametrize(
    "name",
    [
        "test_creates_and_lists_users",
        "test_sees_none_of_the_previous_tests_users",
        "test_a_query_is_retried_after_a_503",
        "test_a_lost_answer_to_create_user",
        "test_throttled_beyond_the_rate_limit",
        "test_code_that_builds_its_own_client",
        "test_in_process_no_socket",
        "test_async_code[asyncio]",
    ],
)
def test_the_cases_issue_13_names(outcomes: dict[str, str], name: str) -> None:
    assert outcomes[name] == "passed"


def test_the_plugin_is_loaded_from_its_entry_point(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--fixtures", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    for fixture in ("kili_server", "kili ", "async_kili", "kili_env"):
        assert fixture in done.stdout, done.stdout[-3000:]


SESSION_TESTS = """
import pytest


def test_the_session_options_apply(kili, kili_server) -> None:
    assert kili.count_users() == 1 + 5
    assert kili_server.in_process
    assert kili_server.harness.settings.latency_ms == 3


@pytest.mark.kili_server(in_process=False, latency_ms=0)
def test_a_marker_overrides_them(kili, kili_server) -> None:
    assert not kili_server.in_process
    assert kili_server.harness.settings.latency_ms == 0
"""


def test_session_options_and_ini_settings(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nkili_latency_ms = 3\n", encoding="utf-8")
    (tmp_path / "test_session.py").write_text(SESSION_TESTS, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--kili-seed-users",
            "5",
            "--kili-in-process",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "2 passed" in done.stdout


def test_a_bad_session_option_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_it.py").write_text("def test_it(kili_server):\n    pass\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--kili-rate-limit", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "kili_rate_limit must be 1 or more, got 0" in done.stdout + done.stderr
