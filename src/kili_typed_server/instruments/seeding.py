"""Users from a fixture file (JSON, or YAML when PyYAML is installed), for tests and demos.

The file holds a list of users, or an object with a ``users`` list::

    {"users": [
        {"email": "ada@example.com", "password": "Lovelace-1815",
         "organization_role": "ADMIN", "firstname": "Ada", "lastname": "Lovelace"},
        {"email": "grace@example.com", "activated": false}
    ]}

Each user is a member of the first organization; ``password`` may be left out (nobody can
log in as that user), ``organization_role`` is ``USER`` by default (``organizationRole``
is accepted too). Seeding makes sure the users exist: one whose email is already taken is
left as it is, so ``kili-typed server serve --seed-file`` can be run again on the same database.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from kili_typed_server.service.administration import Administration

#: The members a user entry may have, and the argument of ``create_user`` each one sets.
_KEYS = {
    "email": "email",
    "password": "password",
    "organization_role": "organization_role",
    "organizationRole": "organization_role",
    "firstname": "firstname",
    "lastname": "lastname",
    "activated": "activated",
}


@dataclass(frozen=True)
class SeedUser:
    """One user of a seed file."""

    email: str
    password: str | None = None
    organization_role: str = "USER"
    firstname: str | None = None
    lastname: str | None = None
    activated: bool = True

    def __repr__(self) -> str:
        # The password is a secret even in a fixture file: never in a repr.
        return f"SeedUser(email={self.email!r}, organization_role={self.organization_role!r})"


def read_seed_file(path: str | Path) -> list[SeedUser]:
    """Reads the users of a JSON or YAML seed file.

    Args:
        path: A ``.json`` file, or a ``.yaml`` / ``.yml`` one (needs PyYAML).

    Returns:
        The users, in the file's order.

    Raises:
        ValueError: When the file cannot be read as a list of users, saying where.
    """
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() in (".yaml", ".yml"):
        try:
            yaml = importlib.import_module("yaml")  # optional: PyYAML, when installed
        except ImportError:
            raise ValueError(
                f"{file}: reading YAML needs PyYAML (pip install pyyaml); or write the "
                "seed file as JSON"
            ) from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(f"{file}: not valid YAML: {error}") from None
    else:
        try:
            document = json.loads(text)
        except ValueError as error:
            raise ValueError(f"{file}: not valid JSON: {error}") from None
    return parse_seed(document, source=str(file))


def parse_seed(document: object, *, source: str = "seed") -> list[SeedUser]:
    """Checks a seed document (a list of users, or ``{"users": [...]}``).

    Args:
        document: The parsed JSON or YAML.
        source: Where it comes from, for error messages.

    Returns:
        The users.

    Raises:
        ValueError: On anything else, naming the entry and what is accepted.
    """
    if isinstance(document, Mapping):
        members = cast("Mapping[str, object]", document)
        unknown = sorted(set(members) - {"users"})
        if unknown:
            raise ValueError(f"{source}: unknown member {unknown[0]!r}; a seed file has 'users'")
        document = members.get("users", [])
    if not isinstance(document, list):
        raise ValueError(f"{source}: expected a list of users or an object with a 'users' list")
    entries = cast("list[object]", document)
    return [_seed_user(entry, f"{source}: user {n}") for n, entry in enumerate(entries, 1)]


def _seed_user(entry: object, where: str) -> SeedUser:
    if isinstance(entry, str):
        entry = {"email": entry}
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: expected an object with an 'email', got {entry!r}")
    options: dict[str, Any] = {}
    for key, value in cast("Mapping[str, object]", entry).items():
        if key not in _KEYS:
            raise ValueError(
                f"{where}: unknown member {key!r}; accepted: {', '.join(sorted(_KEYS))}"
            )
        options[_KEYS[key]] = value
    if not isinstance(options.get("email"), str):
        raise ValueError(f"{where}: needs an 'email' string")
    for name in ("password", "firstname", "lastname", "organization_role"):
        if options.get(name) is not None and not isinstance(options[name], str):
            raise ValueError(f"{where}: {name!r} must be a string")
    if not isinstance(options.get("activated", True), bool):
        raise ValueError(f"{where}: 'activated' must be true or false")
    return SeedUser(**options)


def seed(store: Administration, users: list[SeedUser]) -> int:
    """Makes sure the users exist; those whose email is taken are left as they are.

    Args:
        store: The database's administration API.
        users: From :func:`read_seed_file` or :func:`parse_seed`.

    Returns:
        The number of users created now.
    """
    created = 0
    for user in users:
        if store.get_user(user.email) is not None:
            continue
        store.create_user(
            user.email,
            user.password,
            organization_role=user.organization_role,
            firstname=user.firstname,
            lastname=user.lastname,
            activated=user.activated,
        )
        created += 1
    return created
