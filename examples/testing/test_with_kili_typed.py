"""Testing code that uses kili-typed, offline: the fixtures of kili-typed's pytest plugin.

Installing ``kili-typed[server]`` and pytest is all it takes: no conftest, no fixture of
your own. Each test gets the same local server, reset to its bootstrap organization,
admin and API key before the test.
"""

from __future__ import annotations

import pytest
from pipeline import onboard, onboard_from_environment

from kili_typed import AsyncKili, Kili, OutcomeUnknownError, RateLimitError, ServerError
from kili_typed_testkit import KiliServer

PASSWORD = "Welcome-2026"


def test_creates_and_lists_users(kili: Kili) -> None:
    done = onboard(kili, ["ada@example.com", "grace@example.com"], PASSWORD)
    assert done == {"ada@example.com": "created", "grace@example.com": "created"}
    users = kili.users(fields=["email"], disable_tqdm=True)
    assert [user.get("email") for user in users] == [
        "admin@example.com",
        "ada@example.com",
        "grace@example.com",
    ]


def test_sees_none_of_the_previous_tests_users(kili: Kili) -> None:
    assert kili.count_users() == 1  # only the admin: each test starts afresh


def test_a_query_is_retried_after_a_503(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("countUsers", status=503)  # the next countUsers only
    assert kili.count_users() == 1
    attempts = kili_server.requests.of("countUsers")
    assert [request.status for request in attempts] == [503, 200]


def test_a_lost_answer_to_create_user(kili: Kili, kili_server: KiliServer) -> None:
    # The server creates the user, then a gateway answers 502: the client cannot know.
    kili_server.faults.add("createUser", status=502, after_processing=True)
    with pytest.raises(OutcomeUnknownError):
        kili.create_user(email="ada@example.com", password=PASSWORD, organization_role="USER")
    assert kili.count_users(email="ada@example.com") == 1  # it was created
    assert len(kili_server.requests.of("createUser")) == 1  # and never resent


def test_the_job_survives_a_lost_answer(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("createUser", status=502, after_processing=True)
    done = onboard(kili, ["ada@example.com"], PASSWORD)
    assert done == {"ada@example.com": "created (answer lost)"}
    assert kili.count_users(email="ada@example.com") == 1  # created once, not twice


def test_the_job_survives_a_dropped_connection(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("createUser", drop=True, after_processing=True)
    assert onboard(kili, ["ada@example.com"], PASSWORD) == {
        "ada@example.com": "created (answer lost)"
    }


@pytest.mark.kili_server(rate_limit=3)
def test_throttled_beyond_the_rate_limit(kili_server: KiliServer) -> None:
    with kili_server.kili(max_retries=0) as kili:  # see the 429 instead of waiting
        for _ in range(3):
            kili.count_users()
        with pytest.raises(RateLimitError) as caught:
            kili.count_users()
    assert caught.value.retry_after is not None and caught.value.retry_after > 0


def test_a_throttled_query_waits_and_succeeds(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("countUsers", status=429, retry_after=1)
    assert kili.count_users() == 1  # after waiting the 1 s the server asked for
    assert [r.status for r in kili_server.requests] == [429, 200]


def test_page_3_of_a_listing_fails(kili_server: KiliServer) -> None:
    kili_server.seed_users(250)  # 3 pages of 100
    kili_server.faults.add("users", status=500, nth=3)
    with kili_server.kili(max_concurrent_pages=1) as kili, pytest.raises(ServerError):
        kili.users(fields=["email"], disable_tqdm=True)
    pages = kili_server.requests.of("users")
    assert [(page.variables or {}).get("skip") for page in pages] == [0, 100, 200]


@pytest.mark.kili_server(seed_file="users.json")
def test_starts_with_the_users_of_a_seed_file(kili: Kili) -> None:
    assert onboard(kili, ["linus@example.com"], PASSWORD) == {"linus@example.com": "already there"}


def test_code_that_builds_its_own_client(kili_env: dict[str, str]) -> None:
    # kili_env sets KILI_API_KEY, KILI_API_ENDPOINT and KILI_SDK_SKIP_CHECKS.
    assert onboard_from_environment(["ada@example.com"], PASSWORD) == {"ada@example.com": "created"}


@pytest.mark.kili_server(in_process=True)
def test_in_process_no_socket(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("countUsers", status=503, retry_after=0)
    assert kili.count_users() == 1
    assert len(kili_server.requests) == 2


@pytest.mark.anyio
async def test_async_code(async_kili: AsyncKili, kili_server: KiliServer) -> None:
    kili_server.faults.add("countUsers", status=503, retry_after=0)
    assert await async_kili.count_users() == 1
    await async_kili.create_user(
        email="ada@example.com", password=PASSWORD, organization_role="USER"
    )
    assert await async_kili.count_users() == 2
