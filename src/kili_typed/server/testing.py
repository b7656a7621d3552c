"""Known credentials and helpers for tests that run against a :class:`LocalServer`."""

from __future__ import annotations

from pathlib import Path

from kili_typed.server.local import LocalServer

#: The admin's API key of a test server.
TEST_API_KEY = "kt_test-admin-key-0123456789abcdef"
#: The admin's email of a test server.
TEST_ADMIN_EMAIL = "admin@example.com"
#: The admin's password of a test server.
TEST_ADMIN_PASSWORD = "admin-pass-0123"


def make_test_server(db_path: str | Path) -> LocalServer:
    """Makes a (not yet started) server on ``db_path`` with the known test credentials.

    Args:
        db_path: The SQLite file, usually under pytest's ``tmp_path``.

    Returns:
        The server; use it as a context manager.
    """
    return LocalServer(
        db_path,
        api_key=TEST_API_KEY,
        admin_email=TEST_ADMIN_EMAIL,
        admin_password=TEST_ADMIN_PASSWORD,
    )
