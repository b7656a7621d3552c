"""Schema drift, pure: the bundled schema against edited copies of itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, introspection_from_schema

import kili_typed_graphql as bundled
from kili_typed._drift import DriftReport, SchemaChange, compare, format_text, to_json

ROOT = Path(__file__).resolve().parents[2]
SDL = (ROOT / "schema.graphql").read_text(encoding="utf-8")
ENDPOINT = "http://127.0.0.1:1/api/label/v2/graphql"


def edited(*edits: tuple[str, str]) -> str:
    sdl = SDL
    for old, new in edits:
        assert sdl.count(old) == 1, old
        sdl = sdl.replace(old, new)
    return sdl


def introspect(sdl: str) -> dict[str, Any]:
    return dict(introspection_from_schema(build_schema(sdl)))


def report_for(sdl: str) -> DriftReport:
    return compare(SDL, introspect(sdl), bundled.operation_texts(), endpoint=ENDPOINT)


REMOVE_HUBSPOT = (
    "  hubspotSubscriptionStatus: HubspotSubscriptionStatus\n  isServiceAccount",
    "  isServiceAccount",
)
ADD_OWNER = ("  ADMIN\n  USER\n}", "  ADMIN\n  OWNER\n  USER\n}")
REQUIRE_COUNT_ARG = (
    "countUsers(where: UserWhere!): Int!",
    "countUsers(where: UserWhere!, includeDeleted: Boolean!): Int!",
)


def test_the_same_schema_has_no_drift() -> None:
    report = report_for(SDL)
    assert (report.breaking, report.dangerous, report.problems) == ((), (), ())
    assert not report.is_breaking
    assert {check.file for check in report.operations} == {
        name for name in bundled.operation_texts() if name != "queries/fragments.graphql"
    }
    assert all(check.valid for check in report.operations)
    assert format_text(report).endswith("result: compatible: no breaking or dangerous changes")


def test_deprecated_fields_in_use_are_notes_not_failures() -> None:
    (users,) = [check for check in report_for(SDL).operations if check.name == "users"]
    assert users.valid
    assert any("User.organization is deprecated" in note for note in users.notes)


def test_a_removed_field_is_breaking_and_invalidates_the_operations_using_it() -> None:
    report = report_for(edited(REMOVE_HUBSPOT))
    assert report.breaking == (
        SchemaChange("FIELD_REMOVED", "User.hubspotSubscriptionStatus was removed."),
    )
    assert report.is_breaking
    invalid = {check.name: check.errors for check in report.invalid_operations}
    # get_current_user's viewer asks for every field of User, as users does.
    assert sorted(invalid) == ["users", "viewer"]
    (error,) = invalid["users"]
    assert error.startswith("queries/users.graphql:")
    assert "Cannot query field 'hubspotSubscriptionStatus' on type 'User'" in error
    assert "result: BREAKING: 1 breaking change, 2 invalid operations" in format_text(report)


def test_an_added_enum_value_is_dangerous_only() -> None:
    report = report_for(edited(ADD_OWNER))
    assert report.breaking == ()
    assert [change.type for change in report.dangerous] == ["VALUE_ADDED_TO_ENUM"]
    assert "OWNER" in report.dangerous[0].description
    assert not report.is_breaking
    assert format_text(report).endswith("result: compatible, with 1 dangerous change")


def test_a_new_required_argument_breaks_the_operation_that_lacks_it() -> None:
    report = report_for(edited(REQUIRE_COUNT_ARG))
    assert [change.type for change in report.breaking] == ["REQUIRED_ARG_ADDED"]
    assert [check.name for check in report.invalid_operations] == ["countUsers"]


def test_a_fragment_error_names_the_fragment_file() -> None:
    # create_user.graphql spreads UserCore, which fragments.graphql defines and which asks
    # for email.
    sdl = edited(('  "The unique identifier of a user."\n  email: String!\n', ""))
    report = report_for(sdl)
    (create,) = [check for check in report.invalid_operations if check.name == "createUser"]
    assert create.file == "queries/create_user.graphql"
    assert create.errors[0].startswith("queries/fragments.graphql:")
    assert "Cannot query field 'email' on type 'User'" in create.errors[0]


def test_type_system_directives_are_not_compared() -> None:
    # A server may declare @deprecated on fewer locations; no operation can notice.
    live = introspect(SDL)
    for directive in live["__schema"]["directives"]:
        if directive["name"] == "deprecated":
            directive["locations"] = ["FIELD_DEFINITION"]
    report = compare(SDL, live, bundled.operation_texts(), endpoint=ENDPOINT)
    assert report.breaking == ()


def test_unreadable_operations_are_problems() -> None:
    report = compare(SDL, introspect(SDL), {"queries/bad.graphql": "query {"}, endpoint=ENDPOINT)
    assert report.is_breaking
    assert report.problems[0].startswith("queries/bad.graphql:1:")


def test_json_report() -> None:
    document = json.loads(to_json(report_for(edited(REMOVE_HUBSPOT, ADD_OWNER))))
    assert document["is_breaking"] is True
    assert document["breaking"] == [
        {"type": "FIELD_REMOVED", "description": "User.hubspotSubscriptionStatus was removed."}
    ]
    assert [change["type"] for change in document["dangerous"]] == ["VALUE_ADDED_TO_ENUM"]
    assert [op["name"] for op in document["operations"] if not op["valid"]] == ["users", "viewer"]


def test_not_an_introspection_result() -> None:
    with pytest.raises(TypeError, match="__schema"):
        compare(SDL, {"data": None}, {}, endpoint=ENDPOINT)
