"""Every method of `AsyncKili`, as typed asyncio code sees it.

`mypy --strict` checks this file; the tests run it against the local server.

Run: KILI_API_KEY=... KILI_API_ENDPOINT=... KILI_EMAIL=<the key's owner> \
    python examples/typed_async_usage.py
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from typing_extensions import assert_type

from kili_typed import AsyncKili, MutationResult, UserDict


async def main(kili: AsyncKili, email: str, own_email: str, own_password: str) -> None:
    """Create `email`, then use every method; change the caller's own password."""
    created = await kili.create_user(email=email, password="Passw0rd!", organization_role="USER")
    assert_type(created, MutationResult)

    everyone = await kili.users(fields=["id", "email"], disable_tqdm=True)
    assert_type(everyone, list[UserDict])

    stream = kili.users(email=email, fields=["id"], as_generator=True)
    assert_type(stream, AsyncGenerator[UserDict, None])
    assert [row.get("id") async for row in stream] == [created["id"]]

    assert_type(await kili.count_users(email=email), int)
    assert_type(await kili.update_properties_in_user(email, lastname="Byron"), MutationResult)
    assert_type(
        await kili.update_password(own_email, own_password, "N3w-passw0rd", "N3w-passw0rd"),
        MutationResult,
    )
    assert_type(await kili.reset_password(email), MutationResult)

    async with kili.with_options(timeout=300, max_retries=0) as patient:
        assert_type(patient, AsyncKili)
        assert_type(await patient.count_users(), int)


async def run(own_email: str, own_password: str) -> None:
    async with AsyncKili() as kili:
        await main(kili, "typed-async-example@example.com", own_email, own_password)


if __name__ == "__main__":
    import getpass
    import os

    own = os.environ["KILI_EMAIL"]
    asyncio.run(run(own, getpass.getpass(f"password of {own}: ")))
