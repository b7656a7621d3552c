"""An ASGI layer in front of the server's app: records each request, applies the faults.

:class:`InstrumentedApp` reads a GraphQL request's body (and hands it on unchanged), finds
its operation's root field, asks the :class:`~kili_typed_server.instruments.faults.FaultSet` which
fault hits it, and either answers in place of the server (before processing) or lets the
server run and then replaces, cuts or extends its answer (after processing). Every request
goes into the :class:`~kili_typed_server.instruments.recording.RequestLog`.

It keeps every guard of the app it wraps: a GraphQL request's key is checked from its
headers before its body is read, and a request without a valid key goes straight to the
app (which refuses it without reading the body), with no fault and no trace in the log;
the body is read within ``limits.BODY_READ_TIMEOUT_SECONDS`` and up to
``limits.MAX_BODY_BYTES`` (a larger declared body goes to the app, which refuses it);
the document is parsed in a worker thread, with the app's token cap.

The app it wraps (:attr:`InstrumentedApp.inner`) can be swapped between tests, so a test
can have its own latency or rate limit with no restart. A control API, when given, is
served under its own path.

A dropped or cut connection closes the socket under uvicorn; without a socket (an httpx
``ASGITransport``, see ``inprocess.py``) the app raises the error httpx raises for one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, cast

import anyio
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse

from kili_typed_server.core import limits
from kili_typed_server.http.app import GRAPHQL_PATH, api_key_from_header, body_too_slow
from kili_typed_server.http.bodies import decode_body
from kili_typed_server.instruments.faults import Fault, FaultSet, reason_phrase
from kili_typed_server.instruments.recording import RequestLog

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where the control API lives (``control.py``), apart from Kili's own paths.
CONTROL_PREFIX = "/kili-typed/control"
#: Seconds between two looks at whether a hanging request should end.
_HANG_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Identified:
    """What a GraphQL request asks for, as far as faults and the log care."""

    operation: str | None = None
    operation_name: str | None = None
    variables: dict[str, Any] | None = None


@functools.lru_cache(maxsize=256)
def _root_fields(query: str) -> tuple[tuple[str | None, str], ...]:
    """Each operation of a document with its root field: ``(name, field)`` pairs."""
    try:
        document = parse(query, max_tokens=limits.MAX_QUERY_TOKENS)
    except GraphQLError:
        return ()
    found: list[tuple[str | None, str]] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            names = [
                selection.name.value
                for selection in definition.selection_set.selections
                if isinstance(selection, FieldNode)
            ]
            # `__typename` beside a real field says nothing of the operation; alone (or
            # `__schema`: introspection), it is all there is.
            real = [name for name in names if not name.startswith("__")] or names
            if real:
                operation = None if definition.name is None else definition.name.value
                found.append((operation, real[0]))
    return tuple(found)


def identify(body: bytes, content_encoding: str | None) -> Identified:
    """Finds the operation's root field, its name and its variables, if it can.

    Args:
        body: The request body as received.
        content_encoding: Its ``Content-Encoding``.

    Returns:
        What was found; empty for a body that is not a readable GraphQL request (the
        server answers it with its own error).
    """
    try:
        parsed: object = json.loads(decode_body(body, content_encoding))
    except Exception:
        return Identified()
    if not isinstance(parsed, dict):
        return Identified()
    payload = cast("dict[str, object]", parsed)
    query = payload.get("query")
    if not isinstance(query, str):
        return Identified()
    found = payload.get("variables")
    variables = cast("dict[str, Any]", found) if isinstance(found, dict) else None
    wanted = payload.get("operationName")
    # Long documents are parsed (the parser stops at the token cap) but not kept.
    roots = (
        _root_fields if len(query) <= limits.MAX_CACHED_QUERY_LENGTH else _root_fields.__wrapped__
    )
    operations = roots(query)
    for name, root in operations:
        if wanted is None or name == wanted:
            return Identified(root, name, variables)
    return Identified(None, wanted if isinstance(wanted, str) else None, variables)


@dataclass
class _Answer:
    """A response captured from the wrapped app."""

    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list[tuple[bytes, bytes]])
    body: bytes = b""


class InstrumentedApp:
    """Records and faults the requests of a wrapped ASGI app.

    Args:
        inner: The server's app; replace :attr:`inner` to change it between tests.
        faults: The faults to apply.
        log: Where requests are recorded.
        control: The control API, served under :data:`CONTROL_PREFIX`; none by default.
        authenticate: Whether an API key is valid (blocking: it runs in a worker thread);
            requests without a valid key go to `inner` untouched and unrecorded. Every
            request is recorded when ``None``.
    """

    def __init__(
        self,
        inner: ASGIApp,
        faults: FaultSet,
        log: RequestLog,
        control: ASGIApp | None = None,
        authenticate: Callable[[str], bool] | None = None,
    ) -> None:
        self.inner = inner
        self.faults = faults
        self.log = log
        self.control = control
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        path: str = scope["path"]
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            if self.control is None:
                await _plain(send, 404, "Not Found")
            else:
                await self.control(scope, receive, send)
            return
        method: str = scope["method"]
        if path != GRAPHQL_PATH or method != "POST":
            ticket = self.log.start(method, path, None, None, None, None)
            await self.inner(scope, receive, _StatusOf(send, self.log, ticket))
            return
        if not await self._authenticated(scope):
            # Refused by the app from its headers: nothing read, nothing kept.
            await self.inner(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limits.MAX_BODY_BYTES:
            body, more_body = b"", True  # the app refuses it without reading it
        else:
            try:
                with anyio.fail_after(limits.BODY_READ_TIMEOUT_SECONDS):
                    body, more_body = await _buffer(receive)
            except TimeoutError:
                await body_too_slow()(scope, receive, send)
                return
        found = Identified()
        if not more_body:
            encoding = _header(scope, b"content-encoding")
            found = await anyio.to_thread.run_sync(identify, body, encoding)
        fault = self.faults.take(found.operation)
        ticket = self.log.start(
            method,
            path,
            found.operation,
            found.operation_name,
            found.variables,
            fault,
            size=len(body),
        )
        replay = _Replay(body, more_body, receive)
        # The status is logged as it is sent, before the client can see it.
        await self._serve(fault, scope, replay, _StatusOf(send, self.log, ticket))

    async def _authenticated(self, scope: Scope) -> bool:
        """Whether the request bears a valid API key (always, without a checker)."""
        if self.authenticate is None:
            return True
        key = api_key_from_header(_header(scope, b"authorization"))
        if key is None:
            return False
        valid: bool = await anyio.to_thread.run_sync(self.authenticate, key)
        return valid

    async def _serve(
        self, fault: Fault | None, scope: Scope, receive: Receive, send: _StatusOf
    ) -> None:
        """Answers one GraphQL request, faulted or not."""
        if fault is None:
            await self.inner(scope, receive, send)
            return
        generation = self.faults.generation
        if not fault.after_processing:
            if fault.delay:
                await anyio.sleep(fault.delay)
            if _changes_answer(fault):
                await self._apply(fault, None, receive, send, generation)
            else:
                await self.inner(scope, receive, send)
            return
        captured = _Capture()
        await self.inner(scope, receive, captured)
        if fault.delay:
            await anyio.sleep(fault.delay)
        if _changes_answer(fault):
            await self._apply(fault, captured.answer, receive, send, generation)
        else:
            await _send_answer(send, captured.answer)

    async def _apply(
        self, fault: Fault, real: _Answer | None, receive: Receive, send: _StatusOf, generation: int
    ) -> None:
        """Sends the fault's answer in place of the server's (`real`, when it ran)."""
        if fault.hang:
            await self._hang(receive, generation)
            await _cut(send.raw, "Server disconnected without sending a response.")
            return
        if fault.drop:
            await _cut(send.raw, "Server disconnected without sending a response.")
            return
        if fault.truncate:
            assert real is not None
            half = real.body[: len(real.body) // 2]
            headers = [(k, v) for k, v in real.headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(real.body)).encode()))
            await send({"type": "http.response.start", "status": real.status, "headers": headers})
            await send({"type": "http.response.body", "body": half, "more_body": True})
            await _cut(
                send.raw,
                "peer closed connection without sending complete message body: "
                f"received {len(half)} bytes, expected {len(real.body)}",
            )
            return
        if fault.graphql_error is not None:
            error: dict[str, Any] = {
                "message": fault.message or f"injected fault: {fault.graphql_error}",
                "extensions": {"code": fault.graphql_error},
            }
            data = None
            if fault.partial and real is not None:
                try:
                    data = json.loads(real.body).get("data")
                except (ValueError, AttributeError):
                    data = None
                if fault.operation is not None:
                    error["path"] = [fault.operation]
            answer = {"data": data, "errors": [error]}
            await _send_answer(send, _json_answer(fault.status or 200, answer))
            return
        status = fault.status or 200
        if fault.body is not None:
            text = fault.body
            content_type = fault.content_type or _guess_content_type(text)
        else:
            text = f"{reason_phrase(status)} (fault injected by the kili-typed test server)"
            content_type = fault.content_type or "text/plain; charset=utf-8"
        headers = [(b"content-type", content_type.encode())]
        if fault.retry_after is not None:
            headers.append((b"retry-after", f"{fault.retry_after:g}".encode()))
        await _send_answer(send, _Answer(status, headers, text.encode()))

    async def _hang(self, receive: Receive, generation: int) -> None:
        """Waits until the client goes away or the faults are cleared."""
        async with anyio.create_task_group() as group:

            async def until_disconnected() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()

            group.start_soon(until_disconnected)
            while self.faults.generation == generation:
                await anyio.sleep(_HANG_POLL_SECONDS)
            group.cancel_scope.cancel()


def _changes_answer(fault: Fault) -> bool:
    return (
        fault.status is not None
        or fault.body is not None
        or fault.hang
        or fault.drop
        or fault.truncate
        or fault.graphql_error is not None
    )


def _guess_content_type(text: str) -> str:
    try:
        json.loads(text)
    except ValueError:
        return "text/html; charset=utf-8"
    return "application/json"


def _json_answer(status: int, body: dict[str, Any]) -> _Answer:
    return _Answer(status, [(b"content-type", b"application/json")], json.dumps(body).encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            text: str = value.decode("latin-1")
            return text
    return None


async def _buffer(receive: Receive) -> tuple[bytes, bool]:
    """Reads the request body, up to the server's limit (the server refuses more)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk: bytes = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more: bool = message.get("more_body", False)
        if not more or size > limits.MAX_BODY_BYTES:
            return b"".join(chunks), more


class _Replay:
    """Hands the wrapped app the body already read, then the rest of the stream."""

    def __init__(self, body: bytes, more_body: bool, receive: Receive) -> None:
        self._first: Message | None = {
            "type": "http.request",
            "body": body,
            "more_body": more_body,
        }
        self._receive = receive

    async def __call__(self) -> Message:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return await self._receive()


class _StatusOf:
    """Passes messages on to `raw`, logging the status as it is sent."""

    def __init__(self, raw: Send, log: RequestLog, ticket: tuple[int, int]) -> None:
        self.raw = raw
        self._log = log
        self._ticket = ticket

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._log.finish(self._ticket, int(message["status"]))
        await self.raw(message)


class _Capture:
    """Keeps the wrapped app's answer instead of sending it."""

    def __init__(self) -> None:
        self.answer = _Answer()
        self._chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.answer.status = int(message["status"])
            self.answer.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self._chunks.append(message.get("body", b""))
            self.answer.body = b"".join(self._chunks)


async def _send_answer(send: Send, answer: _Answer) -> None:
    headers = [(k, v) for k, v in answer.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


async def _plain(send: Send, status: int, text: str) -> None:
    await _send_answer(send, _Answer(status, [(b"content-type", b"text/plain")], text.encode()))


async def _cut(send: Send, message: str) -> None:
    """Closes the client's connection with no more bytes sent.

    Under uvicorn, closes the socket of the request's connection (what a crashed gateway
    does). Without a socket (an in-process transport), raises the error httpx raises when
    a server does that, which the transport hands to the client.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(cycle, "disconnected"):
        transport.close()
        # Told now, so that uvicorn does not log an app that ended without answering.
        cycle.disconnected = True  # type: ignore[union-attr]
        return
    import httpx

    raise httpx.RemoteProtocolError(message)
