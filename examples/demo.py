"""The kili-typed demo: the official SDK's user methods against a local Kili server.

`make demo` runs this in its own environment (``.venv-demo``), which holds only
``kili-typed[server]``. It starts the local server in this process, on a temporary
SQLite database seeded with 150 users, writes the server's log to a file beside it,
uses `Kili` exactly as code written for the official SDK would, then stops the server,
removes the database and says what to try next.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from kili_typed import GraphQLError, Kili
from kili_typed_testkit import TEST_ADMIN_EMAIL as ADMIN_EMAIL
from kili_typed_testkit import TEST_ADMIN_PASSWORD as ADMIN_PASSWORD
from kili_typed_testkit import KiliServer

SEEDED_USERS = 150


def send_server_logs_to(path: Path) -> None:
    """Keep the server's log lines (uvicorn's, the reset token) out of the demo's output."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("kili_typed_server", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False


def run(kili: Kili, log: Path) -> None:
    print("\n1. get_current_user and organizations: who the API key belongs to")
    print("   ", kili.get_current_user(fields=["email", "organizationRole"]))
    # The documented example of `users`, as written.
    organization_id = kili.organizations()[0]["id"]
    print("    organization:", organization_id)

    print("\n2. create_user: Ada joins the organization")
    ada = kili.create_user(
        email="ada@demo.local",
        password="Lovelace-1815",
        organization_role="USER",
        firstname="Ada",
        lastname="Lovelace",
    )
    print("   ", ada)

    print("\n3. count_users:", kili.count_users(organization_id=organization_id), "users")

    print("\n4. users: the whole organization, page by page (a bar when stderr is a terminal)")
    everyone = kili.users(
        organization_id=organization_id, fields=["id", "email", "organization.name", "createdAt"]
    )
    print(f"    {len(everyone)} users; the first: {everyone[0]}")
    print("    first=2, skip=1:", [u["email"] for u in kili.users(first=2, skip=1)])
    stream = kili.users(email="ada@demo.local", fields=["email", "firstname"], as_generator=True)
    print("    as_generator=True:", next(stream))

    print("\n5. update_properties_in_user: Ada becomes an ADMIN")
    kili.update_properties_in_user(
        email="ada@demo.local", organization_role="ADMIN", firstname="Augusta Ada"
    )
    print("    now:", kili.users(email="ada@demo.local", fields=["firstname", "organizationRole"]))

    print("\n6. update_password: the admin changes their own password")
    print("   ", kili.update_password(ADMIN_EMAIL, ADMIN_PASSWORD, "New-passw0rd", "New-passw0rd"))

    print("\n7. reset_password: a reset for Ada; the server logs the token for its operator")
    print("   ", kili.reset_password(email="ada@demo.local"), f"(token in {log.name})")

    print("\nBad input is refused with a clear message, before anything is sent:")
    try:
        kili.users(fields=["emial"])
    except ValueError as error:
        print("    ValueError:", str(error)[:75], "...")
    try:
        kili.create_user(email="ada@demo.local", password="Another-pass1", organization_role="USER")
    except GraphQLError as error:
        print(f"    {type(error).__name__}: {error}")


def next_steps() -> str:
    here = Path(sys.executable).parent
    try:
        bin_dir = os.path.relpath(here)
    except ValueError:  # another drive, on Windows
        bin_dir = str(here)
    cli = os.path.join(bin_dir, "kili-typed")
    steps = [
        (f"{cli} server serve", "a local server that stays up; it prints its endpoint and key"),
        ("export KILI_API_ENDPOINT=... KILI_API_KEY=...", "point the shell at it"),
        (f"{cli} users list", "its users (also: users me, users count, users --help)"),
        ("export KILI_API_KEY=<your key>", "against Kili's cloud: nothing else is needed"),
        ("make test", "the whole suite, with the development tools in .venv"),
    ]
    width = max(len(command) for command, _ in steps) + 2
    return "\n".join(["Next steps:", *(f"  {command:<{width}}{what}" for command, what in steps)])


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kili-typed-demo-"))
    log = workdir / "server.log"
    try:
        with KiliServer(workdir / "kili-local.db", seed_users=SEEDED_USERS) as server:
            send_server_logs_to(log)
            print(
                f"kili-typed demo: a local Kili server at {server.endpoint},\n"
                f"on a temporary database holding an admin and {SEEDED_USERS} seeded users "
                f"(server log: {log})"
            )
            with Kili(api_key=server.api_key, api_endpoint=server.endpoint) as kili:
                run(kili, log)
    finally:
        logging.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nDone: the server is stopped and its temporary database removed.\n")
    print(next_steps())


if __name__ == "__main__":
    main()
