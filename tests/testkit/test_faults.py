"""Faults injected by the test kit, seen by a real client, over loopback and in-process.

These tests use the project's own pytest plugin (``kili_server``), as users do.
"""

from __future__ import annotations

from typing import Any

import pytest

from kili_typed import (
    GraphQLError,
    Kili,
    KiliConnectionError,
    KiliTimeoutError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from kili_typed_server.instruments.faults import make_fault
from kili_typed_testkit.server import KiliServer

ADA_EMAIL = "ada@example.com"
ADA_PASSWORD = "Lovelace-1815"


def create_ada(kili: Kili) -> None:
    kili.create_user(email=ADA_EMAIL, password=ADA_PASSWORD, organization_role="USER")


@pytest.fixture(params=[False, True], ids=["loopback", "in-process"])
def server(request: pytest.FixtureRequest, kili_server: KiliServer) -> KiliServer:
    """The plugin's server, reached over loopback or in-process."""
    kili_server.reset(in_process=request.param)
    return kili_server


#: (fault, error a query with no retries raises, status recorded).
QUERY_FAULTS: list[tuple[dict[str, Any], type[Exception], int | None]] = [
    ({"status": 503}, ServerError, 503),
    ({"status": 429, "retry_after": 7}, RateLimitError, 429),
    ({"drop": True}, KiliConnectionError, None),
    ({"truncate": True}, KiliConnectionError, 200),
    ({"body": "<html>502 Bad Gateway</html>"}, MalformedResponseError, 200),
    ({"graphql_error": "FORBIDDEN", "message": "not you"}, GraphQLError, 200),
    ({"graphql_error": "INTERNAL_SERVER_ERROR", "partial": True}, GraphQLError, 200),
    ({"hang": True}, KiliTimeoutError, None),
]


@pytest.mark.parametrize(
    ("fault", "error", "status"), QUERY_FAULTS, ids=[str(f[0]) for f in QUERY_FAULTS]
)
def test_each_fault_reaches_the_client(
    server: KiliServer, fault: dict[str, Any], error: type[Exception], status: int | None
) -> None:
    server.faults.add("countUsers", **fault)
    # Only the hanging request waits for its deadline: the others get one that a loaded
    # machine meets, so a slow truncated answer is not taken for a timeout.
    timeout = 1.0 if fault.get("hang") else 30.0
    with server.kili(max_retries=0, timeout=timeout) as kili, pytest.raises(error):
        kili.count_users()
    with server.kili(max_retries=0, timeout=30.0) as kili:
        assert kili.count_users() == 1  # spent after one request
    first, second = server.requests
    assert (first.operation, first.status, second.status) == ("countUsers", status, 200)
    assert first.fault is not None and second.fault is None


def test_a_graphql_error_carries_its_code(server: KiliServer) -> None:
    server.faults.add("count_users", graphql_error="FORBIDDEN", message="not you")
    with server.kili(max_retries=0) as kili, pytest.raises(GraphQLError) as caught:
        kili.count_users()
    assert caught.value.code == "FORBIDDEN"
    assert "not you" in str(caught.value)


@pytest.mark.parametrize(
    "fault", [{"status": 502}, {"drop": True}, {"status": 500}], ids=["502", "drop", "500"]
)
def test_a_write_that_ran_then_failed_is_an_unknown_outcome(
    server: KiliServer, fault: dict[str, Any]
) -> None:
    server.faults.add("createUser", after_processing=True, **fault)
    with server.kili() as kili, pytest.raises(OutcomeUnknownError):
        create_ada(kili)
    assert server.store.get_user(ADA_EMAIL) is not None
    assert len(server.requests.of("createUser")) == 1


def test_a_write_refused_before_it_ran_is_resent(server: KiliServer) -> None:
    server.faults.add("createUser", status=429, retry_after=0)
    with server.kili() as kili:
        create_ada(kili)
    assert [r.status for r in server.requests.of("createUser")] == [429, 200]


def test_the_nth_matching_request_is_hit(server: KiliServer) -> None:
    server.seed_users(250)
    server.faults.add("users", status=500, nth=3)
    with server.kili(max_retries=0, max_concurrent_pages=1) as kili, pytest.raises(ServerError):
        kili.users(fields=["email"], disable_tqdm=True)
    pages = server.requests.of("users")
    assert [(r.variables or {}).get("skip") for r in pages] == [0, 100, 200]
    assert [r.status for r in pages] == [200, 200, 500]


def test_delay_alone_only_slows_the_answer(server: KiliServer) -> None:
    server.faults.add(delay=0.05, times=2)
    with server.kili() as kili:
        assert kili.count_users() == 1
        assert kili.count_users() == 1
    assert [r.status for r in server.requests] == [200, 200]
    assert all(r.fault is not None and r.fault.delay == 0.05 for r in server.requests)


def test_clear_removes_the_faults(server: KiliServer) -> None:
    server.faults.add(status=503, times=5)
    server.faults.clear()
    with server.kili(max_retries=0) as kili:
        assert kili.count_users() == 1
    assert len(server.faults) == 0


def test_secrets_never_reach_the_log(server: KiliServer) -> None:
    with server.kili() as kili:
        create_ada(kili)
        kili.update_password(
            email="admin@example.com",
            old_password="admin-pass-0123",
            new_password_1="new-pass-24680",
            new_password_2="new-pass-24680",
        )
    text = repr(server.requests) + str([r.to_json() for r in server.requests])
    for secret in (ADA_PASSWORD, "admin-pass-0123", "new-pass-24680", server.api_key):
        assert secret not in text
    data = server.requests.of("createUser")[0].variables["data"]  # type: ignore[index]
    assert data["password"] == "<redacted>" and data["email"] == ADA_EMAIL


#: Arguments that make no fault, and a part of the error's message.
BAD_FAULTS: list[tuple[dict[str, Any], str]] = [
    ({}, "does nothing"),
    ({"operation": "countUser", "status": 503}, "unknown operation 'countUser'"),
    ({"status": 503, "drop": True}, "status and drop"),
    ({"status": 99}, "from 100 to 599"),
    ({"retry_after": 1}, "retry_after goes with status"),
    ({"status": 429, "retry_after": -1}, "0 or more"),
    ({"status": 503, "times": 0}, "times must be"),
    ({"status": 503, "nth": 0}, "nth must be"),
    ({"message": "x", "status": 500}, "message goes with graphql_error"),
    ({"partial": True, "status": 500}, "partial=True goes with graphql_error"),
    ({"truncate": True, "after_processing": False}, "needs the request run"),
    ({"delay": -1}, "delay must be"),
]


@pytest.mark.parametrize(("options", "message"), BAD_FAULTS, ids=[m for _, m in BAD_FAULTS])
def test_bad_faults_are_refused_clearly(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make_fault(**options)


def test_operation_names_either_way() -> None:
    assert make_fault("update_properties_in_user", status=500).operation == (
        "updatePropertiesInUser"
    )
    assert make_fault("countUsers", status=500).operation == "countUsers"
    assert make_fault(truncate=True).after_processing is True
