"""Bounds on HTTP connections: how long a request's headers may take, and how many at once.

uvicorn's h11 protocol times out idle keep-alive connections but not a client that sends
half its headers and then waits, and it accepts connections until the process runs out
of file descriptors. :func:`guarded_protocol` makes a protocol class that

- closes a connection that has not sent a whole request head within
  ``limits.HEADER_READ_TIMEOUT_SECONDS`` of its opening (or of the end of its previous
  answer);
- keeps at most ``limits.MAX_CONNECTIONS`` open (fewer when the process may open fewer
  than twice as many files): a new connection beyond it closes the oldest one still
  waiting for its headers, so a slow-headers flood makes room for real requests instead
  of locking them out (and is refused when every connection is busy).

The body read timeout is the application's (``bodies.read_body``), where the ASGI receive
loop is.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from kili_typed_server.core import limits

logger = logging.getLogger("kili_typed_server")


def _file_descriptor_budget() -> int | None:
    """Half the files the process may open, the rest left to the database and the rest."""
    if sys.platform == "win32":
        return None
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else max(16, soft // 2)


def guarded_protocol() -> type[H11Protocol]:
    """Makes a protocol class for one server, with its own table of waiting connections.

    Returns:
        A subclass of uvicorn's ``H11Protocol`` to pass as ``uvicorn.Config(http=...)``.
    """
    # Connections waiting for a request head, oldest first: the ones a flood holds.
    waiting: OrderedDict[GuardedProtocol, None] = OrderedDict()
    budget = _file_descriptor_budget()

    def connection_cap() -> int:
        cap = limits.MAX_CONNECTIONS
        return cap if budget is None else min(cap, budget)

    class GuardedProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > connection_cap():
                if not waiting:
                    # Every connection is running a request: refuse this one.
                    logger.warning(
                        "refused a connection: %d are open, all busy", len(self.connections)
                    )
                    self.transport.close()
                    return
                oldest, _ = waiting.popitem(last=False)
                oldest._close_waiting("to make room for a new connection")
            self._wait_for_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def handle_events(self) -> None:
            cycle = self.cycle
            super().handle_events()
            if self.cycle is not cycle:  # a request head arrived
                self._stop_waiting()

        def on_response_complete(self) -> None:
            # Before uvicorn's own handling, which may start a pipelined request at once.
            if not self.transport.is_closing():
                self._wait_for_head()
            super().on_response_complete()

        def _wait_for_head(self) -> None:
            self._stop_waiting()
            waiting[self] = None
            self._header_timer = self.loop.call_later(
                limits.HEADER_READ_TIMEOUT_SECONDS,
                self._close_waiting,
                "its request headers took too long",
            )

        def _stop_waiting(self) -> None:
            waiting.pop(self, None)
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _close_waiting(self, why: str) -> None:
            self._stop_waiting()
            # uvicorn annotates `cycle` as always set; it is None until a request starts.
            cycle: Any = getattr(self, "cycle", None)
            if cycle is not None and not cycle.response_complete:
                return  # a request is running after all
            logger.debug("closed a connection: %s", why)
            self.transport.close()

        def __hash__(self) -> int:
            return id(self)

        def __eq__(self, other: Any) -> bool:
            return self is other

    return GuardedProtocol


def uvicorn_options() -> dict[str, Any]:
    """The ``uvicorn.Config`` options that bound connections, in one place.

    Returns:
        Keyword arguments for ``uvicorn.Config``.
    """
    return {
        "http": guarded_protocol(),
        "timeout_keep_alive": limits.KEEP_ALIVE_TIMEOUT_SECONDS,
        "h11_max_incomplete_event_size": limits.MAX_HEADER_BYTES,
        "backlog": limits.MAX_CONNECTIONS,
        "timeout_graceful_shutdown": limits.SHUTDOWN_GRACE_SECONDS,
    }
