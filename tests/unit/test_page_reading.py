"""Reading a `users` page without a model gives what the generated model gives (pure).

`Listing.read` takes a page's JSON as it is when the generated `Users` model
would dump it back unchanged, and otherwise reads it through that model. Either
way, the rows (and the error for a malformed page) must be exactly those of the
model path: compared here on pages built by hypothesis, regular and not.
"""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kili_typed_generated.client import Client
from kili_typed_generated.input_types import UserWhere
from kili_typed_generated.operations import USERS_GQL
from kili_typed_generated_async.users import Users as AsyncUsers

from kili_typed._fields import (
    USER_OBJECT_TYPES,
    USER_OBJECTS,
    USER_SCALAR_TYPES,
    USER_SCALARS,
    VALID_FIELDS,
)
from kili_typed._listing import Listing, Page
from kili_typed._operations import users_request
from kili_typed._rows import PageReader, _datetimes
from kili_typed._user_fields import UserRow
from tests.hypothesis_profiles import examples


def listing(fields: list[str]) -> Listing:
    request = users_request(
        api_key=None,
        email=None,
        organization_id=None,
        fields=fields,
        first=None,
        skip=0,
        disable_tqdm=True,
        as_generator=False,
    )
    return Listing(request)


def test_the_type_tables_name_every_field() -> None:
    assert list(USER_SCALAR_TYPES) == list(USER_SCALARS)
    for name, (types, _) in USER_OBJECT_TYPES.items():
        assert list(types) == list(USER_OBJECTS[name][1])


# ------------------------------------------------------------------ strategies

DATETIMES = st.one_of(
    st.sampled_from(
        [
            "2024-01-08T10:21:00.624Z",  # Kili's own format: taken as it is
            "2024-02-29T23:59:59.999Z",
            "2023-02-29T10:00:00.000Z",  # no such day
            "2024-01-08T10:21:00Z",  # read, then written back with milliseconds
            "2024-01-08T10:21:00.624+02:00",
            "2024-01-08T10:21:00.624123Z",
            "0999-01-01T00:00:00.000Z",
            "2024-13-01T00:00:00.000Z",
            "yesterday",
            "2024-01-08T10:21:00.624Z\n2024-01-08T10:21:00.624Z",
            "2024-01-08T10:21:00.624Z\n",
            "\n2024-01-08T10:21:00.62Z",
        ]
    ),
    st.integers(min_value=0, max_value=2_000_000_000),
)
ODD = st.one_of(
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=3),
    st.sampled_from(["true", "1", "ADMIN", "USER", "TEAM_MANAGER"]),
    st.lists(st.integers(), max_size=2),
)


def scalar(kind: str, *, regular_only: bool = False) -> st.SearchStrategy[Any]:
    regular: dict[str, st.SearchStrategy[Any]] = {
        "ID": st.text(max_size=4),
        "String": st.text(max_size=4),
        "Boolean": st.booleans(),
        "Int": st.integers(-5, 5),
        "OrganizationRole": st.sampled_from(["ADMIN", "USER", "TEAM_MANAGER"]),
        "HubspotSubscriptionStatus": st.sampled_from(["SUBSCRIBED", "UNSUBSCRIBED", "NEW"]),
        "DateTime": DATETIMES,
    }
    if regular_only:
        return st.one_of(regular[kind], st.none())
    # Mostly what a server sends; sometimes null; sometimes anything.
    return st.one_of(regular[kind], regular[kind], regular[kind], st.none(), ODD)


def record(types: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    """Any keys of the type, in any order."""
    keys = st.lists(st.sampled_from(list(types)), unique=True, max_size=len(types))
    return keys.flatmap(
        lambda chosen: st.fixed_dictionaries({key: scalar(types[key]) for key in chosen})
    )


def ordered(values: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with the keys of `values` in that order (fixed_dictionaries may reorder them)."""
    keys = list(values)
    return st.tuples(*values.values()).map(lambda drawn: dict(zip(keys, drawn, strict=True)))


def answered(types: dict[str, str], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """The keys asked for, in the document's order, as a GraphQL server answers."""
    return ordered({key: scalar(types[key]) for key in keys})


def any_row() -> st.SearchStrategy[Any]:
    objects: dict[str, st.SearchStrategy[Any]] = {}
    for name, (types, many) in USER_OBJECT_TYPES.items():
        one = record(dict(types))
        objects[name] = st.one_of(st.none(), st.lists(one, max_size=2) if many else one, ODD)
    base = record(dict(USER_SCALAR_TYPES))
    extra = st.fixed_dictionaries(
        {}, optional={**objects, "unknownKey": st.integers(), "created_at": DATETIMES}
    )
    return st.one_of(st.builds(lambda a, b: {**a, **b}, base, extra), st.none(), st.integers())


def server_row(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A row as a server answers `fields` (and the id), its values mostly regular."""
    chosen = [name.partition(".") for name in fields]
    tops = {top for top, _, _ in chosen} | {"id"}
    values: dict[str, st.SearchStrategy[Any]] = {}
    for key, kind in USER_SCALAR_TYPES.items():
        if key in tops:
            values[key] = scalar(kind)
    for key, (types, many) in USER_OBJECT_TYPES.items():
        if key in tops:
            subs = [sub for sub in types if any(t == key and s == sub for t, _, s in chosen)]
            one = st.one_of(
                answered(dict(types), subs), answered(dict(types), subs), record(dict(types))
            )
            values[key] = st.one_of(st.lists(one, max_size=2) if many else one, st.none(), ODD)
    return ordered(values)


FIELDS = st.lists(st.sampled_from(VALID_FIELDS), min_size=1, max_size=6, unique=True)


def pages(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    rows = st.one_of(server_row(fields), server_row(fields), server_row(fields), any_row())
    return st.one_of(
        st.fixed_dictionaries({"users": st.lists(rows, max_size=4)}),
        st.fixed_dictionaries({"users": st.lists(server_row(fields), max_size=4)}),
        st.just({}),
        st.fixed_dictionaries({"users": ODD}),
    )


def through_model(fields: list[str], data: dict[str, Any]) -> list[Any]:
    lister = listing(fields)
    return lister.rows(lister._read_through_model(data))


# deadline=None: on a loaded machine one example may take longer than hypothesis's 200 ms;
# that is no failure of reading (no timing assertions in tests).
@settings(max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=FIELDS, draw=st.data())
def test_a_page_reads_as_the_model_reads_it(fields: list[str], draw: st.DataObject) -> None:
    data = draw.draw(pages(fields))
    try:
        expected = through_model(fields, data)
    except pydantic.ValidationError as model_error:
        with pytest.raises(pydantic.ValidationError) as info:
            listing(fields).read(data)
        assert str(info.value) == str(model_error)
        return
    lister = listing(fields)
    rows = lister.rows(lister.read(data))
    assert rows == expected
    assert [list(row) for row in rows] == [list(row) for row in expected]
    assert [type(row) for row in rows] == [type(row) for row in expected]
    for row, model_row in zip(rows, expected, strict=True):
        for key, value in row.items():
            assert type(value) is type(model_row[key])
            if isinstance(value, list):
                assert [list(v) for v in value] == [list(v) for v in model_row[key]]
            elif isinstance(value, dict):
                assert list(value) == list(model_row[key])


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=FIELDS, draw=st.data())
def test_what_a_server_answers_is_read_without_the_model(
    fields: list[str], draw: st.DataObject
) -> None:
    chosen = [name.partition(".") for name in fields]
    tops = {top for top, _, _ in chosen} | {"id"}
    values: dict[str, st.SearchStrategy[Any]] = {}
    for key, kind in USER_SCALAR_TYPES.items():
        if key in tops:
            regular = scalar(kind, regular_only=True)
            values[key] = (
                st.sampled_from(["2024-01-08T10:21:00.624Z", None])
                if kind == "DateTime"
                else regular
            )
    for key, (types, many) in USER_OBJECT_TYPES.items():
        if key in tops:
            subs = [sub for sub in types if any(t == key and s == sub for t, _, s in chosen)]
            one = ordered(
                {
                    sub: st.just("2024-01-08T10:21:00.624Z")
                    if types[sub] == "DateTime"
                    else scalar(types[sub], regular_only=True)
                    for sub in subs
                }
            )
            values[key] = st.one_of(st.lists(one, max_size=2) if many else one, st.none())
    users = draw.draw(st.lists(ordered(values), max_size=4))
    lister = listing(fields)
    assert lister._reader.read(users) is not None
    assert lister.rows(lister.read({"users": users})) == through_model(fields, {"users": users})


def test_what_a_server_sends_is_read_without_the_model() -> None:
    users = [
        {
            "id": "u1",
            "email": "a@example.com",
            "firstname": None,
            "activated": True,
            "createdAt": "2024-01-08T10:21:00.624Z",
            "organizationRole": "TEAM_MANAGER",
            "organization": {"id": "o1", "activeUsersCount": 3},
            "apiKeys": [{"id": "k1", "expiryDate": None, "revoked": False}],
        }
    ]
    fields = [
        "email",
        "firstname",
        "activated",
        "createdAt",
        "organizationRole",
        "organization.id",
        "organization.activeUsersCount",
        "apiKeys.id",
        "apiKeys.expiryDate",
        "apiKeys.revoked",
    ]
    page = PageReader(fields, hide_id=True).read(users)
    assert page is not None
    ids, rows = page
    assert ids == ["u1"]
    assert type(rows[0]) is UserRow and "id" not in rows[0]


def test_the_model_path_uses_the_model_it_is_given() -> None:
    request = listing(["email"]).request
    bad = {"users": [{"email": 3}]}
    with pytest.raises(pydantic.ValidationError) as info:
        Listing(request, model=AsyncUsers).read(bad)
    assert info.value.title == "Users"
    assert str(info.value.errors()[0]["loc"]) == "('users', 0, 'email')"


def test_ids_seen_on_a_page_are_dropped_on_later_ones() -> None:
    lister = listing(["email"])
    first = lister.rows(lister.read({"users": [{"id": "a", "email": "a@x"}, {"id": "b"}]}))
    again = lister.rows(lister.read({"users": [{"id": "b"}, {"id": "c"}, {"id": "c"}]}))
    assert first == [{"email": "a@x"}, {}]
    assert again == [{}]
    assert lister.returned == 3


# ---------------------------------------------------------------- the request


class _Recorder:
    def __init__(self) -> None:
        self.payload: dict[str, Any] = {}

    def post(self, url: str, json: dict[str, Any], **kwargs: Any) -> Any:
        self.payload = json
        raise LookupError("recorded")

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    "fields", [["email"], ["id", "createdAt", "organization.name", "apiKeys.key"], VALID_FIELDS]
)
def test_pages_are_asked_for_as_the_generated_client_asks(fields: list[str]) -> None:
    lister = listing(fields)
    where = UserWhere.model_validate({"organization": {"id": "o1"}})
    recorder = _Recorder()
    client = Client(url="http://recorder", http_client=recorder)  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        client.users(where=where, first=50, skip=200, **lister.flags)
    variables = lister.variables(where.model_dump(by_alias=True, exclude_unset=True), Page(200, 50))
    assert recorder.payload["variables"] == variables
    assert list(recorder.payload["variables"]) == list(variables)
    assert recorder.payload["query"] == USERS_GQL
    assert recorder.payload["operationName"] == "users"


@pytest.mark.parametrize(
    ("values", "taken"),
    [
        ([], True),
        ([None, None], True),
        (["2024-01-08T10:21:00.624Z", None, "1999-12-31T23:59:59.999Z"], True),
        (["2024-02-29T00:00:00.000Z"], True),
        (["2023-02-29T00:00:00.000Z"], False),
        (["2024-01-08T10:21:00.624Z\n2024-01-08T10:21:00.624Z"], False),
        # Together as long as two date-times, one a line: the lengths still tell.
        (["2024-01-08T10:21:00.624Z\n2024-01-08T10:21:00.62", "4Z"], False),
        (["2024-01-08T10:21:00.624Z", "2024-01-08T10:21:00.624+00:00"], False),
        (["0999-01-01T00:00:00.000Z"], False),
    ],
)
def test_date_times_are_taken_only_as_kili_writes_them(values: list[Any], taken: bool) -> None:
    assert _datetimes(values) is taken
