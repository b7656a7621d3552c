"""A loopback TCP proxy in front of the real local server that injects faults on demand.

`FaultProxy` listens on 127.0.0.1 and forwards each HTTP request to a
`ServerThread`, one request at a time, over real sockets. A test queues `Fault`s
per GraphQL operation: the next request of that operation gets the fault,
either *before* the server sees the request (it never runs) or *after* the
server has answered (it ran; the client does not learn it). Faults are what a
network or a gateway really does: a status and body in place of the answer, a
reset or closed connection, an answer cut short, no answer at all. `refuse()`
stops listening, so connecting fails, until `accept()`.

The proxy counts what it received from the client and what it delivered to the
server, per operation: a mutation delivered twice is a duplicate write. The counts
are read once every request received has had its answer or its fault, however long
the server took (`FaultProxy.settle`), so a client that gave up early (a read timeout)
does not make the count depend on timing.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Literal

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.http.app import GRAPHQL_PATH
from kili_typed_testkit.server import KiliServer

#: The test property under which a test records (mutation, times the real server ran it);
#: tests/conftest.py sums them up at the end of the run, from every xdist worker too.
MUTATION_RUNS = "mutation_runs"
#: The client's read timeout where a fault never answers: how long such a test waits. When
#: only hung requests are sent, it can be short, but not shorter than the proxy takes to
#: read the request on a loaded 2-core machine (at 0.2 s a client once gave up before the
#: proxy had counted its request)...
HANG_TIMEOUT = 1.0
#: ...but where other requests of that client must answer, it bounds them too: they take
#: about 10 ms here, but well over 0.2 s on a 2-core machine loaded by a parallel suite
#: and a benchmark.
HANG_TIMEOUT_WITH_ANSWERS = 3.0
#: The client's timeout where every request gets an answer, even a broken one: never
#: what ends a test, however loaded the machine.
GENEROUS_TIMEOUT = 30.0
#: How long `FaultProxy.settle` waits for the requests in flight: a bound, not a delay.
SETTLE_TIMEOUT = 30.0

Action = Literal["answer", "reset", "close", "truncate", "hang", "rewrite"]
_REASONS = {
    200: "OK",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Fault:
    """One fault, applied to one request.

    Args:
        name: What it is, for test ids.
        action: ``answer`` (send `status`, `headers` and `body` instead), ``reset``
            (RST, no answer), ``close`` (FIN, no answer), ``truncate`` (half the
            answer, then FIN), ``hang`` (never answer), ``rewrite`` (the real answer
            with `old` replaced by `new`; needs `after`).
        after: Whether the server handles the request first.
        status: For ``answer``.
        body: For ``answer``.
        headers: For ``answer``.
        old: For ``rewrite``.
        new: For ``rewrite``.
    """

    name: str
    action: Action
    after: bool = False
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    old: bytes = b""
    new: bytes = b""

    def then_server(self) -> Fault:
        """The same fault, applied after the server has handled the request."""
        return Fault(
            self.name + " after",
            self.action,
            True,
            self.status,
            self.body,
            self.headers,
            self.old,
            self.new,
        )


def answer(name: str, status: int, body: bytes | str | object, *headers: tuple[str, str]) -> Fault:
    """A fault that answers `status` with `body` (JSON-encoded unless bytes or str), then closes."""
    if isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode()
    content_type = "text/html" if data.lstrip().startswith(b"<") else "application/json"
    return Fault(
        name, "answer", status=status, body=data, headers=(("Content-Type", content_type), *headers)
    )


def _read_message(conn: socket.socket, buffer: bytes) -> tuple[bytes, bytes] | None:
    """One HTTP/1.1 message (head and Content-Length body) and what follows it."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        assert name.strip().lower() != b"transfer-encoding", "chunked bodies are not proxied"
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def _split(message: bytes) -> tuple[bytes, bytes]:
    head, _, body = message.partition(b"\r\n\r\n")
    return head, body


def _operation(request: bytes) -> str:
    try:
        name = json.loads(_split(request)[1]).get("operationName")
    except ValueError:
        return "?"
    return str(name or "?")


def _response(status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _with_body(response: bytes, body: bytes) -> bytes:
    head, _ = _split(response)
    lines = [
        line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-length:")
    ]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class FaultProxy:
    """A fault-injecting proxy in front of `server`, on a free loopback port.

    Args:
        server: The running local server to forward to.
    """

    def __init__(self, server: ServerThread | KiliServer) -> None:
        self.upstream = (server.host, server.port)
        self.port = 0
        #: Operations received from the client, in order.
        self.received: list[str] = []
        #: Operations the real server handled, in order.
        self.delivered: list[str] = []
        self._faults: dict[str, deque[Fault]] = {}
        # Guards the lists and counts above and below; notified when a request settles.
        self._lock = threading.Condition()
        self._in_flight = 0
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._reserved: socket.socket | None = None
        self._acceptor: threading.Thread
        self._closed = False
        self.accept()

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint, through the proxy."""
        return f"http://127.0.0.1:{self.port}{GRAPHQL_PATH}"

    def inject(self, operation: str, *faults: Fault) -> None:
        """Apply `faults`, in order, to the next requests of `operation`."""
        with self._lock:
            self._faults.setdefault(operation, deque()).extend(faults)

    def delivered_count(self, operation: str) -> int:
        """How many requests of `operation` the real server handled, once all have settled."""
        self.settle()
        with self._lock:
            return Counter(self.delivered)[operation]

    def received_count(self, operation: str) -> int:
        """How many requests of `operation` reached the proxy, once all have settled."""
        self.settle()
        with self._lock:
            return Counter(self.received)[operation]

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Waits until every request received so far has had its answer or its fault.

        A client that timed out has stopped waiting, but the request it sent may still be
        on its way to the server (an ``after`` fault): its count is known only after.
        """
        with self._lock:
            settled = self._lock.wait_for(lambda: self._in_flight == 0, timeout)
            assert settled, f"{self._in_flight} requests still in the proxy after {timeout} s"

    # ---------------------------------------------------------------- listening

    def accept(self) -> None:
        """Listen (again, on the same port): connecting succeeds."""
        listener, self._reserved = self._reserved or self._bind(), None
        listener.listen(64)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._acceptor.start()

    def refuse(self) -> None:
        """Stop listening and drop every open connection: connecting is refused."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # A thread blocked in accept() keeps the socket listening past close():
            # shutdown() stops it at once, and the thread is waited for.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            self._acceptor.join()
            listener.close()
            if not self._closed:
                # Keep the port, bound but not listening, for accept(): meanwhile no other
                # server (a parallel test's) can take it, and connecting is still refused.
                self._reserved = self._bind()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop everything."""
        self._closed = True
        self.refuse()
        if self._reserved is not None:
            self._reserved.close()
            self._reserved = None

    def _bind(self) -> socket.socket:
        """A socket bound to the proxy's port (a free one the first time), not listening."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        return sock

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener and not self._closed:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    # ---------------------------------------------------------------- serving

    def _serve(self, conn: socket.socket) -> None:
        try:
            buffer = b""
            while not self._closed:
                read = _read_message(conn, buffer)
                if read is None:
                    return
                request, buffer = read
                operation = _operation(request)
                with self._lock:
                    self.received.append(operation)
                    self._in_flight += 1
                    queued = self._faults.get(operation)
                    fault = queued.popleft() if queued else None
                try:
                    open_after = self._handle(conn, request, operation, fault)
                finally:
                    with self._lock:
                        self._in_flight -= 1
                        self._lock.notify_all()
                if not open_after:
                    if fault is not None and fault.action == "hang":
                        # Never answer: wait for the client to give up and close.
                        while not self._closed and conn.recv(65536):
                            pass
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def _handle(
        self, conn: socket.socket, request: bytes, operation: str, fault: Fault | None
    ) -> bool:
        """Answers one request, or applies its fault; returns whether the connection stays."""
        if fault is not None and not fault.after:
            self._apply(conn, fault, None)
            return False
        response = self._forward(request)
        with self._lock:
            self.delivered.append(operation)
        if fault is None:
            conn.sendall(response)
            return True
        if fault.action == "rewrite":
            conn.sendall(_with_body(response, _split(response)[1].replace(fault.old, fault.new)))
            return True
        self._apply(conn, fault, response)
        return False

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream) as upstream:
            upstream.sendall(request)
            read = _read_message(upstream, b"")
        assert read is not None, "the local server closed without answering"
        return read[0]

    def _apply(self, conn: socket.socket, fault: Fault, response: bytes | None) -> None:
        if fault.action == "answer":
            conn.sendall(_response(fault.status, fault.headers, fault.body))
        elif fault.action == "reset":
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault.action == "close":
            pass
        elif fault.action == "truncate":
            whole = response or _response(200, (), b'{"data": {"countUsers": 12345}}')
            head, body = _split(whole)
            conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
        elif fault.action == "hang":
            pass  # the caller waits for the client to close, once the request has settled
        else:
            raise AssertionError(f"{fault.action} cannot be applied before the server")
