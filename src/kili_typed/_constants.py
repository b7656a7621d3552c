"""Named numbers and strings the client relies on, in one place."""

from __future__ import annotations

#: The path of Kili's GraphQL endpoint on every server.
GRAPHQL_PATH = "/api/label/v2/graphql"
DEFAULT_API_ENDPOINT = "https://cloud.kili-technology.com" + GRAPHQL_PATH
API_KEY_ENV = "KILI_API_KEY"
API_ENDPOINT_ENV = "KILI_API_ENDPOINT"

#: The header Kili reads the key from, and the literal prefix of its value.
AUTH_HEADER = "Authorization"
AUTH_PREFIX = "X-API-Key: "

CLIENT_NAME = "kili-typed"

#: Kili documents `first` as between 0 and 100; official clients page by 100.
PAGE_SIZE = 100

#: Seconds to establish a connection, and to wait for each read of an answer.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0

#: The fields `users` returns when none are named, as documented.
DEFAULT_USER_FIELDS: tuple[str, ...] = ("email", "id", "firstname", "lastname")

#: The fields `get_current_user` returns when none are named, as the official SDK documents.
DEFAULT_CURRENT_USER_FIELDS: tuple[str, ...] = ("email", "id", "firstname", "lastname")

#: The fields `organizations` returns when none are named, as the official SDK documents.
DEFAULT_ORGANIZATION_FIELDS: tuple[str, ...] = ("id", "name")

#: Pages of a `users` listing requested at once, by default.
DEFAULT_MAX_CONCURRENT_PAGES = 10

#: The largest answer body a client accepts, once inflated.
DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024
