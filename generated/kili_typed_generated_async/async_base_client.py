"""The base of the generated async client: it posts through an ordinary
``httpx.AsyncClient`` and reads each answer once (``wire.read_data``).

Copied into the generated package by ariadne-codegen (``base_client_file_path``)
from ``tools/codegen_base/``: edit it there. ``base_client.py`` is its sync twin; what
they share is ``wire.Posting``, whose arguments it takes.
"""

from typing import Any, TypeVar

import httpx

from .wire import Posting

Self = TypeVar("Self", bound="AsyncBaseClient")


class AsyncBaseClient(Posting[httpx.AsyncClient]):
    """Posts operations through an ``httpx.AsyncClient``."""

    def new_http_client(self, headers: dict[str, str] | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(headers=headers)

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, exc_type: object, exc_val: object, exc_tb: object) -> None:
        await self.http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Post one operation; the answer, read but not checked (see `get_data`)."""
        arguments = self.post_arguments(query, operation_name, variables, kwargs)
        return await self.http_client.post(**arguments)
