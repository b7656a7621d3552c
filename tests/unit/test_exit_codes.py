"""Which failure gets which exit status: one table, one predicate."""

from __future__ import annotations

import pytest

from kili_typed import errors
from kili_typed._commands import exit_codes


def http(kind: type[errors.HTTPStatusError], status: int) -> errors.KiliError:
    return kind("x", status_code=status)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.ConfigurationError("no key"), exit_codes.USAGE),
        (ValueError("unknown field"), exit_codes.USAGE),
        (TypeError("must be str"), exit_codes.USAGE),
        (http(errors.AuthenticationError, 401), exit_codes.AUTHENTICATION),
        (http(errors.PermissionDeniedError, 403), exit_codes.REFUSED),
        (http(errors.HTTPStatusError, 400), exit_codes.REFUSED),
        (errors.GraphQLError("taken", errors=[]), exit_codes.REFUSED),
        (errors.RateLimitError("slow down"), exit_codes.UNAVAILABLE),
        (http(errors.ServerError, 502), exit_codes.UNAVAILABLE),
        (errors.KiliConnectionError("refused"), exit_codes.UNAVAILABLE),
        (errors.KiliTimeoutError("slow"), exit_codes.UNAVAILABLE),
        (errors.MalformedResponseError("html"), exit_codes.UNAVAILABLE),
        (errors.OutcomeUnknownError("maybe"), exit_codes.UNAVAILABLE),
        (errors.KiliError("other"), exit_codes.UNAVAILABLE),
        (KeyboardInterrupt(), exit_codes.INTERRUPTED),
        (RuntimeError("a bug"), None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_exit_code_for(error: BaseException, status: int | None) -> None:
    assert exit_codes.exit_code_for(error) == status


def test_the_statuses_are_distinct_and_documented() -> None:
    statuses = [
        exit_codes.OK,
        exit_codes.REFUSED,
        exit_codes.USAGE,
        exit_codes.AUTHENTICATION,
        exit_codes.UNAVAILABLE,
        exit_codes.SCHEMA_DRIFT,
        exit_codes.INTERRUPTED,
    ]
    assert len(set(statuses)) == len(statuses)
    documented = {int(line.split()[0]) for line in exit_codes.HELP.splitlines()[1:]}
    assert documented == set(statuses)
    # argparse exits with 2 on bad usage: the table must agree with it.
    assert exit_codes.USAGE == 2
