# Generated from src/kili_typed/_async_client.py by tools/unasync.py: do not edit.
# Change AsyncKili, then run `make generate`.
"""`Kili`: the six documented user methods on the generated typed client.

Written from ``_async_client.py`` by ``tools/unasync.py``: edit that file, not this one.
"""

from __future__ import annotations

import copy
import logging
import random
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

import httpx
from kili_typed_generated.operations import USERS_GQL
from typing_extensions import TypeVar

# The generated client and its pydantic models are imported by the first call that
# needs them, not with `import kili_typed`: building their modules loads most of
# pydantic, which would double the import time of the package.
if TYPE_CHECKING:
    from kili_typed_generated.client import Client as GeneratedClient
    from kili_typed_generated.input_types import OrganizationWhere, UserWhere

from . import _operations as ops
from . import _organizations as orgs
from ._bounds import client_closed
from ._concurrency import PageRunner
from ._config import resolve_settings, show_progress, stderr_is_terminal
from ._constants import (
    DEFAULT_CURRENT_USER_FIELDS,
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_MAX_CONCURRENT_PAGES,
    DEFAULT_ORGANIZATION_FIELDS,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_USER_FIELDS,
)
from ._fields import Selection
from ._http import (
    Verify,
    check_concurrency,
    check_http_client,
    check_max_answer_bytes,
    make_client,
    make_timeout,
    request_headers,
)
from ._listing import Listing, Page, plan_pages, progress_bar, rows_to_fetch
from ._redaction import Secrets, hide
from ._retry import DEFAULT_MAX_RETRIES, Attempts, RetryPolicy, check_max_retries
from ._rows import PageRows, row_wrapper
from ._transport import bounds
from ._types import (
    DefaultOrganizationDict,
    FieldList,
    MutationResult,
    OrganizationDict,
    OrganizationRole,
    UserDict,
)
from ._user_fields import DefaultUserField, UserField, UserFieldList, UserRow

logger = logging.getLogger("kili_typed")

T = TypeVar("T")
# Left out, `fields` is the documented default: the rows then hold those keys.
_F = TypeVar("_F", bound=UserField, default=DefaultUserField)


class Kili:
    """A client for the Kili user API, with the official SDK's six user methods.

    Each of `api_key`, `api_endpoint`, `verify` and `disable_tqdm` is, as in the
    official SDK, the argument, else its environment variable, else its key in the
    first ``kili-sdk-config.json`` found in the working directory, then the home
    directory, else its default.

    Args:
        api_key: Your Kili API key. Defaults to ``KILI_API_KEY``, else ``api_key`` in
            ``kili-sdk-config.json``.
        api_endpoint: The GraphQL endpoint. Defaults to ``KILI_API_ENDPOINT``, else
            ``api_endpoint`` in the file, else Kili's cloud
            (``https://cloud.kili-technology.com/api/label/v2/graphql``).
        verify: Verify the server's TLS certificate: a bool, a CA bundle's path (a
            file or a directory) or an `ssl.SSLContext`. Defaults to
            ``KILI_VERIFY`` (``true``, ``1`` or ``yes`` mean true), else ``verify_ssl``
            in the file, else `True`. Applies to the connection pool the client
            creates; with `http_client`, configure verification on that client instead.
        timeout: Seconds one attempt may take as a whole, from connecting to the
            last byte of the answer (connecting gets at most 10 seconds of it), or an
            `httpx.Timeout` whose ``read`` is that bound. Default: 60.
        max_concurrent_pages: How many pages of a `users` listing are requested
            at once. Rows still come out in order; a generator holds at most
            this many pages. Default: 10.
        max_retries: How many times a failed request may be sent again
            (0: never). Queries are retried on connection failures, timeouts,
            408, 429, 502, 503 and 504; a mutation only when the server
            certainly did not process it. Default: 3.
        http_client: An `httpx.Client` of yours to send the requests through
            (proxies, client certificates, custom transports). You own it: closing
            this client leaves it open. The key's headers and the timeout are sent
            with each request, and its transports are wrapped so that this client's
            requests keep the bounds of `timeout` and `max_answer_bytes` (your other
            requests go through them unchanged).
        max_answer_bytes: The largest answer accepted, counted once inflated; a
            larger one raises `ResponseTooLargeError` as soon as it is crossed.
            Default: 64 MiB.
        disable_tqdm: The default of every method's `disable_tqdm`: `True` hides the
            progress bar. Defaults to ``KILI_DISABLE_TQDM``, else ``disable_tqdm`` in the
            file, else `None`: a bar is drawn only when standard error is a terminal.

    Raises:
        ConfigurationError: No API key was given or found, the endpoint is not a URL,
            or a key of ``kili-sdk-config.json`` has the wrong type.
        TypeError: `http_client` is not an `httpx.Client`.
        ValueError: Both `verify` and `http_client` were given.

    Warns:
        ConfigFileWarning: A ``kili-sdk-config.json`` is not valid JSON (it is
            skipped), or holds an API key that other users may read.
        InsecureEndpointWarning: The endpoint is plain ``http://`` on another machine.

    Examples:
        ```
        >>> with Kili() as kili:
        ...     for user in kili.users(fields=["email"], as_generator=True):
        ...         print(user["email"])
        ```
    """

    #: The GraphQL endpoint the requests go to.
    api_endpoint: str
    #: How many pages of a `users` listing are requested at once.
    max_concurrent_pages: int
    #: TLS verification of the pool this client created (see `verify`).
    verify: Verify
    #: The default of every method's `disable_tqdm`.
    disable_tqdm: bool | None

    def __init__(
        self,
        api_key: str | None = None,
        api_endpoint: str | None = None,
        verify: Verify | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_READ_TIMEOUT,
        max_concurrent_pages: int = DEFAULT_MAX_CONCURRENT_PAGES,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        disable_tqdm: bool | None = None,
    ) -> None:
        api_key = hide(api_key)
        settings = resolve_settings(api_key, api_endpoint, verify, disable_tqdm)
        key = hide(settings.api_key)
        self.api_endpoint = settings.api_endpoint
        self.verify = settings.verify
        self.disable_tqdm = settings.disable_tqdm
        self.max_concurrent_pages = check_concurrency(max_concurrent_pages)
        self._policy = RetryPolicy(max_retries=check_max_retries(max_retries))
        self._timeout = make_timeout(timeout)
        self._secrets = Secrets((key,))
        self._headers = request_headers(key)
        self._max_answer_bytes = check_max_answer_bytes(max_answer_bytes)
        if http_client is None:
            self._http = make_client(self._timeout, settings.verify)
            self._owns_http = True
        else:
            self._http = check_http_client(http_client, httpx.Client, verify=verify)
            self._owns_http = False
        self._pages = PageRunner(self.max_concurrent_pages)
        self._closed = False
        # Seams for tests: the jitter's source and the sleep between attempts.
        self._rng: random.Random = random.Random()
        self._sleep: Callable[[float], None] = time.sleep
        # The generated client is made on first use (see the imports above).
        self._generated_api: GeneratedClient | None = None

    @property
    def client(self) -> GeneratedClient:
        """The generated typed client: pydantic models instead of dicts.

        It posts through this client's pool, key, timeout and answer bounds (no retries,
        no error mapping: its own exceptions). The six methods call it too.
        """
        if self._generated_api is None:
            from kili_typed_generated.client import Client

            self._generated_api = Client(
                url=self.api_endpoint,
                headers=self._headers,
                http_client=self._http,
                timeout=self._timeout,
                extensions=bounds(self._max_answer_bytes),
            )
        return self._generated_api

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Kili:
        """A copy of this client with other options, for a block of calls.

        The copy shares this client's connection pool (closing the copy leaves
        the pool open; closing this client closes it for both).

        Args:
            timeout: Seconds to wait for each read (or an `httpx.Timeout`);
                `None` keeps this client's.
            max_retries: How many times a failed request may be sent again;
                `None` keeps this client's.

        Returns:
            The copy.

        Raises:
            TypeError: An option has the wrong type.
            ValueError: An option has a wrong value.

        Examples:
            ```
            >>> kili.with_options(timeout=300, max_retries=0).count_users()
            ```
        """
        clone = copy.copy(self)
        if timeout is not None:
            clone._timeout = make_timeout(timeout)
        if max_retries is not None:
            clone._policy = replace(self._policy, max_retries=check_max_retries(max_retries))
        clone._owns_http = False
        clone._closed = False
        clone._pages = PageRunner(self.max_concurrent_pages)
        clone._generated_api = None  # made again, with the copy's timeout
        return clone

    def __repr__(self) -> str:
        # getattr: a traceback printer may show a client whose __init__ failed half-way.
        endpoint = getattr(self, "api_endpoint", None)
        return f"Kili(api_endpoint={endpoint!r}, api_key=<redacted>)"

    def close(self) -> None:
        """Close the connection pool, unless it is borrowed (`with_options`, `http_client`).

        Calls made afterwards raise `ClientClosedError`.
        """
        self._closed = True
        self._pages.close()
        if self._owns_http:
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

    def _call(
        self,
        operation: str,
        send: Callable[[], T],
        secrets: tuple[str, ...] = (),
        *,
        mutation: bool | None = None,
    ) -> T:
        """Run one generated-client call under the retry policy; failures raise a `KiliError`.

        `mutation` says whether the call may write; by default, whether `operation` is
        one of the six methods' mutations.
        """
        if self._closed or self._http.is_closed:
            raise client_closed()
        attempts = Attempts(
            operation,
            mutation=operation in ops.MUTATIONS if mutation is None else mutation,
            policy=self._policy,
            secrets=(*self._secrets, *secrets),
            rng=self._rng,
            endpoint=self.api_endpoint,
        )
        while True:
            started = time.perf_counter()
            try:
                result = send()
            except Exception as exc:
                step = attempts.failed(exc, time.perf_counter() - started)
            else:
                attempts.succeeded(time.perf_counter() - started)
                return result
            # Raised outside the `except`: the httpx or pydantic exception is not
            # chained to the error the caller sees.
            if step.error is not None:
                raise step.error
            self._sleep(step.wait)

    def _execute(
        self,
        query: str,
        operation: str,
        variables: dict[str, Any] | None = None,
        *,
        mutation: bool = False,
        secrets: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """The ``data`` of an operation outside the six methods, under the same retry
        policy, error mapping, redaction and answer cap: ``kili-typed schema diff``'s and
        ``schema pull``'s introspection, and the operations of packages written by
        ``kili-typed codegen`` (`kili_typed.runtime`).

        Args:
            query: The GraphQL document.
            operation: The name of the operation to run in it.
            variables: Its variables, as JSON.
            mutation: Whether it may write: then it is never sent again once the server
                may have run it.
            secrets: Values of the variables to keep out of errors and logs.
        """

        def send() -> dict[str, Any]:
            api = self.client
            return api.get_data(
                api.execute(query=query, operation_name=operation, variables=variables)
            )

        return self._call(operation, send, secrets, mutation=mutation)

    # ----------------------------------------------------------------- queries

    # Three forms for each kind of `fields`: a list (as_generator False or left out), a
    # generator asked for by keyword, and one asked for positionally (every argument
    # given). A typed selection, or none (`_F` then defaults to the documented fields),
    # gives `UserRow`s; a plain list or a `Selection[str]`, `UserDict`s.
    @overload
    def users(  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: Selection[_F] = ...,  # pyright: ignore[reportInvalidTypeVarUse]
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        as_generator: Literal[False] = False,
    ) -> list[UserRow[_F]]: ...

    @overload
    def users(  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: Selection[_F] = ...,  # pyright: ignore[reportInvalidTypeVarUse]
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        *,
        as_generator: Literal[True],
    ) -> Generator[UserRow[_F], None, None]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None,
        skip: int,
        disable_tqdm: bool | None,
        as_generator: Literal[True],
    ) -> Generator[UserRow[_F], None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: UserFieldList | Selection[str] = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        as_generator: Literal[False] = False,
    ) -> list[UserDict]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: UserFieldList | Selection[str] = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        *,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: UserFieldList | Selection[str],
        first: int | None,
        skip: int,
        disable_tqdm: bool | None,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: UserFieldList | Selection[str] = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        as_generator: bool = False,
    ) -> (
        list[UserDict]
        | Generator[UserDict, None, None]
        | list[UserRow[Any]]
        | Generator[UserRow[Any], None, None]
    ): ...

    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: UserFieldList | Selection[str] = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = False,
        as_generator: bool = False,
    ) -> list[Any] | Generator[Any, None, None]:
        """Get a generator or a list of users given a set of criteria.

        Args:
            api_key: Query a user by its API key.
            email: Email of the user.
            organization_id: Identifier of the user's organization.
            fields: The fields to return for each user, among those of the
                `User` type; nested fields as ``"organization.id"``.
            first: Maximum number of users to return.
            skip: Number of skipped users (they are ordered by creation date).
            disable_tqdm: If `True`, the progress bar is disabled. With `False` or
                `None`, the client's `disable_tqdm` decides, and a bar is drawn only
                when standard error is a terminal.
            as_generator: If `True`, a generator on the users is returned. It
                sends nothing until iterated and holds at most
                `max_concurrent_pages` pages at a time.

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
            >>> kili.users(organization_id=organization_id, fields=["email"])
            ```
        """
        api_key = hide(api_key)
        # A plain function, not a coroutine or generator function: bad arguments
        # raise here, at the call, before anything is sent, whichever form is asked for.
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
        from kili_typed_generated.users import Users

        listing = Listing(request, model=Users)
        return self._iter_users(listing) if request.as_generator else self._list_users(listing)

    def _list_users(self, listing: Listing) -> list[UserDict]:
        # One extend per page, not one step of an iterator per row (awaited, a step
        # costs more than reading the row).
        users: list[UserDict] = []
        for rows in self._user_pages(listing):
            users += rows
        return users

    def _iter_users(self, listing: Listing) -> Generator[UserDict, None, None]:
        for rows in self._user_pages(listing):
            yield from rows

    def _user_pages(self, listing: Listing) -> Generator[list[UserDict], None, None]:
        """The rows of each page, in order."""
        request = listing.request
        if request.first == 0:
            return
        from kili_typed_generated.input_types import UserWhere

        # Built once: the count and every page send this model as it is.
        where = UserWhere.model_validate(request.where)
        pages = listing.pages(self._count(where, ops.secrets_of(request.where)))
        show = show_progress(request.disable_tqdm, self.disable_tqdm, terminal=stderr_is_terminal())
        with progress_bar(listing.expected, disable=not show) as bar:
            for page in self._fetch_pages(listing, where, pages):
                rows = listing.rows(page)
                bar.update(len(rows))
                yield rows
        listing.finish()

    def _fetch_page(self, listing: Listing, where: UserWhere, page: Page) -> PageRows:
        """One page, sent through the generated client and read into rows."""
        api = self.client
        variables = listing.variables(where, page)

        def send() -> PageRows:
            answer = api.execute(query=USERS_GQL, operation_name="users", variables=variables)
            # Not `api.users(...)`: that builds the `Users` model of each page, which
            # `Listing.read` does only for a page it cannot take as it is (why: there).
            return listing.read(api.get_data(answer))

        return self._call("users", send, ops.secrets_of(listing.request.where))

    def _fetch_pages(
        self,
        listing: Listing,
        where: UserWhere,
        pages: Iterator[Page],
    ) -> Generator[PageRows, None, None]:
        """Each page's rows, in order, with up to `max_concurrent_pages` in flight.

        A list holds every page in the end, so its pages may wait, done, behind a slower
        one; a generator holds at most `max_concurrent_pages` pages at a time.
        """
        return self._pages.in_order(
            lambda page: self._fetch_page(listing, where, page),
            pages,
            hold=self.max_concurrent_pages if listing.request.as_generator else None,
        )

    def _count(self, where: UserWhere, secrets: tuple[str, ...]) -> int:
        answer = self._call("countUsers", lambda: self.client.count_users(where=where), secrets)
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
        api_key = hide(api_key)
        where = ops.user_where(
            "count_users", api_key=api_key, email=email, organization_id=organization_id
        )
        from kili_typed_generated.input_types import UserWhere

        return self._count(UserWhere.model_validate(where), ops.secrets_of(where))

    @overload
    def get_current_user(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self, fields: Selection[_F]
    ) -> UserRow[_F]: ...

    @overload
    def get_current_user(self) -> UserRow[DefaultUserField]: ...

    @overload
    def get_current_user(
        self, fields: UserFieldList | Selection[str] = DEFAULT_CURRENT_USER_FIELDS
    ) -> UserDict: ...

    def get_current_user(
        self, fields: UserFieldList | Selection[str] = DEFAULT_CURRENT_USER_FIELDS
    ) -> Any:
        """Get the current user: the owner of the API key.

        Args:
            fields: The fields to return, among those of the `User` type; nested
                fields as ``"organization.id"``, as for `users`.

        Returns:
            The user, as a dict holding exactly `fields`; typed to those keys when
            `fields` is a typed selection (`user_fields(...)`) or left out.

        Raises:
            TypeError: `fields` is not a list or tuple of str. Nothing is sent.
            ValueError: An unknown field (the message names the closest valid ones).
                Nothing is sent.
            KiliError: The request failed.

        Examples:
            ```
            >>> kili.get_current_user(fields=["email", "organizationRole"])
            ```
        """
        selection = ops.current_user_selection(fields)
        answer = self._call("viewer", lambda: self.client.viewer(**selection.flags))
        dumped = answer.model_dump(by_alias=True, exclude_unset=True)["viewer"]
        return row_wrapper(selection.fields)(ops.current_user_row(dumped, selection))

    @overload
    def organizations(  # pyright: ignore[reportOverlappingOverload]
        self,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        as_generator: Literal[False] = False,
    ) -> list[DefaultOrganizationDict]: ...

    @overload
    def organizations(  # pyright: ignore[reportOverlappingOverload]
        self,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        as_generator: Literal[True],
    ) -> Generator[DefaultOrganizationDict, None, None]: ...

    @overload
    def organizations(
        self,
        email: str | None = None,
        organization_id: str | None = None,
        # Given (the overloads above take none): rows may hold any of the fields.
        fields: FieldList = ...,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        *,
        as_generator: Literal[False] = False,
    ) -> list[OrganizationDict]: ...

    @overload
    def organizations(
        self,
        email: str | None = None,
        organization_id: str | None = None,
        # Given (the overloads above take none): rows may hold any of the fields.
        fields: FieldList = ...,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        *,
        as_generator: Literal[True],
    ) -> Generator[OrganizationDict, None, None]: ...

    @overload
    def organizations(
        self,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_ORGANIZATION_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        *,
        as_generator: bool = False,
    ) -> (
        list[OrganizationDict]
        | list[DefaultOrganizationDict]
        | Generator[OrganizationDict, None, None]
        | Generator[DefaultOrganizationDict, None, None]
    ): ...

    def organizations(
        self,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_ORGANIZATION_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool | None = None,
        *,
        as_generator: bool = False,
    ) -> list[Any] | Generator[Any, None, None]:
        """Get a generator or a list of organizations that match a set of criteria.

        Kili answers with the caller's own organization only.

        Args:
            email: Email of a user of the organization.
            organization_id: Identifier of the organization.
            fields: The fields to return for each organization, among ``id``,
                ``name``, ``activeUsersCount``, ``isAllowedToSubmitNewLabels``,
                ``matchingDomain`` and ``createdAt``.
            first: Maximum number of organizations to return.
            skip: Number of skipped organizations.
            disable_tqdm: Accepted as the official SDK does; no progress bar is drawn
                for so few rows.
            as_generator: If `True`, a generator on the organizations is returned.

        Returns:
            The organizations as dicts holding exactly `fields`:
            a list, or a generator with ``as_generator=True``.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value, e.g. an unknown field. Nothing is sent.
            KiliError: The request failed.

        Examples:
            ```
            >>> organization_id = kili.organizations()[0]["id"]
            ```
        """
        request = orgs.organizations_request(
            email=email,
            organization_id=organization_id,
            fields=fields,
            first=first,
            skip=skip,
            disable_tqdm=disable_tqdm,
            as_generator=as_generator,
        )
        rows = self._iter_organizations(request)
        return rows if request.as_generator else list(rows)

    def _iter_organizations(
        self, request: orgs.OrganizationsRequest
    ) -> Generator[OrganizationDict, None, None]:
        if request.first == 0:
            return
        from kili_typed_generated.input_types import OrganizationWhere

        where = OrganizationWhere.model_validate(request.where)
        total = rows_to_fetch(self._count_organizations(where), request.skip, request.first)
        for page in plan_pages(total, request.skip):
            rows = self._fetch_organizations(request, where, page)
            yield from rows
            if len(rows) < page.first:
                return

    def _fetch_organizations(
        self, request: orgs.OrganizationsRequest, where: OrganizationWhere, page: Page
    ) -> list[OrganizationDict]:
        answer = self._call(
            "organizations",
            lambda: self.client.organizations(
                where=where, first=page.first, skip=page.skip, **request.flags
            ),
        )
        dumped = answer.model_dump(by_alias=True, exclude_unset=True)["organizations"]
        return orgs.organization_rows(dumped)

    def _count_organizations(self, where: OrganizationWhere) -> int:
        answer = self._call(
            "countOrganizations", lambda: self.client.count_organizations(where=where)
        )
        return answer.count_organizations

    def count_organizations(
        self, email: str | None = None, organization_id: str | None = None
    ) -> int:
        """Count organizations that match a set of criteria (the caller's own, at most).

        Args:
            email: Email of a user of the organization.
            organization_id: Identifier of the organization.

        Returns:
            The number of organizations matching the constraints: 0 or 1.

        Raises:
            TypeError: An argument has the wrong type. Nothing is sent.
            ValueError: An argument has a wrong value. Nothing is sent.
            KiliError: The request failed.
        """
        where = orgs.organization_where(
            "count_organizations", email=email, organization_id=organization_id
        )
        from kili_typed_generated.input_types import OrganizationWhere

        return self._count_organizations(OrganizationWhere.model_validate(where))

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
        password = hide(password)
        variables = ops.create_user_data(
            email=email,
            password=password,
            organization_role=organization_role,
            firstname=firstname,
            lastname=lastname,
        )
        from kili_typed_generated.input_types import CreateUserData

        data = CreateUserData.model_validate(variables)
        answer = self._call(
            "createUser", lambda: self.client.create_user(data=data), ops.secrets_of(variables)
        )
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
        old_password, new_password_1, new_password_2 = (
            hide(old_password),
            hide(new_password_1),
            hide(new_password_2),
        )
        variables, where_variables = ops.update_password_variables(
            email=email,
            old_password=old_password,
            new_password_1=new_password_1,
            new_password_2=new_password_2,
        )
        from kili_typed_generated.input_types import UpdatePasswordData, UserWhere

        data = UpdatePasswordData.model_validate(variables)
        where = UserWhere.model_validate(where_variables)
        answer = self._call(
            "updatePassword",
            lambda: self.client.update_password(data=data, where=where),
            ops.secrets_of(variables),
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
        from kili_typed_generated.input_types import UserWhere

        where = UserWhere.model_validate(ops.reset_password_where(email=email))
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
        variables, where_variables = ops.update_properties_variables(
            email=email,
            firstname=firstname,
            lastname=lastname,
            organization_id=organization_id,
            organization_role=organization_role,
            activated=activated,
        )
        from kili_typed_generated.input_types import UserData, UserWhere

        data = UserData.model_validate(variables)
        where = UserWhere.model_validate(where_variables)
        answer = self._call(
            "updatePropertiesInUser",
            lambda: self.client.update_properties_in_user(data=data, where=where),
        )
        return {"id": answer.update_properties_in_user.id}
