"""The ariadne-codegen plugin of ``kili-typed codegen``: each generated method hands its
whole operation to kili-typed's runtime.

ariadne-codegen ends each client method with::

    response = self.execute(query=..., operation_name="CreateUser", variables=..., **kwargs)
    data = self.get_data(response)
    return CreateUser.model_validate(data)

This plugin makes it::

    response = self.execute(query=..., operation_name=..., variables=..., mutation=True, **kwargs)
    return self.read(response, CreateUser)

so that the runtime (`kili_typed.runtime`) knows from the document, not from a guess,
whether the operation may write, and reads the answer into the result model with the
facade's error mapping: an answer that does not fit the model raises
`MalformedResponseError` (`OutcomeUnknownError` for a mutation), as in the facade's own
methods. Loaded by ariadne-codegen at generation time only; needs the ``codegen`` extra.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin
from graphql import OperationDefinitionNode, OperationType


def _is_self_call(node: ast.AST | None, method: str) -> bool:
    """Whether `node` is ``self.<method>(...)`` (awaited or not)."""
    if isinstance(node, ast.Await):
        node = node.value
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )


class KiliRuntimePlugin(Plugin):
    """Rewrites the end of each client method onto the runtime's `execute` and `read`."""

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        mutation = operation_definition.operation is not OperationType.QUERY
        body: list[ast.stmt] = []
        for statement in method_def.body:
            if isinstance(statement, ast.Assign) and _is_self_call(statement.value, "get_data"):
                continue  # read() takes the data from the response itself
            if isinstance(statement, ast.Assign) and _is_self_call(statement.value, "execute"):
                call = statement.value
                call = call.value if isinstance(call, ast.Await) else call
                assert isinstance(call, ast.Call)
                spread = [i for i, k in enumerate(call.keywords) if k.arg is None]
                call.keywords.insert(
                    spread[0] if spread else len(call.keywords),  # before **kwargs
                    ast.keyword(arg="mutation", value=ast.Constant(value=mutation)),
                )
            if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Call):
                model = statement.value.func
                if isinstance(model, ast.Attribute) and model.attr == "model_validate":
                    statement = ast.Return(
                        value=ast.Call(
                            func=ast.Attribute(value=ast.Name(id="self"), attr="read"),
                            args=[ast.Name(id="response"), model.value],
                            keywords=[],
                        )
                    )
            body.append(statement)
        method_def.body = body
        return method_def
