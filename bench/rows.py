"""What wrapping rows as `UserRow` costs a listing, side by side, in one run.

`Listing.rows` turns one page's answer into rows; since rows are typed as
`UserRow[...]`, each is wrapped in that class (nested objects in theirs). This
times a 100-row page with and without the wrap, flat and nested, and prints the
ratios. Nothing is asserted (the machines are shared and noisy).

Run: .venv/bin/python bench/rows.py
"""

from __future__ import annotations

import timeit
from typing import Any

from kili_typed_generated.users import Users

from kili_typed._listing import Listing
from kili_typed._operations import users_request

PAGE = 100
NUMBER = 300
REPEAT = 7


def answer(nested: bool) -> Users:
    users: list[dict[str, Any]] = []
    for i in range(PAGE):
        row: dict[str, Any] = {"id": f"u{i}", "email": f"u{i}@example.com"}
        if nested:
            row["organization"] = {"id": "o1"}
            row["organizations"] = [{"id": "o1"}, {"id": "o2"}]
        else:
            row.update(firstname="Ada", lastname=None)
        users.append(row)
    return Users.model_validate({"users": users})


def seconds(fields: list[str], page: Users, wrap: bool) -> float:
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

    def one_page() -> None:
        listing = Listing(request)
        if not wrap:
            listing._wrap = lambda row: row  # type: ignore[assignment,return-value]
        listing.rows(page)

    return min(timeit.repeat(one_page, number=NUMBER, repeat=REPEAT)) / NUMBER


def main() -> None:
    cases = {
        "flat (id, email, names)": (["id", "email", "firstname", "lastname"], answer(False)),
        "nested (organization, organizations)": (
            ["id", "email", "organization.id", "organizations.id"],
            answer(True),
        ),
    }
    for name, (fields, page) in cases.items():
        plain = seconds(fields, page, wrap=False)
        wrapped = seconds(fields, page, wrap=True)
        print(
            f"{name}: {PAGE}-row page {plain * 1e6:.0f} us as dicts, "
            f"{wrapped * 1e6:.0f} us as UserRow (x{wrapped / plain:.2f})"
        )


if __name__ == "__main__":
    main()
