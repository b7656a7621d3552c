"""examples/sync_users.py, the nightly roster sync, against the local server."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kili_typed import Kili, UserDict
from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import TEST_ADMIN_EMAIL

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sync_users.py"

ROSTER = """\
email,firstname,lastname,role
Stays@Example.com,Stella,Renamed,ADMIN
returning@example.com,Rita,,USER
new@example.com,Nina,New,USER
"""


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_users", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sync_users"] = module
    spec.loader.exec_module(module)
    return module


def state(server: ServerThread) -> dict[str, tuple[object, ...]]:
    with Kili(api_key=server.api_key, api_endpoint=server.endpoint) as kili:
        rows = kili.users(
            fields=["email", "firstname", "lastname", "organizationRole", "activated"]
        )
    return {
        row.get("email", ""): (
            row.get("firstname"),
            row.get("lastname"),
            row.get("organizationRole"),
            row.get("activated"),
        )
        for row in rows
    }


def test_sync_creates_updates_and_deactivates(
    example: ModuleType,
    local_server: ServerThread,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = local_server.store
    store.create_user("stays@example.com", None, firstname="Stella", lastname="Old")
    store.create_user("leaver@example.com", None, firstname="Leo")
    store.create_user("returning@example.com", None, firstname="Rita", lastname="Back")
    store.set_activated("returning@example.com", False)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    monkeypatch.setenv("KILI_API_KEY", local_server.api_key)
    monkeypatch.setenv("KILI_API_ENDPOINT", local_server.endpoint)
    before = state(local_server)

    assert example.main([str(roster), "--dry-run"]) == 0
    assert state(local_server) == before
    dry = capsys.readouterr().out.splitlines()
    assert all(line.startswith("would ") for line in dry)

    assert example.main([str(roster)]) == 0
    assert capsys.readouterr().out.splitlines() == [line.removeprefix("would ") for line in dry]
    assert state(local_server) == {
        # The account running the sync is not on the roster, and is kept.
        TEST_ADMIN_EMAIL: before[TEST_ADMIN_EMAIL],
        "stays@example.com": ("Stella", "Renamed", "ADMIN", True),
        "leaver@example.com": ("Leo", None, "USER", False),
        # An empty last name in the roster leaves the name as it is.
        "returning@example.com": ("Rita", "Back", "USER", True),
        "new@example.com": ("Nina", "New", "USER", True),
    }

    # Once in sync, a second run has nothing to do.
    assert example.main([str(roster)]) == 0
    assert capsys.readouterr().out == ""


def test_plan_is_pure(example: ModuleType) -> None:
    current: list[UserDict] = [
        {"email": "a@example.com", "firstname": "A", "lastname": None, "activated": True},
        {"email": "gone@example.com", "activated": True, "organizationRole": "USER"},
        {"email": "me@example.com", "activated": True},
    ]
    roster = example.read_roster(["email,firstname,lastname,role", "A@example.com,A,,admin"])
    todo = example.plan(current, roster, keep=["ME@example.com"])
    assert todo.create == []
    assert todo.describe() == [
        "update a@example.com: role=ADMIN",
        "update gone@example.com: activated=False",
    ]


def test_a_bad_roster_is_one_line(
    example: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("email,firstname,lastname,role\nx@example.com,X,Y,OWNER\n", encoding="utf-8")
    assert example.main([str(roster)]) == 1
    assert capsys.readouterr().err == "sync_users: unknown role 'OWNER': expected ADMIN or USER\n"
