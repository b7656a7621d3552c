"""Runs calls of an official Kili SDK against a server and reports what happened, as JSON.

This script runs in an SDK's own virtual environment (see ``environments.py``), not in the
project's: it imports only the standard library, the SDK and ``requests`` (which every SDK
era uses for HTTP). It is deliberately free of assertions; ``test_official_sdks.py``
decides what the answers should be.

Usage::

    python driver.py PLAN.json RESULT.json

The plan names the endpoint, the API keys of the clients to build and the calls to make::

    {"endpoint": "http://127.0.0.1:PORT/api/label/v2/graphql",
     "keys": {"admin": "...", "user": "..."},
     "calls": [{"id": "count", "client": "admin", "method": "count_users", "kwargs": {}}]}

``method`` may be dotted (``internal.reset_password``). Results are written to RESULT.json:
for each client, the HTTP requests its constructor sent (the start-up checks) and the
warnings it raised; for each call, its value (generators are drained; their type is
reported) or its error, and the requests it sent. Secrets are replaced by ``<key:NAME>``.

Two guards make the run safe to put in CI: any connection to an address other than the
loopback one is refused (and reported as an error), and ``HOME`` is expected to point at
a scratch directory (the 2026 SDK caches the introspected schema under it).
"""

from __future__ import annotations

import importlib
import inspect
import ipaddress
import json
import socket
import sys
import traceback
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def install_network_guard() -> None:
    """Refuses every connection that is not to the loopback interface."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(str(host)):
            raise OSError(f"compat driver: refusing to resolve non-loopback host {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            raise OSError(f"compat driver: refusing to connect to {address[0]!r}")
        real_connect(self, address)

    setattr(socket, "getaddrinfo", guarded_getaddrinfo)  # noqa: B010
    setattr(socket.socket, "connect", guarded_connect)  # noqa: B010


class Redactor:
    """Replaces each API key by a stable placeholder in anything recorded."""

    def __init__(self, keys: dict[str, str]) -> None:
        self.keys = sorted(keys.items(), key=lambda item: -len(item[1]))

    def text(self, value: str) -> str:
        """Redacts a string."""
        for name, key in self.keys:
            value = value.replace(key, f"<key:{name}>")
        return value

    def json(self, value: Any) -> Any:
        """Redacts every string inside a JSON-like value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.json(item) for key, item in value.items()}
        return value


class WireLog:
    """Records every HTTP request sent through ``requests``, with its answer's status."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.entries: list[dict[str, Any]] = []

    def install(self) -> None:
        """Wraps ``requests.adapters.HTTPAdapter.send``, which every SDK era goes through."""
        adapters = importlib.import_module("requests.adapters")
        real_send = adapters.HTTPAdapter.send
        log = self

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            entry = log.describe(request)
            log.entries.append(entry)
            response = real_send(adapter, request, *args, **kwargs)
            entry["status"] = response.status_code
            return response

        adapters.HTTPAdapter.send = send

    def describe(self, request: Any) -> dict[str, Any]:
        """Summarises one prepared request (the key only as a yes/no)."""
        authorization = request.headers.get("Authorization")
        entry: dict[str, Any] = {
            "method": request.method,
            "path": urlsplit(request.url).path,
            "authorized": authorization is not None,
            "key_header_ok": authorization is not None
            and authorization.startswith("X-API-Key: ")
            and "<key:" in self.redactor.text(authorization),
        }
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if isinstance(body, str) and body:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = {"unparsed": body[:200]}
            entry["query"] = self.redactor.text(str(payload.get("query", "")))
            entry["variables"] = self.redactor.json(payload.get("variables"))
            entry["has_operation_name"] = "operationName" in payload
        return entry

    def take(self) -> list[dict[str, Any]]:
        """Returns the entries recorded since the last call, and forgets them."""
        entries, self.entries = self.entries, []
        return entries


def describe_error(error: BaseException, redactor: Redactor) -> dict[str, Any]:
    """Describes an exception the SDK raised, without secrets."""
    return {
        "type": type(error).__name__,
        "module": type(error).__module__,
        "message": redactor.text(str(error))[:2000],
        "trace": redactor.text("".join(traceback.format_exception(error))[-4000:]),
    }


def call(client: Any, method: str, kwargs: dict[str, Any]) -> tuple[Any, str, bool]:
    """Calls a (dotted) method of a client; drains an iterator it returns.

    Returns:
        The value, the name of the type the SDK returned (``generator`` for a plain
        generator; 2022 releases wrap theirs in typeguard's ``TypeCheckedGenerator``), and
        whether it was lazy (an iterator, drained here).
    """
    target = client
    for part in method.split("."):
        target = getattr(target, part)
    value = target(**kwargs)
    returned = "generator" if inspect.isgenerator(value) else type(value).__name__
    lazy = isinstance(value, Iterator)
    if lazy:
        value = list(value)
    return value, returned, lazy


def run(plan: dict[str, Any]) -> dict[str, Any]:
    """Builds the clients the plan names and makes its calls."""
    redactor = Redactor(plan["keys"])
    wire = WireLog(redactor)
    wire.install()
    kili_module = importlib.import_module("kili")
    client_module = importlib.import_module("kili.client")
    report: dict[str, Any] = {
        "sdk_version": kili_module.__version__,
        "python": sys.version.split()[0],
        "clients": {},
        "calls": [],
    }
    clients: dict[str, Any] = {}
    for name, key in plan["keys"].items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                clients[name] = client_module.Kili(api_key=key, api_endpoint=plan["endpoint"])
                error = None
            except Exception as exc:  # reported, judged by the test
                error = describe_error(exc, redactor)
        report["clients"][name] = {
            "requests": wire.take(),
            "warnings": [redactor.text(str(w.message)).strip() for w in caught],
            "error": error,
        }
    for step in plan["calls"]:
        outcome: dict[str, Any] = {"id": step["id"]}
        client = clients.get(step.get("client", "admin"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if client is None:
                    raise RuntimeError(f"client {step.get('client')!r} could not be built")
                value, returned, lazy = call(client, step["method"], step.get("kwargs", {}))
                outcome.update(ok=True, value=redactor.json(value), returned=returned, lazy=lazy)
            except Exception as exc:  # reported, judged by the test
                outcome.update(ok=False, error=describe_error(exc, redactor))
        outcome["requests"] = wire.take()
        outcome["warnings"] = [redactor.text(str(w.message)).strip() for w in caught]
        report["calls"].append(outcome)
    return report


def main(argv: list[str]) -> int:
    """Reads the plan, runs it, writes the report."""
    plan_path, result_path = argv
    install_network_guard()
    with open(plan_path, encoding="utf-8") as plan_file:
        plan = json.load(plan_file)
    report = run(plan)
    with open(result_path, "w", encoding="utf-8") as result_file:
        json.dump(report, result_file, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
