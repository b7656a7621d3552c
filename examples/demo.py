"""The kili-typed demo: all six documented methods against a local Kili server.

`make demo` runs this. It starts `kili-typed serve` on a temporary SQLite
database and a free loopback port, then uses `Kili` exactly as code written
for the official SDK would, shows a progress bar over a listing, and stops
the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kili_typed import GraphQLError, Kili

API_KEY = "demo-api-key-0123456789"
ADMIN_EMAIL = "admin@demo.local"
ADMIN_PASSWORD = "Admin-passw0rd"
DEMO_USERS = 150


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("kili-typed")),
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--api-key",
        API_KEY,
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    version_url = f"http://127.0.0.1:{port}/api/label/v2/version"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the local server exited with code {server.returncode}")
        try:
            version = httpx.get(version_url).json()["version"]
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        print(f"local Kili server {version} on port {port}, database {db}")
        return server
    server.terminate()
    raise SystemExit("the local server did not answer within 30 s")


def run(kili: Kili) -> None:
    print("\n1. create_user: a first user, then a team of", DEMO_USERS)
    ada = kili.create_user(
        email="ada@demo.local",
        password="Lovelace-1815",
        organization_role="USER",
        firstname="Ada",
        lastname="Lovelace",
    )
    print("   created", ada)
    for i in range(DEMO_USERS):
        kili.create_user(
            email=f"member{i:03d}@demo.local", password="Member-pass1", organization_role="USER"
        )

    print("\n2. count_users:", kili.count_users(), "users in the organization")

    print("\n3. users: the whole organization, page by page, with a progress bar")
    everyone = kili.users(fields=["id", "email", "organization.name", "createdAt"])
    print(f"   {len(everyone)} users; the first: {everyone[0]}")
    print(
        "   users(first=2, skip=1):",
        [u["email"] for u in kili.users(first=2, skip=1, disable_tqdm=True)],
    )
    stream = kili.users(
        email="ada@demo.local", fields=["email", "firstname"], disable_tqdm=True, as_generator=True
    )
    print("   as_generator=True:", next(stream))

    print("\n4. update_properties_in_user: Ada becomes an ADMIN")
    kili.update_properties_in_user(
        email="ada@demo.local", organization_role="ADMIN", firstname="Augusta Ada"
    )
    print(
        "   now:",
        kili.users(
            email="ada@demo.local", fields=["firstname", "organizationRole"], disable_tqdm=True
        ),
    )

    print("\n5. update_password: the admin changes their own password")
    print(
        "   ",
        kili.update_password(
            ADMIN_EMAIL, ADMIN_PASSWORD, "New-admin-passw0rd", "New-admin-passw0rd"
        ),
    )

    print("\n6. reset_password: a reset link for Ada (the server logs it for the operator)")
    print("   ", kili.reset_password(email="ada@demo.local"))

    print("\nErrors are clear and sent before any request when the input is wrong:")
    try:
        kili.users(fields=["emial"])
    except ValueError as error:
        print("   ValueError:", str(error)[:80], "...")
    try:
        kili.create_user(email="ada@demo.local", password="Another-pass1", organization_role="USER")
    except GraphQLError as error:
        print(f"   {type(error).__name__}: {error}")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kili-typed-demo-"))
    port = free_port()
    server = start_server(workdir / "kili-local.db", port)
    try:
        endpoint = f"http://127.0.0.1:{port}/api/label/v2/graphql"
        os.environ.pop("KILI_API_KEY", None)
        with Kili(api_key=API_KEY, api_endpoint=endpoint) as kili:
            run(kili)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nDone: the server is stopped and its temporary database removed.")


if __name__ == "__main__":
    main()
