"""The server's JSON encoder writes the bytes Starlette's ``JSONResponse`` wrote before it.

``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``: compact, non-ASCII raw, as
Node's ``JSON.stringify`` (Kili's server) writes. Every answer of the server goes through
`kili_typed_server.http.wire.encode_json`; here it is compared with the standard library on
values an answer may hold (no floats: the schema has none) and on those orjson refuses.
"""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kili_typed_server.cli.runner import ServerThread
from kili_typed_server.http.wire import encode_json
from tests.hypothesis_profiles import examples


def stdlib(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: Strings over all of Unicode but lone surrogates: control characters, U+2028/2029, DEL,
#: quotes, backslashes, astral characters.
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
SCALARS = st.none() | st.booleans() | st.integers() | TEXT  # integers beyond 64 bits too
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=examples(500), deadline=None)
@given(VALUES)
def test_the_bytes_are_the_standard_librarys(value: Any) -> None:
    assert encode_json(value) == stdlib(value)


#: Values where orjson and the standard library may part ways.
TRICKY: list[Any] = [
    "\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x7f",
    "\u2028 and \u2029",
    'quote " backslash \\ slash /',
    "é 🙂 \ufeff \uffff",
    2**63,
    -(2**63) - 1,
    2**64,
    10**40,
    -(10**40),
    {"users": [{"id": "1c2e-9f3e-5"}, {"id": "0.00001"}]},
    "a,1e-7 b:0.00001",
    {"a": [], "b": {}, "c": [[[]]], "": None},
]


@pytest.mark.parametrize("value", TRICKY)
def test_the_values_orjson_writes_otherwise_are_written_as_before(value: Any) -> None:
    assert encode_json(value) == stdlib(value)


def test_a_lone_surrogate_fails_as_it_did() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_json({"name": "\ud800"})


def test_keys_that_are_not_strings_are_written_as_before() -> None:
    value = {1: "one", None: "none", False: "no"}
    assert encode_json(value) == stdlib(value)


def test_floats_json_has_no_form_for_are_null_as_in_node() -> None:
    # No answer holds a float (the schema has none); Node's JSON.stringify writes null.
    assert encode_json([math.nan, math.inf, -math.inf]) == b"[null,null,null]"


def test_a_page_is_written_compact_with_raw_unicode(
    local_server: ServerThread, http: httpx.Client
) -> None:
    local_server.store.create_user("zoe@example.com", None, organization_role="USER")
    # A line separator, which the server refuses today but an older database may hold.
    with sqlite3.connect(local_server.store.path) as db:
        db.execute(
            "UPDATE users SET firstname = ? WHERE email = ?", ("Zoë\u2028🙂", "zoe@example.com")
        )
    answer = http.post(
        local_server.endpoint,
        json={"query": "{ users(where: {}) { firstname activated } }"},
        headers={"Authorization": f"X-API-Key: {local_server.api_key}"},
    )
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.headers["content-length"] == str(len(answer.content))
    assert answer.content == stdlib(answer.json())
    assert "Zoë\u2028🙂".encode() in answer.content
