"""The HTTP layer: a Starlette app serving the Kili GraphQL endpoint and its version.

Each GraphQL request is parsed, validated and executed in a worker thread (the store is
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
disconnects meanwhile is let go without a trace in the log. Before a query runs, its cost
is checked against the budget (``query_cost.py``); while it runs, its wall-clock budget
(``deadlines.py``).
"""

from __future__ import annotations

import asyncio
import enum
import functools
import json
import logging
import sqlite3
import sys
import zlib
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    execute_sync,  # pyright: ignore[reportUnknownVariableType]  (graphql-core's own)
    parse,
    print_schema,
    specified_rules,
    validate,
)
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kili_typed_server import fast_path, limits, request_rules
from kili_typed_server.accounts import Accounts
from kili_typed_server.deadlines import Deadline, DeadlineExceeded, TimedExecution
from kili_typed_server.error_formatting import format_error
from kili_typed_server.errors import (
    BAD_REQUEST,
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    INTERNAL_SERVER_ERROR,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT,
    UNAUTHENTICATED,
    UNAUTHENTICATED_MESSAGE,
    UNSUPPORTED_MEDIA_TYPE,
    error_body,
)
from kili_typed_server.key_concurrency import KeyBusy, KeyConcurrency
from kili_typed_server.query_cost import Cost, cost_rule, operation_costs, over_budget
from kili_typed_server.rate_limit import RateLimiter
from kili_typed_server.records import Caller
from kili_typed_server.resolvers import RequestContext
from kili_typed_server.schema import build_schema
from kili_typed_server.wire import JSONAnswer

GRAPHQL_PATH = "/api/label/v2/graphql"
VERSION_PATH = "/api/label/v2/version"
_KEY_PREFIX = "x-api-key:"
#: Documents whose parse and validation outcome is kept (the longest kept is
#: ``limits.MAX_CACHED_QUERY_LENGTH``).
_DOCUMENT_CACHE_SIZE = 256

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


class Later(enum.Enum):
    """:meth:`GraphQLService.authenticate_at_once` could not tell without waiting."""

    LATER = "later"


LATER = Later.LATER


class BodyTooLarge(Exception):
    """The request body is larger than ``limits.MAX_BODY_BYTES``, once decoded."""


class UnsupportedEncoding(Exception):
    """The request body's ``Content-Encoding`` is not one the server decodes."""


class BrokenEncoding(Exception):
    """The request body is not a valid stream of its ``Content-Encoding``."""


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.MAX_BODY_BYTES:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.MAX_BODY_BYTES:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def read_body(request: Request) -> bytes:
    """Reads the whole request body, within ``limits.BODY_READ_TIMEOUT_SECONDS``.

    Raises:
        BodyTooLarge: When it is larger than ``limits.MAX_BODY_BYTES``.
        asyncio.TimeoutError: When it does not arrive in time.
        ClientDisconnect: When the client goes away first.
    """
    if sys.version_info >= (3, 11):
        # A deadline on this task: wait_for would run the read in a task of its own, one
        # more turn of the loop for every request.
        async with asyncio.timeout(limits.BODY_READ_TIMEOUT_SECONDS):
            return await _read_body(request)
    return await asyncio.wait_for(_read_body(request), limits.BODY_READ_TIMEOUT_SECONDS)


def json_problem(payload: object) -> str | None:
    """Finds what in a decoded JSON body the server cannot process, without recursion.

    Args:
        payload: The decoded body.

    Returns:
        A message for the client, or ``None`` when every value is usable: nested at most
        ``limits.MAX_JSON_DEPTH`` levels, and every string encodable as UTF-8 (JSON lets a
        ``\\ud800`` escape through, which no database or log line can take).
    """
    pending: list[tuple[object, int]] = [(payload, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return (
                        "the request body holds a string that is not valid Unicode (a lone "
                        "surrogate escape such as \\ud800); send UTF-8 text"
                    )
            continue
        if isinstance(value, dict):
            members = cast("dict[object, object]", value)
            children: list[object] = [*members.keys(), *members.values()]
        elif isinstance(value, list):
            children = cast("list[object]", value)
        else:
            continue
        if depth > limits.MAX_JSON_DEPTH:
            return f"the request body nests deeper than {limits.MAX_JSON_DEPTH} levels"
        pending.extend((child, depth + 1) for child in children)
    return None


def plainly_usable(body: bytes) -> bool:
    """Whether a JSON body's bytes alone show that :func:`json_problem` would find nothing.

    A lone surrogate can only come from a ``\\u`` escape (strict UTF-8 has none), and no
    value nests deeper than there are brackets; a body with no escape and few brackets
    (most requests) needs no walk of its decoded values. Bodies in UTF-16 or UTF-32, which
    ``json.loads`` takes too, are always walked.

    Args:
        body: The request body, as ``json.loads`` decoded it.

    Returns:
        ``True`` when :func:`json_problem` of it is surely ``None``.
    """
    return (
        b"\\u" not in body
        and body.count(b"{") + body.count(b"[") <= limits.MAX_JSON_DEPTH
        and json.detect_encoding(body) == "utf-8"
    )


def decode_body(raw: bytes, content_encoding: str | None) -> bytes:
    """Undoes the request's ``Content-Encoding``, bounded by ``limits.MAX_BODY_BYTES``.

    The 2026 Kili SDK gzips bodies over 1 MB; the bound applies to the decompressed size,
    so a small "zip bomb" cannot make the server inflate it.

    Args:
        raw: The body as received.
        content_encoding: The header's value, if any.

    Returns:
        The decoded body.

    Raises:
        BodyTooLarge: When the decoded body is larger than the limit.
        UnsupportedEncoding: When the encoding is neither gzip nor identity.
        BrokenEncoding: When the gzip stream is broken or truncated.
    """
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return raw
    if encoding not in ("gzip", "x-gzip"):
        raise UnsupportedEncoding(
            f"unsupported Content-Encoding {encoding!r}; send gzip or identity"
        )
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        decoded = decompressor.decompress(raw, limits.MAX_BODY_BYTES + 1)
    except zlib.error as error:
        raise BrokenEncoding("the request body is not valid gzip") from error
    if len(decoded) > limits.MAX_BODY_BYTES or decompressor.unconsumed_tail:
        raise BodyTooLarge
    if not decompressor.eof:
        raise BrokenEncoding("the request body is truncated gzip")
    return decoded


class UnreadableBody(Exception):
    """The request body is not JSON at all (e.g. gzip bytes sent without their
    ``Content-Encoding``): answered as Kili's body parser does, with a 400 that is not a
    GraphQL answer, which tells the 2026 SDK to send its request again uncompressed."""


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


@dataclass(frozen=True)
class Prepared:
    """A parsed and valid document, with the cost of each of its operations by name."""

    document: DocumentNode
    costs: dict[str | None, Cost]


class GraphQLService:
    """Executes GraphQL requests against the accounts service.

    Args:
        accounts: The service the resolvers call, which authenticates keys too.
        schema: The executable schema; built from ``schema.graphql`` by default.
        max_query_cost: The units of work one request may take (see ``query_cost.py``);
            a request over it is refused before it runs.
        request_timeout: Seconds a query may run before it is stopped (see
            ``deadlines.py``).
    """

    def __init__(
        self,
        accounts: Accounts,
        schema: GraphQLSchema | None = None,
        *,
        max_query_cost: int = limits.MAX_QUERY_COST,
        request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.accounts = accounts
        self.schema = schema or build_schema()
        self.max_query_cost = max_query_cost
        self.request_timeout = request_timeout
        self._rules = (cost_rule(max_query_cost),)
        # Clients send the same few documents again and again (a listing sends one per
        # page); parsing and validating a document costs more than running it, so the
        # outcome is kept per document text, as Apollo Server's document cache does.
        self._prepare = functools.lru_cache(maxsize=_DOCUMENT_CACHE_SIZE)(self._prepare_uncached)
        # The queries clients send most, answered without the executor's per-field walk;
        # anything it does not cover, and every error, is the executor's.
        self.fast_path = fast_path.FastPath(accounts, self.schema) if fast_path.enabled() else None

    def _prepare_uncached(self, query: str) -> Prepared | tuple[list[GraphQLError], str]:
        """The parsed, valid document of `query`, or its errors and their code."""
        try:
            # The parser stops at the token limit, so a huge document costs no more.
            document = parse(query, max_tokens=limits.MAX_QUERY_TOKENS)
        except GraphQLSyntaxError as error:
            return [error], GRAPHQL_PARSE_FAILED
        # The cost rule first and alone: it is linear, while the standard rules include
        # quadratic ones (overlapping fields) that a document over the limits must not reach.
        validation_errors = validate(self.schema, document, self._rules) or validate(
            self.schema, document, specified_rules
        )
        if validation_errors:
            return validation_errors, GRAPHQL_VALIDATION_FAILED
        return Prepared(document, operation_costs(self.schema, document))

    def prepare(self, query: str) -> Prepared | tuple[list[GraphQLError], str]:
        """Parses and validates `query`, from the cache when it is not too long."""
        if len(query) > limits.MAX_CACHED_QUERY_LENGTH:
            return self._prepare_uncached(query)
        return self._prepare(query)

    def authenticate(self, api_key: str | None) -> Caller | None:
        """Finds the caller owning a key (blocking); ``None`` for no or a refused key."""
        return None if api_key is None else self.accounts.authenticate(api_key)

    def authenticate_at_once(self, api_key: str | None) -> Caller | None | Later:
        """:meth:`authenticate`, without ever waiting: for the event loop's thread.

        One indexed read, which costs less than the hop to a worker thread and back. It
        never waits for SQLite's lock (see ``Database.without_waiting``): when it would,
        the answer is :data:`LATER`, and :meth:`authenticate` must run in a worker.
        """
        if api_key is None:
            return None
        try:
            with self.accounts.database.without_waiting():
                return self.accounts.authenticate(api_key)
        except sqlite3.OperationalError:  # locked, or failing: the worker will tell
            return LATER

    def handle(self, caller: Caller, body: bytes) -> tuple[dict[str, Any], int]:
        """Runs one authenticated request (blocking).

        Args:
            caller: Who sends it, from :meth:`authenticate`.
            body: The decoded request body.

        Returns:
            The JSON body and the HTTP status of the response.

        Raises:
            UnreadableBody: When the body is not JSON.
        """
        # From the start: reading, parsing and checking a long document count too.
        started = Deadline(self.request_timeout)
        try:
            payload = json.loads(body)
        except RecursionError:
            return error_body(
                f"the request body nests deeper than {limits.MAX_JSON_DEPTH} levels",
                BAD_USER_INPUT,
            ), 400
        except (ValueError, UnicodeDecodeError):
            raise UnreadableBody("the request body is not valid JSON") from None
        problem = _payload_problem(payload)
        if problem is not None:
            return error_body(problem, BAD_REQUEST), 400
        problem = None if plainly_usable(body) else json_problem(payload)
        if problem is not None:
            return error_body(problem, BAD_USER_INPUT), 400
        query: str = payload["query"]
        prepared = self.prepare(query)
        if isinstance(prepared, tuple):
            errors, code = prepared
            return self._errors(errors, code), 400
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        problem = self._over_budget(prepared, caller, variables, operation_name)
        if problem is not None:
            return self._errors([GraphQLError(problem)], GRAPHQL_VALIDATION_FAILED), 400
        document = prepared.document
        deadline = None if _is_mutation(document, operation_name) else started
        try:
            if self.fast_path is not None:
                answer = self.fast_path.execute(
                    document,
                    caller,
                    variables,
                    operation_name,
                    deadline=deadline,
                    keep_plan=len(query) <= limits.MAX_CACHED_QUERY_LENGTH,
                )
                if answer is not None:
                    return answer, 200
            result = execute_sync(
                self.schema,
                document,
                context_value=RequestContext(
                    accounts=self.accounts, caller=caller, deadline=deadline
                ),
                variable_values=variables,
                operation_name=operation_name,
                execution_context_class=TimedExecution,
            )
        except DeadlineExceeded:
            message = (
                f"the query ran longer than {self.request_timeout:g} s and was stopped; "
                "ask for fewer fields or smaller pages"
            )
            return {
                "errors": [{"message": message, "extensions": {"code": REQUEST_TIMEOUT}}],
                "data": None,
            }, 200
        if result.errors:
            # Without a path, an error came before execution: variables or operation name.
            if all(error.path is None for error in result.errors):
                return self._errors(result.errors, BAD_USER_INPUT), 400
            formatted = [format_error(error, BAD_USER_INPUT) for error in result.errors]
            return {"errors": formatted, "data": None}, 200
        return {"data": result.data}, 200

    def _over_budget(
        self,
        prepared: Prepared,
        caller: Caller,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> str | None:
        """Why this request of a valid document would cost too much, if it would.

        Its cost depends on the request: the variables' lists and filters, and the size
        of the caller's organization when it selects ``Organization.users`` or scans
        (one count over an index).
        """
        chosen = [
            (name, cost)
            for name, cost in prepared.costs.items()
            if operation_name is None or name == operation_name
        ]
        members = 0
        if any(cost.needs_members for _, cost in chosen):
            members = self.accounts.organization_size(caller.user)
        for name, cost in chosen:
            total = cost.total(variables, members)
            if total > self.max_query_cost:
                shown = "The anonymous operation" if name is None else f'"{name}"'
                return over_budget(shown, total, self.max_query_cost)
        return None

    @staticmethod
    def _errors(errors: list[GraphQLError], phase_code: str) -> dict[str, Any]:
        # Errors that stopped the request before execution: no "data" key, as the GraphQL
        # spec and graphql-js (Kili's server) answer.
        return {"errors": [format_error(error, phase_code) for error in errors]}


def _is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    return any(
        isinstance(d, OperationDefinitionNode)
        and d.operation == OperationType.MUTATION
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        for d in document.definitions
    )


def _payload_problem(body: object) -> str | None:
    if not isinstance(body, dict):
        return "the request body must be a JSON object with a 'query' string"
    payload = cast("dict[str, Any]", body)
    if not isinstance(payload.get("query"), str) or not payload["query"].strip():
        return "the request body must have a non-empty 'query' string"
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return "'variables' must be a JSON object or null"
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return "'operationName' must be a string or null"
    if payload.get("extensions") is not None and not isinstance(payload["extensions"], dict):
        return "'extensions' must be a JSON object or null"
    return None


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
    if latency_ms < 0:
        raise ValueError(f"latency_ms must be 0 or more, got {latency_ms}")
    if max_query_cost < 1:
        raise ValueError(f"max_query_cost must be 1 or more, got {max_query_cost}")
    if not request_timeout > 0:
        raise ValueError(f"request_timeout must be more than 0 seconds, got {request_timeout}")
    service = GraphQLService(
        accounts, schema, max_query_cost=max_query_cost, request_timeout=request_timeout
    )
    limiter = None if rate_limit is None else RateLimiter(rate_limit)
    concurrency = (
        None if max_concurrent_requests is None else KeyConcurrency(max_concurrent_requests)
    )
    anonymous_limiter = RateLimiter(
        min(
            rate_limit or limits.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
            limits.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
        )
    )
    version = api_version(service.schema)

    async def graphql_endpoint(request: Request) -> Response:
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
        api_key = api_key_from_header(request.headers.get("authorization"))
        try:
            # From the headers alone: a refused request never has its body read.
            caller = service.authenticate_at_once(api_key)
            if caller is LATER:
                caller = await run_in_threadpool(service.authenticate, api_key)
            if caller is None:
                client = request.client.host if request.client else "unknown"
                wait = anonymous_limiter.retry_after(f"address {client}")
                if wait is not None:
                    return throttled(anonymous_limiter, wait, "per address without a valid key")
                return _response(
                    error_body(UNAUTHENTICATED_MESSAGE, UNAUTHENTICATED), 401, media_type=media
                )
            if limiter is not None and api_key is not None:
                wait = limiter.retry_after(api_key)
                if wait is not None:
                    return throttled(limiter, wait)
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
            if concurrency is None or api_key is None:
                result, status = await run_in_threadpool(service.handle, caller, body)
            else:
                try:
                    async with concurrency.turn(api_key):
                        result, status = await run_in_threadpool(service.handle, caller, body)
                except KeyBusy:
                    return concurrency.busy()
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
            result, status = error_body("Internal server error", INTERNAL_SERVER_ERROR), 500
        if latency_ms:
            await latency_sleep(latency_ms / 1000)
        return _response(result, status, media_type=media)

    async def version_endpoint(_request: Request) -> Response:
        return JSONAnswer({"version": version})

    return Starlette(
        debug=False,
        routes=[
            Route(GRAPHQL_PATH, graphql_endpoint, methods=["GET", "POST"]),
            Route(VERSION_PATH, version_endpoint, methods=["GET"]),
        ],
    )
