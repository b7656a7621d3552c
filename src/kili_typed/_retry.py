"""When a failed request is sent again, and after how long: the one retry policy.

Pure: no I/O and no clock. Both facades wrap each request in an `Attempts`
and do only the sending and the sleeping (`time.sleep` or `asyncio.sleep`).

Which failures are retried (`should_retry`):

=============================================  =========  ================
failure                                        query      mutation
=============================================  =========  ================
connection never established (refused...)      retry      retry
read timeout, after the request was sent       retry      outcome unknown
connection reset or closed, answer cut short   retry      outcome unknown
HTTP 408 Request Timeout                       retry      retry
HTTP 429 Too Many Requests                     retry      retry
HTTP 503 with ``Retry-After``                  retry      retry
HTTP 502, 504, 503 without ``Retry-After``     retry      outcome unknown
other HTTP 5xx                                 raise      outcome unknown
other HTTP 4xx (400, 401, 403...)              raise      raise
GraphQL errors                                 raise      raise
an answer not of the expected shape            raise      outcome unknown
=============================================  =========  ================

A mutation is sent again only when the server certainly did not process it
(`says_not_processed`): the connection was never established, or the answer
says so. 429 is Kili's throttling, refused before anything runs; 408 says the
server never received the whole request (RFC 9110 15.5.9 lets a client repeat
it); 503 with ``Retry-After`` is the server declining the request for now and
naming when to come back. After anything else that may have reached the
server a mutation raises `OutcomeUnknownError`, without resending: resending
could create a user twice, or fail a password change that succeeded.

Waits are full-jitter exponential backoff: before retry ``n`` (1, 2, ...), a
uniformly random time between 0 and ``min(BACKOFF_CAP, BACKOFF_BASE * 2 **
(n - 1))``. A ``Retry-After`` (seconds or an HTTP date) is waited exactly,
up to `MAX_RETRY_AFTER`; beyond it the call fails at once, and the error
(`RateLimitError` for a 429) carries the wait in ``retry_after``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from ._error_mapping import map_exception
from ._redaction import Secrets
from .errors import (
    GraphQLError,
    HTTPStatusError,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
    MalformedResponseError,
    OutcomeUnknownError,
)

logger = logging.getLogger("kili_typed")

#: Retries after the first attempt, by default: at most 4 requests per call.
DEFAULT_MAX_RETRIES = 3
#: Seconds: the bound of the first backoff; it doubles with each retry.
BACKOFF_BASE = 0.5
#: Seconds: no backoff bound grows beyond this.
BACKOFF_CAP = 8.0
#: Seconds: the longest ``Retry-After`` waited for; a longer one fails at once.
MAX_RETRY_AFTER = 60.0
#: HTTP statuses that say "try again": retried for queries.
RETRIED_STATUSES = frozenset({408, 429, 502, 503, 504})


class FailureKind(Enum):
    """What went wrong with one request, as far as retrying is concerned."""

    NOT_SENT = "the connection was never established"
    TIMED_OUT = "no answer came in time"
    BROKEN = "the connection broke before the whole answer came"
    HTTP_STATUS = "the server answered an HTTP error status"
    GRAPHQL = "the server answered GraphQL errors"
    MALFORMED = "the answer is not of the expected shape"
    OTHER = "another failure"


@dataclass(frozen=True)
class Failure:
    """One failed request.

    Args:
        kind: What went wrong.
        status: The HTTP status, for `FailureKind.HTTP_STATUS`.
        retry_after: Seconds the server asked to wait (``Retry-After``), if it said.
    """

    kind: FailureKind
    status: int | None = None
    retry_after: float | None = None


class Verdict(Enum):
    """What to do after a failed request."""

    RETRY = "send it again"
    RAISE = "raise the error"
    OUTCOME_UNKNOWN = "raise OutcomeUnknownError, without resending"


class RandomSource(Protocol):
    """Where jitter comes from: `random.Random`, or a fixed value in tests."""

    def random(self) -> float: ...


@dataclass(frozen=True)
class RetryPolicy:
    """The numbers of the policy; only `max_retries` is set per client.

    Args:
        max_retries: Retries after the first attempt (0: never retry).
        backoff_base: Seconds: the bound of the first backoff.
        backoff_cap: Seconds: the largest backoff bound.
        max_retry_after: Seconds: the longest ``Retry-After`` waited for.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = BACKOFF_BASE
    backoff_cap: float = BACKOFF_CAP
    max_retry_after: float = MAX_RETRY_AFTER


#: The policy of a client built with the defaults.
DEFAULT_POLICY = RetryPolicy()


def check_max_retries(value: object) -> int:
    """Require a number of retries: an int of 0 or more.

    Raises:
        TypeError: Not an int (a bool is refused).
        ValueError: Negative.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_retries must be 0 or more, got {value}")
    return value


def failure_of(error: KiliError) -> Failure:
    """Classify a mapped error for the policy."""
    if isinstance(error, KiliConnectionError):
        if not error.request_sent:
            return Failure(FailureKind.NOT_SENT)
        kind = FailureKind.TIMED_OUT if isinstance(error, KiliTimeoutError) else FailureKind.BROKEN
        return Failure(kind)
    if isinstance(error, HTTPStatusError):
        return Failure(FailureKind.HTTP_STATUS, error.status_code, error.retry_after)
    if isinstance(error, GraphQLError):
        return Failure(FailureKind.GRAPHQL)
    if isinstance(error, MalformedResponseError):
        return Failure(FailureKind.MALFORMED)
    return Failure(FailureKind.OTHER)


def says_not_processed(failure: Failure) -> bool:
    """Whether the server certainly did not process the request, so a mutation may be resent."""
    if failure.kind is FailureKind.NOT_SENT:
        return True
    if failure.kind is not FailureKind.HTTP_STATUS:
        return False
    return failure.status in (408, 429) or (
        failure.status == 503 and failure.retry_after is not None
    )


def should_retry(failure: Failure, *, mutation: bool) -> Verdict:
    """Whether a failed request is sent again (see the table above).

    Args:
        failure: What went wrong.
        mutation: Whether the request is a mutation (else a query).

    Returns:
        `Verdict.RETRY`, `Verdict.RAISE`, or for a mutation whose fate is
        unknown `Verdict.OUTCOME_UNKNOWN`.
    """
    kind, status = failure.kind, failure.status or 0
    transient = kind in (FailureKind.NOT_SENT, FailureKind.TIMED_OUT, FailureKind.BROKEN) or (
        kind is FailureKind.HTTP_STATUS and status in RETRIED_STATUSES
    )
    if not mutation:
        return Verdict.RETRY if transient else Verdict.RAISE
    if says_not_processed(failure):
        return Verdict.RETRY
    may_have_run = kind in (FailureKind.TIMED_OUT, FailureKind.BROKEN, FailureKind.MALFORMED) or (
        kind is FailureKind.HTTP_STATUS and status >= 500
    )
    return Verdict.OUTCOME_UNKNOWN if may_have_run else Verdict.RAISE


def backoff(retry: int, rng: RandomSource, policy: RetryPolicy = DEFAULT_POLICY) -> float:
    """Full-jitter exponential backoff before retry number `retry` (1 for the first)."""
    bound = min(policy.backoff_cap, policy.backoff_base * 2.0 ** (retry - 1))
    return rng.random() * bound


def delay(
    retry: int, failure: Failure, rng: RandomSource, policy: RetryPolicy = DEFAULT_POLICY
) -> float | None:
    """Seconds to wait before retry number `retry`; ``None`` when the server asks too much.

    Args:
        retry: 1 for the first retry, 2 for the second...
        failure: The failure that calls for the retry.
        rng: The jitter's source.
        policy: The numbers.

    Returns:
        The server's ``Retry-After`` when it gave one (``None`` beyond
        `RetryPolicy.max_retry_after`), else the backoff.
    """
    if failure.retry_after is not None:
        return failure.retry_after if failure.retry_after <= policy.max_retry_after else None
    return backoff(retry, rng, policy)


@dataclass(frozen=True)
class Step:
    """What a facade does after a failed attempt: wait and resend, or raise `error`."""

    wait: float = 0.0
    error: BaseException | None = None


class Attempts:
    """The attempts of one call: decides, after each failure, to wait or to raise.

    Sans-I/O: the facade sends, measures and sleeps; this maps the failure to a
    `KiliError`, applies the policy and logs at DEBUG (operation, attempt,
    duration, wait; never a variable).

    Args:
        operation: The GraphQL operation, e.g. ``"createUser"``.
        mutation: Whether it is a mutation.
        policy: The retry numbers.
        secrets: Values to keep out of messages.
        rng: The jitter's source.
        endpoint: Where the requests go, named in connection errors and in answers
            that cannot be read.
    """

    def __init__(
        self,
        operation: str,
        *,
        mutation: bool,
        policy: RetryPolicy,
        secrets: Iterable[str],
        rng: RandomSource,
        endpoint: str | None = None,
    ) -> None:
        self.operation = operation
        self.endpoint = endpoint
        self.mutation = mutation
        self.policy = policy
        self.secrets = Secrets(secrets)
        self.rng = rng
        #: The attempt under way: 1 for the first request.
        self.number = 1

    def succeeded(self, elapsed: float) -> None:
        """Note a successful attempt."""
        logger.debug("%s: attempt %d took %.3fs", self.operation, self.number, elapsed)

    def failed(self, exc: BaseException, elapsed: float) -> Step:
        """Decide what follows a failed attempt.

        Args:
            exc: What the attempt raised.
            elapsed: Seconds it took.

        Returns:
            A `Step` to wait and resend, or one holding the error to raise: a
            `KiliError`, or `exc` itself when it is a bug rather than a failure.
        """
        error = map_exception(exc, self.operation, self.secrets)
        if error is None:
            logger.debug(
                "%s: attempt %d raised %s, a bug in kili-typed: not retried",
                self.operation,
                self.number,
                type(exc).__name__,
            )
            return Step(error=exc)
        failure = failure_of(error)
        verdict = should_retry(failure, mutation=self.mutation)
        what = f"attempt {self.number} failed after {elapsed:.3f}s ({error.message})"
        if verdict is Verdict.RETRY:
            if self.number > self.policy.max_retries:
                return self._give_up(error, f"{what}; gave up after {self.number} attempts")
            wait = delay(self.number, failure, self.rng, self.policy)
            if wait is None:
                return self._give_up(
                    error,
                    f"{what}; not retried: the server asks to wait {failure.retry_after:.0f}s, "
                    f"more than {self.policy.max_retry_after:.0f}s",
                )
            logger.debug("%s: %s; retrying in %.2fs", self.operation, what, wait)
            self.number += 1
            return Step(wait=wait)
        if verdict is Verdict.OUTCOME_UNKNOWN:
            reason = error.message.removeprefix(f"{self.operation}: ")
            unknown = OutcomeUnknownError(
                f"{self.operation}: outcome unknown, and the mutation was not resent: {reason}. "
                "It may or may not have been applied; check before trying again",
                cause=error,
                operation=self.operation,
            )
            error.attempts = self.number
            return self._give_up(unknown, f"{what}; not resent: the outcome is unknown")
        return self._give_up(error, f"{what}; not retried")

    def _give_up(self, error: KiliError, note: str) -> Step:
        error.attempts = self.number
        if isinstance(error, KiliConnectionError):
            tries = f"{self.number} attempt" + ("s" if self.number > 1 else "")
            where = f"{self.endpoint}, " if self.endpoint else ""
            error.message = f"{error.message} ({where}{tries})"
            error.args = (error.message,)
        elif isinstance(error, MalformedResponseError) and self.endpoint:
            # An answer it cannot read: which server gave it (never the key: a header).
            error.message = f"{error.message} (answered by {self.endpoint})"
            error.args = (error.message,)
        logger.debug("%s: %s", self.operation, note)
        return Step(error=error)
