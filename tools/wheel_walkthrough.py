"""An end-to-end walk-through of the installed wheel, as a new user runs it: run by
``make test-pythons`` (tools/noxfile.py) on every Python kili-typed claims, with the
interpreter of a clean virtualenv that holds only ``kili-typed[server,codegen]``.

In a scratch directory, outside the repository, it starts its own
``kili-typed server serve`` on a free loopback port, then:

1. the six documented user methods, sync and async, against it;
2. ``kili-typed schema pull`` and ``kili-typed codegen`` of an operation, with a
   ``[tool.ariadne-codegen]`` section that names the client ``KiliOps`` and maps a scalar
   (which reads that section with tomllib, or its backport on 3.10);
3. the generated client called through ``KiliOps.from_kili(kili)``;

and stops the server. Prints one line per step; exits non-zero at the first failure.

Usage: python wheel_walkthrough.py   (from any directory but the repository's)
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: How long the server may take to start, and each command to run, on a loaded machine.
START_SECONDS = 120
COMMAND_SECONDS = 300

ADMIN_EMAIL = "admin@walkthrough.test"
ADMIN_PASSWORD = "Walkthrough-pw-1"

PYPROJECT = """\
[tool.ariadne-codegen]
schema_path = "schema.graphql"
queries_path = "queries"
target_package_name = "kili_ops"
client_name = "KiliOps"

[tool.ariadne-codegen.scalars.DateTime]
type = "stamps.Stamp"
parse = "stamps.parse_stamp"
serialize = "stamps.serialize_stamp"
"""

STAMPS = """\
class Stamp(str):
    pass


def parse_stamp(value: str) -> Stamp:
    return Stamp(value)


def serialize_stamp(value: Stamp) -> str:
    return str(value)
"""

OPERATION = """\
query Members($email: String) {
  users(where: {email: $email}, first: 10, skip: 0) { email createdAt organizationRole }
}
"""


def step(text: str) -> None:
    print(f"[python {platform.python_version()}] {text}", flush=True)


def command(*argv: str, cwd: Path, env: dict[str, str]) -> str:
    """Runs one of the wheel's commands (its console script, beside this interpreter)."""
    executable = str(Path(sys.executable).with_name(argv[0]))
    done = subprocess.run(
        [executable, *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout + done.stderr


@contextlib.contextmanager
def served(directory: Path) -> Iterator[tuple[str, str]]:
    """``kili-typed server serve`` on a free loopback port: its endpoint and admin key."""
    key = f"kt_walkthrough-{secrets.token_hex(16)}"
    (directory / "key").write_text(key + "\n", encoding="utf-8")
    (directory / "password").write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    log = directory / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("kili-typed")),
                *("server", "serve", "--host", "127.0.0.1", "--port", "0"),
                *("--db", str(directory / "walkthrough.db"), "--api-key-file", "key"),
                *("--admin-email", ADMIN_EMAIL, "--admin-password-file", "password"),
                "--insecure-test-hashing",
            ],
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            found = re.search(r"endpoint:\s+(http://127\.0\.0\.1:\d+\S*)", log.read_text())
            if found:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"kili-typed server serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield found.group(1), key
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def user_methods(endpoint: str, key: str) -> None:
    from kili_typed import AsyncKili, Kili

    with Kili(api_key=key, api_endpoint=endpoint) as kili:
        organization = kili.organizations()[0]["id"]
        before = kili.count_users(organization_id=organization)
        created = kili.create_user(
            email="ada@example.com", password="Lovelace-1815-pw", organization_role="USER"
        )
        kili.update_properties_in_user(email="ada@example.com", firstname="Ada")
        rows = kili.users(email="ada@example.com", fields=["id", "email", "firstname"])
        assert rows[0]["firstname"] == "Ada" and rows[0]["id"] == created["id"], rows
        kili.reset_password(email="ada@example.com")
        assert kili.count_users(organization_id=organization) == before + 1

        # The signed-in admin changes its own password (set with --admin-password-file).
        kili.update_password(
            email=ADMIN_EMAIL,
            old_password=ADMIN_PASSWORD,
            new_password_1="Walkthrough-pw-2",
            new_password_2="Walkthrough-pw-2",
        )

    async def listing() -> list[str]:
        async with AsyncKili(api_key=key, api_endpoint=endpoint) as kili:
            return [row["email"] async for row in kili.users(as_generator=True, fields=["email"])]

    emails = asyncio.run(listing())
    assert "ada@example.com" in emails, emails


def own_operations(directory: Path, endpoint: str, key: str) -> None:
    project = directory / "project"
    (project / "queries").mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (project / "stamps.py").write_text(STAMPS, encoding="utf-8")
    (project / "queries" / "members.graphql").write_text(OPERATION, encoding="utf-8")
    env = {**os.environ, "KILI_API_KEY": key, "KILI_API_ENDPOINT": endpoint}
    command("kili-typed", "schema", "pull", "--output", "schema.graphql", cwd=project, env=env)
    said = command("kili-typed", "codegen", cwd=project, env=env)
    assert "KiliOps, AsyncKiliOps" in said, said
    step("kili-typed codegen wrote KiliOps from [tool.ariadne-codegen]")

    sys.path.insert(0, str(project))
    from kili_typed import Kili

    kili_ops = importlib.import_module("kili_ops")
    stamps = importlib.import_module("stamps")
    with Kili(api_key=key, api_endpoint=endpoint) as kili:
        members = kili_ops.KiliOps.from_kili(kili).members(email="ada@example.com").users
    assert [m.email for m in members] == ["ada@example.com"], members
    assert isinstance(members[0].created_at, stamps.Stamp), members[0]
    try:
        kili_ops.KiliOps.from_kili(kili).members(emial="x")
    except TypeError:
        pass
    else:
        raise SystemExit("a misspelt variable was accepted")


def main() -> int:
    step(f"kili-typed from {importlib.import_module('kili_typed').__file__}")
    with tempfile.TemporaryDirectory(prefix="kili-typed-walkthrough-") as scratch:
        directory = Path(scratch)
        with served(directory) as (endpoint, key):
            step(f"kili-typed server serve at {endpoint}")
            user_methods(endpoint, key)
            step("the six user methods, sync and async")
            own_operations(directory, endpoint, key)
            step("KiliOps.from_kili(kili): typed rows, the scalar mapped")
    step("walk-through passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
