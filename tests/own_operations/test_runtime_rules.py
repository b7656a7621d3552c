"""The runtime rules, through a package of the user's own operations (``kili-typed
codegen``), against the local server with its faults on demand: queries retried as the
facade retries them, a mutation never resent once the server may have run it, errors of
kili-typed's tree, secrets kept out of them, the answer cap."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import httpx
import pytest

from kili_typed import (
    AsyncKili,
    AuthenticationError,
    GraphQLError,
    Kili,
    MalformedResponseError,
    OutcomeUnknownError,
    ResponseTooLargeError,
)
from kili_typed.runtime import is_mutation
from kili_typed_testkit import KiliServer

NEWCOMER = "ada@example.com"
PASSWORD = "Lovelace-1815-secret"


def no_waits(kili: Kili) -> list[float]:
    """The facade's waits between attempts, recorded instead of slept."""
    waits: list[float] = []
    kili._sleep = waits.append
    return waits


def member_data(own_ops: ModuleType, email: str = NEWCOMER) -> Any:
    data_type = own_ops.sync_client.input_types.CreateUserData
    return data_type(email=email, password=PASSWORD, organizationRole="USER")


def test_a_query_returns_typed_models(own_ops: ModuleType, kili: Kili) -> None:
    answer = own_ops.Client.from_kili(kili).my_organizations()
    (organization,) = answer.organizations
    assert isinstance(organization, own_ops.sync_client.MyOrganizationsOrganizations)
    assert (organization.id, organization.name) == (
        kili.organizations()[0]["id"],
        kili.organizations()[0]["name"],
    )


def test_a_query_is_retried_after_a_503(own_ops: ModuleType, kili_server: KiliServer) -> None:
    kili_server.faults.add("organizations", status=503)
    with kili_server.kili() as kili:
        waits = no_waits(kili)
        answer = own_ops.Client.from_kili(kili).my_organizations()
    assert len(answer.organizations) == 1
    assert [r.status for r in kili_server.requests.of("organizations")] == [503, 200]
    assert len(waits) == 1


def test_a_mutation_is_not_resent_after_the_server_ran_it(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    kili_server.faults.add("createUser", status=502, after_processing=True)
    with kili_server.kili() as kili:
        no_waits(kili)
        with pytest.raises(OutcomeUnknownError) as raised:
            own_ops.Client.from_kili(kili).add_member(member_data(own_ops))
        assert kili.count_users(email=NEWCOMER) == 1
    assert raised.value.operation == "AddMember"
    assert [r.status for r in kili_server.requests.of("createUser")] == [502]


def test_a_mutation_refused_before_running_is_resent(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    kili_server.faults.add("createUser", status=429, retry_after=0)
    with kili_server.kili() as kili:
        no_waits(kili)
        created = own_ops.Client.from_kili(kili).add_member(member_data(own_ops))
    assert created.create_user.email == NEWCOMER
    assert [r.status for r in kili_server.requests.of("createUser")] == [429, 200]


@pytest.mark.anyio
async def test_the_async_client_follows_the_same_rules(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    kili_server.faults.add("organizations", status=503)
    kili_server.faults.add("createUser", drop=True, after_processing=True)
    async with kili_server.async_kili() as kili:
        waits: list[float] = []

        async def record(seconds: float) -> None:
            waits.append(seconds)

        kili._sleep = record
        client = own_ops.AsyncClient.from_kili(kili)
        answer = await client.my_organizations()
        assert isinstance(
            answer.organizations[0], own_ops.async_client.MyOrganizationsOrganizations
        )
        data = own_ops.async_client.input_types.CreateUserData(
            email=NEWCOMER, password=PASSWORD, organizationRole="USER"
        )
        with pytest.raises(OutcomeUnknownError):
            await client.add_member(data)
        assert await kili.count_users(email=NEWCOMER) == 1
    assert len(waits) == 1
    assert len(kili_server.requests.of("createUser")) == 1


def test_a_refused_key_is_an_authentication_error(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    stranger = Kili(api_key="kt_not-a-key-of-this-server-0123", api_endpoint=kili_server.endpoint)
    with stranger, pytest.raises(AuthenticationError) as raised:
        own_ops.Client.from_kili(stranger).my_organizations()
    assert "kt_not-a-key" not in str(raised.value)


def test_graphql_errors_are_mapped_and_secrets_redacted(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    # A server that echoes what it was sent: the password must not reach the error.
    kili_server.faults.add(
        "createUser", graphql_error="BAD_USER_INPUT", message=f"weak password {PASSWORD}"
    )
    with kili_server.kili() as kili, pytest.raises(GraphQLError) as raised:
        own_ops.Client.from_kili(kili).add_member(member_data(own_ops))
    assert "weak password [REDACTED]" in str(raised.value)
    assert PASSWORD not in str(raised.value)
    assert PASSWORD not in repr(raised.value.errors)


@pytest.mark.parametrize(
    ("operation", "expected"),
    [("organizations", MalformedResponseError), ("createUser", OutcomeUnknownError)],
)
def test_an_answer_that_does_not_fit_the_models(
    own_ops: ModuleType, kili_server: KiliServer, operation: str, expected: type[Exception]
) -> None:
    kili_server.faults.add(
        operation, body={"data": {operation: [{"id": 1}] if operation == "organizations" else {}}}
    )
    with kili_server.kili() as kili:
        client = own_ops.Client.from_kili(kili)
        with pytest.raises(expected, match="does not have the expected shape"):
            if operation == "organizations":
                client.my_organizations()
            else:
                client.add_member(member_data(own_ops))
    assert len(kili_server.requests.of(operation)) == 1


def test_the_answer_cap_applies(own_ops: ModuleType, kili_server: KiliServer) -> None:
    kili_server.seed_users(30)
    with kili_server.kili(max_answer_bytes=1024) as kili, pytest.raises(ResponseTooLargeError):
        own_ops.Client.from_kili(kili).users_by_email(first=30)


def test_unset_variables_are_not_sent(own_ops: ModuleType, kili_server: KiliServer) -> None:
    with kili_server.kili() as kili:
        answer = own_ops.Client.from_kili(kili).users_by_email(email="admin@example.com")
    assert [user.email for user in answer.users] == ["admin@example.com"]
    assert kili_server.requests.of("users")[0].variables == {"email": "admin@example.com"}


def test_options_are_the_facades(own_ops: ModuleType, kili: Kili) -> None:
    # A method takes its operation's variables alone: no **kwargs to carry httpx options.
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'timeout'"):
        own_ops.Client.from_kili(kili).my_organizations(timeout=3)
    answer = own_ops.Client.from_kili(kili.with_options(max_retries=0)).my_organizations()
    assert len(answer.organizations) == 1


def test_a_misspelt_variable_is_refused_before_any_request(
    own_ops: ModuleType, kili: Kili, kili_server: KiliServer
) -> None:
    before = len(kili_server.requests.of("users"))
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'emial'"):
        own_ops.Client.from_kili(kili).users_by_email(emial="admin@example.com")
    assert len(kili_server.requests.of("users")) == before


def test_each_client_takes_its_own_facade(
    own_ops: ModuleType, kili: Kili, async_kili: AsyncKili
) -> None:
    with pytest.raises(TypeError, match=r"AsyncClient\.from_kili an AsyncKili"):
        own_ops.AsyncClient.from_kili(kili)
    with pytest.raises(TypeError, match=r"runs on a kili_typed\.Kili, not AsyncKili"):
        own_ops.Client.from_kili(async_kili)


@pytest.mark.parametrize(
    ("query", "name", "mutation"),
    [
        ("query A { viewer { id } }", "A", False),
        ("\n  mutation B($d: X!) { createUser(data: $d) { id } }", "B", True),
        ("query A { viewer { id } }\nmutation B { resetPassword { id } }", "B", True),
        ("query A { viewer { id } }\nmutation B { resetPassword { id } }", "A", False),
        ("{ viewer { id } }", None, False),
        ("subscription C { x }", "C", True),
        # Not found: taken for a mutation, which is never resent.
        ("query A { viewer { id } }", "Missing", True),
        ("query AB { viewer { id } }", "A", True),
    ],
)
def test_is_mutation(query: str, name: str | None, mutation: bool) -> None:
    assert is_mutation(query, name) is mutation


def test_input_models_keep_secrets_out_of_their_repr(own_ops: ModuleType) -> None:
    data = member_data(own_ops)
    assert data.password == PASSWORD
    assert PASSWORD not in repr(data)


def test_an_unknown_enum_value_is_read_as_its_string(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    newer = {"id": "u1", "email": "owner@example.com", "organizationRole": "OWNER"}
    kili_server.faults.add("users", body={"data": {"users": [newer]}})
    with kili_server.kili() as kili:
        (user,) = own_ops.Client.from_kili(kili).users_by_email().users
    assert user.organization_role == "OWNER"


def test_the_client_sends_through_the_facades_connection(
    own_ops: ModuleType, kili_server: KiliServer
) -> None:
    seen: list[tuple[str, str]] = []

    def note(request: httpx.Request) -> None:
        seen.append((request.url.path, request.headers["Authorization"]))

    with httpx.Client(event_hooks={"request": [note]}) as http:
        kili = Kili(
            api_key=kili_server.api_key, api_endpoint=kili_server.endpoint, http_client=http
        )
        own_ops.Client.from_kili(kili).my_organizations()
        kili.close()
        assert not http.is_closed  # the facade's borrowed client, left open
    assert seen == [("/api/label/v2/graphql", f"X-API-Key: {kili_server.api_key}")]
