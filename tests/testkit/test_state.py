"""What a test starts from: the reset, the seeds, and the plugin's import cost."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kili_typed import KiliConnectionError
from kili_typed_server.instruments.seeding import parse_seed, read_seed_file
from kili_typed_server.service.administration import seed_email
from kili_typed_testkit.server import KiliServer

HERE = Path(__file__).parent


def test_a_reset_removes_users_keys_and_requests(kili_server: KiliServer) -> None:
    store = kili_server.store
    store.create_user("ada@example.com", "Lovelace-1815")
    store.create_api_key("ada@example.com")
    with kili_server.kili() as kili:
        kili.count_users()
    kili_server.faults.add(status=503)
    kili_server.reset()
    assert store.get_user("ada@example.com") is None
    assert [owner.email for owner, _ in store.list_api_keys()] == ["admin@example.com"]
    assert len(kili_server.requests) == 0 and len(kili_server.faults) == 0
    with kili_server.kili() as kili:
        assert kili.count_users() == 1  # the admin's key still works: same digest secret


def test_a_reset_ends_a_hanging_request(kili_server: KiliServer) -> None:
    kili_server.faults.add(hang=True)
    errors: list[BaseException] = []

    def call() -> None:
        with kili_server.kili(max_retries=0, timeout=30) as kili:
            try:
                kili.count_users()
            except KiliConnectionError as error:
                errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    while not kili_server.requests:
        threading.Event().wait(0.01)
    kili_server.harness.reset()
    caller.join(10)
    assert not caller.is_alive() and len(errors) == 1


@pytest.mark.kili_server(seed_users=20)
def test_the_marker_seeds(kili_server: KiliServer) -> None:
    assert kili_server.store.get_user(seed_email(20)) is not None
    assert kili_server.store.get_user(seed_email(21)) is None


def test_seeds_do_not_outlive_their_test(kili_server: KiliServer) -> None:
    assert kili_server.store.get_user(seed_email(1)) is None


def test_seed_users_and_seed_file(kili_server: KiliServer, tmp_path: Path) -> None:
    assert kili_server.seed_users(3) == 3
    assert kili_server.seed_users(3) == 0
    path = tmp_path / "users.json"
    path.write_text(json.dumps([{"email": "ada@example.com", "password": "Lovelace-1815"}]))
    assert kili_server.seed_file(path) == 1
    assert kili_server.seed_file(path) == 0  # already there: left as it is
    assert kili_server.store.check_password("ada@example.com", "Lovelace-1815")


def test_yaml_seed_file(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "users.yaml"
    path.write_text(
        "users:\n  - email: ada@example.com\n    organization_role: ADMIN\n"
        "  - email: grace@example.com\n    organizationRole: USER\n    activated: false\n"
    )
    users = read_seed_file(path)
    assert [(u.email, u.organization_role, u.activated) for u in users] == [
        ("ada@example.com", "ADMIN", True),
        ("grace@example.com", "USER", False),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"people": []}, "unknown member 'people'"),
        ("ada@example.com", "expected a list of users"),
        ([{"emial": "x@example.com"}], "user 1: unknown member 'emial'; accepted:"),
        ([{"firstname": "Ada"}], "user 1: needs an 'email'"),
        ([{"email": "a@example.com", "activated": "yes"}], "'activated' must be true or false"),
        ([{"email": "a@example.com", "password": 12345678}], "'password' must be a string"),
    ],
)
def test_bad_seed_documents_are_refused_saying_where(document: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_seed(document, source="users.json")


def test_a_seed_user_never_shows_its_password() -> None:
    (user,) = parse_seed([{"email": "a@example.com", "password": "Secret-pass-1"}])
    assert "Secret-pass-1" not in repr(user)


def test_the_plugin_imports_nothing_heavy() -> None:
    probe = (
        "import sys, kili_typed_testkit.pytest_plugin; "
        "heavy = [m for m in ('uvicorn', 'starlette', 'graphql', 'httpx', 'sqlite3', "
        "'kili_typed', 'kili_typed_server.service.store') if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_yaml_without_pyyaml_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "users.yml"
    path.write_text("users: []\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    with pytest.raises(ValueError, match=r"needs PyYAML \(pip install pyyaml\); or write"):
        read_seed_file(path)
