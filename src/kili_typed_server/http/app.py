"""The HTTP layer: a Starlette app serving the Kili GraphQL endpoint and its version.

Each GraphQL request is decoded (``bodies.py``), then parsed, validated and executed
(``graphql/execution.py``) in a worker thread (the store is
synchronous SQLite, and password hashing costs tens of milliseconds of CPU), so the event
loop keeps answering other requests meanwhile. Its key is checked on the loop itself, by
one indexed read that never waits for SQLite's lock (when it would, the check runs in a
worker too). Status codes follow Apollo Server, which Kili runs: 401 for a refused key,
400 for a request that cannot be executed (syntax, validation, variable values, a cost
over the budget), 200 once execution ran, even if a resolver failed; a body that is not
JSON at all gets a plain-text 400, as Kili's body parser answers.

In Apollo Server's order, from the headers alone: CSRF prevention and the ``Accept``
negotiation (``request_rules.py``), then the key, then the content type. The key is
checked from the headers before the body is read: a request without a valid
key costs one indexed lookup and never a buffered body. Requests without a valid key are
throttled per client address; an optional per-key rate limit throttles the others. Both
answer 429 with ``Retry-After`` and a plain-text body, as Kili's gateway does. A body must
arrive within ``limits.BODY_READ_TIMEOUT_SECONDS`` (408 otherwise), and a client that
disconnects meanwhile is let go without a trace in the log.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from typing import Any

from graphql import GraphQLSchema, print_schema
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kili_typed_server.core import limits
from kili_typed_server.core.errors import (
    BAD_REQUEST,
    INTERNAL_SERVER_ERROR,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT,
    UNAUTHENTICATED,
    UNAUTHENTICATED_MESSAGE,
    UNSUPPORTED_MEDIA_TYPE,
    error_body,
)
from kili_typed_server.core.records import Caller
from kili_typed_server.graphql.execution import LATER, GraphQLService
from kili_typed_server.http import request_rules
from kili_typed_server.http.bodies import (
    BodyTooLarge,
    BrokenEncoding,
    UnreadableBody,
    UnsupportedEncoding,
    decode_body,
    read_body,
    read_payload,
)
from kili_typed_server.http.key_concurrency import KeyBusy, KeyConcurrency
from kili_typed_server.http.rate_limit import RateLimiter
from kili_typed_server.http.wire import JSONAnswer
from kili_typed_server.service.accounts import Accounts

GRAPHQL_PATH = "/api/label/v2/graphql"
VERSION_PATH = "/api/label/v2/version"
_KEY_PREFIX = "x-api-key:"

#: How the added latency (``latency_ms``) is awaited; tests hold it to see the loop still serve.
latency_sleep = asyncio.sleep

logger = logging.getLogger("kili_typed_server")


#: The major and minor version ``GET /version`` answers: the 2022 SDKs (2.128) compare
#: theirs with it and warn when they differ, as Kili released SDK and platform under the
#: same numbers then; the 2026 SDK only names its schema cache after it.
KILI_API_RELEASE = "2.128"


def api_version(schema: GraphQLSchema) -> str:
    """The version ``GET /version`` answers, as Kili's platform does: ``2.128.<patch>``.

    The patch is a digest of the served schema: the 2026 SDK keeps the schema it
    introspected in a cache file named after the version, and reads it again only when
    the version changes.
    """
    digest = zlib.crc32(print_schema(schema).encode("utf-8")) % 100_000
    return f"{KILI_API_RELEASE}.{digest}"


def api_key_from_header(value: str | None) -> str | None:
    """Extracts the key from an ``Authorization: X-API-Key: <key>`` header value.

    Args:
        value: The header's value, if any.

    Returns:
        The key, or ``None`` when the header is missing or of another scheme.
    """
    if value is None or value[: len(_KEY_PREFIX)].lower() != _KEY_PREFIX:
        return None
    return value[len(_KEY_PREFIX) :].strip() or None


def _too_large(media_type: str | None = None) -> JSONAnswer:
    return _response(
        error_body(
            f"the request body is larger than {limits.MAX_BODY_BYTES} bytes",
            PAYLOAD_TOO_LARGE,
        ),
        413,
        media_type=media_type,
    )


def body_too_slow(media_type: str | None = None) -> JSONAnswer:
    """The answer to a request whose body did not arrive within
    ``limits.BODY_READ_TIMEOUT_SECONDS`` (408)."""
    message = f"the request body did not arrive within {limits.BODY_READ_TIMEOUT_SECONDS:g} s"
    return _response(error_body(message, REQUEST_TIMEOUT), 408, media_type=media_type)


def _unreadable(reason: str) -> Response:
    return PlainTextResponse(f"Bad Request: {reason}", status_code=400)


def _response(body: dict[str, Any], status: int, *, media_type: str | None = None) -> JSONAnswer:
    return JSONAnswer(body, status_code=status, media_type=media_type)


def throttled(limiter: RateLimiter, retry_after: int, per: str = "per API key") -> Response:
    """Builds Kili's answer to a throttled request: 429, ``Retry-After``, a plain-text body.

    Args:
        limiter: The limiter that refused the request.
        retry_after: Whole seconds to wait.
        per: Whom the limit counts, for the message.

    Returns:
        The response; its body is deliberately not GraphQL, as Kili's gateway answers.
    """
    return PlainTextResponse(
        f"Too Many Requests: at most {limiter.per_minute} requests a minute {per}; "
        f"retry after {retry_after} s",
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


def create_app(
    accounts: Accounts,
    schema: GraphQLSchema | None = None,
    *,
    rate_limit: int | None = None,
    latency_ms: int = 0,
    max_query_cost: int = limits.MAX_QUERY_COST,
    request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
    max_concurrent_requests: int | None = limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
) -> Starlette:
    """Builds the ASGI application.

    Args:
        accounts: The service the API runs on (``Store(path).accounts``).
        schema: The executable schema; built from ``schema.graphql`` by default.
        rate_limit: GraphQL requests allowed a minute per API key (bursts up to as many);
            ``None`` for no limit. Requests without a valid key are limited per client
            address to the smaller of this and
            ``limits.UNAUTHENTICATED_REQUESTS_PER_MINUTE``, always.
        latency_ms: Milliseconds to wait before each GraphQL answer, to imitate a distant
            server; the wait blocks no other request.
        max_query_cost: The units of work one request may take (see ``query_cost.py``);
            a request over it is refused with 400 before it runs.
        request_timeout: Seconds a query may run before it is stopped and answered with
            an error (see ``deadlines.py``).
        max_concurrent_requests: GraphQL requests of one API key run at once; a few
            times as many wait their turn, beyond 429 (see ``key_concurrency.py``).
            ``None`` for no limit.

    Returns:
        A Starlette app serving ``POST /api/label/v2/graphql`` and
        ``GET /api/label/v2/version``.

    Raises:
        ValueError: When ``rate_limit``, ``max_query_cost``, ``request_timeout`` or
            ``max_concurrent_requests`` is not positive, or ``latency_ms`` is negative.
    """
    _check_settings(latency_ms, max_query_cost, request_timeout)
    service = GraphQLService(
        accounts, schema, max_query_cost=max_query_cost, request_timeout=request_timeout
    )
    endpoint = _GraphQLEndpoint(service, rate_limit, latency_ms)
    if max_concurrent_requests is not None:
        endpoint.concurrency = KeyConcurrency(max_concurrent_requests)
    version = api_version(service.schema)

    async def version_endpoint(_request: Request) -> Response:
        return JSONAnswer({"version": version})

    return Starlette(
        debug=False,
        routes=[
            Route(GRAPHQL_PATH, endpoint.respond, methods=["GET", "POST"]),
            Route(VERSION_PATH, version_endpoint, methods=["GET"]),
        ],
    )


def _check_settings(latency_ms: int, max_query_cost: int, request_timeout: float) -> None:
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be 0 or more, got {latency_ms}")
    if max_query_cost < 1:
        raise ValueError(f"max_query_cost must be 1 or more, got {max_query_cost}")
    if not request_timeout > 0:
        raise ValueError(f"request_timeout must be more than 0 seconds, got {request_timeout}")


def handle(service: GraphQLService, caller: Caller, body: bytes) -> tuple[dict[str, Any], int]:
    """Runs one authenticated request from its decoded body (blocking).

    Args:
        service: The GraphQL service that runs it.
        caller: Who sends it, from :meth:`GraphQLService.authenticate`.
        body: The decoded request body.

    Returns:
        The JSON body and the HTTP status of the response.

    Raises:
        UnreadableBody: When the body is not JSON.
    """
    payload = read_payload(body)
    if isinstance(payload, tuple):
        return payload
    return service.execute(
        caller, payload["query"], payload.get("variables"), payload.get("operationName")
    )


class _GraphQLEndpoint:
    """``/api/label/v2/graphql``: the headers' rules, the key, the throttles, the body."""

    def __init__(self, service: GraphQLService, rate_limit: int | None, latency_ms: int) -> None:
        self.service = service
        self.latency_ms = latency_ms
        self.limiter = None if rate_limit is None else RateLimiter(rate_limit)
        #: Turns per API key to run requests (see ``key_concurrency.py``); none: no limit.
        self.concurrency: KeyConcurrency | None = None
        self.anonymous_limiter = RateLimiter(
            min(
                rate_limit or limits.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
                limits.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
            )
        )

    async def respond(self, request: Request) -> Response:
        media = request_rules.answer_media_type(request.headers.get("accept"))
        if request.method != "POST":
            return _response(
                error_body(f"use POST for {GRAPHQL_PATH}", METHOD_NOT_ALLOWED),
                405,
                media_type=media,
            )
        if media is None:
            return _response(error_body(request_rules.NOT_ACCEPTABLE_MESSAGE, BAD_REQUEST), 406)
        # Apollo Server's order: CSRF prevention, then the key, then the body.
        problem = request_rules.csrf_problem(request.headers)
        if problem is not None:
            return _response(error_body(problem, BAD_REQUEST), 400, media_type=media)
        try:
            answer = await self._answer(request, media)
        except BodyTooLarge:
            return _too_large(media)
        except UnsupportedEncoding as error:
            # 415 tells the 2026 SDK to send the request again uncompressed.
            return _response(error_body(str(error), UNSUPPORTED_MEDIA_TYPE), 415, media_type=media)
        except (BrokenEncoding, UnreadableBody) as error:
            return _unreadable(str(error))
        except Exception:
            # Resolver errors are handled by GraphQL execution; this is the database failing
            # outside it (e.g. the database locked past the busy timeout while
            # authenticating). The operator gets the trace, the client a generic error.
            logger.exception("unexpected error while handling a GraphQL request")
            answer = error_body("Internal server error", INTERNAL_SERVER_ERROR), 500
        if isinstance(answer, Response):
            return answer
        if self.latency_ms:
            await latency_sleep(self.latency_ms / 1000)
        result, status = answer
        return _response(result, status, media_type=media)

    async def _answer(self, request: Request, media: str) -> Response | tuple[dict[str, Any], int]:
        """The key, the throttles, then the body: a refusal, or the request's answer."""
        api_key = api_key_from_header(request.headers.get("authorization"))
        # From the headers alone: a refused request never has its body read.
        caller = self.service.authenticate_at_once(api_key)
        if caller is LATER:
            caller = await run_in_threadpool(self.service.authenticate, api_key)
        if caller is None:
            client = request.client.host if request.client else "unknown"
            wait = self.anonymous_limiter.retry_after(f"address {client}")
            if wait is not None:
                return throttled(self.anonymous_limiter, wait, "per address without a valid key")
            return _response(
                error_body(UNAUTHENTICATED_MESSAGE, UNAUTHENTICATED), 401, media_type=media
            )
        if self.limiter is not None and api_key is not None:
            wait = self.limiter.retry_after(api_key)
            if wait is not None:
                return throttled(self.limiter, wait)
        problem = request_rules.content_type_problem(request.headers)
        if problem is not None:
            return _response(error_body(problem, BAD_REQUEST), 400, media_type=media)
        try:
            raw = await read_body(request)
        except ClientDisconnect:
            logger.debug("a client disconnected while sending its request body")
            return Response(status_code=400)  # nobody is left to read it
        except asyncio.TimeoutError:
            return body_too_slow(media)
        body = decode_body(raw, request.headers.get("content-encoding"))
        if self.concurrency is None or api_key is None:
            return await run_in_threadpool(handle, self.service, caller, body)
        try:
            async with self.concurrency.turn(api_key):
                return await run_in_threadpool(handle, self.service, caller, body)
        except KeyBusy:
            return self.concurrency.busy()
