"""Limits the local server enforces, in one place.

Every bound on what a request may ask of the server lives here, so that a reviewer can see
the whole policy at a glance and tests can refer to the same numbers.
"""

from __future__ import annotations

#: Largest page a client may ask for with ``first`` (the ``PageSize`` scalar).
MAX_PAGE_SIZE = 100
#: Page size used when a query gives no ``first``.
DEFAULT_PAGE_SIZE = 100
#: Largest accepted request body, in bytes.
MAX_BODY_BYTES = 1024 * 1024
#: Deepest selection accepted outside introspection (``users { organization { id } }`` is 3).
MAX_QUERY_DEPTH = 10
#: Most fields one operation may select, counting fragments and aliases (introspection aside).
MAX_SELECTED_FIELDS = 1000
#: Longest accepted email address (RFC 5321 path limit).
MAX_EMAIL_LENGTH = 254
#: Longest accepted first name, last name, organization or key name.
MAX_NAME_LENGTH = 200
#: Longest accepted password; scrypt's cost does not depend on it, this only bounds memory.
MAX_PASSWORD_LENGTH = 1024
#: Shortest accepted password.
MIN_PASSWORD_LENGTH = 8
#: Shortest API key the operator may choose with ``--api-key``.
MIN_API_KEY_LENGTH = 16
#: Longest API key accepted in a header or an argument.
MAX_API_KEY_LENGTH = 256
#: Largest ``idIn`` list accepted in a ``UserWhere``.
MAX_ID_IN = 10_000
#: Days an API key stays valid unless told otherwise.
DEFAULT_KEY_VALIDITY_DAYS = 365
#: Minutes a password-reset token stays valid.
RESET_TOKEN_VALIDITY_MINUTES = 60
#: Milliseconds a writer waits for SQLite's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
