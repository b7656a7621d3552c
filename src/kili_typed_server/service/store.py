"""The entry point on a database file: :class:`Store` opens it and holds its parts.

``Store(path)`` is the operator's in-process administration API (``create_user``,
``create_api_key``, ``bootstrap``... from :class:`Administration`), used by
``kili-typed server serve``, ``kili-typed server keys`` and by tests; :attr:`Store.accounts` is the
service the GraphQL API runs on. It needs only the standard library.
"""

from __future__ import annotations

from pathlib import Path

from kili_typed_server.core.clock import Clock, utc_now
from kili_typed_server.service.accounts import Accounts
from kili_typed_server.service.administration import Administration
from kili_typed_server.service.passwords import PRODUCTION_HASHER, PasswordHasher
from kili_typed_server.storage.database import Database


class Store(Administration):
    """Organizations, users and API keys kept in one SQLite file.

    Args:
        path: The database file; created with its tables when missing.
        clock: Returns the current time; tests pass a fake one to check expiry.
        hasher: How passwords are hashed: production-strength scrypt by default. Test
            servers pass :data:`~kili_typed_server.service.passwords.INSECURE_TEST_HASHER`; a
            hash records its cost, so any store verifies it.
        digest_secret: The secret keys and tokens are digested under, when kept outside
            the database; by default it is kept inside (see
            :class:`~kili_typed_server.storage.database.Database`).

    Attributes:
        path: The database file.
        database: Its connections and transactions.
        accounts: The service the API runs on, where every permission check lives.

    Examples:
        >>> store = Store("kili-local.db")  # doctest: +SKIP
        >>> key, _ = store.create_api_key("jane@example.com", name="CI")  # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock = utc_now,
        hasher: PasswordHasher = PRODUCTION_HASHER,
        digest_secret: str | None = None,
    ) -> None:
        database = Database(path, secret=digest_secret)
        super().__init__(database, Accounts(database, hasher=hasher, clock=clock))
        self.path = database.path

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def close(self) -> None:
        """Closes every connection the store opened, in any thread."""
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
