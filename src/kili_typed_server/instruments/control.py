"""The control API: the test kit's controls over HTTP, for other processes and languages.

Off by default; ``kili-typed server serve --control-token-file FILE`` turns it on, under
``/kili-typed/control`` (apart from Kili's paths), for requests that carry the file's token
as ``Authorization: Bearer <token>``. Every other request to it is refused with 401, the
token compared in constant time.

=========  ===========================  ================================================
method     path                         does
=========  ===========================  ================================================
``POST``   ``/kili-typed/control/reset``     back to the state the server started with
``POST``   ``/kili-typed/control/seed``      ``{"users": N}`` seeded users, and/or
                                             ``{"seed": [...]}`` users as in a seed file
``GET``    ``/kili-typed/control/faults``    the faults not yet spent
``POST``   ``/kili-typed/control/faults``    adds a fault: ``faults.add``'s arguments
``DELETE`` ``/kili-typed/control/faults``    removes every fault
``GET``    ``/kili-typed/control/requests``  the requests received since the last reset
=========  ===========================  ================================================
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Any, cast

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kili_typed_server.core.errors import ApiError
from kili_typed_server.instruments.harness import AppSettings, Harness
from kili_typed_server.instruments.instrument import CONTROL_PREFIX, ASGIApp
from kili_typed_server.instruments.seeding import parse_seed
from kili_typed_server.service.store import Store

#: The shortest token accepted: a guessable token would let anyone reset the database.
MIN_TOKEN_LENGTH = 16


def read_control_token(path: str | Path) -> str:
    """Reads the control API's token from a file (surrounding whitespace ignored).

    Args:
        path: The file.

    Returns:
        The token.

    Raises:
        ValueError: When the file cannot be read or the token is too short (its value is
            never shown).
    """
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the control token file {path}: {error}") from None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ValueError(
            f"the control token in {path} must be at least {MIN_TOKEN_LENGTH} characters "
            "with no spaces (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    return token


def with_control(app: ASGIApp, store: Store, token: str, **settings: Any) -> ASGIApp:
    """Wraps a server's app with the test kit and serves the control API beside it.

    The state the server has now (bootstrapped and seeded) is what ``reset`` goes back to.

    Args:
        app: The server's app.
        store: Its database.
        token: The bearer token the control API requires.
        **settings: What the app was built with (``AppSettings``' fields: rate limit,
            latency, query cost and time budgets), which a reset gives back.

    Returns:
        The app to serve.
    """
    harness = Harness(store, app, AppSettings(**settings))
    harness.app.control = control_app(harness, token)
    return harness.app


class NonFiniteNumber(ValueError):
    """A control request's JSON holds ``NaN`` or ``Infinity``, which JSON does not allow."""


def _refuse_constant(name: str) -> float:
    # Python's json reads NaN and Infinity, which no JSON number is: a fault's delay of
    # NaN broke every later GraphQL request, and one of Infinity never ended.
    raise NonFiniteNumber(f"{name} is not a JSON number: give finite numbers only")


def _check_delay(delay: object, request_timeout: float) -> None:
    """Refuses a fault's delay longer than a request may run (a finite one: ``faults``
    refuses the others): the server could not stop in time behind it."""
    if isinstance(delay, (int, float)) and not isinstance(delay, bool) and delay > request_timeout:
        raise ValueError(
            f"delay must be at most the server's request timeout, {request_timeout:g} s; "
            f"got {delay:g} (use hang for a request that never ends until the faults are "
            "cleared)"
        )


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _authorized(request: Request, expected: bytes) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest on bytes: its time does not depend on where the strings differ.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)


def _guarded(handler: Any, expected: bytes) -> Any:
    """`handler` behind the token, its refusals of bad input answered with 400."""

    async def endpoint(request: Request) -> Response:
        if not _authorized(request, expected):
            return JSONResponse(
                {"error": "send the control token as 'Authorization: Bearer <token>'"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            response: Response = await handler(request)
        except (ValueError, TypeError, ApiError) as error:
            return _error(str(error), 400)
        return response

    return endpoint


async def _body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw, parse_constant=_refuse_constant)
    except NonFiniteNumber as error:
        raise ValueError(str(error)) from None
    except ValueError:
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    return cast("dict[str, Any]", payload)


def control_app(harness: Harness, token: str) -> ASGIApp:
    """The control API's routes over `harness`, behind `token`.

    Args:
        harness: The controls.
        token: The bearer token required.

    Returns:
        A Starlette app routing under
        :data:`~kili_typed_server.instruments.instrument.CONTROL_PREFIX`.
    """
    expected = token.encode()

    def guarded(handler: Any) -> Any:
        return _guarded(handler, expected)

    async def reset(request: Request) -> Response:
        await run_in_threadpool(harness.reset)
        return JSONResponse({"reset": True})

    async def seed_route(request: Request) -> Response:
        payload = await _body_of(request)
        unknown = sorted(set(payload) - {"users", "seed"})
        if unknown or not payload:
            raise ValueError("give 'users' (a number of seeded users) and/or 'seed' (users)")
        created = 0
        count = payload.get("users", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"'users' must be a whole number of 0 or more, got {count!r}")
        if count:
            created += await run_in_threadpool(harness.seed_users, count)
        if "seed" in payload:
            users = parse_seed(payload["seed"], source="'seed'")
            created += await run_in_threadpool(harness.seed, users)
        return JSONResponse({"created": created})

    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"faults": [f.to_json() for f in harness.faults.pending]})
        if request.method == "DELETE":
            harness.faults.clear()
            return JSONResponse({"cleared": True})
        options = await _body_of(request)
        _check_delay(options.get("delay"), harness.settings.request_timeout)
        fault = harness.faults.add(**options)
        return JSONResponse({"fault": fault.to_json()}, status_code=201)

    async def requests(request: Request) -> Response:
        return JSONResponse({"requests": [r.to_json() for r in harness.requests]})

    routes = [
        Route(f"{CONTROL_PREFIX}/reset", guarded(reset), methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/seed", guarded(seed_route), methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/faults", guarded(faults), methods=["GET", "POST", "DELETE"]),
        Route(f"{CONTROL_PREFIX}/requests", guarded(requests), methods=["GET"]),
    ]
    control: ASGIApp = Starlette(routes=routes)
    return control
