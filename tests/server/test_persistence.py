"""Data survives a restart; the database file holds no usable secret."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from kili_typed_server import INSECURE_TEST_HASHER
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core.errors import BadUserInput
from kili_typed_testkit.testing import (
    TEST_ADMIN_PASSWORD,
    TEST_API_KEY,
    TEST_USER_PASSWORD,
    GraphQLCaller,
    add_user_with_key,
    make_test_server,
)

CREATE = """mutation($data: CreateUserData!) { createUser(data: $data) { id email } }"""


def database_bytes(db_path: Path) -> bytes:
    files = [db_path, *db_path.parent.glob(db_path.name + "-*")]  # -wal and -shm too
    return b"".join(path.read_bytes() for path in files if path.is_file())


def test_data_and_keys_survive_a_restart(tmp_path: Path, http: httpx.Client) -> None:
    db = tmp_path / "kili.db"
    with make_test_server(db) as server:
        gql = GraphQLCaller(server.endpoint, TEST_API_KEY, http)
        created = gql(
            CREATE,
            {
                "data": {
                    "email": "kept@example.com",
                    "password": "kept-pass-1",
                    "organizationRole": "USER",
                }
            },
        ).data["createUser"]
        user_key = add_user_with_key(server.store)
        before = gql("{ users(where: {}) { id email createdAt } }").data["users"]
        first_port = server.port
    assert not server.running
    with ServerThread(db, api_key=TEST_API_KEY, hasher=INSECURE_TEST_HASHER) as again:
        assert not again.bootstrap.created and not again.bootstrap.key_registered
        gql = GraphQLCaller(again.endpoint, TEST_API_KEY, http)
        assert gql("{ users(where: {}) { id email createdAt } }").data["users"] == before
        assert created["id"] in [user["id"] for user in before]
        assert (
            gql("{ viewer { email } }", key=user_key).data["viewer"]["email"] == "user@example.com"
        )
        assert again.store.check_password("kept@example.com", "kept-pass-1")
    assert first_port > 0


def test_restart_with_a_new_key_registers_it_for_the_admin(
    tmp_path: Path, http: httpx.Client
) -> None:
    db = tmp_path / "kili.db"
    with make_test_server(db):
        pass
    new_key = "kt_another-fixed-key-000000000000"
    with ServerThread(db, api_key=new_key, hasher=INSECURE_TEST_HASHER) as server:
        assert server.bootstrap.key_registered and server.admin_password is None
        gql = GraphQLCaller(server.endpoint, new_key, http)
        assert gql("{ viewer { email } }").data["viewer"]["email"] == server.admin_email
        assert gql("{ viewer { email } }", key=TEST_API_KEY).status == 200


def test_no_plaintext_secret_in_the_database_file(tmp_path: Path, http: httpx.Client) -> None:
    db = tmp_path / "kili.db"
    new_password = "created-pass-42"
    with make_test_server(db) as server:
        gql = GraphQLCaller(server.endpoint, TEST_API_KEY, http)
        assert (
            gql(
                CREATE,
                {
                    "data": {
                        "email": "c@example.com",
                        "password": new_password,
                        "organizationRole": "USER",
                    }
                },
            ).status
            == 200
        )
        user_key = add_user_with_key(server.store)
        generated_key, _ = server.store.create_api_key("c@example.com")
        reset = 'mutation { resetPassword(where: {email: "c@example.com"}) { id } }'
        assert gql(reset).status == 200
        while_running = database_bytes(db)
    at_rest = database_bytes(db)
    for content in (while_running, at_rest):
        assert b"c@example.com" in content  # the check reads the right files
        for secret in (
            TEST_API_KEY,
            TEST_ADMIN_PASSWORD,
            TEST_USER_PASSWORD,
            new_password,
            user_key,
            generated_key,
        ):
            assert secret.encode() not in content, secret


def test_concurrent_creations_of_one_email_make_one_user(
    local_server: ServerThread, http: httpx.Client
) -> None:
    gql = GraphQLCaller(local_server.endpoint, TEST_API_KEY, http)
    data = {"email": "race@example.com", "password": "race-pass-1", "organizationRole": "USER"}
    codes: list[str | None] = []
    lock = threading.Lock()

    def create() -> None:
        with httpx.Client(timeout=30) as own:
            answer = GraphQLCaller(local_server.endpoint, TEST_API_KEY, own)(CREATE, {"data": data})
        with lock:
            codes.append(None if "errors" not in answer.body else answer.code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes, key=str) == ["CONFLICT"] * 7 + [None]
    assert gql('{ countUsers(where: {email: "race@example.com"}) }').data["countUsers"] == 1


def test_restart_with_a_revoked_key_fails_loudly(tmp_path: Path) -> None:
    db = tmp_path / "kili.db"
    with make_test_server(db) as server:
        server.store.revoke_api_key(key=TEST_API_KEY)
    with pytest.raises(BadUserInput, match="is revoked"):
        ServerThread(db, api_key=TEST_API_KEY, hasher=INSECURE_TEST_HASHER).start()
