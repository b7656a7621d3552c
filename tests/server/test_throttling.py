"""The optional per-key rate limit: 429, Retry-After and a plain-text body, as Kili does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.core import limits
from kili_typed_server.http.rate_limit import RateLimiter
from kili_typed_testkit.testing import TEST_API_KEY, add_user_with_key, make_test_server

COUNT = {"query": "{ countUsers(where: {}) }", "variables": None}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"X-API-Key: {key}"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttled_server(tmp_path: Path) -> Iterator[ServerThread]:
    with make_test_server(tmp_path / "kili.db", rate_limit=3) as server:
        yield server


def test_a_key_over_its_limit_gets_429_with_retry_after(
    throttled_server: ServerThread, http: httpx.Client
) -> None:
    url = throttled_server.endpoint
    answers = [http.post(url, json=COUNT, headers=auth(TEST_API_KEY)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    # 3 a minute: one token every 20 s.
    assert refused.headers["Retry-After"] == "20"
    assert refused.headers["content-type"].startswith("text/plain")
    assert "Too Many Requests" in refused.text and "3 requests a minute" in refused.text
    with pytest.raises(ValueError):
        refused.json()  # not a GraphQL answer, as Kili's gateway sends it
    assert TEST_API_KEY not in refused.text


def test_the_limit_is_per_key(throttled_server: ServerThread, http: httpx.Client) -> None:
    other = add_user_with_key(throttled_server.store)
    url = throttled_server.endpoint
    for _ in range(3):
        assert http.post(url, json=COUNT, headers=auth(TEST_API_KEY)).status_code == 200
    assert http.post(url, json=COUNT, headers=auth(TEST_API_KEY)).status_code == 429
    assert http.post(url, json=COUNT, headers=auth(other)).status_code == 200
    # The version endpoint is not throttled: 2022 clients call it without a key.
    assert http.get(throttled_server.version_url).status_code == 200


def test_requests_without_a_key_are_throttled_by_address(
    throttled_server: ServerThread, http: httpx.Client
) -> None:
    statuses = [http.post(throttled_server.endpoint, json=COUNT).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_no_limit_by_default(local_server: ServerThread, http: httpx.Client) -> None:
    statuses = {
        http.post(local_server.endpoint, json=COUNT, headers=auth(TEST_API_KEY)).status_code
        for _ in range(30)
    }
    assert statuses == {200}


def test_a_zero_limit_is_refused(tmp_path: Path) -> None:
    server = make_test_server(tmp_path / "kili.db", rate_limit=0)
    with pytest.raises(ValueError, match="positive"):
        server.start()
    assert not server.running


@pytest.mark.parametrize(
    ("per_minute", "burst", "waits"),
    [
        # (limit, requests allowed at once, Retry-After of the next ones as time goes by)
        (60, 60, [1]),
        (1, 1, [60]),
        (7, 7, [9]),  # one token every 8.57 s: wait the whole seconds above it
        (600, 600, [1]),
    ],
)
def test_token_bucket_table(per_minute: int, burst: int, waits: list[int]) -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute, clock=clock)
    assert all(limiter.retry_after("k") is None for _ in range(burst))
    assert limiter.retry_after("k") == waits[0]
    assert limiter.retry_after("other") is None


def test_token_bucket_refills_at_the_sustained_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(6, clock=clock)  # one token every 10 s
    for _ in range(6):
        assert limiter.retry_after("k") is None
    assert limiter.retry_after("k") == 10
    clock.now += 4
    assert limiter.retry_after("k") == 6
    clock.now += 6
    assert limiter.retry_after("k") is None
    assert limiter.retry_after("k") == 10
    clock.now += 3600  # refills to the burst size, no more
    assert [limiter.retry_after("k") for _ in range(7)] == [None] * 6 + [10]


def test_refilled_buckets_are_forgotten() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)
    for n in range(10_000):
        limiter.retry_after(f"key {n}")
    assert len(limiter) == 10_000
    clock.now += 60  # unused for a minute: every bucket has refilled
    limiter.retry_after("one more")
    assert len(limiter) == 1


def test_made_up_keys_cannot_grow_the_limiter_past_its_cap() -> None:
    # A fresh key per request: the least recently used bucket goes, in O(1) each time.
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock, max_buckets=100)
    for n in range(1_000):
        assert limiter.retry_after(f"made-up {n}") is None
    assert len(limiter) == 100


def test_a_recently_used_bucket_is_kept_while_older_ones_go() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, max_buckets=2)
    assert limiter.retry_after("busy") is None
    limiter.retry_after("a")
    assert limiter.retry_after("busy") == 60  # used again: moves to the back
    limiter.retry_after("b")  # over the cap: "a", the least recently used, goes
    assert limiter.retry_after("busy") == 60


def test_made_up_keys_are_throttled_by_address(
    throttled_server: ServerThread, http: httpx.Client
) -> None:
    # A fresh made-up key per request used to escape the per-key limit.
    url = throttled_server.endpoint
    statuses = [
        http.post(url, json=COUNT, headers=auth(f"made-up-key-{n}")).status_code for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    assert http.post(url, json=COUNT, headers=auth(TEST_API_KEY)).status_code == 200
    assert http.get(throttled_server.version_url).status_code == 200


def test_requests_without_a_valid_key_are_throttled_without_a_configured_limit(
    tmp_path: Path, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The per-address limit of unauthenticated requests is always on; the app reads it when
    # it is built, so a server started now uses the small value patched in.
    monkeypatch.setattr(limits, "UNAUTHENTICATED_REQUESTS_PER_MINUTE", 3)
    with make_test_server(tmp_path / "kili.db") as server:
        statuses = [
            http.post(server.endpoint, json=COUNT, headers=auth(f"made-up-{n}")).status_code
            for n in range(5)
        ]
        assert statuses == [401, 401, 401, 429, 429]
        answer = http.post(server.endpoint, json=COUNT, headers=auth(TEST_API_KEY))
        assert answer.status_code == 200
