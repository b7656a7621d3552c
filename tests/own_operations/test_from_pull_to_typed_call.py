"""The issue's walk-through, as a user runs it in a fresh directory against a local
server: ``schema pull``, an operation file, ``codegen``, a typed call, a bad key, and
the user's file checked by mypy --strict and pyright strict (a wrong field read is an
error for both)."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graphql import build_schema, print_schema

import kili_typed_graphql as bundled
from kili_typed import Kili
from kili_typed_testkit import KiliServer

from .conftest import run

OPERATION = "query MyOrganizations { organizations(where: {}, first: 10, skip: 0) { id name } }\n"

USER_FILE = """\
from kili_typed import AuthenticationError, Kili
from my_ops import Client


def my_organization(kili: Kili) -> tuple[str, str]:
    organization = Client.from_kili(kili).my_organizations().organizations[0]
    return organization.id, organization.name


if __name__ == "__main__":
    with Kili() as kili:
        print(type(Client.from_kili(kili).my_organizations().organizations[0]).__name__)
        print(*my_organization(kili))
    with Kili(api_key="kt_not-a-key-of-this-server-0123") as stranger:
        try:
            my_organization(stranger)
        except AuthenticationError as error:
            print("AuthenticationError", error.status_code)
"""

WRONG_FIELD = """\
from kili_typed import Kili
from my_ops import Client


def email(kili: Kili) -> str:
    return Client.from_kili(kili).my_organizations().organizations[0].email
"""


def test_from_schema_pull_to_a_typed_call(
    tmp_path: Path, kili_server: KiliServer, kili: Kili
) -> None:
    env = {"KILI_API_KEY": kili_server.api_key, "KILI_API_ENDPOINT": kili_server.endpoint}
    cli = (sys.executable, "-m", "kili_typed")

    pulled = run(tmp_path, *cli, "schema", "pull", "--output", "schema.graphql", env=env)
    assert pulled.returncode == 0, pulled.stderr
    # The local server's schema is the bundled one, as graphql-core prints it.
    schema = (tmp_path / "schema.graphql").read_text(encoding="utf-8")
    assert schema == print_schema(build_schema(bundled.schema_text())) + "\n"

    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "my_organizations.graphql").write_text(OPERATION, encoding="utf-8")
    generated = run(
        tmp_path,
        *cli,
        "codegen",
        "--schema",
        "schema.graphql",
        "--queries",
        "ops",
        "--package",
        "my_ops",
        "--target",
        ".",
        env=env,
    )
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout == ""

    (tmp_path / "app.py").write_text(USER_FILE, encoding="utf-8")
    ran = run(tmp_path, sys.executable, "app.py", env=env)
    assert ran.returncode == 0, ran.stderr
    organization = kili.organizations()[0]
    assert ran.stdout.splitlines() == [
        "MyOrganizationsOrganizations",
        f"{organization['id']} {organization['name']}",
        "AuthenticationError 401",
    ]

    (tmp_path / "wrong.py").write_text(WRONG_FIELD, encoding="utf-8")
    (tmp_path / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict"}), encoding="utf-8"
    )
    bin_dir = Path(sys.executable).parent
    # The two checkers side by side: each is one process, most of the walk-through's time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        mypy_run = pool.submit(
            run, tmp_path, str(bin_dir / "mypy"), "--strict", "app.py", "wrong.py", env={}
        )
        pyright_run = pool.submit(
            run,
            tmp_path,
            str(bin_dir / "pyright"),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "app.py",
            "wrong.py",
            "my_ops",
            env={},
        )
        mypy, pyright = mypy_run.result(), pyright_run.result()
    assert mypy.returncode == 1
    assert mypy.stdout.splitlines()[:-1] == [
        'wrong.py:6: error: Returning Any from function declared to return "str"  [no-any-return]',
        'wrong.py:6: error: "MyOrganizationsOrganizations" has no attribute "email"  '
        "[attr-defined]",
    ]

    report = json.loads(pyright.stdout)
    errors = [
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d.get("rule"))
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert ("wrong.py", 6, "reportAttributeAccessIssue") in errors
    assert {file for file, _, _ in errors} == {"wrong.py"}, errors
