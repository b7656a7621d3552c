"""Each line marked `# expect-error` must be reported by mypy --strict and pyright strict."""

from __future__ import annotations

from kili_typed import AsyncKili, Kili, user_fields


def keys_not_asked_for(kili: Kili) -> None:
    row = kili.users(fields=user_fields("email", "organization.id", "apiKeys.id"))[0]
    print(row["firstname"])  # expect-error
    print(row["organizations"])  # expect-error
    organization = row["organization"]
    if organization is not None:
        print(organization["name"])  # expect-error
    for key in row["apiKeys"] or []:
        print(key["revoked"])  # expect-error
    print(row["organization"]["id"])  # expect-error
    default = kili.users()[0]
    print(default["organizationId"])  # expect-error
    print(default["unknown"])  # expect-error


def wrong_value_types(kili: Kili) -> None:
    row = kili.users(fields=user_fields("firstname", "activated"))[0]
    name: str = row["firstname"]  # expect-error
    active: str = row["activated"]  # expect-error
    print(name, active)


def unknown_names() -> None:
    user_fields("emial")  # expect-error
    user_fields("email", "organization")  # expect-error
    user_fields("organization.nme")  # expect-error


def wrong_argument_types(kili: Kili) -> None:
    kili.users(fields="email")  # expect-error
    kili.users(first="10")  # expect-error
    user_fields(1)  # expect-error


async def asynchronous(kili: AsyncKili) -> None:
    rows = await kili.users(fields=user_fields("email"))
    print(rows[0]["id"])  # expect-error
    async for row in kili.users(as_generator=True):
        print(row["apiKeys"])  # expect-error


def current_user(kili: Kili) -> None:
    me = kili.get_current_user(fields=user_fields("email"))
    print(me["id"])  # expect-error
    print(kili.get_current_user()["organization"])  # expect-error


def unknown_public_names() -> None:
    from kili_typed import anything_at_all  # expect-error

    del anything_at_all
