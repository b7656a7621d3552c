"""Property-based: any invalid argument of any method raises its documented error, sending nothing.

For each parameter of each documented method, hypothesis draws values of a
wrong type (documented: `TypeError`) and of a wrong value (`ValueError`); the
other arguments are valid. Both facades run against an endpoint where nothing
listens, with a request hook that records anything sent: nothing may be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kili_typed import Kili
from kili_typed._fields import VALID_FIELDS
from kili_typed._organizations import ORGANIZATION_FIELDS
from tests.hypothesis_profiles import examples

from .facades import KINDS, RequestLog, attach_log, make_facade

ENDPOINT = "http://127.0.0.1:1/api/label/v2/graphql"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
S = st.SearchStrategy[Any]

# Wrong types. `None` is left out: it is valid wherever a parameter is optional.
not_str: S = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
not_int: S = st.one_of(
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
)
not_bool: S = st.one_of(st.integers(), st.text(max_size=3), st.floats(allow_nan=False))
not_field_list: S = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.dictionaries(st.sampled_from(VALID_FIELDS), st.booleans(), max_size=2),
    st.lists(not_str, min_size=1, max_size=3),
    st.lists(st.sampled_from(VALID_FIELDS), max_size=2).flatmap(
        lambda good: st.tuples(not_str).map(lambda bad: [*good, *bad])
    ),
)

# Wrong values.
blank: S = st.text(alphabet=" \t\r\n", max_size=4)
not_email: S = st.text(max_size=24).filter(lambda s: not EMAIL.fullmatch(s.strip()))
not_role: S = st.text(max_size=12).filter(lambda s: s not in ("ADMIN", "USER"))
negative: S = st.integers(max_value=-1)
unknown_fields: S = st.one_of(
    st.just([]),
    st.lists(st.sampled_from(VALID_FIELDS), max_size=2).flatmap(
        lambda good: (
            st.text(max_size=16)
            .filter(lambda s: s not in VALID_FIELDS)
            .map(lambda bad: [*good, bad])
        )
    ),
)

unknown_organization_fields: S = st.one_of(
    st.just([]),
    st.lists(
        st.text(max_size=16).filter(lambda s: s not in ORGANIZATION_FIELDS), min_size=1, max_size=3
    ),
)


def required(wrong_type: S) -> S:
    return st.one_of(wrong_type, st.none())


VALID: dict[str, dict[str, Any]] = {
    "users": {},
    "count_users": {},
    "create_user": {
        "email": "a@example.com",
        "password": "Passw0rd-1",
        "organization_role": "USER",
    },
    "update_password": {
        "email": "a@example.com",
        "old_password": "Passw0rd-1",
        "new_password_1": "Passw0rd-2",
        "new_password_2": "Passw0rd-2",
    },
    "reset_password": {"email": "a@example.com"},
    "update_properties_in_user": {"email": "a@example.com"},
    "get_current_user": {},
    "organizations": {},
    "count_organizations": {},
}

# (method, parameter, values of a wrong type, values of a wrong value or None)
PARAMETERS: list[tuple[str, str, S, S | None]] = [
    ("users", "api_key", not_str, blank),
    ("users", "email", not_str, not_email),
    ("users", "organization_id", not_str, blank),
    ("users", "fields", not_field_list, unknown_fields),
    ("users", "first", not_int, negative),
    ("users", "skip", required(not_int), negative),
    # None is valid: "decide from the settings", as the current SDK accepts.
    ("users", "disable_tqdm", not_bool, None),
    ("users", "as_generator", required(not_bool), None),
    ("count_users", "organization_id", not_str, blank),
    ("count_users", "api_key", not_str, blank),
    ("count_users", "email", not_str, not_email),
    ("create_user", "email", required(not_str), not_email),
    ("create_user", "password", required(not_str), blank),
    ("create_user", "organization_role", required(not_str), not_role),
    ("create_user", "firstname", not_str, None),
    ("create_user", "lastname", not_str, None),
    ("update_password", "email", required(not_str), not_email),
    ("update_password", "old_password", required(not_str), blank),
    ("update_password", "new_password_1", required(not_str), blank),
    ("update_password", "new_password_2", required(not_str), blank),
    ("reset_password", "email", required(not_str), not_email),
    ("update_properties_in_user", "email", required(not_str), not_email),
    ("update_properties_in_user", "firstname", not_str, None),
    ("update_properties_in_user", "lastname", not_str, None),
    ("update_properties_in_user", "organization_id", not_str, blank),
    ("update_properties_in_user", "organization_role", not_str, not_role),
    ("update_properties_in_user", "activated", not_bool, None),
    ("get_current_user", "fields", not_field_list, unknown_fields),
    ("organizations", "email", not_str, not_email),
    ("organizations", "organization_id", not_str, blank),
    ("organizations", "fields", not_field_list, unknown_organization_fields),
    ("organizations", "first", not_int, negative),
    ("organizations", "skip", required(not_int), negative),
    ("organizations", "disable_tqdm", not_bool, None),
    ("organizations", "as_generator", required(not_bool), None),
    ("count_organizations", "email", not_str, not_email),
    ("count_organizations", "organization_id", not_str, blank),
]


def invalid(wrong_type: S, wrong_value: S | None) -> S:
    """(the documented error, a value that must raise it)."""
    cases = wrong_type.map(lambda value: (TypeError, value))
    if wrong_value is not None:
        cases = st.one_of(cases, wrong_value.map(lambda value: (ValueError, value)))
    return cases


@pytest.fixture(scope="module")
def facades() -> Iterator[dict[str, tuple[Kili, RequestLog]]]:
    made = {kind: make_facade(kind, api_key="k", api_endpoint=ENDPOINT) for kind in KINDS}
    yield {kind: (kili, attach_log(kili)) for kind, kili in made.items()}
    for kili in made.values():
        kili.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "name", "case"),
    [(m, n, invalid(t, v)) for m, n, t, v in PARAMETERS],
    ids=[f"{m}-{n}" for m, n, *_ in PARAMETERS],
)
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_invalid_argument_raises_and_sends_nothing(
    facades: dict[str, tuple[Kili, RequestLog]],
    kind: str,
    method: str,
    name: str,
    case: S,
    data: st.DataObject,
) -> None:
    kili, sent = facades[kind]
    error, value = data.draw(case, label=name)
    arguments = {**VALID[method], name: value}
    with pytest.raises(error) as info:
        result = getattr(kili, method)(**arguments)
        if method in ("users", "organizations") and arguments.get("as_generator") is True:
            next(iter(result))  # must not get here: the call itself raises
    # Messages name the argument; an unknown field is named itself, with the valid ones.
    assert name in str(info.value) or (name, error) == ("fields", ValueError)
    assert sent.operations == []
