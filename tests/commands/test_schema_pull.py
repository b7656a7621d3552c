"""``kili-typed schema pull``: the live server's schema as SDL, for ``kili-typed codegen``."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, find_breaking_changes, find_dangerous_changes, print_schema

import kili_typed_graphql as bundled
from kili_typed._commands import exit_codes
from kili_typed_testkit import KiliServer

from .conftest import InProcess, one_line


def test_the_local_server_gives_the_bundled_schema(
    cli: InProcess, env: KiliServer, tmp_path: Path
) -> None:
    output = tmp_path / "schema.graphql"
    result = cli("schema", "pull", "--output", str(output))
    assert result.status == 0, result.err
    assert result.out == ""
    assert one_line(result.err) == f"wrote the schema of {env.endpoint} to {output}"
    pulled = output.read_text(encoding="utf-8")
    ours = build_schema(bundled.schema_text())
    assert find_breaking_changes(ours, build_schema(pulled)) == []
    assert find_dangerous_changes(ours, build_schema(pulled)) == []
    # Descriptions included: the same text as graphql-core prints the bundled file.
    assert pulled == print_schema(ours) + "\n"
    assert output.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def test_without_output_it_prints_the_schema(cli: InProcess, env: KiliServer) -> None:
    result = cli("schema", "pull")
    assert result.status == 0, result.err
    assert result.out == print_schema(build_schema(bundled.schema_text())) + "\n"


def test_a_refused_key_writes_nothing(
    cli: InProcess, env: KiliServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "schema.graphql"
    output.write_text("the schema pulled yesterday\n", encoding="utf-8")
    monkeypatch.setenv("KILI_API_KEY", "kt_not-a-key-of-this-server-0123")
    result = cli("schema", "pull", "--output", str(output))
    assert result.status == 3
    assert "IntrospectionQuery: HTTP 401" in one_line(result.err)
    assert "kt_not-a-key" not in result.err
    assert output.read_text(encoding="utf-8") == "the schema pulled yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]


def test_an_unwritable_output_is_one_line(cli: InProcess, env: KiliServer, tmp_path: Path) -> None:
    result = cli("schema", "pull", "--output", str(tmp_path / "missing" / "schema.graphql"))
    assert result.status == 2
    assert "cannot write" in one_line(result.err)


# ------------------------------------------------- answers a hostile server sends


def _type_ref(depth: int) -> dict[str, Any]:
    """A type reference whose ofType chain is `depth` levels deep."""
    ref: dict[str, Any] = {"kind": "SCALAR", "name": "String", "ofType": None}
    for _ in range(depth):
        ref = {"kind": "LIST", "name": None, "ofType": ref}
    return ref


def _introspection(depth: int) -> str:
    query: dict[str, Any] = {
        "kind": "OBJECT",
        "name": "Query",
        "description": None,
        "fields": [
            {
                "name": "deep",
                "description": None,
                "args": [],
                "type": _type_ref(depth),
                "isDeprecated": False,
                "deprecationReason": None,
            }
        ],
        "inputFields": None,
        "interfaces": [],
        "enumValues": None,
        "possibleTypes": None,
    }
    string = {"kind": "SCALAR", "name": "String", "description": None}
    schema = {
        "description": None,
        "queryType": {"name": "Query"},
        "mutationType": None,
        "subscriptionType": None,
        "types": [query, string],
        "directives": [],
    }
    # json.dumps is recursive too: a 900-deep chain is written under a raised limit.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        return json.dumps({"data": {"__schema": schema}})
    finally:
        sys.setrecursionlimit(limit)


@contextlib.contextmanager
def hostile_server(body: str) -> Iterator[str]:
    """A loopback server answering every POST with `body`; its GraphQL endpoint."""
    content = body.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/label/v2/graphql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


HOSTILE_KEY = "kt_hostile-pull-key-0123456789"


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        pytest.param(
            _introspection(900),
            exit_codes.UNAVAILABLE,
            "did not answer with a usable schema: the answer nests deeper than 64 levels",
            id="ofType chain 900 deep",
        ),
        pytest.param(
            "[" * 50_000 + "]" * 50_000,
            exit_codes.UNAVAILABLE,
            "IntrospectionQuery: the answer is JSON nested too deeply to be read",
            id="body 50,000 deep",
        ),
    ],
)
def test_an_answer_too_deep_to_read_is_one_line_naming_the_endpoint(
    cli: InProcess, monkeypatch: pytest.MonkeyPatch, body: str, status: int, said: str
) -> None:
    """Never a RecursionError (issue #25, row 5)."""
    with hostile_server(body) as endpoint:
        monkeypatch.setenv("KILI_API_KEY", HOSTILE_KEY)
        monkeypatch.setenv("KILI_API_ENDPOINT", endpoint)
        result = cli("schema", "pull")
    line = one_line(result.err)
    assert said in line
    assert endpoint in line
    assert HOSTILE_KEY not in result.err
    assert result.status == status
