"""Cheap refusals before any resolver runs: depth, aliases, tokens, mutations per request; and, in
production, no introspection and masked unexpected errors (UserErrors and coded errors still
reach the client).

Extensions are passed as classes or factories so that no instance is shared between requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

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

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import Detail, error_message
from api.domain.text_safety import contains_unsafe_text
from api.domain.vocabulary import Locale
from api.graphql.documents import document_facts
from api.graphql.masking import DependencyErrors, ProductionErrors

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

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


def unsafe_text_refusal(execution: ExecutionContext) -> ExecutionResult | None:
    """An operation whose string arguments (literals or variables, over HTTP or WebSocket) hold
    NUL or unpaired surrogates is refused before any resolver runs."""
    document = execution.graphql_document
    literals = document_facts(document).string_literals if document is not None else ()
    if not (contains_unsafe_text(literals) or contains_unsafe_text(execution.variables or {})):
        return None
    locale = getattr(execution.context, "locale", Locale.ES)
    refusal = FieldError(None, ErrorCode.INVALID_FORMAT, {"expected": Detail.SAFE_TEXT})
    return ExecutionResult(
        data=None,
        errors=[
            GraphQLError(
                error_message(refusal, locale),
                extensions={"code": ErrorCode.INVALID_FORMAT.value},
            )
        ],
    )


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


# Strawberry's limiters build a new rule class per instance; built once here, the same classes
# serve every request, so the validation cache (keyed by document and rules) keeps hitting.
VALIDATION_RULES: Final[tuple[type[ASTValidationRule], ...]] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    MaxMutationsRule,
)
# Production hides the schema: no introspection (and, in the schema's config, no "Did you
# mean …?" suggestions, which would give it away name by name).
PRODUCTION_RULES: Final = (*VALIDATION_RULES, NoSchemaIntrospectionCustomRule)


class QueryLimits(MaxTokensLimiter):
    """Strawberry's token limit and, in the same hook, the validation rules built once (depth,
    aliases, mutations per request; in production, no introspection): one extension where
    `MaxTokensLimiter` and `AddValidationRules` would be two, and Strawberry asks every
    extension for each of its hooks on every request."""

    rules: tuple[type[ASTValidationRule], ...] = VALIDATION_RULES

    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        execution.validation_rules = (*execution.validation_rules, *self.rules)
        yield from super().on_operation()


class ProductionQueryLimits(QueryLimits):
    rules = PRODUCTION_RULES


def limit_extensions(*, production: bool) -> tuple[Extension, ...]:
    if production:
        return (ProductionQueryLimits, ProductionErrors)
    return (QueryLimits, DependencyErrors)
