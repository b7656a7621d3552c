"""Every failure of the retry policy, produced on demand in front of the real local server.

A `FaultProxy` stands between the facade and a `ServerThread`; each test queues
faults for one operation and checks what the caller sees: the attempts (the
requests that reached the proxy), the waits (the facade's sleep is replaced, so
nothing waits), the error raised, and for mutations how many times the real
server ran the request, checked again in its database. No write may happen twice:
the `proxy` fixture checks it after every test, whatever the test itself asserts.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from kili_typed import (
    GraphQLError,
    Kili,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from kili_typed._retry import BACKOFF_BASE, DEFAULT_MAX_RETRIES
from kili_typed_server.cli.runner import ServerThread
from kili_typed_testkit.testing import add_user_with_key, make_test_server

from .facades import make_facade, record_sleeps
from .faults import (
    HANG_TIMEOUT,
    HANG_TIMEOUT_WITH_ANSWERS,
    MUTATION_RUNS,
    Fault,
    FaultProxy,
    answer,
)

# ------------------------------------------------------------------ the faults

GRAPHQL_NO_EXTENSIONS = {"errors": [{"message": "the gateway lost it"}], "data": None}
GRAPHQL_NO_MESSAGE = {"errors": [{"extensions": {"code": "INTERNAL"}}], "data": None}
HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

RATE_LIMITED = answer("429", 429, "Too many requests")
RATE_LIMITED_2S = answer("429 Retry-After 2", 429, "slow down", ("Retry-After", "2"))
RATE_LIMITED_DATE = answer(
    "429 Retry-After date", 429, "slow down", ("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT")
)
RATE_LIMITED_1H = answer("429 Retry-After 3600", 429, "come back later", ("Retry-After", "3600"))
REQUEST_TIMEOUT = answer("408", 408, "request timeout")
INTERNAL = answer("500", 500, "Internal Server Error")
BAD_GATEWAY = answer("502", 502, "Bad Gateway")
BAD_GATEWAY_HTML = answer("502 HTML page", 502, HTML_PAGE)
UNAVAILABLE = answer("503", 503, "Service Unavailable")
UNAVAILABLE_1S = answer("503 Retry-After 1", 503, "maintenance", ("Retry-After", "1"))
GATEWAY_TIMEOUT = answer("504", 504, "Gateway Timeout")
NOT_JSON = answer("not JSON", 200, "OK")
HTML_200 = answer("HTML page", 200, HTML_PAGE)
DATA_NULL = answer("data null", 200, {"data": None})
NO_DATA = answer("no data", 200, {})
WRONG_SHAPE = answer("wrong shape", 200, {"data": {"countUsers": "many"}})
NO_EXTENSIONS = answer("errors without extensions", 200, GRAPHQL_NO_EXTENSIONS)
NO_MESSAGE = answer("errors without message", 200, GRAPHQL_NO_MESSAGE)
RESET = Fault("reset", "reset")
CLOSED = Fault("closed without answer", "close")
TRUNCATED = Fault("truncated body", "truncate")
HANG = Fault("read timeout", "hang")

#: A wait drawn by full jitter before retry n: (0, bound); an exact wait: (w, w).
Wait = tuple[float, float]


def jitter(retry: int) -> Wait:
    return (0.0, BACKOFF_BASE * 2 ** (retry - 1))


def exactly(seconds: float) -> Wait:
    return (seconds, seconds)


def check_waits(waits: list[float], expected: list[Wait]) -> None:
    assert len(waits) == len(expected), waits
    for wait, (low, high) in zip(waits, expected, strict=True):
        assert low <= wait <= high, (waits, expected)


# ------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with make_test_server(tmp_path_factory.mktemp("faults") / "kili.db") as running:
        for i in range(4):
            running.store.create_user(f"seed{i}@example.com", None)
        yield running


@pytest.fixture
def proxy(server: ServerThread, request: pytest.FixtureRequest) -> Iterator[FaultProxy]:
    """A proxy in front of `server`; afterwards, no mutation sent through it ran twice.

    Each test makes at most one call of each mutation, so a mutation that reached the
    server twice in a test is a duplicate write. The runs are recorded for the summary
    line of the run (see tests/conftest.py).
    """
    faulty = FaultProxy(server)
    yield faulty
    faulty.close()
    for operation in (mutation.operation for mutation in MUTATIONS):
        if faulty.received_count(operation):
            runs = faulty.delivered_count(operation)
            request.node.user_properties.append((MUTATION_RUNS, (operation, runs)))
            assert runs <= 1, f"the server ran {operation} {runs} times: a duplicate write"


@contextlib.contextmanager
def client(
    proxy: FaultProxy, facade: str, api_key: str, faults: list[Fault], *, answers: bool
) -> Iterator[Kili]:
    """A facade through the proxy; a short read timeout when a fault never answers.

    Args:
        proxy: The proxy.
        facade: "sync" or "async".
        api_key: The key.
        faults: The faults the test injects.
        answers: Whether some requests must get their answer (the call succeeds after
            the faults), which needs a less short timeout.
    """
    with make_facade(facade, api_key=api_key, api_endpoint=proxy.endpoint) as kili:
        if any(f.action == "hang" for f in faults):
            timeout = HANG_TIMEOUT_WITH_ANSWERS if answers else HANG_TIMEOUT
            with kili.with_options(timeout=timeout) as impatient:
                yield impatient
        else:
            yield kili


def users_in(server: ServerThread) -> int:
    with sqlite3.connect(server.db_path) as db:
        count: int = db.execute("select count(*) from users").fetchone()[0]
    return count


# -------------------------------------------------------------------- queries

# (faults for countUsers, requests the proxy receives, error or None, waits)
QUERY_CASES: list[tuple[list[Fault], int, type[KiliError] | None, list[Wait]]] = [
    ([RATE_LIMITED_2S], 2, None, [exactly(2.0)]),
    ([RATE_LIMITED_DATE], 2, None, [exactly(0.0)]),
    ([RATE_LIMITED], 2, None, [jitter(1)]),
    ([RATE_LIMITED_1H], 1, RateLimitError, []),
    ([REQUEST_TIMEOUT], 2, None, [jitter(1)]),
    ([BAD_GATEWAY], 2, None, [jitter(1)]),
    ([BAD_GATEWAY_HTML], 2, None, [jitter(1)]),
    ([UNAVAILABLE], 2, None, [jitter(1)]),
    ([UNAVAILABLE_1S], 2, None, [exactly(1.0)]),
    ([GATEWAY_TIMEOUT], 2, None, [jitter(1)]),
    ([BAD_GATEWAY, UNAVAILABLE, GATEWAY_TIMEOUT], 4, None, [jitter(1), jitter(2), jitter(3)]),
    ([BAD_GATEWAY] * 4, 4, ServerError, [jitter(1), jitter(2), jitter(3)]),
    ([INTERNAL], 1, ServerError, []),
    ([HANG], 2, None, [jitter(1)]),
    ([HANG.then_server()], 2, None, [jitter(1)]),
    ([RESET], 2, None, [jitter(1)]),
    ([RESET.then_server()], 2, None, [jitter(1)]),
    ([CLOSED.then_server()], 2, None, [jitter(1)]),
    ([TRUNCATED.then_server()], 2, None, [jitter(1)]),
    ([NOT_JSON], 1, MalformedResponseError, []),
    ([HTML_200], 1, MalformedResponseError, []),
    ([DATA_NULL], 1, MalformedResponseError, []),
    ([NO_DATA], 1, MalformedResponseError, []),
    ([WRONG_SHAPE], 1, MalformedResponseError, []),
    ([NO_EXTENSIONS], 1, GraphQLError, []),
    ([NO_MESSAGE], 1, GraphQLError, []),
]


@pytest.mark.parametrize(
    ("faults", "attempts", "error", "waits"),
    QUERY_CASES,
    ids=[
        " then ".join(f.name for f in c[0]) if len(c[0]) < 4 else c[0][0].name + " x4"
        for c in QUERY_CASES
    ],
)
def test_query_faults(
    server: ServerThread,
    proxy: FaultProxy,
    facade: str,
    faults: list[Fault],
    attempts: int,
    error: type[KiliError] | None,
    waits: list[Wait],
) -> None:
    proxy.inject("countUsers", *faults)
    with client(proxy, facade, server.api_key, faults, answers=error is None) as kili:
        slept = record_sleeps(kili)
        if error is None:
            assert kili.count_users() == users_in(server)
        else:
            with pytest.raises(error) as info:
                kili.count_users()
            assert info.value.attempts == attempts
            assert info.value.operation == "countUsers"
    assert proxy.received_count("countUsers") == attempts
    check_waits(slept, waits)


def test_a_query_retries_after_a_refused_connection(
    server: ServerThread, proxy: FaultProxy, facade: str
) -> None:
    proxy.refuse()
    with make_facade(facade, api_key=server.api_key, api_endpoint=proxy.endpoint) as kili:
        slept = record_sleeps(kili, on_sleep=proxy.accept)
        assert kili.count_users() == users_in(server)
    check_waits(slept, [jitter(1)])
    assert proxy.received_count("countUsers") == 1


def test_a_server_that_stays_unreachable_fails_after_every_attempt(
    server: ServerThread, proxy: FaultProxy, facade: str
) -> None:
    proxy.refuse()
    with make_facade(facade, api_key=server.api_key, api_endpoint=proxy.endpoint) as kili:
        slept = record_sleeps(kili)
        with pytest.raises(KiliConnectionError) as info:
            kili.count_users()
    assert info.value.request_sent is False
    assert info.value.attempts == DEFAULT_MAX_RETRIES + 1
    check_waits(slept, [jitter(n) for n in range(1, DEFAULT_MAX_RETRIES + 1)])


# ------------------------------------------------------------------ mutations

OLD_PASSWORD = "Old-passw0rd"
NEW_PASSWORD = "New-passw0rd"


@dataclass(frozen=True)
class Mutation:
    """One documented mutation: how to prepare it, call it, and count its writes."""

    operation: str
    prepare: Callable[[ServerThread, str], str]  # -> the API key to call with
    call: Callable[[Kili, str], object]
    writes: Callable[[ServerThread, str], int]  # as the database shows them


def _count(server: ServerThread, sql: str, *args: object) -> int:
    with sqlite3.connect(server.db_path) as db:
        count: int = db.execute(sql, args).fetchone()[0]
    return count


def _member(server: ServerThread, email: str) -> str:
    server.store.create_user(email, OLD_PASSWORD, firstname="Before")
    return server.api_key


def _resets(server: ServerThread, email: str) -> int:
    user = server.store.get_user(email)
    assert user is not None
    return _count(server, "select count(*) from password_resets where user_id = ?", user.id)


def _renamed(server: ServerThread, email: str) -> int:
    user = server.store.get_user(email)
    return int(user is not None and user.firstname == "After")


MUTATIONS = [
    Mutation(
        "createUser",
        lambda server, email: server.api_key,
        lambda kili, email: kili.create_user(email, NEW_PASSWORD, "USER"),
        lambda server, email: _count(server, "select count(*) from users where email = ?", email),
    ),
    Mutation(
        "updatePassword",
        lambda server, email: add_user_with_key(server.store, email, OLD_PASSWORD),
        lambda kili, email: kili.update_password(email, OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
        lambda server, email: int(server.store.check_password(email, NEW_PASSWORD)),
    ),
    Mutation("resetPassword", _member, lambda kili, email: kili.reset_password(email), _resets),
    Mutation(
        "updatePropertiesInUser",
        _member,
        lambda kili, email: kili.update_properties_in_user(email, firstname="After"),
        _renamed,
    ),
]

# (faults, requests received, times the server runs it, error or None, waits)
MUTATION_CASES: list[tuple[list[Fault], int, int, type[KiliError] | None, list[Wait]]] = [
    # The server says it did not run it: sent again.
    ([RATE_LIMITED_2S], 2, 1, None, [exactly(2.0)]),
    ([RATE_LIMITED], 2, 1, None, [jitter(1)]),
    ([UNAVAILABLE_1S], 2, 1, None, [exactly(1.0)]),
    ([REQUEST_TIMEOUT], 2, 1, None, [jitter(1)]),
    ([RATE_LIMITED] * 4, 4, 0, RateLimitError, [jitter(1), jitter(2), jitter(3)]),
    ([RATE_LIMITED_1H], 1, 0, RateLimitError, []),
    # It may have run: never sent again.
    ([BAD_GATEWAY], 1, 0, OutcomeUnknownError, []),
    ([BAD_GATEWAY.then_server()], 1, 1, OutcomeUnknownError, []),
    ([BAD_GATEWAY_HTML.then_server()], 1, 1, OutcomeUnknownError, []),
    ([UNAVAILABLE.then_server()], 1, 1, OutcomeUnknownError, []),
    ([GATEWAY_TIMEOUT.then_server()], 1, 1, OutcomeUnknownError, []),
    ([INTERNAL.then_server()], 1, 1, OutcomeUnknownError, []),
    ([HANG], 1, 0, OutcomeUnknownError, []),
    ([HANG.then_server()], 1, 1, OutcomeUnknownError, []),
    ([RESET], 1, 0, OutcomeUnknownError, []),
    ([RESET.then_server()], 1, 1, OutcomeUnknownError, []),
    ([CLOSED.then_server()], 1, 1, OutcomeUnknownError, []),
    ([TRUNCATED.then_server()], 1, 1, OutcomeUnknownError, []),
    ([NOT_JSON.then_server()], 1, 1, OutcomeUnknownError, []),
    ([HTML_200.then_server()], 1, 1, OutcomeUnknownError, []),
    ([DATA_NULL.then_server()], 1, 1, OutcomeUnknownError, []),
    # The server refused it: nothing to resend.
    ([NO_EXTENSIONS], 1, 0, GraphQLError, []),
    ([NO_MESSAGE], 1, 0, GraphQLError, []),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.operation for m in MUTATIONS])
@pytest.mark.parametrize(
    ("faults", "attempts", "runs", "error", "waits"),
    MUTATION_CASES,
    ids=[c[0][0].name + (" x4" if len(c[0]) > 1 else "") for c in MUTATION_CASES],
)
def test_mutation_faults(
    server: ServerThread,
    proxy: FaultProxy,
    facade: str,
    mutation: Mutation,
    faults: list[Fault],
    attempts: int,
    runs: int,
    error: type[KiliError] | None,
    waits: list[Wait],
) -> None:
    email = f"m-{uuid.uuid4().hex[:12]}@example.com"
    key = mutation.prepare(server, email)
    proxy.inject(mutation.operation, *faults)
    with client(proxy, facade, key, faults, answers=error is None) as kili:
        slept = record_sleeps(kili)
        if error is None:
            mutation.call(kili, email)
        else:
            with pytest.raises(error) as info:
                mutation.call(kili, email)
            assert info.value.attempts == attempts
            assert info.value.operation == mutation.operation
    delivered = proxy.delivered_count(mutation.operation)
    assert proxy.received_count(mutation.operation) == attempts
    assert delivered == runs
    assert mutation.writes(server, email) == runs
    check_waits(slept, waits)
    if error is OutcomeUnknownError:
        assert "not resent" in str(info.value)
        assert isinstance(info.value, OutcomeUnknownError)
        assert isinstance(
            info.value.cause, (KiliConnectionError, ServerError, MalformedResponseError)
        )


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.operation for m in MUTATIONS])
def test_a_mutation_is_resent_after_a_refused_connection(
    server: ServerThread,
    proxy: FaultProxy,
    facade: str,
    mutation: Mutation,
) -> None:
    email = f"m-{uuid.uuid4().hex[:12]}@example.com"
    key = mutation.prepare(server, email)
    proxy.refuse()
    with make_facade(facade, api_key=key, api_endpoint=proxy.endpoint) as kili:
        slept = record_sleeps(kili, on_sleep=proxy.accept)
        mutation.call(kili, email)
    delivered = proxy.delivered_count(mutation.operation)
    check_waits(slept, [jitter(1)])
    assert proxy.received_count(mutation.operation) == delivered == 1
    assert mutation.writes(server, email) == 1


def test_a_rejected_mutation_is_not_resent(
    server: ServerThread, proxy: FaultProxy, facade: str
) -> None:
    with make_facade(facade, api_key=server.api_key, api_endpoint=proxy.endpoint) as kili:
        slept = record_sleeps(kili)
        with pytest.raises(GraphQLError) as info:
            kili.create_user("seed0@example.com", NEW_PASSWORD, "USER")
    assert info.value.code == "CONFLICT" and info.value.attempts == 1
    assert proxy.delivered_count("createUser") == 1
    assert slept == []


# -------------------------------------------------------------------- listing


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """A server with 250 users: three pages of 100."""
    with make_test_server(tmp_path_factory.mktemp("crowded") / "kili.db") as running:
        for i in range(249):
            running.store.create_user(f"member{i:03d}@example.com", None)
        yield running


@pytest.fixture
def crowd_proxy(crowded: ServerThread) -> Iterator[FaultProxy]:
    faulty = FaultProxy(crowded)
    yield faulty
    faulty.close()


@pytest.mark.parametrize("as_generator", [False, True], ids=["list", "generator"])
@pytest.mark.parametrize(
    "faults",
    [[BAD_GATEWAY, RESET.then_server(), RATE_LIMITED_2S], [TRUNCATED.then_server(), HANG]],
    ids=["502, reset, 429", "truncated, timeout"],
)
def test_a_listing_survives_transient_page_failures(
    crowded: ServerThread,
    crowd_proxy: FaultProxy,
    facade: str,
    faults: list[Fault],
    as_generator: bool,
) -> None:
    crowd_proxy.inject("users", *faults)
    with client(crowd_proxy, facade, crowded.api_key, faults, answers=True) as kili:
        record_sleeps(kili)
        rows = list(kili.users(fields=["email"], disable_tqdm=True, as_generator=as_generator))
    emails = [row["email"] for row in rows]
    assert len(emails) == len(set(emails)) == 250
    assert crowd_proxy.received_count("users") == 3 + len(faults)


@pytest.mark.parametrize(
    ("fault", "error"),
    [(BAD_GATEWAY, ServerError), (NOT_JSON, MalformedResponseError), (HANG, KiliTimeoutError)],
    ids=["502", "not JSON", "timeout"],
)
def test_a_page_that_keeps_failing_raises_a_kili_error(
    crowded: ServerThread,
    crowd_proxy: FaultProxy,
    facade: str,
    fault: Fault,
    error: type[KiliError],
) -> None:
    crowd_proxy.inject("users", *[fault] * 3 * (DEFAULT_MAX_RETRIES + 1))  # every page, every time
    # Every request of every page fails: nothing needs to answer in time.
    with client(crowd_proxy, facade, crowded.api_key, [fault], answers=False) as kili:
        record_sleeps(kili)
        with pytest.raises(error) as info:
            kili.users(fields=["email"], disable_tqdm=True)
    # Raised in a worker thread or task, it reaches the caller as it is, alone.
    chained = info.value.__cause__ or info.value.__context__
    assert chained is None or isinstance(chained, KiliError)
    assert info.value.operation == "users"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"data": {}}, "users: Field required"),
        ({"data": {"users": "many"}}, "users: Input should be a valid list"),
        ({"data": {"users": [None]}}, "users.0: Input should be a valid dictionary"),
        (
            {"data": {"users": [{"id": "u1", "email": 3}]}},
            "users.0.email: Input should be a valid string",
        ),
        (
            {"data": {"users": [{"id": "u1", "email": "a@b.c", "createdAt": "soon"}]}},
            "users.0.createdAt: Input should be a valid datetime",
        ),
    ],
    ids=["no users", "users not a list", "null row", "wrong type", "bad date-time"],
)
def test_a_malformed_page_raises_a_malformed_response_error(
    crowded: ServerThread, crowd_proxy: FaultProxy, facade: str, body: object, message: str
) -> None:
    crowd_proxy.inject("users", answer("malformed page", 200, body))
    endpoint = crowd_proxy.endpoint
    with (
        make_facade(facade, api_key=crowded.api_key, api_endpoint=endpoint) as kili,
        pytest.raises(MalformedResponseError) as info,
    ):
        kili.users(fields=["email", "createdAt"], disable_tqdm=True)
    assert str(info.value).startswith(
        f"users: the answer does not have the expected shape: {message}"
    )
    assert info.value.operation == "users" and info.value.attempts == 1


def test_an_unknown_role_comes_back_as_its_string(
    crowded: ServerThread, crowd_proxy: FaultProxy, facade: str
) -> None:
    newer = Fault(
        "newer server",
        "rewrite",
        after=True,
        old=b'"organizationRole":"USER"',
        new=b'"organizationRole":"TEAM_MANAGER"',
    )
    crowd_proxy.inject("users", newer, newer, newer)
    with make_facade(facade, api_key=crowded.api_key, api_endpoint=crowd_proxy.endpoint) as kili:
        rows = kili.users(fields=["email", "organizationRole"], disable_tqdm=True)
    roles = {row["organizationRole"] for row in rows}
    assert roles == {"ADMIN", "TEAM_MANAGER"}
    assert len(rows) == 250


def test_a_mutation_answer_with_an_unknown_role_is_read(
    server: ServerThread, proxy: FaultProxy, facade: str
) -> None:
    newer = Fault(
        "newer server",
        "rewrite",
        after=True,
        old=b'"organizationRole":"USER"',
        new=b'"organizationRole":"TEAM_MANAGER"',
    )
    proxy.inject("createUser", newer)
    email = f"m-{uuid.uuid4().hex[:12]}@example.com"
    with make_facade(facade, api_key=server.api_key, api_endpoint=proxy.endpoint) as kili:
        created = kili.create_user(email, NEW_PASSWORD, "USER")
    user = server.store.get_user(email)
    assert user is not None and created == {"id": user.id}
