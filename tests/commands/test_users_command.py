"""``kili-typed users ...`` against the local server, in-process and as a real process."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from collections.abc import Iterator

import pytest

from kili_typed._commands import credentials
from kili_typed._retry import DEFAULT_MAX_RETRIES
from kili_typed_testkit.server import KiliServer
from kili_typed_testkit.testing import (
    TEST_ADMIN_EMAIL,
    TEST_ADMIN_PASSWORD,
    TEST_USER_EMAIL,
    add_user_with_key,
)
from tests.processes import run_kili_typed

from .conftest import InProcess, TTYText, one_line

NEW_PASSWORD = "Lovelace-1815"


def seed(server: KiliServer, count: int = 3) -> list[str]:
    emails = [f"member{i}@example.com" for i in range(count)]
    for i, email in enumerate(emails):
        server.store.create_user(email, None, firstname=f"M{i}")
    return [TEST_ADMIN_EMAIL, *emails]


# ------------------------------------------------------------------------------- list


def test_list_prints_the_documented_default_fields_as_a_table(
    cli: InProcess, env: KiliServer
) -> None:
    result = cli("users", "list")
    assert result.status == 0, result.err
    header, rule, admin = result.out.splitlines()
    assert header.split() == ["email", "id", "firstname", "lastname"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert admin.split()[0] == TEST_ADMIN_EMAIL
    assert result.err == ""  # no terminal: no progress bar


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_list_formats_hold_the_same_rows(cli: InProcess, env: KiliServer, fmt: str) -> None:
    emails = seed(env)
    result = cli("users", "list", "--fields", "email,activated,organization.id", "--format", fmt)
    assert result.status == 0, result.err
    organization_id = env.organization_id
    expected = [
        {"email": email, "activated": True, "organization": {"id": organization_id}}
        for email in emails
    ]
    if fmt == "json":
        assert json.loads(result.out) == expected
    elif fmt == "jsonl":
        assert [json.loads(line) for line in result.out.splitlines()] == expected
    else:
        flat = [
            {"email": row["email"], "activated": "true", "organization.id": organization_id}
            for row in expected
        ]
        if fmt == "csv":
            assert list(csv.DictReader(io.StringIO(result.out))) == flat
        else:
            lines = result.out.splitlines()
            assert lines[0].split() == ["email", "activated", "organization.id"]
            assert [line.split() for line in lines[2:]] == [list(row.values()) for row in flat]


def test_list_json_of_no_user_is_an_empty_array(cli: InProcess, env: KiliServer) -> None:
    result = cli("users", "list", "--email", "nobody@example.com", "--format", "json")
    assert (result.status, json.loads(result.out)) == (0, [])


def test_list_first_and_skip_page_in_creation_order(cli: InProcess, env: KiliServer) -> None:
    emails = seed(env, 4)
    result = cli(
        "users", "list", "--fields", "email", "--first", "2", "--skip", "1", "--format", "jsonl"
    )
    assert [json.loads(line)["email"] for line in result.out.splitlines()] == emails[1:3]


def test_list_filters(cli: InProcess, env: KiliServer) -> None:
    seed(env)
    member_key = add_user_with_key(env.store)
    by_email = cli(
        "users", "list", "--email", "member1@example.com", "--fields", "email", "--format", "csv"
    )
    assert by_email.out.splitlines() == ["email", "member1@example.com"]
    organization = env.organization_id
    by_organization = cli("users", "count", "--organization-id", organization)
    assert by_organization.out.strip() == "5"
    by_key = cli(
        "users", "list", "--api-key-filter-stdin", "--fields", "email", "--format", "csv",
        stdin=member_key + "\n",
    )  # fmt: skip
    assert by_key.out.splitlines() == ["email", TEST_USER_EMAIL]


def test_list_shows_a_progress_bar_only_on_a_terminal(
    cli: InProcess, env: KiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(env)
    terminal = TTYText()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli("users", "list", "--format", "csv").status == 0
    assert "users: 100%" in terminal.getvalue() and "4/4" in terminal.getvalue()

    quiet = TTYText()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert cli("users", "list", "--no-progress").status == 0
    assert quiet.getvalue() == ""


def test_list_stops_quietly_when_the_reader_goes_away(
    cli: InProcess, env: KiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    result = cli("users", "list", "--format", "jsonl")
    assert (result.status, result.err) == (0, "")


# ------------------------------------------------------------------------------ count


def test_count(cli: InProcess, env: KiliServer) -> None:
    seed(env)
    assert cli("users", "count").out == "4\n"
    assert cli("users", "count", "--email", "member2@example.com").out == "1\n"


# --------------------------------------------------------------------------- mutations


def test_create_reads_the_password_from_stdin(cli: InProcess, env: KiliServer) -> None:
    result = cli(
        "users", "create", "--email", "ada@example.com", "--organization-role", "user",
        "--firstname", "Ada", "--lastname", "Lovelace", "--password-stdin",
        stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert result.status == 0, result.err
    user = env.store.get_user("ada@example.com")
    assert user is not None
    assert result.out.strip() == user.id
    assert (user.firstname, user.lastname, user.organization_role) == ("Ada", "Lovelace", "USER")
    assert env.store.check_password("ada@example.com", NEW_PASSWORD)
    assert NEW_PASSWORD not in result.out + result.err


class Prompts:
    """Stands in for getpass: answers prompts from a list, and records them."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Standard input is a terminal, so passwords are prompted for."""
    monkeypatch.setattr(credentials, "can_prompt", lambda: True)
    yield


def test_create_prompts_twice_without_echo(
    cli: InProcess, env: KiliServer, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = Prompts(NEW_PASSWORD, NEW_PASSWORD)
    monkeypatch.setattr(getpass, "getpass", prompts)
    result = cli("users", "create", "--email", "ada@example.com", "--organization-role", "ADMIN")
    assert result.status == 0, result.err
    assert prompts.prompts == ["password for ada@example.com: ", "again: "]
    assert env.store.check_password("ada@example.com", NEW_PASSWORD)


def test_create_refuses_two_different_passwords(
    cli: InProcess, env: KiliServer, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getpass", Prompts(NEW_PASSWORD, "typo"))
    result = cli("users", "create", "--email", "ada@example.com", "--organization-role", "USER")
    assert result.status == 2
    assert "differ" in one_line(result.err)
    assert cli("users", "count", "--email", "ada@example.com").out == "0\n"


def test_create_without_a_terminal_asks_for_password_stdin(cli: InProcess, env: KiliServer) -> None:
    result = cli("users", "create", "--email", "ada@example.com", "--organization-role", "USER")
    assert result.status == 2
    assert "--password-stdin" in one_line(result.err)


def test_create_a_taken_email_is_refused_by_the_server(cli: InProcess, env: KiliServer) -> None:
    args = ("users", "create", "--email", "ada@example.com", "--organization-role", "USER")
    assert cli(*args, "--password-stdin", stdin=NEW_PASSWORD).status == 0
    result = cli(*args, "--password-stdin", stdin=NEW_PASSWORD)
    assert result.status == 1
    assert "already exists" in one_line(result.err)


def test_update_changes_only_what_is_given(cli: InProcess, env: KiliServer) -> None:
    seed(env, 1)
    result = cli(
        "users", "update", "--email", "member0@example.com", "--lastname", "Zero",
        "--organization-role", "ADMIN", "--deactivated",
    )  # fmt: skip
    assert result.status == 0, result.err
    assert "lastname, organization_role, activated" in result.err
    listed = cli(
        "users", "list", "--email", "member0@example.com", "--format", "json",
        "--fields", "firstname,lastname,organizationRole,activated",
    )  # fmt: skip
    assert json.loads(listed.out) == [
        {"firstname": "M0", "lastname": "Zero", "organizationRole": "ADMIN", "activated": False}
    ]
    assert cli("users", "update", "--email", "member0@example.com", "--activated").status == 0
    again = cli(
        "users",
        "list",
        "--email",
        "member0@example.com",
        "--fields",
        "activated",
        "--format",
        "csv",
    )
    assert again.out.splitlines() == ["activated", "true"]


def test_update_with_nothing_to_change_is_bad_usage(cli: InProcess, env: KiliServer) -> None:
    result = cli("users", "update", "--email", "member0@example.com")
    assert result.status == 2
    assert "nothing to update" in one_line(result.err)


def test_update_password_from_stdin(cli: InProcess, env: KiliServer) -> None:
    result = cli(
        "users", "update-password", "--email", TEST_ADMIN_EMAIL, "--password-stdin",
        stdin=f"{TEST_ADMIN_PASSWORD}\n{NEW_PASSWORD}\n",
    )  # fmt: skip
    assert result.status == 0, result.err
    assert env.store.check_password(TEST_ADMIN_EMAIL, NEW_PASSWORD)
    wrong = cli(
        "users", "update-password", "--email", TEST_ADMIN_EMAIL, "--password-stdin",
        stdin=f"not-the-password\n{NEW_PASSWORD}x\n",
    )  # fmt: skip
    assert wrong.status == 1
    assert "not-the-password" not in wrong.err
    one_line(wrong.err)


def test_update_password_prompts(
    cli: InProcess, env: KiliServer, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = Prompts(TEST_ADMIN_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    monkeypatch.setattr(getpass, "getpass", prompts)
    result = cli("users", "update-password", "--email", TEST_ADMIN_EMAIL)
    assert result.status == 0, result.err
    assert prompts.prompts == [
        f"current password of {TEST_ADMIN_EMAIL}: ",
        "new password: ",
        "again: ",
    ]
    assert env.store.check_password(TEST_ADMIN_EMAIL, NEW_PASSWORD)


def test_reset_password(cli: InProcess, env: KiliServer) -> None:
    seed(env, 1)
    result = cli("users", "reset-password", "--email", "member0@example.com")
    assert result.status == 0, result.err
    assert result.out.strip() and "reset" in result.err


# ------------------------------------------------------------------ refusals and errors


def test_unknown_field_is_refused_before_anything_is_sent(
    cli: InProcess, monkeypatch: pytest.MonkeyPatch, refused_endpoint: str
) -> None:
    # Nothing listens at the endpoint: a request would fail with status 4, not 2.
    monkeypatch.setenv("KILI_API_ENDPOINT", refused_endpoint)
    monkeypatch.setenv("KILI_API_KEY", "kt_any-key-0123456789abcdef")
    result = cli("users", "list", "--fields", "id,emial")
    assert result.status == 2
    line = one_line(result.err)
    assert line.startswith("kili-typed: unknown field 'emial' for User; did you mean 'email'?")
    assert result.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ("users", "list", "--first", "-1"),
        ("users", "list", "--fields", "organization"),
        ("users", "update", "--email", "not-an-email", "--firstname", "X"),
    ],
)
def test_bad_values_are_usage_errors(
    cli: InProcess, env: KiliServer, argv: tuple[str, ...]
) -> None:
    result = cli(*argv)
    assert result.status == 2
    one_line(result.err)


def test_a_refused_key_exits_with_the_authentication_status(
    cli: InProcess, env: KiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KILI_API_KEY", "kt_not-a-known-key-0123456789")
    result = cli("users", "count")
    assert result.status == 3
    assert "401" in one_line(result.err)
    assert "kt_not-a-known-key" not in result.err


def test_an_unreachable_server_exits_with_the_server_status(
    cli: InProcess, monkeypatch: pytest.MonkeyPatch, refused_endpoint: str, waits: list[float]
) -> None:
    monkeypatch.setenv("KILI_API_KEY", "kt_any-key-0123456789abcdef")
    result = cli("users", "list", "--endpoint", refused_endpoint)
    assert len(waits) == DEFAULT_MAX_RETRIES  # it tried again before giving up
    assert result.status == 4
    assert "connection failed" in one_line(result.err)


def test_no_api_key_says_where_to_put_one(cli: InProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KILI_API_KEY", raising=False)
    result = cli("users", "count")
    assert result.status == 2
    line = one_line(result.err)
    assert "KILI_API_KEY" in line and "--api-key-stdin" in line


def test_the_api_key_can_come_from_stdin(
    cli: InProcess, env: KiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KILI_API_KEY")
    member_key = add_user_with_key(env.store)
    # The key to authenticate with comes first, then the key to filter on.
    result = cli(
        "users", "list", "--api-key-stdin", "--api-key-filter-stdin", "--fields", "email",
        "--format", "csv", stdin=f"{env.api_key}\n{member_key}\n",
    )  # fmt: skip
    assert result.status == 0, result.err
    assert result.out.splitlines() == ["email", TEST_USER_EMAIL]
    missing = cli("users", "count", "--api-key-stdin", stdin="")
    assert missing.status == 2
    assert "end of input" in one_line(missing.err)


@pytest.mark.parametrize(
    "argv",
    [
        ("users", "list", "--api-key", "kt_secret-on-the-line-0123"),
        ("users", "count", "--api-key=kt_secret-on-the-line-0123"),
        ("users", "create", "--email", "a@example.com", "--organization-role", "USER",
         "--password", "kt_secret-on-the-line-0123"),
        ("users", "update-password", "--email", "a@example.com",
         "--new-password", "kt_secret-on-the-line-0123"),
        ("schema", "diff", "--api-key", "kt_secret-on-the-line-0123"),
    ],
)  # fmt: skip
def test_secrets_are_refused_as_arguments_and_never_echoed(
    cli: InProcess, argv: tuple[str, ...]
) -> None:
    result = cli(*argv)
    assert result.status == 2
    assert "is not accepted" in result.err
    assert "kt_secret-on-the-line" not in result.out + result.err


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("users",),
        ("users", "list"),
        ("users", "count"),
        ("users", "create"),
        ("users", "update"),
        ("users", "update-password"),
        ("users", "reset-password"),
        ("schema",),
        ("schema", "diff"),
    ],
)
def test_help_at_every_level(cli: InProcess, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.status == 0
    assert result.out.startswith(f"usage: kili-typed {' '.join(path)}".rstrip())
    if path:
        assert "exit status:" in result.out and "KILI_API_KEY" in result.out


# ------------------------------------------------------------------- a real process


def test_as_a_process(kili_server: KiliServer) -> None:
    env = {"KILI_API_KEY": kili_server.api_key, "KILI_API_ENDPOINT": kili_server.endpoint}
    created = run_kili_typed(
        ["users", "create", "--email", "Ada@Example.com", "--organization-role", "USER",
         "--password-stdin"],
        stdin=NEW_PASSWORD + "\n",
        env=env,
    )  # fmt: skip
    assert created.status == 0, created.err
    listed = run_kili_typed(["users", "list", "--fields", "id,email", "--format", "csv"], env=env)
    assert listed.status == 0, listed.err
    rows = list(csv.DictReader(io.StringIO(listed.out)))
    assert [row["email"] for row in rows] == [TEST_ADMIN_EMAIL, "ada@example.com"]
    assert rows[1]["id"] == created.out.strip()
    assert listed.err == ""  # not a terminal: no bar

    refused = run_kili_typed(["users", "list", "--fields", "emial"], env=env)
    assert refused.status == 2
    assert "did you mean 'email'?" in one_line(refused.err)

    wrong_key = {**env, "KILI_API_KEY": "kt_wrong-0123456789abc"}
    bad_key = run_kili_typed(["users", "count"], env=wrong_key)
    assert bad_key.status == 3
    one_line(bad_key.err)


def test_users_me_shows_the_keys_owner(cli: InProcess, env: KiliServer) -> None:
    result = cli("users", "me", "--fields", "email,organizationRole", "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out) == [{"email": env.admin_email, "organizationRole": "ADMIN"}]
    result = cli("users", "me", "--fields", "emial")
    assert result.status == 2
    assert "did you mean 'email'" in result.err
