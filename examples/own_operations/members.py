"""Your own operations, typed, on kili-typed's runtime: ``ops/members.graphql`` compiled by
``kili-typed codegen`` into ``my_ops/`` (committed here; `make test` checks that running
the command again gives the same files).

Regenerate after changing an operation::

    kili-typed codegen --schema schema.graphql --queries ops --package my_ops --target .

Run against the local server (``kili-typed server serve``) or Kili, with
``KILI_API_KEY`` (and ``KILI_API_ENDPOINT``) set::

    python members.py new.member@example.com
"""

from __future__ import annotations

import asyncio
import getpass
import sys

from my_ops import AsyncClient, Client
from my_ops.sync_client.enums import OrganizationRole
from my_ops.sync_client.input_types import CreateUserData

from kili_typed import AsyncKili, Kili


def organization_name(kili: Kili) -> str:
    """The name of the caller's organization: a typed model, not a dict."""
    answer = Client.from_kili(kili).my_organizations()
    return answer.organizations[0].name


def add_member(kili: Kili, email: str, password: str) -> str:
    """Adds a user to the caller's organization; returns the new user's id.

    Raises:
        kili_typed.OutcomeUnknownError: The answer was lost after the server may have
            added the user: check before trying again (the mutation is never resent).
        kili_typed.GraphQLError: Kili refused it, e.g. the email is taken.
    """
    data = CreateUserData(email=email, password=password, organizationRole=OrganizationRole.USER)
    created = Client.from_kili(kili).add_member(data).create_user
    return created.id


async def organization_ids(kili: AsyncKili) -> list[str]:
    """The same operations from asyncio: `AsyncClient` on an `AsyncKili`."""
    answer = await AsyncClient.from_kili(kili).my_organizations()
    return [organization.id for organization in answer.organizations]


async def _print_ids() -> None:
    async with AsyncKili() as kili:
        print(await organization_ids(kili))


if __name__ == "__main__":
    with Kili() as kili:
        print(f"organization: {organization_name(kili)}")
        if len(sys.argv) > 1:
            password = getpass.getpass(f"password for {sys.argv[1]}: ")
            print(f"added: {add_member(kili, sys.argv[1], password)}")
    asyncio.run(_print_ids())
