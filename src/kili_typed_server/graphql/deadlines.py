"""The wall-clock budget of one query: the last resort behind the cost model.

The cost model (``query_cost.py``) refuses what would take too long before it runs; a
:class:`Deadline` stops what gets through and still runs too long (a slow disk, a busy
machine). The executor and the fast path look at it before each field they resolve, so a
query stops within one field of its deadline; the request is then answered with one
error instead of its data.

:class:`DeadlineExceeded` is a ``BaseException``: graphql-core turns every ``Exception``
a resolver raises into an error of that field and goes on with the next field and row,
which would cost as much again; this one goes through, out of the whole execution.
Mutations get no deadline: stopping one half-way through its root fields would leave
writes the client is told failed.
"""

from __future__ import annotations

import time
from typing import Any

from graphql import ExecutionContext, FieldNode, GraphQLObjectType
from graphql.pyutils import Path


class DeadlineExceeded(BaseException):
    """A query ran past its :class:`Deadline`."""


class Deadline:
    """The moment a query must be done by.

    Args:
        seconds: The budget, from now.
    """

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def __repr__(self) -> str:
        return f"Deadline({self.seconds:g} s)"

    def check(self) -> None:
        """Raises :class:`DeadlineExceeded` once the moment has passed."""
        if time.monotonic() > self.at:
            raise DeadlineExceeded


class TimedExecution(ExecutionContext):
    """graphql-core's execution, looking at the request's deadline before each field.

    The deadline is the context's ``deadline`` attribute (``None``: no deadline).
    """

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        deadline: Deadline | None = getattr(self.context_value, "deadline", None)
        if deadline is not None:
            deadline.check()
        return super().execute_field(parent_type, source, field_nodes, path)
