"""Running a GraphQL request: parse and validate (cached), price, then execute.

Status codes follow Apollo Server, which Kili runs: 400 for a request that cannot be
executed (syntax, validation, variable values, a cost over the budget), 200 once execution
ran, even if a resolver failed. Before a query runs, its cost is checked against the budget
(``query_cost.py``); while it runs, its wall-clock budget (``deadlines.py``). The queries
clients send most take the fast path (``fast_path.py``), the rest graphql-core's executor.
"""

from __future__ import annotations

import enum
import functools
import sqlite3
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    execute_sync,  # pyright: ignore[reportUnknownVariableType]  (graphql-core's own)
    parse,
    specified_rules,
    validate,
)

from kili_typed_server.core import limits
from kili_typed_server.core.errors import (
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    REQUEST_TIMEOUT,
)
from kili_typed_server.core.records import Caller
from kili_typed_server.graphql import fast_path
from kili_typed_server.graphql.deadlines import Deadline, DeadlineExceeded, TimedExecution
from kili_typed_server.graphql.error_formatting import format_error
from kili_typed_server.graphql.query_cost import Cost, cost_rule, operation_costs, over_budget
from kili_typed_server.graphql.resolvers import RequestContext
from kili_typed_server.graphql.schema import build_schema
from kili_typed_server.service.accounts import Accounts

#: Documents whose parse and validation outcome is kept (the longest kept is
#: ``limits.MAX_CACHED_QUERY_LENGTH``).
_DOCUMENT_CACHE_SIZE = 256


class Later(enum.Enum):
    """:meth:`GraphQLService.authenticate_at_once` could not tell without waiting."""

    LATER = "later"


LATER = Later.LATER


@dataclass(frozen=True)
class Prepared:
    """A parsed and valid document, with the cost of each of its operations by name."""

    document: DocumentNode
    costs: dict[str | None, Cost]


class GraphQLService:
    """Executes GraphQL requests against the accounts service.

    Args:
        accounts: The service the resolvers call, which authenticates keys too.
        schema: The executable schema; built from ``schema.graphql`` by default.
        max_query_cost: The units of work one request may take (see ``query_cost.py``);
            a request over it is refused before it runs.
        request_timeout: Seconds a query may run before it is stopped (see
            ``deadlines.py``).
    """

    def __init__(
        self,
        accounts: Accounts,
        schema: GraphQLSchema | None = None,
        *,
        max_query_cost: int = limits.MAX_QUERY_COST,
        request_timeout: float = limits.REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.accounts = accounts
        self.schema = schema or build_schema()
        self.max_query_cost = max_query_cost
        self.request_timeout = request_timeout
        self._rules = (cost_rule(max_query_cost),)
        # Clients send the same few documents again and again (a listing sends one per
        # page); parsing and validating a document costs more than running it, so the
        # outcome is kept per document text, as Apollo Server's document cache does.
        self._prepare = functools.lru_cache(maxsize=_DOCUMENT_CACHE_SIZE)(self._prepare_uncached)
        # The queries clients send most, answered without the executor's per-field walk;
        # anything it does not cover, and every error, is the executor's.
        self.fast_path = fast_path.FastPath(accounts, self.schema) if fast_path.enabled() else None

    def _prepare_uncached(self, query: str) -> Prepared | tuple[list[GraphQLError], str]:
        """The parsed, valid document of `query`, or its errors and their code."""
        try:
            # The parser stops at the token limit, so a huge document costs no more.
            document = parse(query, max_tokens=limits.MAX_QUERY_TOKENS)
        except GraphQLSyntaxError as error:
            return [error], GRAPHQL_PARSE_FAILED
        # The cost rule first and alone: it is linear, while the standard rules include
        # quadratic ones (overlapping fields) that a document over the limits must not reach.
        validation_errors = validate(self.schema, document, self._rules) or validate(
            self.schema, document, specified_rules
        )
        if validation_errors:
            return validation_errors, GRAPHQL_VALIDATION_FAILED
        return Prepared(document, operation_costs(self.schema, document))

    def prepare(self, query: str) -> Prepared | tuple[list[GraphQLError], str]:
        """Parses and validates `query`, from the cache when it is not too long."""
        if len(query) > limits.MAX_CACHED_QUERY_LENGTH:
            return self._prepare_uncached(query)
        return self._prepare(query)

    def authenticate(self, api_key: str | None) -> Caller | None:
        """Finds the caller owning a key (blocking); ``None`` for no or a refused key."""
        return None if api_key is None else self.accounts.authenticate(api_key)

    def authenticate_at_once(self, api_key: str | None) -> Caller | None | Later:
        """:meth:`authenticate`, without ever waiting: for the event loop's thread.

        One indexed read, which costs less than the hop to a worker thread and back. It
        never waits for SQLite's lock (see ``Database.without_waiting``): when it would,
        the answer is :data:`LATER`, and :meth:`authenticate` must run in a worker.
        """
        if api_key is None:
            return None
        try:
            with self.accounts.database.without_waiting():
                return self.accounts.authenticate(api_key)
        except sqlite3.OperationalError:  # locked, or failing: the worker will tell
            return LATER

    def execute(
        self,
        caller: Caller,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> tuple[dict[str, Any], int]:
        """Runs one authenticated GraphQL request (blocking).

        Args:
            caller: Who sends it, from :meth:`authenticate`.
            query: The document.
            variables: The variables' values, if any.
            operation_name: The operation to run, when the document holds several.

        Returns:
            The JSON body and the HTTP status of the response.
        """
        # From the start: parsing, validating and costing a long document count too.
        started = Deadline(self.request_timeout)
        prepared = self.prepare(query)
        if isinstance(prepared, tuple):
            errors, code = prepared
            return self._errors(errors, code), 400
        problem = self._over_budget(prepared, caller, variables, operation_name)
        if problem is not None:
            return self._errors([GraphQLError(problem)], GRAPHQL_VALIDATION_FAILED), 400
        document = prepared.document
        deadline = None if _is_mutation(document, operation_name) else started
        keep_plan = len(query) <= limits.MAX_CACHED_QUERY_LENGTH
        try:
            return self._run(document, caller, variables, operation_name, deadline, keep_plan)
        except DeadlineExceeded:
            message = (
                f"the query ran longer than {self.request_timeout:g} s and was stopped; "
                "ask for fewer fields or smaller pages"
            )
            return {
                "errors": [{"message": message, "extensions": {"code": REQUEST_TIMEOUT}}],
                "data": None,
            }, 200

    def _run(
        self,
        document: DocumentNode,
        caller: Caller,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        deadline: Deadline | None,
        keep_plan: bool,
    ) -> tuple[dict[str, Any], int]:
        """Executes a valid document within its budget: on the fast path when it covers the
        document, else with graphql-core's executor."""
        if self.fast_path is not None:
            answer = self.fast_path.execute(
                document, caller, variables, operation_name, deadline=deadline, keep_plan=keep_plan
            )
            if answer is not None:
                return answer, 200
        result = execute_sync(
            self.schema,
            document,
            context_value=RequestContext(accounts=self.accounts, caller=caller, deadline=deadline),
            variable_values=variables,
            operation_name=operation_name,
            execution_context_class=TimedExecution,
        )
        if result.errors:
            # Without a path, an error came before execution: variables or operation name.
            if all(error.path is None for error in result.errors):
                return self._errors(result.errors, BAD_USER_INPUT), 400
            formatted = [format_error(error, BAD_USER_INPUT) for error in result.errors]
            return {"errors": formatted, "data": None}, 200
        return {"data": result.data}, 200

    def _over_budget(
        self,
        prepared: Prepared,
        caller: Caller,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> str | None:
        """Why this request of a valid document would cost too much, if it would.

        Its cost depends on the request: the variables' lists and filters, and the size
        of the caller's organization when it selects ``Organization.users`` or scans
        (one count over an index).
        """
        chosen = [
            (name, cost)
            for name, cost in prepared.costs.items()
            if operation_name is None or name == operation_name
        ]
        members = 0
        if any(cost.needs_members for _, cost in chosen):
            members = self.accounts.organization_size(caller.user)
        for name, cost in chosen:
            total = cost.total(variables, members)
            if total > self.max_query_cost:
                shown = "The anonymous operation" if name is None else f'"{name}"'
                return over_budget(shown, total, self.max_query_cost)
        return None

    @staticmethod
    def _errors(errors: list[GraphQLError], phase_code: str) -> dict[str, Any]:
        # Errors that stopped the request before execution: no "data" key, as the GraphQL
        # spec and graphql-js (Kili's server) answer.
        return {"errors": [format_error(error, phase_code) for error in errors]}


def _is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    return any(
        isinstance(d, OperationDefinitionNode)
        and d.operation == OperationType.MUTATION
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        for d in document.definitions
    )
