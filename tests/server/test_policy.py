"""The server's pure rules, table-driven: who may change what, what input is valid."""

from __future__ import annotations

from dataclasses import replace

import pytest
from graphql import GraphQLError

from kili_typed_server.core.errors import BadUserInput, Forbidden, NotFound, PageSizeError
from kili_typed_server.core.records import UserChanges, UserRecord
from kili_typed_server.graphql.error_formatting import format_error
from kili_typed_server.http.app import api_key_from_header
from kili_typed_server.service import passwords
from kili_typed_server.service.account_rules import check_update_allowed, loses_admin
from kili_typed_server.service.display import escape
from kili_typed_server.service.validation import validate_email, validate_name

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


#: Characters that could hide or reorder text on a terminal: controls (Cc) including NUL,
#: DEL and C1 codes, format characters (Cf) including bidi overrides and zero-width ones,
#: and line separators.
INVISIBLE = {
    "NUL": "\x00",
    "SOH": "\x01",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "C1 CSI": "\x9b",
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "zero-width space": "\u200b",
    "BOM": "\ufeff",
    "line separator": "\u2028",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_emails_refuse_control_and_format_characters(char: str) -> None:
    with pytest.raises(
        BadUserInput, match=f"control or format characters; found U\\+{ord(char):04X}"
    ):
        validate_email(f"ev{char}e@example.com")


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_names_refuse_control_and_format_characters(char: str) -> None:
    with pytest.raises(BadUserInput, match="firstname must not contain control or format"):
        validate_name(f"Ann{char}e", "firstname")


@pytest.mark.parametrize("name", ["Zoë", "Анна", "李", "O'Brien", "Ann-Marie", "Ann \U0001f600"])
def test_names_accept_printable_text(name: str) -> None:
    assert validate_name(name, "firstname") == name


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("jane@example.com", "jane@example.com"),
        ("a\x00b", "a\\x00b"),
        ("evil\u202egnp.exe", "evil\\u202egnp.exe"),
        ("bell\x07\x1b[2J", "bell\\x07\\x1b[2J"),
        ("c1\x9b", "c1\\x9b"),
        ("zoë", "zoë"),
    ],
)
def test_escape_for_the_terminal(raw: str, shown: str) -> None:
    assert escape(raw) == shown


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
        # graphql-js's quoting, which Kili answers and the official SDK's retries match.
        (
            GraphQLError("Variable '$skip' of required type 'Int!' was not provided."),
            "BAD_USER_INPUT",
            "BAD_USER_INPUT",
            'Variable "$skip" of required type "Int!" was not provided.',
        ),
        (
            GraphQLError("Cannot query field 'x' on type 'Query'. Did you mean 'a' or 'b'?"),
            "GRAPHQL_VALIDATION_FAILED",
            "GRAPHQL_VALIDATION_FAILED",
            'Cannot query field "x" on type "Query". Did you mean "a" or "b"?',
        ),
        # Our own messages keep their apostrophes.
        (
            GraphQLError("x", original_error=Forbidden("another user's password")),
            "P",
            "FORBIDDEN",
            "another user's password",
        ),
    ],
)
def test_format_error(error: GraphQLError, phase: str, code: str, message: str) -> None:
    formatted = format_error(error, phase)
    assert formatted["extensions"]["code"] == code
    assert formatted["message"] == message
