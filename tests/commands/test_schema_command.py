"""``kili-typed schema diff`` against the local server and against servers whose schema
drifted (a test-only server serving an edited copy of ``schema.graphql``)."""

from __future__ import annotations

import json
import sys

import pytest

from kili_typed._retry import DEFAULT_MAX_RETRIES
from kili_typed_testkit.server import KiliServer
from tests.processes import run_kili_typed

from .conftest import InProcess, one_line
from .drift_server import bundled_sdl, edit, serve_sdl

KEY = "kt_drift-test-key-0123456789"

REMOVE_HUBSPOT = (
    "  hubspotSubscriptionStatus: HubspotSubscriptionStatus\n  isServiceAccount",
    "  isServiceAccount",
)
ADD_OWNER = ("  ADMIN\n  USER\n}", "  ADMIN\n  OWNER\n  USER\n}")


def drifted(*edits: tuple[str, str]) -> str:
    sdl = bundled_sdl()
    for old, new in edits:
        sdl = edit(sdl, old, new)
    return sdl


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KILI_API_KEY", KEY)
    monkeypatch.delenv("KILI_API_ENDPOINT", raising=False)
    return KEY


def test_the_kili_server_has_not_drifted(cli: InProcess, env: KiliServer) -> None:
    result = cli("schema", "diff")
    assert result.status == 0, result.err
    assert f"against {env.endpoint}" in result.out
    assert "breaking changes: none" in result.out
    assert result.out.rstrip().endswith("result: compatible: no breaking or dangerous changes")


def test_a_removed_field_is_breaking(cli: InProcess, key: str) -> None:
    with serve_sdl(drifted(REMOVE_HUBSPOT, ADD_OWNER), key) as endpoint:
        result = cli("schema", "diff", "--endpoint", endpoint)
    assert result.status == 5, result.err
    assert "FIELD_REMOVED: User.hubspotSubscriptionStatus was removed." in result.out
    assert "VALUE_ADDED_TO_ENUM: OWNER was added to enum type OrganizationRole." in result.out
    assert "INVALID  query users" in result.out
    assert "Cannot query field 'hubspotSubscriptionStatus' on type 'User'" in result.out
    assert "result: BREAKING: 1 breaking change, 2 invalid operations, 1 dangerous change" in (
        result.out
    )


def test_dangerous_changes_fail_only_when_asked(cli: InProcess, key: str) -> None:
    with serve_sdl(drifted(ADD_OWNER), key) as endpoint:
        lenient = cli("schema", "diff", "--endpoint", endpoint)
        strict = cli("schema", "diff", "--endpoint", endpoint, "--fail-on-dangerous")
        as_json = cli("schema", "diff", "--endpoint", endpoint, "--format", "json")
    assert lenient.status == 0, lenient.err
    assert "result: compatible, with 1 dangerous change" in lenient.out
    assert strict.status == 5
    document = json.loads(as_json.out)
    assert document["is_breaking"] is False
    assert document["dangerous"][0]["type"] == "VALUE_ADDED_TO_ENUM"


def test_a_refused_key(cli: InProcess, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve_sdl(bundled_sdl(), key) as endpoint:
        monkeypatch.setenv("KILI_API_KEY", "kt_another-key-0123456789")
        result = cli("schema", "diff", "--endpoint", endpoint)
    assert result.status == 3
    assert "IntrospectionQuery: HTTP 401" in one_line(result.err)


def test_an_unreachable_server(
    cli: InProcess, key: str, refused_endpoint: str, waits: list[float]
) -> None:
    result = cli("schema", "diff", "--endpoint", refused_endpoint)
    assert result.status == 4
    one_line(result.err)
    assert len(waits) == DEFAULT_MAX_RETRIES  # it tried again before giving up


def test_without_graphql_core_it_says_what_to_install(
    cli: InProcess, key: str, monkeypatch: pytest.MonkeyPatch, refused_endpoint: str
) -> None:
    monkeypatch.delitem(sys.modules, "kili_typed._drift", raising=False)
    monkeypatch.setitem(sys.modules, "graphql", None)  # as if it were not installed
    result = cli("schema", "diff", "--endpoint", refused_endpoint)
    assert result.status == 2
    assert "pip install 'kili-typed[schema]'" in one_line(result.err)


def test_as_a_process(key: str) -> None:
    with serve_sdl(drifted(REMOVE_HUBSPOT), key) as endpoint:
        result = run_kili_typed(["schema", "diff", "--endpoint", endpoint], env={})
    assert result.status == 5, result.err
    assert "FIELD_REMOVED" in result.out and result.err == ""
