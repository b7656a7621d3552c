"""The `users` overloads the facades are to take, checkable on their own.

Until `Kili` and `AsyncKili` carry them, the typing examples of this directory
call these stand-ins; the wheel check (tools/check_wheel_types.py) proves them
under mypy --strict and pyright strict. Copy each `users` overload block into
the facade as is (the implementation's return type is the facade's own).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Coroutine, Generator
from typing import Any, Literal, TypeVar, overload

from kili_typed import FieldList, UserDict
from kili_typed._constants import DEFAULT_USER_FIELDS
from kili_typed._fields import Selection
from kili_typed._user_fields import DefaultUserField, UserField, UserRow

_F = TypeVar("_F", bound=UserField)


class ProposedKili:
    """`Kili.users` with typed selections."""

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> list[UserRow[_F]]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[True],
    ) -> Generator[UserRow[_F], None, None]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> list[UserRow[_F]]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None,
        skip: int,
        disable_tqdm: bool,
        as_generator: Literal[True],
    ) -> Generator[UserRow[_F], None, None]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        *,
        as_generator: Literal[True],
    ) -> Generator[UserRow[_F], None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> list[UserRow[DefaultUserField]]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[True],
    ) -> Generator[UserRow[DefaultUserField], None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> list[UserDict]: ...

    @overload
    def users(
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: FieldList,
        first: int | None,
        skip: int,
        disable_tqdm: bool,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        *,
        as_generator: Literal[True],
    ) -> Generator[UserDict, None, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> (
        list[UserDict]
        | Generator[UserDict, None, None]
        | list[UserRow[Any]]
        | Generator[UserRow[Any], None, None]
    ): ...

    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> list[Any] | Generator[Any, None, None]:
        raise NotImplementedError


class ProposedAsyncKili:
    """`AsyncKili.users` with typed selections."""

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> Coroutine[Any, Any, list[UserRow[_F]]]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserRow[_F], None]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> Coroutine[Any, Any, list[UserRow[_F]]]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None,
        skip: int,
        disable_tqdm: bool,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserRow[_F], None]: ...

    @overload
    def users(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: Selection[_F],
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        *,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserRow[_F], None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> Coroutine[Any, Any, list[UserRow[DefaultUserField]]]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        *,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserRow[DefaultUserField], None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: Literal[False] = False,
    ) -> Coroutine[Any, Any, list[UserDict]]: ...

    @overload
    def users(
        self,
        api_key: str | None,
        email: str | None,
        organization_id: str | None,
        fields: FieldList,
        first: int | None,
        skip: int,
        disable_tqdm: bool,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserDict, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        *,
        as_generator: Literal[True],
    ) -> AsyncGenerator[UserDict, None]: ...

    @overload
    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> (
        Coroutine[Any, Any, list[UserDict]]
        | AsyncGenerator[UserDict, None]
        | Coroutine[Any, Any, list[UserRow[Any]]]
        | AsyncGenerator[UserRow[Any], None]
    ): ...

    def users(
        self,
        api_key: str | None = None,
        email: str | None = None,
        organization_id: str | None = None,
        fields: FieldList = DEFAULT_USER_FIELDS,
        first: int | None = None,
        skip: int = 0,
        disable_tqdm: bool = False,
        as_generator: bool = False,
    ) -> Coroutine[Any, Any, list[Any]] | AsyncGenerator[Any, None]:
        raise NotImplementedError
