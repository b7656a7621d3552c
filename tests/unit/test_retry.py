"""The retry policy, table-driven (pure: no request, no clock)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from kili_typed_generated.exceptions import GraphQLClientError
from kili_typed_generated.wire import read_data

from kili_typed import errors
from kili_typed._retry import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_RETRY_AFTER,
    Attempts,
    Failure,
    FailureKind,
    RetryPolicy,
    Verdict,
    backoff,
    check_max_retries,
    delay,
    failure_of,
    should_retry,
)

K = FailureKind
RETRY, RAISE, UNKNOWN = Verdict.RETRY, Verdict.RAISE, Verdict.OUTCOME_UNKNOWN


def status(code: int, retry_after: float | None = None) -> Failure:
    return Failure(K.HTTP_STATUS, code, retry_after)


# (failure, verdict for a query, verdict for a mutation)
POLICY: list[tuple[str, Failure, Verdict, Verdict]] = [
    ("never connected", Failure(K.NOT_SENT), RETRY, RETRY),
    ("read timeout", Failure(K.TIMED_OUT), RETRY, UNKNOWN),
    ("reset after send", Failure(K.BROKEN), RETRY, UNKNOWN),
    ("408", status(408), RETRY, RETRY),
    ("429", status(429), RETRY, RETRY),
    ("429 Retry-After", status(429, 3.0), RETRY, RETRY),
    ("502", status(502), RETRY, UNKNOWN),
    ("503", status(503), RETRY, UNKNOWN),
    ("503 Retry-After", status(503, 1.0), RETRY, RETRY),
    ("504", status(504), RETRY, UNKNOWN),
    ("500", status(500), RAISE, UNKNOWN),
    ("501", status(501), RAISE, UNKNOWN),
    ("400", status(400), RAISE, RAISE),
    ("401", status(401), RAISE, RAISE),
    ("403", status(403), RAISE, RAISE),
    ("404", status(404), RAISE, RAISE),
    ("GraphQL errors", Failure(K.GRAPHQL), RAISE, RAISE),
    ("malformed", Failure(K.MALFORMED), RAISE, UNKNOWN),
    ("other", Failure(K.OTHER), RAISE, RAISE),
]


@pytest.mark.parametrize(
    ("failure", "query", "mutation"), [p[1:] for p in POLICY], ids=[p[0] for p in POLICY]
)
def test_should_retry(failure: Failure, query: Verdict, mutation: Verdict) -> None:
    assert should_retry(failure, mutation=False) is query
    assert should_retry(failure, mutation=True) is mutation


class Fixed:
    """A jitter source that always draws the same fraction."""

    def __init__(self, fraction: float) -> None:
        self.fraction = fraction

    def random(self) -> float:
        return self.fraction


@pytest.mark.parametrize(
    ("retry", "bound"),
    [(1, BACKOFF_BASE), (2, 2 * BACKOFF_BASE), (3, 4 * BACKOFF_BASE), (10, BACKOFF_CAP)],
)
def test_backoff_is_full_jitter_up_to_a_doubling_capped_bound(retry: int, bound: float) -> None:
    assert backoff(retry, Fixed(0.0)) == 0.0
    assert backoff(retry, Fixed(0.5)) == bound / 2
    assert backoff(retry, Fixed(1.0)) == bound


@pytest.mark.parametrize(
    ("failure", "wait"),
    [
        (status(502), 0.25),  # half of the first bound, 0.5 s
        (status(429, 7.0), 7.0),
        (status(429, 0.0), 0.0),
        (status(429, MAX_RETRY_AFTER), MAX_RETRY_AFTER),
        (status(429, MAX_RETRY_AFTER + 1), None),
        (status(503, 3600.0), None),
    ],
)
def test_delay_honours_retry_after_up_to_its_cap(failure: Failure, wait: float | None) -> None:
    assert delay(1, failure, Fixed(0.5)) == wait


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (errors.KiliConnectionError("x", request_sent=False), Failure(K.NOT_SENT)),
        (errors.KiliTimeoutError("x", request_sent=False), Failure(K.NOT_SENT)),
        (errors.KiliTimeoutError("x"), Failure(K.TIMED_OUT)),
        (errors.KiliConnectionError("x"), Failure(K.BROKEN)),
        (errors.RateLimitError("x", retry_after=2.0), status(429, 2.0)),
        (errors.ServerError("x", status_code=502), status(502)),
        (errors.GraphQLError("x", errors=[]), Failure(K.GRAPHQL)),
        (errors.MalformedResponseError("x"), Failure(K.MALFORMED)),
        (errors.KiliError("x"), Failure(K.OTHER)),
    ],
)
def test_failure_of(error: errors.KiliError, failure: Failure) -> None:
    assert failure_of(error) == failure


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("3", TypeError)]
)
def test_check_max_retries(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_retries"):
        check_max_retries(value)
    assert check_max_retries(0) == 0


# ------------------------------------------------------------------ Attempts


def unusable(code: int, body: str = "", retry_after: str | None = None) -> GraphQLClientError:
    """What the generated client raises for such an answer."""
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    with pytest.raises(GraphQLClientError) as refused:
        read_data(httpx.Response(code, content=body.encode(), headers=headers))
    return refused.value


def attempts(operation: str = "users", max_retries: int = 3) -> Attempts:
    return Attempts(
        operation,
        mutation=operation == "createUser",
        policy=RetryPolicy(max_retries=max_retries),
        secrets=["sekrit-key"],
        rng=Fixed(1.0),
    )


def test_a_query_retries_until_the_attempts_are_spent() -> None:
    run = attempts(max_retries=2)
    assert run.failed(unusable(502), 0.1).wait == BACKOFF_BASE
    assert run.failed(unusable(502), 0.1).wait == 2 * BACKOFF_BASE
    last = run.failed(unusable(502), 0.1)
    assert isinstance(last.error, errors.ServerError)
    assert last.error.attempts == 3


def test_no_retries_raises_at_once() -> None:
    step = attempts(max_retries=0).failed(unusable(503), 0.1)
    assert isinstance(step.error, errors.ServerError) and step.error.attempts == 1


def test_a_wait_beyond_the_cap_fails_at_once_with_the_wait() -> None:
    step = attempts().failed(unusable(429, retry_after="3600"), 0.1)
    assert isinstance(step.error, errors.RateLimitError)
    assert step.error.retry_after == 3600.0
    assert step.error.attempts == 1


def test_an_ambiguous_mutation_failure_is_an_unknown_outcome() -> None:
    step = attempts("createUser").failed(httpx.ReadTimeout("slow"), 60.0)
    assert isinstance(step.error, errors.OutcomeUnknownError)
    assert isinstance(step.error.cause, errors.KiliTimeoutError)
    assert step.error.operation == "createUser"
    message = str(step.error)
    assert message.startswith("createUser: outcome unknown, and the mutation was not resent")
    assert "timed out (ReadTimeout: slow)" in message
    assert "may or may not have been applied" in message


def test_a_refused_connection_lets_a_mutation_be_resent() -> None:
    run = attempts("createUser")
    assert run.failed(httpx.ConnectError("refused"), 0.0).error is None
    assert run.number == 2


def test_bugs_are_raised_as_they_are() -> None:
    bug = TypeError("unexpected keyword")
    assert attempts().failed(bug, 0.0).error is bug


def test_every_attempt_is_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="kili_typed")
    run = attempts()
    body = json.dumps({"errors": [{"message": "bad key sekrit-key"}]})
    run.failed(unusable(503, "busy sekrit-key"), 0.01)
    run.failed(unusable(400, body), 0.01)
    run.succeeded(0.02)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("users: attempt 1 failed after 0.010s (users: HTTP 503: ")
    assert lines[0].endswith("; retrying in 0.50s")
    assert lines[1].startswith("users: attempt 2 failed after 0.010s") and "not retried" in lines[1]
    assert lines[2] == "users: attempt 2 took 0.020s"
    assert not any("sekrit-key" in line for line in lines)
