"""Timeouts and retries: their defaults, the constructor, and `with_options` copies."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kili_typed import AsyncKili, Kili, KiliTimeoutError, ServerError
from kili_typed._retry import DEFAULT_MAX_RETRIES
from kili_typed_testkit.server import KiliServer

from .facades import RequestLog, make_facade, record_sleeps, underlying
from .faults import Fault, FaultProxy, answer

BAD_GATEWAY = answer("502", 502, "Bad Gateway")


@pytest.fixture
def proxy(kili_server: KiliServer) -> Iterator[FaultProxy]:
    faulty = FaultProxy(kili_server)
    yield faulty
    faulty.close()


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
def test_documented_defaults(kind: type[Kili] | type[AsyncKili]) -> None:
    client = kind(api_key="k", api_endpoint="http://127.0.0.1:1/api/label/v2/graphql")
    assert client._timeout == httpx.Timeout(60.0, connect=10.0)
    assert client._policy.max_retries == DEFAULT_MAX_RETRIES == 3


@pytest.mark.parametrize("kind", [Kili, AsyncKili])
@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"max_retries": -1}, ValueError),
        ({"max_retries": 1.5}, TypeError),
        ({"max_retries": True}, TypeError),
        ({"timeout": 0}, ValueError),
        ({"timeout": "60"}, ValueError),
    ],
)
def test_bad_options_are_refused(
    kind: type[Kili] | type[AsyncKili], options: dict[str, Any], error: type[Exception]
) -> None:
    endpoint = "http://127.0.0.1:1/api/label/v2/graphql"
    with pytest.raises(error):
        kind(api_key="k", api_endpoint=endpoint, **options)
    client = kind(api_key="k", api_endpoint=endpoint)
    with pytest.raises(error):
        client.with_options(**options)


def test_a_copy_changes_only_what_it_is_given(kili: Kili) -> None:
    original = underlying(kili)
    quick = original.with_options(max_retries=0)
    patient = original.with_options(timeout=300)
    assert (quick._policy.max_retries, quick._timeout) == (0, original._timeout)
    assert (patient._policy.max_retries, patient._timeout) == (3, httpx.Timeout(300, connect=10))
    assert (original._policy.max_retries, original._timeout) == (3, httpx.Timeout(60, connect=10))
    assert quick._http is patient._http is original._http


def test_a_copy_shares_the_connection_and_closing_it_keeps_the_pool(
    kili: Kili, requests: RequestLog
) -> None:
    kili.count_users()
    with kili.with_options(timeout=30, max_retries=1) as block:
        assert block.count_users() == kili.count_users()
    assert kili.count_users() >= 1
    assert len(requests.peers) == 1


def test_max_retries_zero_raises_at_once(
    kili_server: KiliServer, proxy: FaultProxy, facade: str
) -> None:
    proxy.inject("countUsers", BAD_GATEWAY, BAD_GATEWAY)
    options = {"api_key": kili_server.api_key, "api_endpoint": proxy.endpoint}
    with make_facade(facade, max_retries=0, **options) as kili:
        with pytest.raises(ServerError) as info:
            kili.count_users()
        assert info.value.attempts == 1
    with make_facade(facade, **options) as kili:  # the default retries
        slept = record_sleeps(kili)
        assert kili.count_users() == 1
        assert len(slept) == 1


def test_a_block_of_calls_with_a_short_timeout(
    kili_server: KiliServer, proxy: FaultProxy, facade: str
) -> None:
    proxy.inject("countUsers", Fault("hang", "hang"))
    options = {"api_key": kili_server.api_key, "api_endpoint": proxy.endpoint}
    with make_facade(facade, **options) as kili:
        with (
            kili.with_options(timeout=0.2, max_retries=0) as impatient,
            pytest.raises(KiliTimeoutError) as info,
        ):
            impatient.count_users()
        assert info.value.request_sent is True
        assert kili.count_users() == 1


def test_a_client_of_your_own_is_used_and_left_open(kili_server: KiliServer) -> None:
    seen: list[str] = []
    with httpx.Client(
        event_hooks={"request": [lambda request: seen.append(request.url.path)]}
    ) as http:
        with Kili(
            api_key=kili_server.api_key, api_endpoint=kili_server.endpoint, http_client=http
        ) as kili:
            assert kili.count_users() >= 1
        assert seen == ["/api/label/v2/graphql"]
        assert not http.is_closed
        assert http.get(kili_server.endpoint.replace("/api/label/v2/graphql", "/version"))


def test_an_async_client_of_your_own_is_used_and_left_open(kili_server: KiliServer) -> None:
    async def scenario() -> tuple[int, bool]:
        async with httpx.AsyncClient() as http:
            async with AsyncKili(
                api_key=kili_server.api_key, api_endpoint=kili_server.endpoint, http_client=http
            ) as kili:
                count = await kili.count_users()
            return count, http.is_closed

    count, closed = asyncio.run(scenario())
    assert count >= 1
    assert not closed


@pytest.mark.parametrize(
    ("facade_class", "http_client", "message"),
    [
        (Kili, httpx.AsyncClient(), "http_client must be an httpx.Client or None, not AsyncClient"),
        (AsyncKili, httpx.Client(), "http_client must be an httpx.AsyncClient or None, not Client"),
        (Kili, "http://proxy", "http_client must be an httpx.Client or None, not str"),
    ],
)
def test_a_wrong_http_client_is_refused(
    facade_class: type[Kili] | type[AsyncKili], http_client: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        facade_class(api_key="k", http_client=http_client)


@pytest.mark.parametrize("facade_class", [Kili, AsyncKili])
def test_verify_beside_an_http_client_is_refused(
    facade_class: type[Kili] | type[AsyncKili],
) -> None:
    http = httpx.Client() if facade_class is Kili else httpx.AsyncClient()
    with pytest.raises(ValueError, match="with http_client, configure verification on your"):
        facade_class(api_key="k", verify=False, http_client=http)  # type: ignore[arg-type]
