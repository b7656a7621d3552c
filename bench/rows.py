"""What reading one page into rows costs a listing, side by side, in one run.

`Listing.read` turns one page's answer (its JSON ``data``) into `UserRow`s in one
pass, without a model; a page it cannot take as it is goes through the generated
`Users` model (validate, dump, convert), as every page once did. This times a
100-row page both ways, flat and nested, and prints the ratios. Nothing is
asserted (the machines are shared and noisy).

Run: .venv/bin/python bench/rows.py
"""

from __future__ import annotations

import timeit
from typing import Any

from kili_typed._listing import Listing
from kili_typed._operations import users_request

PAGE = 100
NUMBER = 300
REPEAT = 7


def answer(nested: bool) -> dict[str, Any]:
    users: list[dict[str, Any]] = []
    for i in range(PAGE):
        row: dict[str, Any] = {"id": f"u{i}", "email": f"u{i}@example.com"}
        if nested:
            row["createdAt"] = "2024-01-08T10:21:00.624Z"
            row["organization"] = {"id": "o1"}
            row["organizations"] = [{"id": "o1"}, {"id": "o2"}]
        else:
            row.update(firstname="Ada", lastname=None)
        users.append(row)
    return {"users": users}


def seconds(fields: list[str], data: dict[str, Any], through_model: bool) -> float:
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
        if through_model:
            listing.rows(listing._read_through_model(data))
        else:
            listing.rows(listing.read(data))

    return min(timeit.repeat(one_page, number=NUMBER, repeat=REPEAT)) / NUMBER


def main() -> None:
    cases = {
        "flat (id, email, names)": (["id", "email", "firstname", "lastname"], answer(False)),
        "nested (createdAt, organization, organizations)": (
            ["id", "email", "createdAt", "organization.id", "organizations.id"],
            answer(True),
        ),
    }
    for name, (fields, data) in cases.items():
        model = seconds(fields, data, through_model=True)
        direct = seconds(fields, data, through_model=False)
        print(
            f"{name}: {PAGE}-row page {model * 1e6:.0f} us through the model, "
            f"{direct * 1e6:.0f} us read directly (x{model / direct:.1f} faster)"
        )


if __name__ == "__main__":
    main()
