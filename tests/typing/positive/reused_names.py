"""One loop variable for rows of two different selections.

mypy gives a variable the type of its first assignment and refuses any other
later, for every type (``for x in [1]: ...`` then ``for x in ["a"]: ...`` too),
unless `allow_redefinition` is on: this file turns it on, as the docs say to
(docs/type-checkers.md). pyright, ty and pyrefly accept it as is.
"""
# mypy: allow-redefinition

from __future__ import annotations

from kili_typed import Kili, user_fields


def reused(kili: Kili) -> None:
    for row in kili.users(fields=user_fields("email")):
        print(row["email"])
    for row in kili.users(fields=user_fields("id", "firstname")):
        print(row["id"], row["firstname"])
