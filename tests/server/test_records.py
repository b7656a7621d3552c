"""Records built from rows are the records the dataclass builds."""

from __future__ import annotations

from dataclasses import fields

from kili_typed_server.core.records import UserRecord
from kili_typed_server.storage.repositories.users import COLUMN_COUNT, from_row, from_rows


def test_a_user_row_gives_the_record_the_constructor_gives() -> None:
    row = (
        "id-1", "ada@example.com", "Ada", None, 1, "2024-01-08T10:21:00.624Z",
        "2024-01-09T10:21:00.624Z", "org-1", "ADMIN", 0, "SUBSCRIBED",
    )  # fmt: skip
    expected = UserRecord(
        id="id-1",
        email="ada@example.com",
        firstname="Ada",
        lastname=None,
        activated=True,
        created_at="2024-01-08T10:21:00.624Z",
        updated_at="2024-01-09T10:21:00.624Z",
        organization_id="org-1",
        organization_role="ADMIN",
        has_completed_labeling_tour=False,
        hubspot_subscription_status="SUBSCRIBED",
    )
    record = from_row(row)
    (paged,) = from_rows([row])  # how pages are built
    assert paged == record and repr(paged) == repr(record) and type(paged) is UserRecord
    assert paged.__dict__ == record.__dict__
    assert len(row) == COLUMN_COUNT == len(fields(UserRecord))
    assert record == expected
    assert hash(record) == hash(expected)
    assert repr(record) == repr(expected)
    assert type(record) is UserRecord
    assert record.activated is True and record.has_completed_labeling_tour is False
