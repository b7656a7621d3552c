"""The plugin as a user gets it: pytest on a project with no fixture of its own.

The project below is written to a temporary directory and run by pytest in a
subprocess, with only the installed kili-typed (whose ``pytest11`` entry point brings the
fixtures) and pytest: no conftest, no ``pytest_plugins``. Each of its tests is then
checked here by name, from its JUnit report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

USER_TESTS = """
import time

import pytest

from kili_typed import AsyncKili, Kili, OutcomeUnknownError, RateLimitError


def test_creates_and_lists_users(kili: Kili) -> None:
    kili.create_user(email="ada@example.com", password="Lovelace-1815",
                     organization_role="USER", firstname="Ada")
    users = kili.users(fields=["email", "firstname"], disable_tqdm=True)
    assert {"email": "ada@example.com", "firstname": "Ada"} in users


def test_sees_none_of_the_previous_tests_users(kili: Kili) -> None:
    users = kili.users(fields=["email"], disable_tqdm=True)
    assert users == [{"email": "admin@example.com"}]


def test_count_users_succeeds_on_the_second_attempt_after_a_503(kili, kili_server) -> None:
    kili_server.faults.add("countUsers", status=503)
    assert kili.count_users() == 1
    attempts = kili_server.requests.of("countUsers")
    assert [request.status for request in attempts] == [503, 200]
    assert attempts[0].fault is not None and attempts[1].fault is None


def test_a_502_after_create_user_ran_is_an_unknown_outcome(kili, kili_server) -> None:
    kili_server.faults.add("createUser", status=502, after_processing=True)
    with pytest.raises(OutcomeUnknownError):
        kili.create_user(email="grace@example.com", password="Hopper-1906",
                         organization_role="USER")
    assert kili.count_users(email="grace@example.com") == 1
    (sent,) = kili_server.requests.of("createUser")  # never resent
    assert sent.variables["data"]["password"] == "<redacted>"


@pytest.mark.kili_server(rate_limit=2)
def test_throttled_past_the_rate_limit(kili_server) -> None:
    with kili_server.kili(max_retries=0) as kili:
        kili.count_users()
        kili.count_users()
        with pytest.raises(RateLimitError) as caught:
            kili.count_users()
    assert caught.value.retry_after is not None


@pytest.mark.kili_server(seed_users=30, seed_file="users.json")
def test_starts_with_the_seeds_of_its_marker(kili: Kili) -> None:
    assert kili.count_users() == 1 + 30 + 2
    assert kili.count_users(email="linus@example.com") == 1


def test_kili_env_configures_a_client_built_without_arguments(kili_env) -> None:
    with Kili() as kili:
        assert kili.count_users() == 1


@pytest.mark.kili_server(in_process=True)
def test_in_process_clients_see_the_same_faults(kili, kili_server) -> None:
    kili_server.faults.add("countUsers", status=503, retry_after=0)
    assert kili.count_users() == 1
    assert [request.status for request in kili_server.requests] == [503, 200]


@pytest.mark.anyio
async def test_async_kili_under_anyio(async_kili: AsyncKili, kili_server) -> None:
    kili_server.faults.add("countUsers", status=503, retry_after=0)
    assert await async_kili.count_users() == 1
    assert len(kili_server.requests) == 2


@pytest.mark.anyio
@pytest.mark.kili_server(in_process=True)
async def test_async_kili_in_process(async_kili: AsyncKili) -> None:
    await async_kili.create_user(email="alan@example.com", password="Turing-1912",
                                 organization_role="USER")
    assert await async_kili.count_users() == 2
"""

SEED_FILE = '{"users": [{"email": "linus@example.com"}, {"email": "ken@example.com"}]}'

#: Each test of the project, and the outcome it must have.
EXPECTED = [
    "test_creates_and_lists_users",
    "test_sees_none_of_the_previous_tests_users",
    "test_count_users_succeeds_on_the_second_attempt_after_a_503",
    "test_a_502_after_create_user_ran_is_an_unknown_outcome",
    "test_throttled_past_the_rate_limit",
    "test_starts_with_the_seeds_of_its_marker",
    "test_kili_env_configures_a_client_built_without_arguments",
    "test_in_process_clients_see_the_same_faults",
    "test_async_kili_under_anyio[asyncio]",
    "test_async_kili_in_process[asyncio]",
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Runs the project once; returns each test's outcome (``passed`` or the failure)."""
    project = tmp_path_factory.mktemp("user-project")
    (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (project / "test_my_pipeline.py").write_text(USER_TESTS, encoding="utf-8")
    (project / "users.json").write_text(SEED_FILE, encoding="utf-8")
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
    assert set(found) == set(EXPECTED), done.stdout[-4000:]
    return found


@pytest.mark.parametrize("name", EXPECTED)
def test_user_project(outcomes: dict[str, str], name: str) -> None:
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
