"""The server's pure rules, table-driven: who may change what, what input is valid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from graphql import GraphQLError

from kili_typed_server import Store, passwords
from kili_typed_server.accounts import check_update_allowed, loses_admin
from kili_typed_server.app import api_key_from_header
from kili_typed_server.error_formatting import format_error
from kili_typed_server.errors import BadUserInput, Forbidden, NotFound, PageSizeError
from kili_typed_server.passwords import INSECURE_TEST_HASHER, PRODUCTION_HASHER, ScryptHasher
from kili_typed_server.records import UserChanges, UserRecord
from kili_typed_server.validation import validate_email

BASE = UserRecord(
    id="base",
    email="base@example.com",
    firstname="F",
    lastname="L",
    activated=True,
    created_at="2024-01-01T00:00:00.000Z",
    updated_at="2024-01-01T00:00:00.000Z",
    organization_id="org",
    organization_role="USER",
    has_completed_labeling_tour=False,
    hubspot_subscription_status="UNSUBSCRIBED",
)


def user(user_id: str, role: str = "USER", activated: bool = True) -> UserRecord:
    return replace(BASE, id=user_id, organization_role=role, activated=activated)


ADMIN, ME, OTHER = user("admin", "ADMIN"), user("me"), user("other")


@pytest.mark.parametrize(
    ("caller", "target", "changes", "allowed"),
    [
        (ME, ME, UserChanges(firstname="New"), True),
        (ME, ME, UserChanges(lastname="New", hubspot_subscription_status="SUBSCRIBED"), True),
        (ME, ME, UserChanges(has_completed_labeling_tour=True), True),
        (ME, ME, UserChanges(organization_role="ADMIN"), False),
        (ME, ME, UserChanges(activated=False), False),
        (ME, ME, UserChanges(email="new@example.com"), False),
        (ME, ME, UserChanges(organization_id="elsewhere"), False),
        (
            ME,
            ME,
            UserChanges(organization_role="USER", activated=True, organization_id="org"),
            True,
        ),
        (ME, OTHER, UserChanges(firstname="New"), False),
        (ME, OTHER, UserChanges(), True),
        (ADMIN, OTHER, UserChanges(organization_role="ADMIN", activated=False), True),
        (ADMIN, OTHER, UserChanges(email="x@example.com", firstname="X"), True),
        (ADMIN, OTHER, UserChanges(organization_id="org"), True),
        (ADMIN, OTHER, UserChanges(organization_id="elsewhere"), False),
    ],
)
def test_who_may_change_what(
    caller: UserRecord, target: UserRecord, changes: UserChanges, allowed: bool
) -> None:
    changed = changes.differing_from(target)
    if allowed:
        check_update_allowed(caller, target, changed)
    else:
        with pytest.raises(Forbidden):
            check_update_allowed(caller, target, changed)


@pytest.mark.parametrize(
    ("target", "changes", "expected"),
    [
        (ADMIN, UserChanges(organization_role="USER"), True),
        (ADMIN, UserChanges(activated=False), True),
        (ADMIN, UserChanges(firstname="X"), False),
        (user("off", "ADMIN", activated=False), UserChanges(organization_role="USER"), False),
        (ME, UserChanges(activated=False), False),
    ],
)
def test_loses_admin(target: UserRecord, changes: UserChanges, expected: bool) -> None:
    assert loses_admin(target, changes.differing_from(target)) is expected


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("a@example.com", "a@example.com"),
        ("  Jane.Doe+tag@Sub.Example.COM ", "jane.doe+tag@sub.example.com"),
    ],
)
def test_valid_emails(raw: str, normalized: str) -> None:
    assert validate_email(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "plain",
        "@example.com",
        "a@",
        "a@example",
        "a@@example.com",
        "a b@example.com",
        "a@example..com",
        "a@.example.com",
        "x" * 65 + "@example.com",
        "a@" + "d" * 250 + ".com",
    ],
)
def test_invalid_emails(raw: str) -> None:
    with pytest.raises(BadUserInput, match="invalid email"):
        validate_email(raw)


@pytest.mark.parametrize(
    ("password", "strong"),
    [
        ("abcdefg1", True),
        ("abcdefgh", False),
        ("12345678", False),
        ("abc1", False),
        ("a1" * 512, True),
        ("a1" * 513, False),
    ],
)
def test_password_strength(password: str, strong: bool) -> None:
    assert passwords.is_strong_password(password) is strong


@pytest.mark.parametrize("hasher", [INSECURE_TEST_HASHER, ScryptHasher(n=4, r=2, p=1)])
def test_passwords_are_salted_and_verified(hasher: ScryptHasher) -> None:
    first, second = hasher.hash("pass-word-1"), hasher.hash("pass-word-1")
    assert first != second and "pass-word-1" not in first
    assert first.startswith(f"scrypt${hasher.n}${hasher.r}${hasher.p}$")
    assert hasher.verify("pass-word-1", first)
    assert not hasher.verify("pass-word-2", first)
    assert not hasher.verify("pass-word-1", None)
    assert not hasher.verify("pass-word-1", "garbage")
    assert not hasher.verify("pass-word-1", "bcrypt$1$2$3$c2FsdA==$aGFzaA==")
    assert passwords.is_strong_password(passwords.generate_password())


def test_production_hashing_keeps_its_cost(tmp_path: Path) -> None:
    # The one production-strength hash of the suite: test servers hash at a trivial cost.
    assert (PRODUCTION_HASHER.n, PRODUCTION_HASHER.r, PRODUCTION_HASHER.p) == (2**15, 8, 1)
    with Store(tmp_path / "kili.db") as store:
        assert store.accounts.hasher is PRODUCTION_HASHER
    stored = PRODUCTION_HASHER.hash("pass-word-1")
    assert stored.startswith("scrypt$32768$8$1$")
    # A hash records its cost: whatever the verifier's own, each verifies the other's.
    assert INSECURE_TEST_HASHER.verify("pass-word-1", stored)
    assert PRODUCTION_HASHER.verify("pass-word-2", INSECURE_TEST_HASHER.hash("pass-word-2"))


def test_a_database_written_at_the_test_cost_verifies_at_any_cost(tmp_path: Path) -> None:
    with Store(tmp_path / "kili.db", hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(admin_email="ops@example.com", admin_password="ops-pass-0123")
        store.create_user("ada@example.com", "ada-pass-0123")
    with Store(tmp_path / "kili.db") as store:
        assert store.check_password("ops@example.com", "ops-pass-0123")
        assert store.check_password("ada@example.com", "ada-pass-0123")
        assert not store.check_password("ada@example.com", "ada-pass-0124")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (None, None),
        ("", None),
        ("X-API-Key:", None),
        ("X-API-Key: abc", "abc"),
        ("x-api-key:abc", "abc"),
        ("X-API-KEY:   abc  ", "abc"),
        ("Bearer abc", None),
        ("abc", None),
    ],
)
def test_api_key_from_header(header: str | None, key: str | None) -> None:
    assert api_key_from_header(header) == key


@pytest.mark.parametrize(
    ("error", "phase", "code", "message"),
    [
        (GraphQLError("x", original_error=Forbidden("no")), "P", "FORBIDDEN", "no"),
        (GraphQLError("x", original_error=NotFound("gone")), "P", "NOT_FOUND", "gone"),
        (GraphQLError("x", original_error=PageSizeError("big")), "P", "BAD_USER_INPUT", "x"),
        (
            GraphQLError("x", path=["users"], original_error=RuntimeError("db at /secret")),
            "P",
            "INTERNAL_SERVER_ERROR",
            "Internal server error",
        ),
        (
            GraphQLError("Syntax Error"),
            "GRAPHQL_PARSE_FAILED",
            "GRAPHQL_PARSE_FAILED",
            "Syntax Error",
        ),
    ],
)
def test_format_error(error: GraphQLError, phase: str, code: str, message: str) -> None:
    formatted = format_error(error, phase)
    assert formatted["extensions"]["code"] == code
    assert formatted["message"] == message
