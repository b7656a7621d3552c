"""The base of the generated async client: it posts through an ordinary
``httpx.AsyncClient`` and reads each answer once (``wire.read_data``).

Copied into the generated package by ariadne-codegen (``base_client_file_path``)
from ``tools/codegen_base/``: edit it there. ``base_client.py`` is its sync twin.
"""

from typing import Any, TypeVar

import httpx

from .wire import read_data, request_body

Self = TypeVar("Self", bound="AsyncBaseClient")


class AsyncBaseClient:
    """Posts operations through `http_client` (one of its own when none is given).

    Args:
        url: The GraphQL endpoint.
        headers: Headers sent with every request, over any given to a call.
        http_client: The ``httpx.AsyncClient`` to post through.
        timeout: The timeout of every request; the client's own when None.
        extensions: httpx request extensions sent with every request.
    """

    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        *,
        timeout: httpx.Timeout | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self.headers = headers
        self.http_client: httpx.AsyncClient = (
            http_client if http_client else httpx.AsyncClient(headers=headers)
        )
        self.timeout = timeout
        self.extensions = extensions

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
        headers = {**(kwargs.pop("headers", None) or {}), **(self.headers or {})}
        if self.timeout is not None:
            kwargs.setdefault("timeout", self.timeout)
        if self.extensions:
            kwargs.setdefault("extensions", self.extensions)
        return await self.http_client.post(
            url=self.url,
            json=request_body(query, operation_name, variables),
            headers=headers,
            **kwargs,
        )

    def get_data(self, response: httpx.Response) -> dict[str, Any]:
        """The ``data`` of a successful GraphQL answer (see ``wire.read_data``)."""
        return read_data(response)
