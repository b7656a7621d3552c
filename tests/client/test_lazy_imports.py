"""`import kili_typed` loads no generated model; the first call that needs them does.

Each case runs in a fresh interpreter, where `sys.modules` shows what was loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from kili_typed_testkit.server import KiliServer

#: Loaded by the first call, never by the import: building them loads most of pydantic.
HEAVY = ("pydantic.main", "pydantic.fields", "kili_typed_generated.client",
         "kili_typed_generated_async.client", "kili_typed_generated.input_types")  # fmt: skip


def loaded_after(code: str) -> dict[str, bool]:
    """Which of `HEAVY` are in `sys.modules` after running `code` in a fresh interpreter."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "code",
    [
        "import kili_typed",
        "from kili_typed import Kili, AsyncKili, KiliError, user_fields",
        "from kili_typed import Kili\nKili(api_key='k', api_endpoint='http://127.0.0.1:9/graphql')",
    ],
)
def test_importing_and_constructing_load_no_model(code: str) -> None:
    assert loaded_after(code) == dict.fromkeys(HEAVY, False)


def test_the_first_call_loads_what_it_needs_and_answers(kili_server: KiliServer) -> None:
    code = f"""
        from kili_typed import Kili
        with Kili(api_key={kili_server.api_key!r}, api_endpoint={kili_server.endpoint!r}) as kili:
            print(kili.count_users())
        """
    loaded = loaded_after(code)
    assert loaded["kili_typed_generated.client"] and loaded["pydantic.main"]
    assert not loaded["kili_typed_generated_async.client"]  # the sync facade's own package


def test_the_generated_client_is_made_on_first_use(kili_server: KiliServer) -> None:
    from kili_typed_generated.client import Client
    from kili_typed_generated.input_types import UserWhere

    from kili_typed import Kili

    with Kili(api_key=kili_server.api_key, api_endpoint=kili_server.endpoint) as kili:
        client = kili.client
        assert isinstance(client, Client)
        assert kili.client is client  # made once
        users = kili.users(fields=["email"])
        assert client.count_users(where=UserWhere()).count_users == len(users)
        copy = kili.with_options(timeout=5)
        assert copy.count_users() == len(users)
