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
#: Most tokens (names, punctuation, values) a GraphQL document may hold; counted by the
#: parser, which stops at the limit, so a huge document costs no more than this to refuse.
#: The standard introspection query has about 300.
MAX_QUERY_TOKENS = 10_000
#: Longest document whose parsing, validation and fast-path plan are kept for the next
#: request of the same text (clients send the same few documents again and again).
MAX_CACHED_QUERY_LENGTH = 20_000
#: Document text kept for automatic persisted queries (``persisted_queries.py``), in
#: bytes; beyond, the least recently used documents are forgotten.
MAX_PERSISTED_QUERY_BYTES = 8 * 1024 * 1024
#: Requests the test kit's request log keeps, and the request bodies' bytes it keeps them
#: for: beyond either, the oldest are forgotten.
MAX_LOGGED_REQUESTS = 10_000
MAX_LOGGED_BYTES = 64 * 1024 * 1024
#: Units of work one request may take (see ``query_cost.py``): each field counts once per
#: item of every list around it (a paged list as its ``first``, 100 when not a literal;
#: ``Organization.users`` as the caller's organization's users), aliases as copies, and
#: each item of a list argument (``idIn``) once per time its field runs. A full 100-user
#: page with every field costs about 3,000; the e-mails of 10,000 users about 10,000.
#: ``kili-typed server serve --max-query-cost`` changes it.
MAX_QUERY_COST = 50_000
#: Rows a scan may visit for one unit of work (see ``scan_rows.py``): walking an index
#: entry costs SQLite well under a microsecond, about a tenth of what answering one field
#: value costs. A ``countUsers`` in a 10,000-user organization costs 1,000 units; the
#: budget lets one request visit 500,000 rows (about a quarter of a second).
ROWS_PER_UNIT = 10
#: Seconds a query may run before it is stopped and answered with an error: the last
#: resort behind the cost model. ``kili-typed server serve --request-timeout`` changes it.
REQUEST_TIMEOUT_SECONDS = 10.0
#: Deepest selection accepted inside introspection (``__schema``, ``__type``), whose
#: ``ofType { ofType { ... } }`` chains nest deeper than data queries.
MAX_INTROSPECTION_DEPTH = 20
#: ``__schema`` fields an operation may select: one answers the whole schema.
MAX_SCHEMA_INTROSPECTIONS = 1
#: Root fields a mutation may hold, aliases included (official clients send one).
MAX_ROOT_MUTATION_FIELDS = 5
#: Users ``Organization.users`` (not paged) may answer in one request, over all its copies.
MAX_UNPAGED_USERS_PER_REQUEST = 10_000
#: Deepest nesting of arrays and objects accepted in a request body.
MAX_JSON_DEPTH = 64
#: Seconds a client has to send the whole request body once its headers are in.
BODY_READ_TIMEOUT_SECONDS = 30.0
#: Seconds a connection may take to send a request's headers (from its opening, or from
#: the end of the previous answer), before it is closed.
HEADER_READ_TIMEOUT_SECONDS = 10.0
#: Seconds an idle keep-alive connection is kept open.
KEEP_ALIVE_TIMEOUT_SECONDS = 5
#: Seconds ``serve`` waits, once told to stop (SIGTERM, Ctrl+C), for the requests in
#: flight to finish before cancelling them (uvicorn's ``timeout_graceful_shutdown``).
SHUTDOWN_GRACE_SECONDS = 3
#: How long a thread of ``serve`` holds the GIL before another may take it (Python's
#: default is 5 ms): the event loop waits for it after each I/O step of an answer.
SWITCH_INTERVAL_SECONDS = 0.001
#: Open connections served at once; beyond, the oldest connection still sending its
#: headers is closed to make room, so a slow-headers flood cannot lock anyone out.
MAX_CONNECTIONS = 512
#: Largest request head (request line and headers), in bytes.
MAX_HEADER_BYTES = 64 * 1024
#: Requests a minute from one client address that carry no valid API key (missing,
#: unknown, revoked...): 401s are cheap, but not free.
UNAUTHENTICATED_REQUESTS_PER_MINUTE = 600
#: GraphQL requests of one API key that run at once (see ``key_concurrency.py``); more
#: wait their turn without holding a worker thread. ``kili-typed server serve
#: --max-concurrent-requests`` changes it.
MAX_CONCURRENT_REQUESTS_PER_KEY = 4
#: Requests of one key that may wait for a turn, per request it may run at once; beyond,
#: 429 with Retry-After.
WAITING_REQUESTS_PER_TURN = 4
#: Password resets that may be pending (issued, unused, unexpired) for one user.
MAX_PENDING_RESETS_PER_USER = 3
