"""Password hashing: the production cost, the test cost, and hashes verifiable at any cost."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from kili_typed_server import Store
from kili_typed_server.cli.runner import ServerThread, serve_forever
from kili_typed_server.service import passwords
from kili_typed_server.service.passwords import (
    INSECURE_TEST_HASHER,
    PRODUCTION_HASHER,
    ScryptHasher,
)


@pytest.mark.parametrize("hasher", [INSECURE_TEST_HASHER, ScryptHasher(n=4, r=2, p=1)])
def test_passwords_are_salted_and_verified(hasher: ScryptHasher) -> None:
    first, second = hasher.hash("pass-word-1"), hasher.hash("pass-word-1")
    assert first != second and "pass-word-1" not in first
    assert first.startswith(f"scrypt${hasher.n}${hasher.r}${hasher.p}$")
    assert hasher.verify("pass-word-1", first)
    assert not hasher.verify("pass-word-2", first)
    assert not hasher.verify("pass-word-1", None)
    assert not hasher.verify("pass-word-1", "garbage")
    assert not hasher.verify("pass-word-1", "bcrypt$1$2$3$c2FsdA==$aGFzaA==")
    assert passwords.is_strong_password(passwords.generate_password())


def test_production_hashing_keeps_its_cost(tmp_path: Path) -> None:
    # Test servers hash at a trivial cost; the production cost is checked here, once.
    assert (PRODUCTION_HASHER.n, PRODUCTION_HASHER.r, PRODUCTION_HASHER.p) == (2**15, 8, 1)
    with Store(tmp_path / "kili.db") as store:
        assert store.accounts.hasher is PRODUCTION_HASHER
    assert ServerThread(tmp_path / "kili.db").hasher is PRODUCTION_HASHER
    assert inspect.signature(serve_forever).parameters["hasher"].default is PRODUCTION_HASHER
    stored = PRODUCTION_HASHER.hash("pass-word-1")
    assert stored.startswith("scrypt$32768$8$1$")
    # A hash records its cost: whatever the verifier's own, each verifies the other's.
    assert INSECURE_TEST_HASHER.verify("pass-word-1", stored)
    assert PRODUCTION_HASHER.verify("pass-word-2", INSECURE_TEST_HASHER.hash("pass-word-2"))


def test_a_database_written_at_the_test_cost_verifies_at_any_cost(tmp_path: Path) -> None:
    with Store(tmp_path / "kili.db", hasher=INSECURE_TEST_HASHER) as store:
        store.bootstrap(admin_email="ops@example.com", admin_password="ops-pass-0123")
        store.create_user("ada@example.com", "ada-pass-0123")
    with Store(tmp_path / "kili.db") as store:
        assert store.check_password("ops@example.com", "ops-pass-0123")
        assert store.check_password("ada@example.com", "ada-pass-0123")
        assert not store.check_password("ada@example.com", "ada-pass-0124")
