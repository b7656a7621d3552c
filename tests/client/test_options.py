"""Timeouts and retries: their defaults, the constructor, and `with_options` copies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kili_typed import AsyncKili, Kili, KiliTimeoutError, ServerError
from kili_typed._retry import DEFAULT_MAX_RETRIES
from kili_typed_server import LocalServer

from .facades import make_facade, record_sleeps, underlying
from .faults import Fault, FaultProxy, answer

BAD_GATEWAY = answer("502", 502, "Bad Gateway")


@pytest.fixture
def proxy(local_server: LocalServer) -> Iterator[FaultProxy]:
    faulty = FaultProxy(local_server)
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
    kili: Kili, local_server: LocalServer
) -> None:
    peers: set[object] = set()

    def note(response: Any) -> None:
        peers.add(response.extensions["network_stream"].get_extra_info("client_addr"))

    async def anote(response: Any) -> None:
        note(response)

    http: Any = kili._http
    http.event_hooks["response"].append(anote if isinstance(http, httpx.AsyncClient) else note)
    kili.count_users()
    with kili.with_options(timeout=30, max_retries=1) as block:
        assert block.count_users() == kili.count_users()
    assert kili.count_users() >= 1
    assert len(peers) == 1


def test_max_retries_zero_raises_at_once(
    local_server: LocalServer, proxy: FaultProxy, facade: str
) -> None:
    proxy.inject("countUsers", BAD_GATEWAY, BAD_GATEWAY)
    options = {"api_key": local_server.api_key, "api_endpoint": proxy.endpoint}
    with make_facade(facade, max_retries=0, **options) as kili:
        with pytest.raises(ServerError) as info:
            kili.count_users()
        assert info.value.attempts == 1
    with make_facade(facade, **options) as kili:  # the default retries
        slept = record_sleeps(kili)
        assert kili.count_users() == 1
        assert len(slept) == 1


def test_a_block_of_calls_with_a_short_timeout(
    local_server: LocalServer, proxy: FaultProxy, facade: str
) -> None:
    proxy.inject("countUsers", Fault("hang", "hang"))
    options = {"api_key": local_server.api_key, "api_endpoint": proxy.endpoint}
    with make_facade(facade, **options) as kili:
        with (
            kili.with_options(timeout=0.2, max_retries=0) as impatient,
            pytest.raises(KiliTimeoutError) as info,
        ):
            impatient.count_users()
        assert info.value.request_sent is True
        assert kili.count_users() == 1
