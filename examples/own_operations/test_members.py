"""Tests of members.py with kili-typed's test kit: the local server, reset for each test,
with faults on demand (``pip install 'kili-typed[server]' pytest``)."""

from __future__ import annotations

import pytest
from members import add_member, organization_ids, organization_name

from kili_typed import AsyncKili, Kili, OutcomeUnknownError
from kili_typed_testkit import KiliServer


def test_reads_the_organization(kili: Kili) -> None:
    assert organization_name(kili) == kili.organizations()[0]["name"]


def test_adds_a_member(kili: Kili) -> None:
    user_id = add_member(kili, "ada@example.com", "Lovelace-1815")
    assert kili.users(email="ada@example.com", fields=["id"]) == [{"id": user_id}]


def test_a_query_is_retried_after_a_503(kili: Kili, kili_server: KiliServer) -> None:
    kili_server.faults.add("organizations", status=503)
    assert organization_name(kili) == kili.organizations()[0]["name"]
    assert [r.status for r in kili_server.requests.of("organizations")][:2] == [503, 200]


def test_a_lost_answer_to_add_member(kili: Kili, kili_server: KiliServer) -> None:
    # The server adds the user, then the answer is lost: the mutation is not resent.
    kili_server.faults.add("createUser", status=502, after_processing=True)
    with pytest.raises(OutcomeUnknownError):
        add_member(kili, "ada@example.com", "Lovelace-1815")
    assert len(kili_server.requests.of("createUser")) == 1
    assert kili.count_users(email="ada@example.com") == 1


@pytest.mark.anyio
async def test_async_code(async_kili: AsyncKili) -> None:
    assert await organization_ids(async_kili) == [
        organization["id"] for organization in await async_kili.organizations()
    ]
