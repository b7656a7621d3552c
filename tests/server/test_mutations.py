"""createUser, updatePassword, resetPassword and updatePropertiesInUser, with permissions."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kili_typed_server import Store, UserFilter
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER
from kili_typed_testkit.testing import (
    TEST_ADMIN_EMAIL,
    TEST_ADMIN_PASSWORD,
    TEST_USER_EMAIL,
    TEST_USER_PASSWORD,
)
from kili_typed_testkit.testing import GraphQLCaller as Gql

CREATE = """
mutation Create($data: CreateUserData!) {
  data: createUser(data: $data) { id email firstname lastname organizationRole activated }
}
"""
UPDATE_PASSWORD = """
mutation Pw($data: UpdatePasswordData!, $where: UserWhere!) {
  data: updatePassword(data: $data, where: $where) { id email }
}
"""
RESET = "mutation Reset($where: UserWhere!) { data: resetPassword(where: $where) { id email } }"
UPDATE = """
mutation Update($data: UserData!, $where: UserWhere!) {
  data: updatePropertiesInUser(data: $data, where: $where) {
    id email firstname lastname activated organizationRole updatedAt
  }
}
"""
# How 2022-era official clients write it: scalar variables inside literal input objects.
UPDATE_2022 = """
mutation(
  $email: String!, $firstname: String, $lastname: String, $organizationId: String,
  $organizationRole: OrganizationRole, $activated: Boolean
) {
  updatePropertiesInUser(
    where: {email: $email},
    data: {firstname: $firstname, lastname: $lastname, organizationId: $organizationId,
           organizationRole: $organizationRole, activated: $activated}
  ) { id email firstname lastname organizationRole activated }
}
"""


def new_user(email: str = "new@example.com", **extra: object) -> dict[str, object]:
    return {"email": email, "password": "new-pass-0123", "organizationRole": "USER", **extra}


def test_create_user(gql: Gql, local_server: ServerThread) -> None:
    answer = gql(CREATE, {"data": new_user("  New.Person@Example.COM ", firstname="Ann")})
    created = answer.data["data"]
    assert created["email"] == "new.person@example.com"
    assert created["firstname"] == "Ann" and created["lastname"] is None
    assert created["organizationRole"] == "USER" and created["activated"] is True
    assert local_server.store.check_password("new.person@example.com", "new-pass-0123")
    listed = gql('{ users(where: {email: "NEW.person@example.com"}) { id } }').data["users"]
    assert listed == [{"id": created["id"]}]


def test_create_user_with_a_taken_email_is_a_conflict(gql: Gql) -> None:
    assert gql(CREATE, {"data": new_user("dup@example.com")}).status == 200
    answer = gql(CREATE, {"data": new_user("DUP@example.com ")})
    assert answer.status == 200
    assert answer.code == "CONFLICT"
    assert "dup@example.com" in answer.message
    assert gql('{ countUsers(where: {email: "dup@example.com"}) }').data["countUsers"] == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (new_user(""), "invalid email"),
        (new_user("no-at-sign"), "invalid email"),
        (new_user("two@@example.com"), "invalid email"),
        (new_user("a b@example.com"), "invalid email"),
        (new_user("x@" + "d" * 300 + ".com"), "invalid email"),
        (new_user(password="short1"), "at least 8 characters"),
        (new_user(password="lettersonly"), "a letter and a digit"),
        (new_user(password="1234567890"), "a letter and a digit"),
        (new_user(firstname="x" * 201), "firstname"),
    ],
)
def test_create_user_validates(gql: Gql, data: dict[str, object], fragment: str) -> None:
    answer = gql(CREATE, {"data": data})
    assert answer.code == "BAD_USER_INPUT"
    assert fragment in answer.message
    assert "new-pass-0123" not in answer.message


def test_create_user_rejects_an_unknown_role(gql: Gql) -> None:
    answer = gql(CREATE, {"data": new_user(organizationRole="OWNER")})
    assert answer.status == 400 and answer.code == "BAD_USER_INPUT"


def test_a_user_cannot_create_users(gql: Gql, user_key: str) -> None:
    answer = gql(CREATE, {"data": new_user()}, key=user_key)
    assert answer.code == "FORBIDDEN"
    assert gql('{ countUsers(where: {email: "new@example.com"}) }').data["countUsers"] == 0


def test_update_password(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    data = {
        "oldPassword": TEST_USER_PASSWORD,
        "newPassword1": "brand-new-pass-9",
        "newPassword2": "brand-new-pass-9",
    }
    answer = gql(UPDATE_PASSWORD, {"data": data, "where": {"email": TEST_USER_EMAIL}}, key=user_key)
    assert answer.data["data"]["email"] == TEST_USER_EMAIL
    assert local_server.store.check_password(TEST_USER_EMAIL, "brand-new-pass-9")
    assert not local_server.store.check_password(TEST_USER_EMAIL, TEST_USER_PASSWORD)


@pytest.mark.parametrize(
    ("old", "new1", "new2"),
    [
        ("wrong-pass-0123", "brand-new-pass-9", "brand-new-pass-9"),
        (TEST_USER_PASSWORD, "brand-new-pass-9", "brand-new-pass-8"),
        (TEST_USER_PASSWORD, "short9", "short9"),
        (TEST_USER_PASSWORD, "no-digits-here", "no-digits-here"),
    ],
)
def test_update_password_failures_share_one_message(
    gql: Gql, local_server: ServerThread, user_key: str, old: str, new1: str, new2: str
) -> None:
    data = {"oldPassword": old, "newPassword1": new1, "newPassword2": new2}
    answer = gql(UPDATE_PASSWORD, {"data": data, "where": {"email": TEST_USER_EMAIL}}, key=user_key)
    assert answer.code == "BAD_USER_INPUT"
    assert answer.message.startswith("password not changed:")
    for secret in (old, new1, new2):
        assert secret not in answer.message
    assert local_server.store.check_password(TEST_USER_EMAIL, TEST_USER_PASSWORD)


def test_update_password_only_on_own_account(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    data = {
        "oldPassword": TEST_ADMIN_PASSWORD,
        "newPassword1": "x-pass-12345",
        "newPassword2": "x-pass-12345",
    }
    for key in (user_key, local_server.api_key):  # not even an ADMIN for someone else
        other = TEST_ADMIN_EMAIL if key == user_key else TEST_USER_EMAIL
        answer = gql(UPDATE_PASSWORD, {"data": data, "where": {"email": other}}, key=key)
        assert answer.code == "FORBIDDEN"
    assert local_server.store.check_password(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)


def reset_token(caplog: pytest.LogCaptureFixture) -> str:
    (line,) = [r.getMessage() for r in caplog.records if "password reset" in r.getMessage()]
    match = re.search(r"token (\S+) valid", line)
    assert match is not None
    return match.group(1)


def test_reset_password_by_admin_then_complete_it(
    gql: Gql, local_server: ServerThread, user_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kili_typed_server")
    answer = gql(RESET, {"where": {"email": TEST_USER_EMAIL}})
    assert answer.data["data"]["email"] == TEST_USER_EMAIL
    token = reset_token(caplog)
    assert token not in str(answer.body)
    with sqlite3.connect(local_server.db_path) as db:
        stored = [row[0] for row in db.execute("SELECT token_digest FROM password_resets")]
    assert len(stored) == 1 and token not in stored[0]
    local_server.store.complete_password_reset(token, "after-reset-77")
    assert local_server.store.check_password(TEST_USER_EMAIL, "after-reset-77")
    with pytest.raises(Exception, match="already used"):
        local_server.store.complete_password_reset(token, "again-reset-77")


def test_reset_password_permissions(gql: Gql, user_key: str) -> None:
    assert gql(RESET, {"where": {"email": TEST_USER_EMAIL}}, key=user_key).data["data"]
    assert gql(RESET, {"where": {"email": TEST_ADMIN_EMAIL}}, key=user_key).code == "FORBIDDEN"
    assert gql(RESET, {"where": {"email": "ghost@example.com"}}).code == "NOT_FOUND"


def test_resets_per_user_are_limited(gql: Gql, local_server: ServerThread, user_key: str) -> None:
    # Before: nothing bounded the resets of a user (500 per request through aliases).
    where = {"where": {"email": TEST_USER_EMAIL}}
    for _ in range(limits.MAX_PENDING_RESETS_PER_USER):
        assert gql(RESET, where, key=user_key).data["data"]
    refused = gql(RESET, where, key=user_key)
    assert refused.code == "TOO_MANY_REQUESTS"
    assert f"{limits.MAX_PENDING_RESETS_PER_USER} password resets are already pending" in (
        refused.message
    )
    assert gql(RESET, where).code == "TOO_MANY_REQUESTS"  # an ADMIN asking changes nothing
    assert gql(RESET, {"where": {"email": TEST_ADMIN_EMAIL}}).data["data"]  # others may
    with sqlite3.connect(local_server.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM password_resets").fetchone()[0] == (
            limits.MAX_PENDING_RESETS_PER_USER + 1
        )


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def test_used_and_expired_resets_are_purged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Before: the outbox was never purged.
    caplog.set_level(logging.INFO, logger="kili_typed_server")
    clock = Clock()
    with Store(tmp_path / "k.db", clock=clock, hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(admin_email=TEST_ADMIN_EMAIL)
        admin = store.get_user(TEST_ADMIN_EMAIL)
        assert admin is not None
        where = UserFilter(email=TEST_ADMIN_EMAIL)
        db = store.database.connection()

        def outbox() -> int:
            return int(db.execute("SELECT COUNT(*) FROM password_resets").fetchone()[0])

        store.accounts.request_password_reset(admin, where)
        store.accounts.request_password_reset(admin, where)
        assert outbox() == 2
        clock.now += timedelta(minutes=limits.RESET_TOKEN_VALIDITY_MINUTES + 1)
        caplog.clear()
        store.accounts.request_password_reset(admin, where)  # the two expired ones go
        assert outbox() == 1
        store.complete_password_reset(reset_token(caplog), "after-reset-77")
        assert outbox() == 0  # used, and purged


def test_user_data_accepts_the_sdk_mappers_nulls(gql: Gql, user_key: str) -> None:
    # The official SDK's user_data_mapper sends every UserData field, apiKey and
    # organization always null; before, the server refused the whole request.
    data = {
        "activated": None,
        "apiKey": None,
        "email": None,
        "firstname": "Mapped",
        "hasCompletedLabelingTour": None,
        "hubspotSubscriptionStatus": None,
        "lastname": None,
        "organization": None,
        "organizationId": None,
        "organizationRole": None,
    }
    answer = gql(UPDATE, {"data": data, "where": {"email": TEST_USER_EMAIL}}, key=user_key)
    assert answer.data["data"]["firstname"] == "Mapped"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"apiKey": "kt_something"}, "UserData.apiKey must be null"),
        ({"organization": "org-1"}, "UserData.organization must be null"),
        ({"apiKey": "k", "organization": "o"}, "UserData.apiKey, organization must be null"),
    ],
)
def test_user_data_refuses_other_values_clearly(gql: Gql, data: dict[str, str], named: str) -> None:
    answer = gql(UPDATE, {"data": {**data, "firstname": "X"}, "where": {"email": TEST_ADMIN_EMAIL}})
    assert answer.code == "BAD_USER_INPUT"
    assert named in answer.message and "organizationId" in answer.message
    assert gql("{ viewer { firstname } }").data["viewer"]["firstname"] != "X"


def test_update_properties_changes_only_given_fields(gql: Gql, user_key: str) -> None:
    before = gql(UPDATE, {"data": {}, "where": {"email": TEST_USER_EMAIL}}).data["data"]
    answer = gql(UPDATE, {"data": {"lastname": "Renamed"}, "where": {"email": TEST_USER_EMAIL}})
    after = answer.data["data"]
    assert after["lastname"] == "Renamed"
    assert after["firstname"] == before["firstname"] == "Una"
    assert after["organizationRole"] == "USER" and after["activated"] is True
    assert after["updatedAt"] >= before["updatedAt"]


def test_update_properties_2022_literal_objects(gql: Gql, user_key: str) -> None:
    variables: dict[str, object] = {
        "email": TEST_USER_EMAIL,
        "firstname": "Newname",
    }  # absent ones become null
    answer = gql(UPDATE_2022, variables)
    assert answer.data["updatePropertiesInUser"] == {
        "id": answer.data["updatePropertiesInUser"]["id"],
        "email": TEST_USER_EMAIL,
        "firstname": "Newname",
        "lastname": "User",
        "organizationRole": "USER",
        "activated": True,
    }
    variables = {
        "email": TEST_USER_EMAIL,
        "organizationRole": "ADMIN",
        "activated": False,
        "organizationId": None,
        "firstname": None,
        "lastname": None,
    }
    changed = gql(UPDATE_2022, variables).data["updatePropertiesInUser"]
    assert (changed["organizationRole"], changed["activated"], changed["firstname"]) == (
        "ADMIN",
        False,
        "Newname",
    )


def test_a_user_may_rename_themselves_only(gql: Gql, user_key: str) -> None:
    mine = {"email": TEST_USER_EMAIL}
    assert gql(UPDATE, {"data": {"firstname": "Me"}, "where": mine}, key=user_key).data
    assert (
        gql(UPDATE, {"data": {"organizationRole": "ADMIN"}, "where": mine}, key=user_key).code
        == "FORBIDDEN"
    )
    assert (
        gql(UPDATE, {"data": {"activated": False}, "where": mine}, key=user_key).code == "FORBIDDEN"
    )
    theirs = {"email": TEST_ADMIN_EMAIL}
    assert (
        gql(UPDATE, {"data": {"firstname": "X"}, "where": theirs}, key=user_key).code == "FORBIDDEN"
    )
    # Sending a value equal to the current one is not a change, as 2022 clients do.
    same = {"organizationRole": "USER", "activated": True, "firstname": "Me"}
    assert gql(UPDATE, {"data": same, "where": mine}, key=user_key).data


def test_admin_changes_role_and_activation(gql: Gql, user_key: str) -> None:
    where = {"email": TEST_USER_EMAIL}
    answer = gql(UPDATE, {"data": {"organizationRole": "ADMIN"}, "where": where})
    assert answer.data["data"]["organizationRole"] == "ADMIN"
    answer = gql(UPDATE, {"data": {"activated": False}, "where": where})
    assert answer.data["data"]["activated"] is False
    assert gql("{ viewer { id } }", key=user_key).status == 401


def test_the_last_active_admin_stays(gql: Gql) -> None:
    where = {"email": TEST_ADMIN_EMAIL}
    for data in ({"organizationRole": "USER"}, {"activated": False}):
        answer = gql(UPDATE, {"data": data, "where": where})
        assert answer.code == "BAD_USER_INPUT"
        assert "without an active ADMIN" in answer.message


def test_update_properties_email_and_conflicts(gql: Gql, user_key: str) -> None:
    where = {"email": TEST_USER_EMAIL}
    answer = gql(UPDATE, {"data": {"email": TEST_ADMIN_EMAIL.upper()}, "where": where})
    assert answer.code == "CONFLICT"
    answer = gql(UPDATE, {"data": {"email": " Moved@Example.com"}, "where": where})
    assert answer.data["data"]["email"] == "moved@example.com"
    assert (
        gql(UPDATE, {"data": {"email": "bad"}, "where": {"email": "moved@example.com"}}).code
        == "BAD_USER_INPUT"
    )


def test_update_properties_selects_exactly_one_user(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    assert (
        gql(UPDATE, {"data": {"lastname": "Z"}, "where": {"email": "ghost@example.com"}}).code
        == "NOT_FOUND"
    )
    assert gql(UPDATE, {"data": {"lastname": "Z"}, "where": {}}).code == "BAD_USER_INPUT"
    other = local_server.store.create_organization("Other")
    local_server.store.create_user("stranger@other.com", None, organization_id=other.id)
    where = {"email": "stranger@other.com"}
    assert gql(UPDATE, {"data": {"lastname": "Z"}, "where": where}).code == "NOT_FOUND"
    assert gql(RESET, {"where": where}).code == "NOT_FOUND"


def test_admin_cannot_move_a_user_to_another_organization(
    gql: Gql, local_server: ServerThread, user_key: str
) -> None:
    other = local_server.store.create_organization("Other")
    data = {"organizationId": other.id}
    assert gql(UPDATE, {"data": data, "where": {"email": TEST_USER_EMAIL}}).code == "FORBIDDEN"
