"""kili-typed: a typed, fast, drop-in client for the Kili Technology user API.

Examples:
    ```
    >>> from kili_typed import Kili
    >>> with Kili() as kili:  # reads KILI_API_KEY and KILI_API_ENDPOINT
    ...     for user in kili.users(fields=["id", "email"], as_generator=True):
    ...         print(user["email"])
    ```
"""

from typing import TYPE_CHECKING, Any

from ._client import Kili
from ._fields import FieldSelection, select_fields
from ._types import (
    ApiKeyDict,
    FieldList,
    HubspotSubscriptionStatus,
    MutationResult,
    OrganizationDict,
    OrganizationRole,
    UserDict,
)
from ._version import __version__
from .errors import (
    AuthenticationError,
    ConfigFileWarning,
    ConfigurationError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
    MalformedResponseError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

__all__ = [
    "ApiKeyDict",
    "AsyncKili",
    "AuthenticationError",
    "ConfigFileWarning",
    "ConfigurationError",
    "FieldList",
    "FieldSelection",
    "GraphQLError",
    "GraphQLErrorDetail",
    "HTTPStatusError",
    "HubspotSubscriptionStatus",
    "Kili",
    "KiliConnectionError",
    "KiliError",
    "KiliTimeoutError",
    "MalformedResponseError",
    "MutationResult",
    "OrganizationDict",
    "OrganizationRole",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UserDict",
    "__version__",
    "select_fields",
]

if TYPE_CHECKING:
    from ._async_client import AsyncKili


def __getattr__(name: str) -> Any:
    # AsyncKili loads the async generated client: only on first use, so that
    # `import kili_typed` stays fast for sync code.
    if name == "AsyncKili":
        from ._async_client import AsyncKili

        return AsyncKili
    raise AttributeError(f"module 'kili_typed' has no attribute {name!r}")
