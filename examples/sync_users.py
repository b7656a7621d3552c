"""A nightly sync: make a Kili organization's users match a roster exported from HR.

The roster is a CSV file with the columns ``email,firstname,lastname,role`` (role is
``ADMIN`` or ``USER``). The sync

- creates each person of the roster that Kili does not have yet, with a random
  password, then resets it so that they choose their own;
- updates first names, last names and roles that changed, and reactivates people who
  are back on the roster;
- deactivates (never deletes) active users who left the roster, except the account
  running the sync.

Planning is pure (`plan`), so a dry run shows exactly what would change. `mypy --strict`
checks this file; the tests run it against the local server.

Run: KILI_API_KEY=... KILI_API_ENDPOINT=... python examples/sync_users.py roster.csv [--dry-run]
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from kili_typed import Kili, KiliError, OrganizationRole, UserDict

#: What the sync reads of each user.
FIELDS = ["email", "firstname", "lastname", "organizationRole", "activated"]


@dataclass(frozen=True)
class Person:
    """One line of the roster."""

    email: str
    firstname: str
    lastname: str
    role: OrganizationRole


@dataclass(frozen=True)
class Change:
    """Properties to change on an existing user; ``None`` leaves one as it is."""

    email: str
    firstname: str | None = None
    lastname: str | None = None
    role: OrganizationRole | None = None
    activated: bool | None = None


@dataclass
class Plan:
    """What the sync will do."""

    create: list[Person] = field(default_factory=list[Person])
    change: list[Change] = field(default_factory=list[Change])

    @property
    def deactivate(self) -> list[str]:
        """The emails of the users the plan deactivates."""
        return [c.email for c in self.change if c.activated is False]

    def describe(self) -> list[str]:
        """One line per action, for a log or a dry run."""
        lines = [f"create {p.email} ({p.role})" for p in self.create]
        for c in self.change:
            what = {
                "firstname": c.firstname,
                "lastname": c.lastname,
                "role": c.role,
                "activated": c.activated,
            }
            changes = ", ".join(f"{k}={v}" for k, v in what.items() if v is not None)
            lines.append(f"update {c.email}: {changes}")
        return lines


def parse_role(text: str) -> OrganizationRole:
    """A roster's role as the API's `OrganizationRole`.

    Raises:
        ValueError: Not ADMIN or USER.
    """
    role = text.strip().upper()
    if role == "ADMIN":
        return "ADMIN"
    if role == "USER":
        return "USER"
    raise ValueError(f"unknown role {text!r}: expected ADMIN or USER")


def read_roster(lines: Iterable[str]) -> list[Person]:
    """Reads a roster CSV with a header line ``email,firstname,lastname,role``.

    Raises:
        ValueError: A line lacks an email or has an unknown role.
    """
    people: list[Person] = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        email = (row.get("email") or "").strip().lower()
        if not email:
            raise ValueError(f"roster line {number}: no email")
        people.append(
            Person(
                email=email,
                firstname=(row.get("firstname") or "").strip(),
                lastname=(row.get("lastname") or "").strip(),
                role=parse_role(row.get("role") or "USER"),
            )
        )
    return people


def _new_name(wanted: str, have: str | None) -> str | None:
    """The roster's name when it differs; an empty one means "no opinion", not "erase"."""
    return wanted if wanted and wanted != have else None


def plan(current: Iterable[UserDict], roster: Iterable[Person], keep: Collection[str]) -> Plan:
    """Compares Kili's users with the roster. Pure: nothing is sent.

    Args:
        current: Kili's users, with at least the fields of `FIELDS`.
        roster: Who should be there.
        keep: Emails never deactivated (the account running the sync).

    Returns:
        The creations and changes that make Kili match the roster.
    """
    wanted = {person.email: person for person in roster}
    keep = {email.lower() for email in keep}
    result = Plan()
    seen: set[str] = set()
    for user in current:
        email = user.get("email", "").lower()
        seen.add(email)
        active = user.get("activated", True)
        person = wanted.get(email)
        if person is None:
            if active and email not in keep:
                result.change.append(Change(email, activated=False))
            continue
        change = Change(
            email,
            firstname=_new_name(person.firstname, user.get("firstname")),
            lastname=_new_name(person.lastname, user.get("lastname")),
            role=person.role if person.role != user.get("organizationRole") else None,
            activated=True if not active else None,
        )
        if change != Change(email):
            result.change.append(change)
    result.create = [person for email, person in wanted.items() if email not in seen]
    return result


def apply(kili: Kili, todo: Plan) -> None:
    """Carries out a plan with the documented methods."""
    for person in todo.create:
        kili.create_user(
            email=person.email,
            # Nobody knows this password: the reset below lets the person choose one. A
            # random token may hold no digit (about 1 in 230), which Kili's password rule
            # asks for: one is added.
            password=secrets.token_urlsafe(24) + "7",
            organization_role=person.role,
            firstname=person.firstname or None,
            lastname=person.lastname or None,
        )
        kili.reset_password(email=person.email)
    for change in todo.change:
        kili.update_properties_in_user(
            email=change.email,
            firstname=change.firstname,
            lastname=change.lastname,
            organization_role=change.role,
            activated=change.activated,
        )


def sync(
    kili: Kili, roster: Iterable[Person], *, keep: Collection[str] = (), dry_run: bool = False
) -> Plan:
    """Makes Kili's users match the roster.

    Args:
        kili: The client.
        roster: Who should be there.
        keep: Emails never deactivated.
        dry_run: Only plan: change nothing.

    Returns:
        What was (or, in a dry run, would be) done.
    """
    current = kili.users(fields=FIELDS, as_generator=True, disable_tqdm=True)
    todo = plan(current, roster, keep)
    if not dry_run:
        apply(kili, todo)
    return todo


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``sync_users.py ROSTER.csv [--dry-run]``."""
    parser = argparse.ArgumentParser(description="Make Kili's users match a roster CSV.")
    parser.add_argument("roster", help="CSV with the columns email,firstname,lastname,role")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    args = parser.parse_args(argv)
    try:
        with open(args.roster, encoding="utf-8", newline="") as file:
            roster = read_roster(file)
        with Kili() as kili:
            # The documented `api_key` filter finds the account running the sync.
            me = kili.users(api_key=os.environ.get("KILI_API_KEY"), fields=["email"])
            todo = sync(
                kili, roster, keep=[row.get("email", "") for row in me], dry_run=args.dry_run
            )
    except (OSError, ValueError, KiliError) as error:
        print(f"sync_users: {error}", file=sys.stderr)
        return 1
    for line in todo.describe():
        print(("would " if args.dry_run else "") + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
