"""How the test kit names a request's operation, for faults and the request log."""

from __future__ import annotations

import gzip
import json

import pytest

from kili_typed_server.instruments.instrument import Identified, identify
from kili_typed_server.instruments.recording import REDACTED, redact

COUNT = "query CountUsers($where: UserWhere!) { countUsers(where: $where) }"
TWO = "query A { viewer { id } } mutation B { resetPassword(where: {}) { id } }"


def body(**payload: object) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("raw", "encoding", "expected"),
    [
        (
            body(query=COUNT, variables={"where": {}}),
            None,
            Identified("countUsers", "CountUsers", {"where": {}}),
        ),
        (body(query="{ __typename users(where: {}) { id } }"), None, Identified("users")),
        (body(query="{ __schema { types { name } } }"), None, Identified("__schema")),
        (body(query=TWO, operationName="B"), None, Identified("resetPassword", "B")),
        (body(query=TWO, operationName="A"), None, Identified("viewer", "A")),
        (body(query=TWO, operationName="C"), None, Identified(None, "C")),
        # mtime=0: the same bytes, so the same test id, in every xdist worker.
        (gzip.compress(body(query=COUNT), mtime=0), "gzip", Identified("countUsers", "CountUsers")),
        (b"not json", None, Identified()),
        (body(query="{ countUsers("), None, Identified()),
        (body(query=COUNT, variables=[1]), None, Identified("countUsers", "CountUsers")),
        (b"[]", None, Identified()),
    ],
)
def test_identify(raw: bytes, encoding: str | None, expected: Identified) -> None:
    assert identify(raw, encoding) == expected


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"data": {"password": "p", "email": "e"}}, {"data": {"password": REDACTED, "email": "e"}}),
        (
            {"data": {"oldPassword": "a", "newPassword1": "b", "newPassword2": "c"}},
            {"data": {"oldPassword": REDACTED, "newPassword1": REDACTED, "newPassword2": REDACTED}},
        ),
        ({"where": {"key": "k"}}, {"where": {"key": REDACTED}}),
        ({"where": {"user": {"apiKey": "k"}}}, {"where": {"user": {"apiKey": REDACTED}}}),
        ({"items": [{"token": "t"}]}, {"items": [{"token": REDACTED}]}),
        ({"withApiKeys": True, "password": None}, {"withApiKeys": True, "password": None}),
        ({"monkey": "not a key"}, {"monkey": "not a key"}),
    ],
)
def test_redact(variables: dict[str, object], expected: dict[str, object]) -> None:
    assert redact(variables) == expected
