"""Every method of `Kili`, as typed application code sees it.

`mypy --strict` checks this file (`make typecheck`): the `assert_type` calls
pin the precise types users get, with no cast and no ignore. The tests also
run it against the local server.

Run: KILI_API_KEY=... KILI_API_ENDPOINT=... KILI_EMAIL=<the key's owner> \
    python examples/typed_usage.py
"""

from __future__ import annotations

from collections.abc import Generator

from kili_typed_generated import Users, UserWhere
from typing_extensions import assert_type

from kili_typed import DefaultUserField, Kili, MutationResult, UserDict, UserRow, select_fields


def main(kili: Kili, email: str, own_email: str, own_password: str) -> None:
    """Create `email`, then use every method; change the caller's own password."""
    created = kili.create_user(email=email, password="Passw0rd!", organization_role="USER")
    assert_type(created, MutationResult)
    user_id: str = created["id"]

    everyone = kili.users(fields=["id", "email", "organization.id"])
    assert_type(everyone, list[UserDict])
    for row in everyone:
        organization = row.get("organization")
        if organization is not None:
            print(row.get("email"), organization.get("id"))

    # Without `fields`, the four default keys are known to be there.
    stream = kili.users(email=email, as_generator=True)
    assert_type(stream, Generator[UserRow[DefaultUserField], None, None])
    positional = kili.users(None, email, None, ["id"], 1, 0, True, True)
    assert_type(positional, Generator[UserDict, None, None])
    assert [row.get("id") for row in positional] == [user_id]

    assert_type(kili.count_users(email=email), int)
    assert_type(
        kili.update_properties_in_user(email=email, firstname="Ada", activated=True),
        MutationResult,
    )
    assert_type(
        kili.update_password(own_email, own_password, "N3w-passw0rd", "N3w-passw0rd"),
        MutationResult,
    )
    assert_type(kili.reset_password(email=email), MutationResult)

    # Other timeouts and retries for a block of calls, on the same connections.
    with kili.with_options(timeout=300, max_retries=0) as patient:
        assert_type(patient, Kili)
        assert_type(patient.count_users(), int)

    # The generated client returns pydantic models, with datetimes and enums.
    # `select_fields` gives the @include flags that ask for exactly these fields.
    models = kili.client.users(
        where=UserWhere(email=email), first=1, **select_fields(["email", "createdAt"]).flags
    )
    assert_type(models, Users)
    for user in models.users:
        print(user.email, user.created_at)


if __name__ == "__main__":
    import getpass
    import os

    with Kili() as client:
        own = os.environ["KILI_EMAIL"]
        main(client, "typed-example@example.com", own, getpass.getpass(f"password of {own}: "))
