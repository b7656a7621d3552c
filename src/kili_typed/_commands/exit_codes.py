"""The exit statuses of the client commands (`kili-typed users ...`, `kili-typed schema ...`).

One table decides which failure gets which status, so that scripts can tell a typo from
an expired key from a server that is down. `exit_code_for` is the single predicate.
"""

from __future__ import annotations

from kili_typed.errors import (
    AuthenticationError,
    ConfigurationError,
    GraphQLError,
    HTTPStatusError,
    KiliConnectionError,
    KiliError,
    MalformedResponseError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

#: The command did what was asked.
OK = 0
#: The server refused the request: a GraphQL error (an email already taken, a wrong old
#: password, an unknown user), a permission denied (403) or another 4xx answer.
REFUSED = 1
#: Bad usage: an unknown option, a bad value (unknown field, negative --first), a missing
#: API key or password, or an endpoint that is not a URL. Nothing was sent.
USAGE = 2
#: The server did not accept the API key (401): unknown, revoked or expired.
AUTHENTICATION = 3
#: The server or the network failed: unreachable, timed out, 5xx, rate limited, an answer
#: that is not GraphQL, or a mutation whose outcome is unknown.
UNAVAILABLE = 4
#: `schema diff` found breaking changes, or an operation that no longer validates.
SCHEMA_DRIFT = 5
#: Interrupted (Ctrl-C), as shells report SIGINT.
INTERRUPTED = 130

#: The table printed at the end of each client command's ``--help``.
HELP = f"""\
exit status:
  {OK}    success
  {REFUSED}    the server refused the request (GraphQL error, 403, other 4xx)
  {USAGE}    bad usage or configuration; nothing was sent
  {AUTHENTICATION}    authentication failed: the API key was not accepted (401)
  {UNAVAILABLE}    server or network error (unreachable, timeout, 5xx, 429, bad answer)
  {SCHEMA_DRIFT}    schema diff only: breaking changes or invalid operations
  {INTERRUPTED}  interrupted"""


def exit_code_for(error: BaseException) -> int | None:
    """The exit status for an error that ends a client command.

    Args:
        error: What the command raised.

    Returns:
        One of the constants of this module, or ``None`` for an error no command expects
        (a bug), which should then propagate with its traceback.
    """
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(error, ConfigurationError):
        return USAGE
    if isinstance(error, AuthenticationError):
        return AUTHENTICATION
    if isinstance(error, (GraphQLError, PermissionDeniedError)):
        return REFUSED
    if isinstance(
        error,
        (
            KiliConnectionError,
            ServerError,
            RateLimitError,
            MalformedResponseError,
            OutcomeUnknownError,
        ),
    ):
        return UNAVAILABLE
    if isinstance(error, HTTPStatusError):
        return REFUSED
    if isinstance(error, KiliError):
        return UNAVAILABLE
    # The facade checks every argument before sending and raises these built-ins.
    if isinstance(error, (ValueError, TypeError)):
        return USAGE
    return None
