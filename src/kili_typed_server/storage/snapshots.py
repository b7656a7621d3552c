"""Copies of a whole database in memory, put back in place in a few milliseconds.

A test server takes a :class:`Snapshot` once its first state is ready (the bootstrap
organization, admin and key, and any seeds) and restores it before each test, with
SQLite's online backup API, instead of starting a new server: the running server's
connections see the restored rows at once, and the per-database secret under which keys
are digested comes back with them. Standard library only.
"""

from __future__ import annotations

import sqlite3
import threading

from kili_typed_server.storage.database import Database


class Snapshot:
    """The content of a database at one moment, held in memory.

    Args:
        database: The database to copy now.
    """

    def __init__(self, database: Database) -> None:
        self._copy = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        database.connection().backup(self._copy)

    def restore(self, database: Database) -> None:
        """Puts the copied content back into `database`, replacing all of it.

        The backup runs as one write on this thread's connection: it waits for the write
        lock like any writer, and readers on other connections see either the state
        before or the state after.

        Args:
            database: The database copied, or one of the same page size.
        """
        with self._lock:
            self._copy.backup(database.connection())

    def close(self) -> None:
        """Frees the copy."""
        with self._lock:
            self._copy.close()
