"""The exceptions kili-typed raises, under one base class.

Bad arguments raise the built-in `TypeError` or `ValueError` before any request
is sent, as the documented (type-checked) methods do. Everything that goes
wrong once a request is under way raises a `KiliError`:

    KiliError
    ├── ConfigurationError (also a ValueError): no API key, bad endpoint
    ├── KiliConnectionError: the server could not be reached or the connection broke
    │   └── KiliTimeoutError
    ├── HTTPStatusError: the server answered with an HTTP error status
    │   ├── AuthenticationError (401)
    │   ├── PermissionDeniedError (403)
    │   ├── RateLimitError (429), with `retry_after`
    │   └── ServerError (5xx)
    ├── GraphQLError: the server answered with GraphQL errors
    ├── MalformedResponseError: the answer is not the expected GraphQL JSON
    │   └── ResponseTooLargeError: larger than the client's ``max_answer_bytes``
    ├── ClientClosedError: the client was used after `close()`
    └── OutcomeUnknownError: a mutation may or may not have been applied

A client made for a plain ``http://`` endpoint on another machine than this one
warns with `InsecureEndpointWarning`: the API key would cross the network in clear.

Each is raised once the retry policy has given up; its
`attempts` says how many requests were tried. Messages carry the server's
message and the operation; they never carry the API key or a password.
Nothing raised by httpx, pydantic or the generated packages gets past the
facades: any other exception is a bug of kili-typed, and is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class InsecureEndpointWarning(UserWarning):
    """The endpoint is plain ``http://`` on a host other than this machine: the API key
    would be sent in clear. Use ``https://``, or silence this warning knowingly."""


class KiliError(Exception):
    """Base class of every error kili-typed raises once a call is under way."""

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The GraphQL operation that failed (e.g. ``"users"``), when known.
        self.operation = operation
        #: How many requests were tried before giving up (retries included).
        self.attempts = 1


class ConfigurationError(KiliError, ValueError):
    """The client is misconfigured: no API key, or an unusable endpoint."""


class ConfigFileWarning(UserWarning):
    """A ``kili-sdk-config.json`` was skipped (not valid JSON, unreadable) or holds an API
    key that other users may read. A `UserWarning`, as the official SDK's are."""


class KiliConnectionError(KiliError):
    """The server could not be reached, or the connection broke mid-call."""

    def __init__(
        self, message: str, *, request_sent: bool = True, operation: str | None = None
    ) -> None:
        super().__init__(message, operation=operation)
        #: False when the connection was never established, so the server got nothing.
        self.request_sent = request_sent


class KiliTimeoutError(KiliConnectionError):
    """Connecting to the server, or waiting for its answer, took too long."""


class HTTPStatusError(KiliError):
    """The server answered with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        retry_after: float | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        #: The HTTP status code of the answer.
        self.status_code = status_code
        #: Seconds the server asked to wait before trying again (``Retry-After``), if it said.
        self.retry_after = retry_after


class AuthenticationError(HTTPStatusError):
    """HTTP 401: the API key is missing, unknown, revoked or expired."""


class PermissionDeniedError(HTTPStatusError):
    """HTTP 403: the key's user may not do this."""


class RateLimitError(HTTPStatusError):
    """HTTP 429: too many requests.

    Raised once the retries are spent, or at once when the server asks to wait
    longer than `kili_typed._retry.MAX_RETRY_AFTER`: `retry_after` says how long.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        retry_after: float | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, retry_after=retry_after, operation=operation
        )


class ServerError(HTTPStatusError):
    """HTTP 5xx: the server failed."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of the ``errors`` list of a GraphQL answer."""

    message: str
    code: str | None = None
    path: Sequence[str | int] | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict[str, Any])


class GraphQLError(KiliError):
    """The server answered with GraphQL errors (a refused or invalid operation)."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[GraphQLErrorDetail],
        operation: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message, operation=operation)
        #: Every error the server listed, in order.
        self.errors: list[GraphQLErrorDetail] = list(errors)
        #: Any partial data the server returned beside the errors.
        self.data: Any = data

    @property
    def code(self) -> str | None:
        """The ``extensions.code`` of the first error, e.g. ``"FORBIDDEN"``."""
        return self.errors[0].code if self.errors else None


class MalformedResponseError(KiliError):
    """The answer is not GraphQL JSON of the expected shape."""


class ResponseTooLargeError(MalformedResponseError):
    """The answer was larger than the client's ``max_answer_bytes``; reading stopped there."""


class ClientClosedError(KiliError):
    """The client was used after `close()` (or its `http_client` was closed)."""


class OutcomeUnknownError(KiliError):
    """A mutation was sent but its outcome is unknown; it was not resent.

    Raised when the request may have reached the server and no answer says
    what became of it: a read timeout, a connection broken after sending, a
    5xx answer (but a 503 with ``Retry-After``), an answer cut short or not of
    the expected shape. Sending it again could apply it twice, so it was not.
    Check the server's state (for instance with `users`) before trying again.
    """

    def __init__(
        self, message: str, *, cause: KiliError | None = None, operation: str | None = None
    ) -> None:
        super().__init__(message, operation=operation)
        #: What went wrong, e.g. a `KiliTimeoutError` or a `ServerError`.
        self.cause = cause
