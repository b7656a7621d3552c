"""Official Kili SDKs, unmodified, against ``kili-typed serve``.

For each release in ``environments.SDKS`` (a late-2022 one and the current one) and each
start-up mode (``KILI_SDK_SKIP_CHECKS`` set, or the full start-up checks), ``driver.py``
runs in the release's own virtualenv, builds an admin client and a USER client, and calls
every user method; these tests check each answer against what a real Kili server gives.

Run with ``make compat`` (``KILI_TYPED_COMPAT=1 pytest tests/compat``). The first run
installs the releases from PyPI; later ones reuse the environments. Traffic goes only to a
local server on 127.0.0.1; the driver refuses any other address.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from kili_typed_server import UserFilter
from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.service.administration import seed_email
from kili_typed_testkit.testing import (
    TEST_ADMIN_EMAIL,
    TEST_ADMIN_PASSWORD,
    TEST_API_KEY,
    TEST_USER_EMAIL,
    add_user_with_key,
    make_test_server,
)

from .environments import DRIVER, SDK_2022, SDK_2026, SDKS, Sdk, ensure_environment

SEEDED = 250
ADA = "ada.lovelace@example.com"
NEW_ADMIN_PASSWORD = "new-admin-pass-2468"
OTHER_ORG_EMAIL = "outsider@example.com"
_DRIVER_TIMEOUT_SECONDS = 300
#: 2022 releases resend a request whose answer holds GraphQL errors with HTTP 200 (as Kili
#: answers a resolver's error), sleeping 1 s between tries, 10 tries by default; they read
#: this setting (an environment variable, not a code change). Two tries keep the resend
#: exercised without spending 9 s on each expected error.
_TRIALS_2022 = "2"


@dataclass
class Run:
    """One run of the driver: an SDK release, a start-up mode, the server and the report."""

    sdk: Sdk
    skip_checks: bool
    server: ServerThread
    organization_id: str
    other_organization_id: str
    report: dict[str, Any]
    server_log: list[str] = field(default_factory=list)

    def call(self, call_id: str) -> dict[str, Any]:
        """The outcome of one call of the plan."""
        matches: list[dict[str, Any]] = [c for c in self.report["calls"] if c["id"] == call_id]
        (outcome,) = matches
        return outcome

    def value(self, call_id: str) -> Any:
        """The value a call returned, asserting it succeeded."""
        outcome = self.call(call_id)
        assert outcome["ok"], outcome["error"]["trace"]
        return outcome["value"]

    def error(self, call_id: str) -> str:
        """The message of the error a call raised, asserting it failed."""
        outcome = self.call(call_id)
        assert not outcome["ok"], f"{call_id} succeeded: {outcome['value']}"
        message: str = outcome["error"]["message"]
        return message

    @property
    def startup_checks_run(self) -> bool:
        """Whether this release ran its start-up checks in this mode."""
        return not (self.skip_checks and self.sdk.honours_skip_checks)


def reset(sdk: Sdk) -> str:
    """The reset-password method: public in 2022 releases, internal since."""
    return "reset_password" if sdk.era == "2022" else "internal.reset_password"


def plan(sdk: Sdk, organization_id: str, other_organization_id: str) -> list[dict[str, Any]]:
    """The calls to make, in order. Each call's expected answer is in a test below."""
    user_fields = ["id", "email", "firstname", "lastname", "organizationRole", "activated"]
    calls: list[dict[str, Any]] = [
        {"id": "count_all", "method": "count_users"},
        {"id": "count_by_email", "method": "count_users", "kwargs": {"email": seed_email(7)}},
        {
            "id": "count_by_org",
            "method": "count_users",
            "kwargs": {"organization_id": organization_id},
        },
        {
            "id": "count_other_org",
            "method": "count_users",
            "kwargs": {"organization_id": other_organization_id},
        },
        {
            "id": "users_dotted",
            "method": "users",
            "kwargs": {"fields": ["id", "email", "organization.id"], "first": 3},
        },
        {
            "id": "users_by_email",
            "method": "users",
            "kwargs": {
                "email": TEST_USER_EMAIL,
                "fields": ["email", "firstname", "lastname", "activated", "organizationId"],
            },
        },
        {
            "id": "users_skip",
            "method": "users",
            "kwargs": {"fields": ["email"], "first": 5, "skip": SEEDED - 1},
        },
        {
            "id": "users_generator",
            "method": "users",
            "kwargs": {"fields": ["email"], "first": 150, "skip": 10, "as_generator": True},
        },
        {"id": "users_all", "method": "users", "kwargs": {"disable_tqdm": True}},
        {
            "id": "users_other_org",
            "method": "users",
            "kwargs": {"organization_id": other_organization_id},
        },
        {
            "id": "create",
            "method": "create_user",
            "kwargs": {
                "email": "Ada.Lovelace@Example.com",
                "password": "ada-pass-1815",
                "organization_role": "USER",
                "firstname": "Ada",
                "lastname": "Lovelace",
            },
        },
        {
            "id": "create_duplicate",
            "method": "create_user",
            "kwargs": {"email": ADA, "password": "ada-pass-1815", "organization_role": "USER"},
        },
        {
            "id": "created_user",
            "method": "users",
            "kwargs": {"email": ADA, "fields": user_fields},
        },
        {
            "id": "update_properties",
            "method": "update_properties_in_user",
            "kwargs": {
                "email": ADA,
                "firstname": "Augusta",
                "lastname": "King",
                "organization_role": "ADMIN",
            },
        },
        {
            "id": "deactivate",
            "method": "update_properties_in_user",
            "kwargs": {"email": ADA, "activated": False},
        },
        {"id": "updated_user", "method": "users", "kwargs": {"email": ADA, "fields": user_fields}},
        {"id": "count_after", "method": "count_users"},
        {
            "id": "update_password",
            "method": "update_password",
            "kwargs": {
                "email": TEST_ADMIN_EMAIL,
                "old_password": TEST_ADMIN_PASSWORD,
                "new_password_1": NEW_ADMIN_PASSWORD,
                "new_password_2": NEW_ADMIN_PASSWORD,
            },
        },
        {
            "id": "update_password_wrong_old",
            "method": "update_password",
            "kwargs": {
                "email": TEST_ADMIN_EMAIL,
                "old_password": "wrong-pass-000",
                "new_password_1": "another-pass-1357",
                "new_password_2": "another-pass-1357",
            },
        },
        {"id": "reset_password", "method": reset(sdk), "kwargs": {"email": ADA}},
        # The USER member's own client.
        {"id": "user_count", "client": "user", "method": "count_users"},
        {
            "id": "user_create_forbidden",
            "client": "user",
            "method": "create_user",
            "kwargs": {
                "email": "x@example.com",
                "password": "x-pass-0123",
                "organization_role": "USER",
            },
        },
        {
            "id": "user_renames_self",
            "client": "user",
            "method": "update_properties_in_user",
            "kwargs": {"email": TEST_USER_EMAIL, "firstname": "Una-Maria"},
        },
        {
            "id": "user_promotes_self",
            "client": "user",
            "method": "update_properties_in_user",
            "kwargs": {"email": TEST_USER_EMAIL, "organization_role": "ADMIN"},
        },
    ]
    # The documented example of `users` starts with kili.organizations()[0]["id"].
    calls += [
        {"id": "organizations", "method": "organizations"},
        {
            "id": "organizations_by_email",
            "method": "organizations",
            "kwargs": {"email": TEST_ADMIN_EMAIL, "fields": ["id", "name"]},
        },
        {
            "id": "organizations_other",
            "method": "organizations",
            "kwargs": {"organization_id": other_organization_id},
        },
        {"id": "count_organizations", "method": "count_organizations"},
    ]
    if sdk.era == "2026":
        # The SDK's docstring: kili.organizations(fields=['users.email']), as a USER.
        calls.append(
            {
                "id": "organizations_with_users",
                "client": "user",
                "method": "organizations",
                "kwargs": {"fields": ["id", "users.email"]},
            }
        )
        calls.append(
            {
                "id": "current_user",
                "method": "get_current_user",
                "kwargs": {"fields": ["email", "organizationRole", "organization.id"]},
            }
        )
    if sdk.era == "2022":
        calls.append(
            {
                "id": "users_by_api_key",
                "method": "users",
                "kwargs": {"api_key": "<user key>", "fields": ["email"]},
            }
        )
    return calls


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.INFO)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def driver_environment(home: Path, skip_checks: bool) -> dict[str, str]:
    """The driver's environment: no proxies, no Kili settings but those chosen here."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().endswith("_PROXY") and not name.startswith("KILI_")
    }
    env.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", PYTHONDONTWRITEBYTECODE="1")
    if skip_checks:
        env["KILI_SDK_SKIP_CHECKS"] = "1"
    env["KILI_SDK_TRIALS_NUMBER"] = _TRIALS_2022
    return env


def drive(
    python: Path,
    workdir: Path,
    server: ServerThread,
    keys: dict[str, str],
    calls: list[dict[str, Any]],
    skip_checks: bool,
) -> dict[str, Any]:
    """Runs ``driver.py`` in an SDK's environment against a running server.

    Returns:
        The driver's report, plus the run's wall-clock ``seconds``.
    """
    plan_path, result_path = workdir / "plan.json", workdir / "result.json"
    plan_path.write_text(
        json.dumps({"endpoint": server.endpoint, "keys": keys, "calls": calls}),
        encoding="utf-8",
    )
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    started = time.monotonic()
    done = subprocess.run(
        [str(python), str(DRIVER), str(plan_path), str(result_path)],
        env=driver_environment(home, skip_checks),
        capture_output=True,
        text=True,
        timeout=_DRIVER_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


@pytest.fixture(
    scope="module",
    params=[(sdk, skip) for sdk in SDKS for skip in (True, False)],
    ids=lambda p: f"{p[0]}-{'skip-checks' if p[1] else 'full-checks'}",
)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Runs the driver once for an SDK release and a start-up mode."""
    sdk, skip_checks = request.param
    python = ensure_environment(sdk)
    workdir = tmp_path_factory.mktemp(f"{sdk}-{'skip' if skip_checks else 'full'}")
    server = make_test_server(workdir / "kili.db", seed_users=SEEDED)
    log: list[str] = []
    handler = _Collect(log)
    server_logger = logging.getLogger("kili_typed_server")
    server_logger.addHandler(handler)
    try:
        with server:
            store = server.store
            organization_id = store.default_organization_id()
            user_key = add_user_with_key(store)
            other = store.create_organization("Another organization")
            store.create_user(OTHER_ORG_EMAIL, "outsider-0123", organization_id=other.id)
            calls = plan(sdk, organization_id, other.id)
            for call in calls:
                if call.get("kwargs", {}).get("api_key") == "<user key>":
                    call["kwargs"]["api_key"] = user_key
            keys = {"admin": TEST_API_KEY, "user": user_key}
            report = drive(python, workdir, server, keys, calls, skip_checks)
            yield Run(
                sdk=sdk,
                skip_checks=skip_checks,
                server=server,
                organization_id=organization_id,
                other_organization_id=other.id,
                report=report,
                server_log=log,
            )
    finally:
        server_logger.removeHandler(handler)


def root_fields(request: dict[str, Any]) -> list[str]:
    """The root fields a recorded GraphQL request asked for (``__schema`` for introspection)."""
    document = parse(request["query"])
    names: list[str] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    names.append(selection.name.value)
    return names


def graphql_requests(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """The GraphQL requests a call or a client constructor sent."""
    return [r for r in outcome["requests"] if r["method"] == "POST" and "query" in r]


# -- the releases themselves -----------------------------------------------------------------


def test_the_release_under_test(run: Run, record_property: Callable[[str, object], None]) -> None:
    assert run.report["sdk_version"] == run.sdk.version
    record_property("python", run.report["python"])
    record_property("driver_seconds", run.report["seconds"])
    record_property("calls", [call["id"] for call in run.report["calls"]])


# -- start-up ------------------------------------------------------------------------------


def test_clients_start(run: Run) -> None:
    for name in ("admin", "user"):
        client = run.report["clients"][name]
        assert client["error"] is None, client["error"]["trace"]


def test_start_up_checks(run: Run) -> None:
    requests = run.report["clients"]["admin"]["requests"]
    assert all(r["status"] == 200 for r in requests), requests
    if not run.startup_checks_run:
        assert requests == []  # the 2026 client sends nothing before its first call
        return
    steps = [
        (r["method"], r["path"], r["authorized"], root_fields(r) if "query" in r else [])
        for r in requests
    ]
    version = ("GET", "/api/label/v2/version")
    graphql = ("POST", "/api/label/v2/graphql")
    if run.sdk.era == "2026":
        assert steps == [
            (*graphql, True, ["viewer"]),
            (*version, True, []),
            (*graphql, True, ["__schema"]),
            (*graphql, True, ["apiKeys"]),
        ]
        assert requests[0]["query"] == "{ viewer { id email } }"
        assert requests[3]["variables"] == {"where": {"key": "<key:admin>"}}
        assert "skip: 0, first: 1" in requests[3]["query"] and "expiryDate" in requests[3]["query"]
    else:
        assert steps == [
            (*version, False, []),  # 2022 clients ask for the version without their key
            (*graphql, True, ["me"]),
            (*graphql, True, ["countApiKeys"]),
            (*graphql, True, ["apiKeys"]),
        ]
        where = {"user": {"id": None, "apiKey": "<key:admin>"}, "id": None}
        assert requests[2]["variables"] == {"where": where}
        assert requests[3]["variables"] == {"where": where, "skip": 0, "first": 100}
    assert all(r["key_header_ok"] for r in requests if r["authorized"])


def test_start_up_warnings(run: Run) -> None:
    for name in ("admin", "user"):
        warnings = run.report["clients"][name]["warnings"]
        # 2022 clients compare the server's major.minor version with their own and warn
        # when they differ ("could not check the version" when /version fails); the
        # server answers 2.128.x, as Kili did when 2.128 was released.
        assert warnings == []


def test_introspection_was_read_by_the_2026_client(run: Run) -> None:
    if run.sdk.era != "2026" or not run.startup_checks_run:
        pytest.skip("only the 2026 client introspects, and only with its start-up checks")
    # gql builds and caches the schema from the introspection (with graphql-core 3.2.6);
    # a schema it could not read would have failed the client's construction.
    cache = Path(run.server.db_path).parent / "home" / ".cache" / "kili" / "graphql"
    cached = list(cache.glob("*.graphql"))
    assert len(cached) == 1
    assert "updatePropertiesInUser" in cached[0].read_text(encoding="utf-8")


# -- count_users -----------------------------------------------------------------------------


def test_count_users(run: Run) -> None:
    everyone = SEEDED + 2  # the admin, the seeded users, the USER member
    assert run.value("count_all") == everyone
    assert run.value("count_by_email") == 1
    assert run.value("count_by_org") == everyone
    assert run.value("count_other_org") == 0  # another organization's users are invisible
    assert run.value("count_after") == everyone + 1  # Ada, deactivated, still counts
    assert run.value("user_count") == everyone + 1  # a USER sees their organization too
    (request,) = graphql_requests(run.call("count_all"))
    assert root_fields(request) == ["countUsers"]


# -- users -----------------------------------------------------------------------------------


def test_users_with_dotted_fields(run: Run) -> None:
    rows = run.value("users_dotted")
    assert [row["email"] for row in rows] == [TEST_ADMIN_EMAIL, seed_email(1), seed_email(2)]
    for row in rows:
        assert set(row) == {"id", "email", "organization"}
        assert row["organization"] == {"id": run.organization_id}


def test_users_filtered_by_email(run: Run) -> None:
    assert run.value("users_by_email") == [
        {
            "email": TEST_USER_EMAIL,
            "firstname": "Una",
            "lastname": "User",
            "activated": True,
            "organizationId": run.organization_id,
        }
    ]


def test_users_with_first_and_skip(run: Run) -> None:
    rows = run.value("users_skip")
    assert [row["email"] for row in rows] == [seed_email(249), seed_email(250), TEST_USER_EMAIL]


def test_users_as_generator(run: Run) -> None:
    outcome = run.call("users_generator")
    assert outcome["lazy"] is True
    # 2022 releases return typeguard 2's wrapper around their generator.
    expected_type = "generator" if run.sdk.era == "2026" else "TypeCheckedGenerator"
    assert outcome["returned"] == expected_type
    assert run.call("users_all")["lazy"] is False
    emails = [row["email"] for row in run.value("users_generator")]
    if run.sdk.era == "2026":
        assert emails == [seed_email(n) for n in range(10, 160)]
        firsts = [r["variables"]["first"] for r in graphql_requests(outcome)[1:]]
        assert firsts == [100, 50]  # asks each page for what remains
    else:
        # 2022 clients always ask pages of 100 and yield whole pages: first=150 gives 200
        # rows, against Kili as against this server. The bug is the client's.
        assert emails == [seed_email(n) for n in range(10, 210)]


def test_users_all_pages(run: Run) -> None:
    outcome = run.call("users_all")
    rows = run.value("users_all")
    assert len(rows) == SEEDED + 2
    assert all(set(row) == {"email", "id", "firstname", "lastname"} for row in rows)
    assert len({row["id"] for row in rows}) == len(rows)
    requests = graphql_requests(outcome)
    assert [root_fields(r) for r in requests] == [["countUsers"]] + [["users"]] * 3
    assert [r["variables"]["skip"] for r in requests[1:]] == [0, 100, 200]


def test_users_of_another_organization(run: Run) -> None:
    assert run.value("users_other_org") == []


def test_users_by_api_key_2022(run: Run) -> None:
    if run.sdk.era != "2022":
        pytest.skip("users(api_key=...) exists only in 2022 releases")
    assert run.value("users_by_api_key") == [{"email": TEST_USER_EMAIL}]


# -- create_user -----------------------------------------------------------------------------


def test_organizations_are_the_callers_own(run: Run) -> None:
    (own,) = run.value("organizations")
    assert own["id"] == run.organization_id and own["name"]
    assert [org["id"] for org in run.value("organizations_by_email")] == [run.organization_id]
    assert run.value("organizations_other") == []
    assert run.value("count_organizations") == 1


def test_organizations_with_their_users_2026(run: Run) -> None:
    if run.sdk.era != "2026":
        pytest.skip("the 2026 client documents organizations(fields=['users.email'])")
    (own,) = run.value("organizations_with_users")
    assert own["id"] == run.organization_id
    emails = {user["email"] for user in own["users"]}
    assert {TEST_ADMIN_EMAIL, TEST_USER_EMAIL} <= emails


def test_get_current_user_2026(run: Run) -> None:
    if run.sdk.era != "2026":
        pytest.skip("get_current_user exists since 26.1.1")
    assert run.value("current_user") == {
        "email": TEST_ADMIN_EMAIL,
        "organizationRole": "ADMIN",
        "organization": {"id": run.organization_id},
    }


def test_create_user(run: Run) -> None:
    created = run.value("create")
    assert set(created) == {"id"}
    user = run.server.store.get_user(ADA)
    assert user is not None and user.id == created["id"]
    assert run.value("created_user") == [
        {
            "id": created["id"],
            "email": ADA,  # stored lower-cased, whatever the client sent
            "firstname": "Ada",
            "lastname": "Lovelace",
            "organizationRole": "USER",
            "activated": True,
        }
    ]


def test_create_user_twice_is_a_conflict(run: Run) -> None:
    assert "already exists" in run.error("create_duplicate")
    sent = graphql_requests(run.call("create_duplicate"))
    # The 2026 client never resends a mutation the server answered; 2022 ones resend any
    # request answered with errors (here KILI_SDK_TRIALS_NUMBER=2 times), harmlessly.
    assert len(sent) == (1 if run.sdk.era == "2026" else int(_TRIALS_2022))
    assert run.server.store.count_users(run.organization_id, UserFilter(email=ADA)) == 1


def test_a_user_cannot_create_users(run: Run) -> None:
    message = run.error("user_create_forbidden")
    assert "ADMIN" in message
    assert run.server.store.get_user("x@example.com") is None


# -- update_properties_in_user ---------------------------------------------------------------


def test_update_properties_in_user(run: Run) -> None:
    ada_id = run.value("create")["id"]
    assert run.value("update_properties") == {"id": ada_id}
    assert run.value("deactivate") == {"id": ada_id}
    assert run.value("updated_user") == [
        {
            "id": ada_id,
            "email": ADA,
            "firstname": "Augusta",
            "lastname": "King",
            "organizationRole": "ADMIN",
            "activated": False,
        }
    ]


def test_update_properties_request_shape(run: Run) -> None:
    (request,) = graphql_requests(run.call("update_properties"))
    if run.sdk.era == "2022":
        # Scalar variables written inside literal input objects.
        assert "where: {email: $email}" in request["query"]
        assert request["variables"] == {
            "email": ADA,
            "firstname": "Augusta",
            "lastname": "King",
            "organizationRole": "ADMIN",
        }
    else:
        assert set(request["variables"]) == {"data", "where"}
        assert request["variables"]["data"] == {
            "firstname": "Augusta",
            "lastname": "King",
            "organizationRole": "ADMIN",
        }


def test_a_user_may_rename_but_not_promote_themselves(run: Run) -> None:
    member = run.server.store.get_user(TEST_USER_EMAIL)
    assert member is not None
    assert run.value("user_renames_self") == {"id": member.id}
    assert member.firstname == "Una-Maria"
    assert "USER" in run.error("user_promotes_self")
    assert member.organization_role == "USER"


# -- update_password and reset_password ------------------------------------------------------


def test_update_password(run: Run) -> None:
    admin = run.server.store.get_user(TEST_ADMIN_EMAIL)
    assert admin is not None
    assert run.value("update_password") == {"id": admin.id}
    assert run.server.store.check_password(TEST_ADMIN_EMAIL, NEW_ADMIN_PASSWORD)


def test_update_password_with_a_wrong_old_password(run: Run) -> None:
    assert "password not changed" in run.error("update_password_wrong_old")
    assert not run.server.store.check_password(TEST_ADMIN_EMAIL, "another-pass-1357")


def test_reset_password(run: Run) -> None:
    ada_id = run.value("create")["id"]
    assert run.value("reset_password") == {"id": ada_id}
    lines = [line for line in run.server_log if line.startswith(f"password reset for {ADA}")]
    assert len(lines) == 1 and "single-use token" in lines[0]
    # The token goes to the operator's log only, never to the client.
    token = lines[0].split("single-use token ")[1].split()[0]
    assert token not in json.dumps(run.report)


def test_errors_carry_no_stack_trace_and_no_key(run: Run) -> None:
    failed = [outcome for outcome in run.report["calls"] if not outcome["ok"]]
    assert failed
    for outcome in failed:
        message = outcome["error"]["message"]
        assert 'File "/' not in message and "Traceback" not in message
        # The driver turns any key it sees into <key:NAME>: none may come back in an error.
        assert "<key:" not in message


def test_sdk_pairs() -> None:
    assert {sdk.era for sdk in SDKS} == {"2022", "2026"}
    assert SDK_2022.version.startswith("2.12") and SDK_2026.version.startswith("26.")


# -- throttling ------------------------------------------------------------------------------

THROTTLE_PER_MINUTE = 30  # a burst of 30, then one request every 2 s


@pytest.mark.parametrize("sdk", SDKS, ids=str)
def test_throttling(sdk: Sdk, tmp_path: Path) -> None:
    python = ensure_environment(sdk)
    server = make_test_server(tmp_path / "kili.db", rate_limit=THROTTLE_PER_MINUTE)
    calls = [{"id": f"count {n}", "method": "count_users"} for n in range(THROTTLE_PER_MINUTE + 2)]
    with server:
        report = drive(python, tmp_path, server, {"admin": TEST_API_KEY}, calls, True)
    outcomes = report["calls"]
    statuses = [r.get("status") for call in outcomes for r in call["requests"]]
    assert 429 in statuses
    if sdk.era == "2026":
        # The current client waits for Retry-After and sends the query again: every call
        # ends well, a few seconds later.
        assert all(call["ok"] and call["value"] == 1 for call in outcomes), outcomes
        throttled = [call for call in outcomes if len(call["requests"]) > 1]
        assert throttled and all(
            [r["status"] for r in call["requests"]][-1] == 200 for call in throttled
        )
    else:
        # 2022 clients read every answer as JSON: the 429's plain-text body ends the call
        # with an error quoting it, as against Kili then.
        failed = [call for call in outcomes if not call["ok"]]
        assert failed and "Too Many Requests" in failed[0]["error"]["message"]
        assert all(call["ok"] for call in outcomes[: outcomes.index(failed[0])])
