"""Cheap refusals before any resolver runs: depth, aliases, tokens, mutations per request; and, in
production, no introspection and masked unexpected errors (UserErrors and coded errors still
reach the client).

Extensions are passed as classes or factories so that no instance is shared between requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    ExecutionResult,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    ValidationRule,
)
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.domain.errors import ErrorCode
from api.domain.text_safety import contains_unsafe_text
from api.resolvers.documents import document_facts
from api.resolvers.errors import DependencyErrors, ProductionErrors

MAX_DEPTH: Final = 10
MAX_ALIASES: Final = 30
# GraphiQL's own introspection query is about 300 tokens; real operations far fewer.
MAX_TOKENS: Final = 3000
# A form submits one mutation; a few in one request is a convenience, many is an attack.
MAX_MUTATIONS: Final = 3


class MaxMutationsRule(ValidationRule):
    """At most `MAX_MUTATIONS` root fields in a mutation operation (aliases do not help)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        count = len(node.selection_set.selections)
        if count > MAX_MUTATIONS:
            self.report_error(
                GraphQLError(
                    f"At most {MAX_MUTATIONS} mutations per request ({count} given).",
                    node,
                    extensions={"code": "TOO_MANY_MUTATIONS"},
                )
            )


class UnsafeTextGuard(SchemaExtension):
    """Refuses an operation whose string arguments (literals or variables, over HTTP or WebSocket)
    hold NUL or unpaired surrogates, before any resolver runs."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        literals = document_facts(document).string_literals if document is not None else ()
        if contains_unsafe_text(literals) or contains_unsafe_text(execution.variables or {}):
            execution.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "El texto contiene caracteres no permitidos (NUL o sustitutos sueltos).",
                        extensions={"code": ErrorCode.INVALID_FORMAT.value},
                    )
                ],
            )
        yield


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


# Strawberry's limiters build a new rule class per instance; built once here, the same classes
# serve every request, so the validation cache (keyed by document and rules) keeps hitting.
VALIDATION_RULES: Final[tuple[type[ASTValidationRule], ...]] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    MaxMutationsRule,
)


class QueryLimits(MaxTokensLimiter):
    """Strawberry's token limit and, in the same hook, the validation rules built once: depth,
    aliases, mutations per request (and, in production, no introspection). One hook where
    `AddValidationRules` and `DisableIntrospection` would add two more: every hook costs every
    request a few microseconds."""

    rules: tuple[type[ASTValidationRule], ...] = VALIDATION_RULES

    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        execution.validation_rules = (*execution.validation_rules, *self.rules)
        yield from super().on_operation()


class ProductionQueryLimits(QueryLimits):
    rules = (*VALIDATION_RULES, NoSchemaIntrospectionCustomRule)

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            error.message = without_suggestions(error.message)


# graphql-core's validation suggests the names it knows ("Did you mean 'operator'?"): with
# introspection off, that still lets a client recover the schema name by name.
SUGGESTION: Final = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


def limit_extensions(*, production: bool) -> tuple[Extension, ...]:
    if production:
        return (ProductionQueryLimits, UnsafeTextGuard, ProductionErrors)
    return (QueryLimits, UnsafeTextGuard, DependencyErrors)
