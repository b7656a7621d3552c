"""Everyday idioms on typed rows: copies, merges, JSON, mappings, a role written back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from typing_extensions import assert_type

from kili_typed import Kili, OrganizationRole, user_fields


def show(mapping: Mapping[str, object]) -> str:
    return ", ".join(f"{key}={value}" for key, value in mapping.items())


def idioms(kili: Kili) -> None:
    row = kili.users(fields=user_fields("email", "organizationRole", "organization.name"))[0]
    copied = dict(row)
    extended = row.copy()  # dict[str, Any]: a copy to add keys to
    extended["source"] = "kili"
    merged = {**row, "source": "kili"}
    joined = row | {"source": "kili"}
    print(copied, extended, merged, joined, json.dumps(row), show(row))
    text: str = json.dumps([dict(row) for row in kili.users(fields=user_fields("id"))])
    print(text)


def role_written_back(kili: Kili) -> None:
    for row in kili.users(fields=user_fields("email", "organizationRole")):
        role = row["organizationRole"]
        assert_type(role, Literal["ADMIN", "USER"] | None)
        kili.update_properties_in_user(email=row["email"], organization_role=role)
        if role is not None:
            kept: OrganizationRole = role
            copy = f"copy-{row['email']}"
            kili.create_user(email=copy, password="x" * 12, organization_role=kept)
    status = kili.users(fields=user_fields("hubspotSubscriptionStatus"))[0]
    assert_type(status["hubspotSubscriptionStatus"], Literal["SUBSCRIBED", "UNSUBSCRIBED"] | None)


def keep(copy: dict[str, Any]) -> None:
    print(copy)


def plain_dict_copies(kili: Kili) -> None:
    """A row is copied into a plain dict wherever one is expected."""
    row = kili.users(fields=user_fields("email", "organization.name"))[0]
    keep(dict(row))
    copies: list[dict[str, Any]] = []
    copies.append(dict(row))
    merged: dict[str, object] = {**row}
    typed: dict[str, object] = dict(row)
    print(copies, merged, typed)


def get_per_key(kili: Kili) -> None:
    """`.get()` of a selected key is its value: the key is always there."""
    row = kili.users(fields=user_fields("email", "firstname", "organizations.name"))[0]
    assert_type(row.get("email"), str)
    assert_type(row.get("firstname", "?"), str | None)
    for organization in row.get("organizations") or []:
        assert_type(organization.get("name"), str)
