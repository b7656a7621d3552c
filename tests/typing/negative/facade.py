"""Each line marked `# expect-error` must be reported by all four checkers.

A line marked `# expect-error[mypy,pyright]` must be reported by the checkers named
(a rule the others do not have), and by no other.
"""

from __future__ import annotations

from kili_typed import AsyncKili, F, Kili, user_fields


def keys_not_selected(kili: Kili) -> None:
    row = kili.users(fields=user_fields("email", "organization.name", "apiKeys.id"))[0]
    print(row["firstname"])  # expect-error
    print(row["organizations"])  # expect-error
    organization = row["organization"]
    if organization is not None:
        print(organization["id"])  # expect-error
    for key in row["apiKeys"] or []:
        print(key["revoked"])  # expect-error
    default = kili.users()[0]
    print(default["organizationId"])  # expect-error
    print(default["unknown"])  # expect-error


def get_not_selected(kili: Kili) -> None:
    row = kili.users(fields=user_fields("email", "organizations.name"))[0]
    print(row.get("emial"))  # expect-error
    print(row.get("firstname"))  # expect-error
    for organization in row.get("organizations") or []:
        print(organization.get("id"))  # expect-error


def nullable_values(kili: Kili) -> None:
    row = kili.users(fields=user_fields("firstname", "activated", "organization.name"))[0]
    name: str = row["firstname"]  # expect-error
    active: str = row["activated"]  # expect-error
    print(row["organization"]["name"])  # expect-error
    print(name, active)


def unknown_names() -> None:
    user_fields("emial")  # expect-error
    user_fields("email", "organization")  # expect-error
    user_fields("organization.nme")  # expect-error
    user_fields("email", "apiKeys.revokd")  # expect-error
    user_fields(F.emial)  # expect-error
    user_fields(F.organization.nme)  # expect-error


def wrong_arguments(kili: Kili) -> None:
    kili.users(fields="email")  # expect-error
    kili.users(first="10")  # expect-error
    kili.users(emails="ada@example.com")  # expect-error
    kili.count_users(organization_id=42)  # expect-error
    user_fields(1)  # expect-error
    ada = "ada@example.com"
    kili.update_properties_in_user(email=ada, organization_role="OWNER")  # expect-error


def mutation_results(kili: Kili) -> None:
    created = kili.create_user(email="ada@example.com", password="x" * 12, organization_role="USER")
    print(created["email"])  # expect-error
    print(kili.reset_password(email="ada@example.com")["id"], created["id"])


async def asynchronous(kili: AsyncKili) -> None:
    rows = await kili.users(fields=user_fields("email"))
    print(rows[0]["id"])  # expect-error
    async for row in kili.users(as_generator=True):
        print(row["apiKeys"])  # expect-error
    me = await kili.get_current_user(fields=user_fields("email"))
    print(me["organizationRole"])  # expect-error


def current_user(kili: Kili) -> None:
    me = kili.get_current_user(fields=user_fields("email"))
    print(me["id"])  # expect-error
    print(kili.get_current_user()["organization"])  # expect-error


def role_comparisons(kili: Kili) -> None:
    row = kili.users(fields=user_fields("organizationRole"))[0]
    if row["organizationRole"] == "OWNER":  # expect-error[mypy,pyright]
        print("never")


def unknown_public_names() -> None:
    from kili_typed import anything_at_all  # expect-error

    del anything_at_all


def nested_attributes_not_selected(kili: Kili) -> None:
    row = kili.users(fields=user_fields("email", "organizations.name", "apiKeys.id"))[0]
    print(row[F.organization])  # expect-error
    for organization in row[F.organizations] or []:
        print(organization[F.organizations.id])  # expect-error
        print(organization[F.apiKeys.id])  # expect-error
        print(organization["organizations"])  # expect-error
    for key in row[F.apiKeys] or []:
        print(key[F.organizations.name])  # expect-error
