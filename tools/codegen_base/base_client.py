"""The base of the generated sync client: it posts through an ordinary
``httpx.Client`` and reads each answer once (``wire.read_data``).

Copied into the generated package by ariadne-codegen (``base_client_file_path``)
from ``tools/codegen_base/``: edit it there. ``async_base_client.py`` is its async twin; what
they share is ``wire.Posting``, whose arguments it takes.
"""

from typing import Any, TypeVar

import httpx

from .wire import Posting

Self = TypeVar("Self", bound="BaseClient")


class BaseClient(Posting[httpx.Client]):
    """Posts operations through an ``httpx.Client``."""

    def new_http_client(self, headers: dict[str, str] | None) -> httpx.Client:
        return httpx.Client(headers=headers)

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        self.http_client.close()

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Post one operation; the answer, read but not checked (see `get_data`)."""
        arguments = self.post_arguments(query, operation_name, variables, kwargs)
        return self.http_client.post(**arguments)
