"""No API key and no password in a log record, a repr or an error, whatever happens."""

from __future__ import annotations

import asyncio
import inspect
import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kili_typed_generated
import kili_typed_generated_async
import pytest

import kili_typed
from kili_typed import AsyncKili, Kili, KiliError
from kili_typed_testkit.server import KiliServer
from kili_typed_testkit.testing import add_user_with_key

from .facades import make_facade, record_sleeps, underlying
from .faults import Fault, FaultProxy, answer

PASSWORDS = ("Secret-passw0rd-one", "Secret-passw0rd-two", "Secret-passw0rd-six")
FIRST, SECOND, THIRD = PASSWORDS


def echo(secret: str) -> Fault:
    """A server that repeats a secret in its error, as some do."""
    body = {"errors": [{"message": f"refused {secret}", "extensions": {"code": "X"}}]}
    return answer("echo", 200, body)


@pytest.fixture
def proxy(kili_server: KiliServer) -> Iterator[FaultProxy]:
    faulty = FaultProxy(kili_server)
    yield faulty
    faulty.close()


def every_method(kili: Kili, member: str, member_key: str) -> list[Callable[[], object]]:
    """Each documented method, with secrets among its arguments, failing or not."""
    new = f"r-{uuid.uuid4().hex[:8]}@example.com"
    return [
        lambda: kili.create_user(new, FIRST, "USER", firstname="Red"),
        lambda: kili.create_user(new, SECOND, "USER"),  # taken: a GraphQL error
        lambda: kili.users(api_key=member_key, fields=["email", "apiKeys.name"]),
        lambda: list(kili.users(email=member, as_generator=True, disable_tqdm=True)),
        lambda: kili.count_users(api_key=member_key),
        lambda: kili.update_password(member, THIRD, FIRST, FIRST),  # wrong old password
        lambda: kili.update_password(member, FIRST, FIRST, SECOND),  # mismatch
        lambda: kili.reset_password(member),
        lambda: kili.update_properties_in_user(member, firstname="Blue"),
    ]


def secrets_in(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [s for s in secrets if s in text]


def test_nothing_secret_is_logged_shown_or_raised(
    kili_server: KiliServer, proxy: FaultProxy, facade: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    member = "member@example.com"
    member_key = add_user_with_key(kili_server.store, member, FIRST)
    secrets = (kili_server.api_key, member_key, *PASSWORDS)
    shown: list[str] = []
    # Faults on the way: retried queries, a mutation of unknown outcome, echoes.
    proxy.inject("users", answer("502", 502, "Bad Gateway"), Fault("reset", "reset"))
    proxy.inject("createUser", Fault("reset", "reset", after=True), echo(SECOND))
    proxy.inject("countUsers", echo(member_key), echo(kili_server.api_key))
    proxy.inject("updatePassword", echo(THIRD))
    for key in (kili_server.api_key, member_key):
        with make_facade(facade, api_key=key, api_endpoint=proxy.endpoint) as kili:
            record_sleeps(kili)
            shown += [repr(kili), repr(underlying(kili)), repr(kili.with_options(max_retries=1))]
            for call in every_method(kili, member, member_key) * 2:
                try:
                    shown.append(repr(call()))
                except KiliError as error:
                    chain: BaseException | None = error
                    while chain is not None:
                        shown += [str(chain), repr(chain), repr(vars(chain))]
                        chain = getattr(chain, "cause", None) or chain.__cause__
    assert len(caplog.records) > 50
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text} {record.stack_info}"
        assert not secrets_in(text, secrets), (record.name, record.getMessage())
    for text in shown:
        assert not secrets_in(text, secrets), text


def test_a_key_echoed_in_an_error_path_is_redacted(
    kili_server: KiliServer, proxy: FaultProxy, facade: str
) -> None:
    # Before: a key the server echoed in errors[].path reached the exception as it was.
    key = kili_server.api_key
    error = {"message": "no", "path": ["countUsers", f"key {key}"], "extensions": {"code": "X"}}
    proxy.inject("countUsers", answer("echo-path", 200, {"errors": [error], "data": None}))
    with (
        make_facade(facade, api_key=key, api_endpoint=proxy.endpoint) as kili,
        pytest.raises(KiliError) as raised,
    ):
        kili.count_users()
    shown: list[str] = []
    chain: BaseException | None = raised.value
    while chain is not None:
        shown += [str(chain), repr(chain), repr(vars(chain))]
        chain = getattr(chain, "cause", None) or chain.__cause__
    assert not secrets_in(" ".join(shown), (key,))
    assert "[REDACTED]" in " ".join(shown)


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
def test_no_key_in_clear_in_the_clients_attributes(
    kili_server: KiliServer, kind: type[Kili] | type[AsyncKili]
) -> None:
    # Before: vars(kili)["_headers"] showed the key in clear.
    client = kind(api_key=kili_server.api_key, api_endpoint=kili_server.endpoint)
    shown = [repr(vars(client)), str(vars(client))]
    shown += [repr(value) for value in vars(client).values()]
    assert not secrets_in(" ".join(shown), (kili_server.api_key,))


def test_debug_log_tells_operations_attempts_waits_and_durations(
    kili_server: KiliServer, proxy: FaultProxy, facade: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kili_typed")
    proxy.inject("countUsers", answer("503", 503, "busy", ("Retry-After", "2")))
    with make_facade(facade, api_key=kili_server.api_key, api_endpoint=proxy.endpoint) as kili:
        record_sleeps(kili)
        kili.count_users()
    lines = [r.getMessage() for r in caplog.records if r.name == "kili_typed"]
    assert lines[0].startswith("countUsers: attempt 1 failed after ")
    assert lines[0].endswith("(countUsers: HTTP 503: 'busy'); retrying in 2.00s")
    assert lines[1].startswith("countUsers: attempt 2 took ")


#: Where the library's frames come from: the facades, their core and the generated client.
LIBRARY = (
    str(Path(kili_typed.__file__).parent),
    str(Path(kili_typed_generated.__file__).parent),
    str(Path(kili_typed_generated_async.__file__).parent),
)


def shown_with_locals(error: BaseException) -> str:
    """What a traceback printer that shows each frame's locals (with ``repr``) prints of
    the library's own frames."""
    shown = [
        f"{frame.f_code.co_name}: {name} = {value!r}"
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if frame.f_code.co_filename.startswith(LIBRARY)
        for name, value in frame.f_locals.items()
    ]
    assert shown, "the error passed through no frame of the library"
    return "\n".join(shown)


def failure(kind: type[Kili] | type[AsyncKili], server: KiliServer, call: Call) -> BaseException:
    """What `call` raises on a client of `kind` (the async one on an event loop of its own)."""
    key, endpoint = server.api_key, server.endpoint
    if kind is Kili:
        with Kili(api_key=key, api_endpoint=endpoint) as kili:
            try:
                call(kili)
            except (KiliError, ValueError) as error:
                return error
        raise AssertionError("the call was expected to fail")

    async def run() -> BaseException:
        async with AsyncKili(api_key=key, api_endpoint=endpoint) as kili:
            try:
                result = call(kili)
                if inspect.isawaitable(result):
                    await result
            except (KiliError, ValueError) as error:
                return error
        raise AssertionError("the call was expected to fail")

    return asyncio.run(run())


Call = Callable[[Any], object]


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
def test_no_secret_in_the_locals_of_the_librarys_frames(
    kili_server: KiliServer, kind: type[Kili] | type[AsyncKili]
) -> None:
    member = f"l-{uuid.uuid4().hex[:8]}@example.com"
    kili_server.store.create_user(member, FIRST)
    failing: list[Call] = [
        # Refused by the server: a GraphQL error raised from the library's frames.
        lambda kili: kili.create_user(member, SECOND, "USER"),
        lambda kili: kili.update_password(member, THIRD, SECOND, SECOND),
        lambda kili: kili.users(api_key=THIRD, fields=["emial"]),
        lambda kili: kili.count_users(api_key=THIRD, email="not an email"),
        # Refused before sending: a ValueError from the argument checks.
        lambda kili: kili.update_password("not an email", THIRD, SECOND, SECOND),
        lambda kili: kili.create_user(member, SECOND, "OWNER"),
    ]
    for call in failing:
        shown = shown_with_locals(failure(kind, kili_server, call))
        assert "Secret-passw0rd" not in shown, shown
        assert kili_server.api_key not in shown, shown


def test_no_key_in_the_locals_when_the_client_cannot_be_made() -> None:
    key = "kt_locals-test-key-0123456789"
    with pytest.raises(KiliError) as raised:
        Kili(api_key=key, api_endpoint="localhost:4000")
    assert key not in shown_with_locals(raised.value)
