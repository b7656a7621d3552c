"""`Kili`: the six documented user methods on the generated typed client."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Literal, TypeVar, cast, overload

import httpx
from kili_typed_generated.base_client import HttpClient
from kili_typed_generated.client import Client as GeneratedClient
from kili_typed_generated.input_types import UserWhere

from . import operations as ops
from ._constants import (
    API_ENDPOINT_ENV,
    API_KEY_ENV,
    AUTH_HEADER,
    AUTH_PREFIX,
    CLIENT_NAME,
    DEFAULT_API_ENDPOINT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_USER_FIELDS,
)
from ._version import __version__
from .error_mapping import map_exception
from .errors import ConfigurationError
from .fields import plain
from .pagination import plan_pages, rows_to_fetch
from .progress import progress_bar
from .types import FieldList, MutationResult, OrganizationRole, UserDict

logger = logging.getLogger("kili_typed")

T = TypeVar("T")


def resolve_api_key(api_key: str | None) -> str:
    """The key given, else ``KILI_API_KEY``; a clear error when there is none."""
    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(
            f"Kili() argument 'api_key' must be str or None, not {type(api_key).__name__}"
        )
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not key or not key.strip():
        raise ConfigurationError(
            f"no Kili API key: pass Kili(api_key=...) or set the {API_KEY_ENV} "
            "environment variable (create a key in Kili's web app, or with "
            "'kili-typed keys create' for the local server)"
        )
    return key.strip()


def resolve_endpoint(api_endpoint: str | None) -> str:
    """The endpoint given, else ``KILI_API_ENDPOINT``, else Kili's cloud."""
    if api_endpoint is not None and not isinstance(api_endpoint, str):
        raise TypeError(
            f"Kili() argument 'api_endpoint' must be str or None, not {type(api_endpoint).__name__}"
        )
    endpoint = api_endpoint or os.environ.get(API_ENDPOINT_ENV) or DEFAULT_API_ENDPOINT
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"Kili API endpoint must be an http:// or https:// URL, got {endpoint!r}"
        )
    return endpoint


class Kili:
    """A client for the Kili user API, with the official SDK's six user methods.

    Args:
        api_key: Your Kili API key. Defaults to the ``KILI_API_KEY`` environment variable.
        api_endpoint: The GraphQL endpoint. Defaults to ``KILI_API_ENDPOINT``, else
            Kili's cloud (``https://cloud.kili-technology.com/api/label/v2/graphql``).
        verify: Verify the server's TLS certificate (or a CA bundle path).
        timeout: Seconds to wait for each read of an answer (connecting gets
            ``10`` seconds), or an `httpx.Timeout`.

    Raises:
        ConfigurationError: No API key was given or found, or the endpoint is not a URL.

    Examples:
        ```
        >>> endpoint = "http://localhost:4000/api/label/v2/graphql"
        >>> with Kili(api_key="...", api_endpoint=endpoint) as kili:
        ...     kili.count_users()
        ```
    """

    def __init__(
        self,
        api_key: str | None = None,
        api_endpoint: str | None = None,
        verify: bool | str = True,
        *,
        timeout: float | httpx.Timeout = DEFAULT_READ_TIMEOUT,
    ) -> None:
        key = resolve_api_key(api_key)
        self.api_endpoint = resolve_endpoint(api_endpoint)
        self._secrets: tuple[str, ...] = (key,)
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout, connect=DEFAULT_CONNECT_TIMEOUT)
        # One pool for the client's life: keep-alive connections are reused across calls.
        self._http = httpx.Client(
            headers={
                AUTH_HEADER: AUTH_PREFIX + key,
                "apollographql-client-name": CLIENT_NAME,
                "apollographql-client-version": __version__,
            },
            timeout=timeout,
            verify=verify,
        )
        #: The generated typed client: pydantic models instead of dicts.
        self.client = GeneratedClient(
            url=self.api_endpoint, http_client=cast("HttpClient", self._http)
        )

    def __repr__(self) -> str:
        return f"Kili(api_endpoint={self.api_endpoint!r}, api_key=<redacted>)"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Kili:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _call(self, operation: str, send: Callable[[], T], *secrets: str) -> T:
        """Run one generated-client call, turning every failure into a `KiliError`."""
        started = time.perf_counter()
        try:
            result = send()
        except Exception as exc:
            logger.debug(
                "%s failed after %.3fs: %s",
                operation,
                time.perf_counter() - started,
                type(exc).__name__,
            )
            raise map_exception(exc, operation, (*self._secrets, *secrets)) from None
        logger.debug("%s took %.3fs", operation, time.perf_counter() - started)
        return result

    # ----------------------------------------------------------------- queries

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> list[UserDict]: ...

    @overload
    def users(
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: FieldList,
        first: int | None,
        skip: int,
        disable_tqdm: bool,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        *,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> list[UserDict] | Generator[UserDict, None, None]: ...

    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> list[UserDict] | Generator[UserDict, None, None]:
        """Get a generator or a list of users given a set of criteria.

        Args:
            api_key: Query a user by its API key.
            email: Email of the user.
            organization_id: Identifier of the user's organization.
            fields: The fields to return for each user, among those of the
                `User` type; nested fields as ``"organization.id"``.
            first: Maximum number of users to return.
            skip: Number of skipped users (they are ordered by creation date).
            disable_tqdm: If `True`, the progress bar is disabled.
            as_generator: If `True`, a generator on the users is returned. It
                sends nothing until iterated and holds one page at a time.

        Returns:
            The users as dicts holding exactly `fields` (nested fields as
            nested dicts): a list, or a generator with ``as_generator=True``.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value, e.g. an unknown field
                (the message names the closest valid ones). Nothing is sent.
            KiliError: The request failed (see `kili_typed.errors`).

        Examples:
            ```
            >>> kili.users(organization_id=organization_id, fields=["email", "organization.id"])
            ```
        """
        request = ops.users_request(
            api_key=api_key,
            email=email,
            organization_id=organization_id,
            fields=fields,
            first=first,
            skip=skip,
            disable_tqdm=disable_tqdm,
            as_generator=as_generator,
        )
        rows = self._iter_users(request)
        return rows if request.as_generator else list(rows)

    def _iter_users(self, request: ops.UsersRequest) -> Generator[UserDict, None, None]:
        if request.first == 0:
            return
        count = self._count(request.where)
        total = rows_to_fetch(count, request.skip, request.first)
        flags = request.selection.flags
        with progress_bar(total, disable=request.disable_tqdm) as bar:
            for page in plan_pages(total, request.skip):
                answer = self._call(
                    "users",
                    lambda page=page: self.client.users(  # type: ignore[misc]
                        where=request.where, first=page.first, skip=page.skip, **flags
                    ),
                    *self._where_secrets(request.where),
                )
                for model in answer.users:
                    yield cast(UserDict, plain(model.model_dump(by_alias=True, exclude_unset=True)))
                bar.update(len(answer.users))
                if len(answer.users) < page.first:
                    logger.debug(
                        "users: got %d rows where %d were counted; the listing ends here",
                        page.skip - request.skip + len(answer.users),
                        total,
                    )
                    return

    @staticmethod
    def _where_secrets(where: UserWhere) -> tuple[str, ...]:
        return (where.api_key,) if where.api_key else ()

    def _count(self, where: UserWhere) -> int:
        answer = self._call(
            "countUsers", lambda: self.client.count_users(where=where), *self._where_secrets(where)
        )
        return answer.count_users

    def count_users(
        self,
        organization_id: str | None = None,
        api_key: str | None = None,
        email: str | None = None,
    ) -> int:
        """Get user count based on a set of constraints.

        Args:
            organization_id: Identifier of the user's organization.
            api_key: Count the user owning this API key.
            email: Email of the user.

        Returns:
            The number of users matching the constraints.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value. Nothing is sent.
            KiliError: The request failed.
        """
        where = ops.user_where(
            "count_users", api_key=api_key, email=email, organization_id=organization_id
        )
        return self._count(where)

    # --------------------------------------------------------------- mutations

    def create_user(
        self,
        email: str,
        password: str,
        organization_role: OrganizationRole,
        firstname: str | None = None,
        lastname: str | None = None,
    ) -> MutationResult:
        """Add a user to your organization.

        Args:
            email: Email of the new user, used as user's unique identifier.
            password: On the first sign in, he will use this password and be able to change it.
            organization_role: One of "ADMIN", "USER".
            firstname: First name of the new user.
            lastname: Last name of the new user.

        Returns:
            The new user, as ``{"id": ...}``.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value (e.g. an unknown role). Nothing is sent.
            KiliError: The request failed, e.g. `GraphQLError` when the email is taken.
        """
        data = ops.create_user_data(
            email=email,
            password=password,
            organization_role=organization_role,
            firstname=firstname,
            lastname=lastname,
        )
        answer = self._call("createUser", lambda: self.client.create_user(data=data), data.password)
        return {"id": answer.create_user.id}

    def update_password(
        self, email: str, old_password: str, new_password_1: str, new_password_2: str
    ) -> MutationResult:
        """Modify the password that you use to connect to Kili.

        This resolver only works for on-premise installations without Auth0.

        Args:
            email: Email of the person whose password has to be updated.
            old_password: The old password.
            new_password_1: The new password.
            new_password_2: A confirmation field for the new password.

        Returns:
            The user, as ``{"id": ...}``.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value. Nothing is sent.
            KiliError: The request failed, e.g. `GraphQLError` when the old
                password is wrong.
        """
        data, where = ops.update_password_variables(
            email=email,
            old_password=old_password,
            new_password_1=new_password_1,
            new_password_2=new_password_2,
        )
        answer = self._call(
            "updatePassword",
            lambda: self.client.update_password(data=data, where=where),
            data.old_password,
            data.new_password_1,
            data.new_password_2,
        )
        return {"id": answer.update_password.id}

    def reset_password(self, email: str) -> MutationResult:
        """Reset password.

        This resolver only works for on-premise installations without Auth0,
        if your organization allows Kili to send emails.

        Args:
            email: Email of the person whose password has to be reset.

        Returns:
            The user, as ``{"id": ...}``.

        Raises:
            TypeError: `email` is not a str. Nothing is sent.
            ValueError: `email` is not an email address. Nothing is sent.
            KiliError: The request failed.
        """
        where = ops.reset_password_where(email=email)
        answer = self._call("resetPassword", lambda: self.client.reset_password(where=where))
        return {"id": answer.reset_password.id}

    def update_properties_in_user(
        self,
        email: str,
        firstname: str | None = None,
        lastname: str | None = None,
        organization_id: str | None = None,
        organization_role: OrganizationRole | None = None,
        activated: bool | None = None,
    ) -> MutationResult:
        """Update the properties of a user.

        Only the properties given (not None) change.

        Args:
            email: The email is the identifier of the user.
            firstname: Change the first name of the user.
            lastname: Change the last name of the user.
            organization_id: Change the organization the user is related to.
            organization_role: Change the role of the user: one of "ADMIN", "USER".
            activated: In case we want to deactivate a user, but keep it.

        Returns:
            The user, as ``{"id": ...}``.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value. Nothing is sent.
            KiliError: The request failed.
        """
        data, where = ops.update_properties_variables(
            email=email,
            firstname=firstname,
            lastname=lastname,
            organization_id=organization_id,
            organization_role=organization_role,
            activated=activated,
        )
        answer = self._call(
            "updatePropertiesInUser",
            lambda: self.client.update_properties_in_user(data=data, where=where),
        )
        return {"id": answer.update_properties_in_user.id}
