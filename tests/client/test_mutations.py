"""The mutations, the client's configuration and bad input, over real HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from kili_typed_generated.input_types import UserWhere

from kili_typed import (
    AuthenticationError,
    ConfigurationError,
    GraphQLError,
    Kili,
    KiliConnectionError,
)
from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.server import KiliServer

from .facades import RequestLog, record_sleeps


def one(kili: Kili, email: str, *fields: str) -> dict[str, Any]:
    (row,) = kili.users(email=email, fields=list(fields), disable_tqdm=True)
    return dict(row)


def test_create_user_returns_its_id(kili: Kili) -> None:
    created = kili.create_user(
        email="ada@example.com",
        password="Lovelace-1815",
        organization_role="USER",
        firstname="Ada",
        lastname="Lovelace",
    )
    assert set(created) == {"id"}
    row = one(kili, "ada@example.com", "id", "firstname", "lastname", "organizationRole")
    assert row == {
        "id": created["id"],
        "firstname": "Ada",
        "lastname": "Lovelace",
        "organizationRole": "USER",
    }


def test_create_user_positional_without_names(kili: Kili) -> None:
    created = kili.create_user("grace@example.com", "Hopper-1906", "ADMIN")
    row = one(kili, "grace@example.com", "id", "firstname", "organizationRole")
    assert row == {"id": created["id"], "firstname": None, "organizationRole": "ADMIN"}


def test_duplicate_email_is_a_graphql_error(kili: Kili) -> None:
    kili.create_user("dup@example.com", "Passw0rd-1", "USER")
    with pytest.raises(GraphQLError) as info:
        kili.create_user("DUP@example.com", "Passw0rd-2", "USER")
    assert info.value.code == "CONFLICT"
    assert info.value.operation == "createUser"
    assert "Passw0rd-2" not in str(info.value)
    assert kili.count_users(email="dup@example.com") == 1


def test_update_properties_changes_only_what_is_given(kili: Kili) -> None:
    kili.create_user("lin@example.com", "Passw0rd-1", "USER", firstname="Lin", lastname="Li")
    result = kili.update_properties_in_user(email="lin@example.com", lastname="Wang")
    row = one(kili, "lin@example.com", "id", "firstname", "lastname", "organizationRole")
    assert row == {
        "id": result["id"],
        "firstname": "Lin",
        "lastname": "Wang",
        "organizationRole": "USER",
    }
    kili.update_properties_in_user("lin@example.com", None, None, None, "ADMIN", False)
    assert one(kili, "lin@example.com", "organizationRole", "activated") == {
        "organizationRole": "ADMIN",
        "activated": False,
    }


def test_update_properties_organization_id(kili: Kili, kili_server: KiliServer) -> None:
    kili.create_user("mover@example.com", "Passw0rd-1", "USER")
    own = one(kili, "mover@example.com", "organizationId")["organizationId"]
    kili.update_properties_in_user(email="mover@example.com", organization_id=own)
    other = kili_server.store.create_organization("Other org")
    with pytest.raises(GraphQLError) as info:
        kili.update_properties_in_user(email="mover@example.com", organization_id=other.id)
    assert info.value.code == "FORBIDDEN"
    assert one(kili, "mover@example.com", "organizationId") == {"organizationId": own}


def test_update_password_then_the_old_one_is_refused(kili: Kili, kili_server: KiliServer) -> None:
    admin = kili_server.admin_email
    old = kili_server.admin_password
    assert old is not None
    result = kili.update_password(admin, old, "Brand-new-pass1", "Brand-new-pass1")
    assert result == {"id": one(kili, admin, "id")["id"]}
    with pytest.raises(GraphQLError) as info:
        kili.update_password(admin, old, "Other-pass-2", "Other-pass-2")
    message = str(info.value)
    assert old not in message and "Other-pass-2" not in message


def test_update_password_mismatch_is_refused(kili: Kili, kili_server: KiliServer) -> None:
    old = kili_server.admin_password
    assert old is not None
    with pytest.raises(GraphQLError):
        kili.update_password(kili_server.admin_email, old, "Brand-new-pass1", "Brand-new-pass2")


def test_reset_password_returns_the_user(kili: Kili) -> None:
    created = kili.create_user("forgetful@example.com", "Passw0rd-1", "USER")
    assert kili.reset_password("forgetful@example.com") == {"id": created["id"]}
    with pytest.raises(GraphQLError):
        kili.reset_password("nobody@example.com")


def test_passwords_are_not_stored_in_clear(kili: Kili, local_server: ServerThread) -> None:
    kili.create_user("secret@example.com", "Very-secret-pw-9", "USER")
    data = local_server.db_path.read_bytes()
    for suffix in ("-wal", "-shm"):
        side = local_server.db_path.with_name(local_server.db_path.name + suffix)
        if side.exists():
            data += side.read_bytes()
    assert b"Very-secret-pw-9" not in data
    assert local_server.api_key.encode() not in data


# --------------------------------------------------------------------- configuration


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KILI_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="KILI_API_KEY"):
        Kili()
    with pytest.raises(ConfigurationError):
        Kili(api_key="  ")


def test_environment_fallback(monkeypatch: pytest.MonkeyPatch, kili_server: KiliServer) -> None:
    monkeypatch.setenv("KILI_API_KEY", kili_server.api_key)
    monkeypatch.setenv("KILI_API_ENDPOINT", kili_server.endpoint)
    with Kili() as kili:
        assert kili.api_endpoint == kili_server.endpoint
        assert kili.count_users() == 1


def test_default_endpoint_is_kili_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KILI_API_ENDPOINT", raising=False)
    with Kili(api_key="k") as kili:
        assert kili.api_endpoint == "https://cloud.kili-technology.com/api/label/v2/graphql"


def test_bad_endpoint_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="http:// or https://"):
        Kili(api_key="k", api_endpoint="localhost:4000")


def test_wrong_key_is_an_authentication_error(kili_server: KiliServer) -> None:
    wrong = Kili(api_key="kt_wrong-key-000000000000", api_endpoint=kili_server.endpoint)
    with wrong as kili, pytest.raises(AuthenticationError) as info:
        kili.count_users()
    assert info.value.status_code == 401
    assert "kt_wrong-key" not in str(info.value)


def test_unreachable_server_is_a_connection_error(refused_endpoint: str) -> None:
    with Kili(api_key="k", api_endpoint=refused_endpoint) as kili:
        record_sleeps(kili)  # retried, without waiting
        with pytest.raises(KiliConnectionError):
            kili.count_users()


def test_the_key_is_sent_as_kili_expects_and_never_shown(kili_server: KiliServer) -> None:
    sent: list[httpx.Headers] = []
    hooks = {"request": [lambda request: sent.append(request.headers)]}
    with httpx.Client(event_hooks=hooks) as http:
        endpoint = kili_server.endpoint
        with Kili(api_key=kili_server.api_key, api_endpoint=endpoint, http_client=http) as kili:
            kili.count_users()
            # The generated client sends it too, over any headers of the caller's.
            kili.client.count_users(where=UserWhere(), headers={"X-Trace": "t-1"})
            assert kili_server.api_key not in repr(kili)
        assert [headers["Authorization"] for headers in sent] == [
            f"X-API-Key: {kili_server.api_key}"
        ] * 2
        assert sent[1]["X-Trace"] == "t-1"
        # The caller's client is left as it was: no key in its own headers, and still open.
        assert "authorization" not in http.headers
        assert not http.is_closed


def test_one_connection_is_reused(kili: Kili, requests: RequestLog) -> None:
    for _ in range(5):
        kili.count_users()
    assert len(requests.peers) == 1


def test_data_survives_a_restart(local_server: ServerThread) -> None:
    with Kili(api_key=local_server.api_key, api_endpoint=local_server.endpoint) as kili:
        kili.create_user("durable@example.com", "Passw0rd-1", "USER", firstname="Dora")
    local_server.stop()
    again = ServerThread(
        local_server.db_path, api_key=local_server.api_key, hasher=local_server.hasher
    )
    with again, Kili(api_key=again.api_key, api_endpoint=again.endpoint) as kili:
        assert one(kili, "durable@example.com", "firstname") == {"firstname": "Dora"}
    with sqlite3.connect(local_server.db_path) as db:
        assert db.execute("select count(*) from users").fetchone()[0] == 2


# ------------------------------------------------------------------------- bad input

# The client is typed Any here: these calls are wrong on purpose, as untyped code's would be.
BAD_CALLS: list[tuple[str, Callable[[Any], object], type[Exception]]] = [
    ("users wrong type", lambda k: k.users(email=1), TypeError),
    ("users empty email", lambda k: k.users(email=""), ValueError),
    ("users unknown field", lambda k: k.users(fields=["emial"]), ValueError),
    ("users malformed field", lambda k: k.users(fields=["organization."]), ValueError),
    ("users object field", lambda k: k.users(fields=["organization"]), ValueError),
    ("users fields as str", lambda k: k.users(fields="email"), TypeError),
    ("users negative first", lambda k: k.users(first=-1), ValueError),
    ("users generator mode", lambda k: k.users(skip=-1, as_generator=True), ValueError),
    ("count wrong type", lambda k: k.count_users(organization_id=5), TypeError),
    ("count empty email", lambda k: k.count_users(email=""), ValueError),
    ("create invalid role", lambda k: k.create_user("a@b.co", "Passw0rd-1", "LABELER"), ValueError),
    ("create empty email", lambda k: k.create_user("", "Passw0rd-1", "USER"), ValueError),
    ("create wrong type", lambda k: k.create_user("a@b.co", 123, "USER"), TypeError),
    ("create empty password", lambda k: k.create_user("a@b.co", "", "USER"), ValueError),
    ("password empty email", lambda k: k.update_password("", "a", "b", "b"), ValueError),
    ("password wrong type", lambda k: k.update_password("a@b.co", None, "b", "b"), TypeError),
    ("reset empty email", lambda k: k.reset_password(""), ValueError),
    ("reset wrong type", lambda k: k.reset_password(None), TypeError),
    (
        "update invalid role",
        lambda k: k.update_properties_in_user("a@b.co", organization_role="REVIEWER"),
        ValueError,
    ),
    ("update empty email", lambda k: k.update_properties_in_user(""), ValueError),
    (
        "update wrong type",
        lambda k: k.update_properties_in_user("a@b.co", activated="no"),
        TypeError,
    ),
]


@pytest.mark.parametrize(
    ("call", "error"),
    [(call, error) for _, call, error in BAD_CALLS],
    ids=[n for n, *_ in BAD_CALLS],
)
def test_bad_input_raises_and_sends_nothing(
    kili: Kili, requests: RequestLog, call: Callable[[Any], object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        call(kili)
    assert requests.operations == []
