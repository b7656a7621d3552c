"""The runtime of the packages ``kili-typed codegen`` writes from your own operations.

Each package's ``Client`` and ``AsyncClient`` derive from `KiliBaseClient` and
`AsyncKiliBaseClient`, through the small base-client modules ``kili-typed codegen``
copies into them: every generated method ends in `execute`, which runs the operation
through a `kili_typed.Kili` (or `kili_typed.AsyncKili`) with what that facade applies to
its own calls. Its connection pool, API key, endpoint, timeout and answer cap; queries
retried on transient failures; a mutation never sent again once the server may have
run it (`OutcomeUnknownError`); failures raised as `KiliError` subclasses
(`AuthenticationError` for a refused key...); secrets kept out of errors and logs.

You do not use this module directly::

    from my_ops import Client

    with Kili() as kili:
        organizations = Client.from_kili(kili).my_organizations().organizations
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ValidationError
from typing_extensions import Self

from ._async_client import AsyncKili
from ._client import Kili
from ._redaction import Secrets
from ._retry import DEFAULT_POLICY, Attempts

_Model = TypeVar("_Model", bound=BaseModel)

__all__ = ["AsyncKiliBaseClient", "KiliBaseClient", "OperationData", "is_mutation"]

#: Variable names whose string values are secrets, at any depth (``password``,
#: ``newPassword1``, ``apiKey``, ``key``, ``token``...).
_SECRET_NAME = re.compile(r"password|secret|token|key\d*$", re.IGNORECASE)


def is_mutation(query: str, operation_name: str | None) -> bool:
    """Whether the operation `operation_name` of `query` may write.

    ariadne-codegen writes each document as graphql-core prints it, one definition per
    paragraph, each starting a line. When the operation cannot be found, the answer is
    `True`: a write is never resent after the server may have run it, and taking a
    query for one only costs its retries.

    Args:
        query: The GraphQL document.
        operation_name: The operation to run in it, if named.

    Returns:
        Whether it is a mutation (or could not be told from one).
    """
    name = re.escape(operation_name) + r"\b" if operation_name else r"[({]"
    found = re.search(rf"^\s*(query|mutation|subscription)\s*{name}", query, re.MULTILINE)
    if found is None:
        # An anonymous query: the document starts with its selection set.
        return not (operation_name is None and query.lstrip().startswith("{"))
    return found.group(1) != "query"


def _json_value(value: Any, unset: object) -> Any:
    """A variable's value as JSON: input models as the server names their fields."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [_json_value(item, unset) for item in cast("list[Any]", value)]
    if isinstance(value, Mapping):
        members = cast("Mapping[str, Any]", value)
        return {k: _json_value(v, unset) for k, v in members.items() if v is not unset}
    return value


def _secret_values(value: Any, name: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if value and _SECRET_NAME.search(name):
            yield value
    elif isinstance(value, Mapping):
        for key, item in cast("Mapping[str, Any]", value).items():
            yield from _secret_values(item, key)
    elif isinstance(value, list):
        for item in cast("list[object]", value):
            yield from _secret_values(item, name)


@dataclass(frozen=True)
class _Request:
    """One operation as the facade runs it."""

    operation: str
    variables: dict[str, Any]
    mutation: bool
    secrets: Secrets

    @classmethod
    def of(
        cls,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        unset: object,
        options: Mapping[str, Any],
        mutation: bool | None,
    ) -> _Request:
        """What a generated method hands to ``execute``, checked and made JSON.

        Raises:
            TypeError: Options were given: they are the facade's.
        """
        if options:
            raise TypeError(
                f"unexpected keyword arguments {', '.join(sorted(options))}: timeouts and "
                "retries are the Kili client's options "
                "(kili.with_options(timeout=..., max_retries=...))"
            )
        sent = cast("dict[str, Any]", _json_value(dict(variables or {}), unset))
        return cls(
            operation_name or "operation",
            sent,
            is_mutation(query, operation_name) if mutation is None else mutation,
            Secrets(_secret_values(sent)),
        )


def _require_facade(client: object, kili: object, facade: type[object]) -> None:
    if not isinstance(kili, facade):
        raise TypeError(
            f"{type(client).__name__} runs on a kili_typed.{facade.__name__}, not "
            f"{type(kili).__name__} (Client.from_kili takes a Kili, AsyncClient.from_kili "
            "an AsyncKili)"
        )


@dataclass(frozen=True)
class OperationData:
    """The ``data`` of a successful answer, as `execute` hands it to ``read``.

    Attributes:
        data: The answer's ``data`` object.
        operation: The operation's name.
        mutation: Whether it may have written.
        secrets: Values of its variables kept out of errors.
    """

    data: dict[str, Any]
    operation: str = "operation"
    mutation: bool = True
    secrets: Secrets = field(default_factory=Secrets)

    def read(self, model: type[_Model]) -> _Model:
        """The data as `model`; a misfit raised as the facade raises it.

        Raises:
            MalformedResponseError: The data does not fit (`OutcomeUnknownError` for a
                mutation).
        """
        try:
            return model.model_validate(self.data)
        except ValidationError as error:
            attempts = Attempts(
                self.operation,
                mutation=self.mutation,
                policy=DEFAULT_POLICY,
                secrets=self.secrets,
                rng=random.Random(),
            )
            # Never a retry: an answer that arrived whole is not sent for again.
            failure = attempts.failed(error, 0.0).error
        raise failure or AssertionError("the policy has no error for a misfit answer")


class _OperationsBase:
    """What both base clients share: reading an answer after `execute`."""

    #: The generated package's ``UNSET``: variables holding it are not sent.
    unset: ClassVar[object] = None

    def get_data(self, response: OperationData) -> dict[str, Any]:
        """The ``data`` `execute` returned (errors were raised there)."""
        return response.data

    def read(self, response: OperationData, model: type[_Model]) -> _Model:
        """The answer as the operation's result model.

        Raises:
            MalformedResponseError: The answer does not fit the model (for a mutation,
                `OutcomeUnknownError`: it ran, but what it did cannot be read).
        """
        return response.read(model)


class KiliBaseClient(_OperationsBase):
    """The base of a generated ``Client``: runs its operations through a `Kili`.

    Args:
        kili: The facade whose connection, key, settings and retry policy are used.
    """

    def __init__(self, kili: Kili) -> None:
        _require_facade(self, kili, Kili)
        self.kili = kili

    @classmethod
    def from_kili(cls, kili: Kili) -> Self:
        """A client that sends its operations through `kili`, sharing its connection,
        API key and settings (closing `kili` closes it too).

        Raises:
            TypeError: `kili` is not a `kili_typed.Kili`.
        """
        return cls(kili)

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        mutation: bool | None = None,
        **kwargs: Any,
    ) -> OperationData:
        """Runs one operation and returns its ``data``.

        Args:
            query: The GraphQL document.
            operation_name: The operation to run in it.
            variables: Its variables: JSON, input models, or this package's ``UNSET``
                for those not to send.
            mutation: Whether it may write; `None` tells from `query` (and takes an
                operation it cannot find for a mutation: never resent).
            **kwargs: None accepted: timeouts and retries are the facade's options.

        Returns:
            The answer's ``data``, for `read`.

        Raises:
            KiliError: The request failed (`OutcomeUnknownError` for a mutation whose
                answer was lost, `AuthenticationError` for a refused key...).
            TypeError: An option was given.
        """
        request = _Request.of(query, operation_name, variables, self.unset, kwargs, mutation)
        data = self.kili._execute(  # pyright: ignore[reportPrivateUsage]
            query,
            request.operation,
            request.variables,
            mutation=request.mutation,
            secrets=request.secrets,
        )
        return OperationData(data, request.operation, request.mutation, request.secrets)


class AsyncKiliBaseClient(_OperationsBase):
    """The base of a generated ``AsyncClient``: runs its operations through an `AsyncKili`.

    Args:
        kili: The facade whose connection, key, settings and retry policy are used.
    """

    def __init__(self, kili: AsyncKili) -> None:
        _require_facade(self, kili, AsyncKili)
        self.kili = kili

    @classmethod
    def from_kili(cls, kili: AsyncKili) -> Self:
        """A client that sends its operations through `kili`, sharing its connection,
        API key and settings (closing `kili` closes it too).

        Raises:
            TypeError: `kili` is not a `kili_typed.AsyncKili`.
        """
        return cls(kili)

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        mutation: bool | None = None,
        **kwargs: Any,
    ) -> OperationData:
        """Runs one operation and returns its ``data``: `KiliBaseClient.execute`, awaitable.

        Raises:
            KiliError: The request failed.
            TypeError: An option was given.
        """
        request = _Request.of(query, operation_name, variables, self.unset, kwargs, mutation)
        data = await self.kili._execute(  # pyright: ignore[reportPrivateUsage]
            query,
            request.operation,
            request.variables,
            mutation=request.mutation,
            secrets=request.secrets,
        )
        return OperationData(data, request.operation, request.mutation, request.secrets)
