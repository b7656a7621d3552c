"""kili-typed: a typed, fast, drop-in client for the Kili Technology user API.

Examples:
    ```
    >>> from kili_typed import Kili
    >>> with Kili() as kili:  # reads KILI_API_KEY and KILI_API_ENDPOINT
    ...     for user in kili.users(fields=["id", "email"], as_generator=True):
    ...         print(user["email"])
    ```
"""

from typing import TYPE_CHECKING

from ._client import Kili
from ._fields import FieldSelection, Selection, select_fields
from ._rows import wrap_rows
from ._types import (
    ApiKeyDict,
    DefaultOrganizationDict,
    FieldList,
    HubspotSubscriptionStatus,
    MutationResult,
    OrganizationDict,
    OrganizationRole,
    UserDict,
)
from ._user_fields import (
    DefaultUserField,
    F,
    UserApiKeysRow,
    UserField,
    UserFieldNames,
    UserOrganizationRow,
    UserOrganizationsRow,
    UserRow,
    user_fields,
)
from ._version import __version__
from .errors import (
    AuthenticationError,
    ClientClosedError,
    ConfigFileWarning,
    ConfigurationError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InsecureEndpointWarning,
    KiliConnectionError,
    KiliError,
    KiliTimeoutError,
    MalformedResponseError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)

__all__ = [
    "ApiKeyDict",
    "AsyncKili",
    "AuthenticationError",
    "ClientClosedError",
    "ConfigFileWarning",
    "ConfigurationError",
    "DefaultOrganizationDict",
    "DefaultUserField",
    "F",
    "FieldList",
    "FieldSelection",
    "GraphQLError",
    "GraphQLErrorDetail",
    "HTTPStatusError",
    "HubspotSubscriptionStatus",
    "InsecureEndpointWarning",
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
    "ResponseTooLargeError",
    "Selection",
    "ServerError",
    "UserApiKeysRow",
    "UserDict",
    "UserField",
    "UserFieldNames",
    "UserOrganizationRow",
    "UserOrganizationsRow",
    "UserRow",
    "__version__",
    "select_fields",
    "user_fields",
    "wrap_rows",
]

if TYPE_CHECKING:
    from ._async_client import AsyncKili
else:
    # Defined for the interpreter only: type checkers see `AsyncKili` above, and any
    # other name imported from kili_typed is an error for them, as it is at run time.

    def __getattr__(name: str) -> object:
        # AsyncKili loads the async generated client: only on first use, so that
        # `import kili_typed` stays fast for sync code.
        if name == "AsyncKili":
            from ._async_client import AsyncKili

            return AsyncKili
        raise AttributeError(f"module 'kili_typed' has no attribute {name!r}")
