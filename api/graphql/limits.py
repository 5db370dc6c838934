"""Cheap refusals before any resolver runs: depth, aliases, tokens, mutations per request, text
that is not text; in production also introspection. api/graphql/pipeline.py applies them to
every operation."""

from __future__ import annotations

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
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import Detail, RequestRefusal, error_message, refusal_message
from api.domain.text_safety import contains_unsafe_text
from api.domain.vocabulary import Locale
from api.graphql.documents import document_facts

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
            # Validation results are kept per document, whoever sends it: the numbers travel in
            # the extensions, and the caller's language is given later (api/graphql/masking.py).
            refusal = RequestRefusal.TOO_MANY_MUTATIONS
            params: dict[str, object] = {"limit": MAX_MUTATIONS, "count": count}
            self.report_error(
                GraphQLError(
                    refusal_message(refusal, Locale.ES, **params),
                    node,
                    extensions={"code": refusal.value, **params},
                )
            )


def unsafe_text_refusal(execution: ExecutionContext) -> ExecutionResult | None:
    """An operation whose string arguments (literals or variables, over HTTP or WebSocket) hold
    NUL or unpaired surrogates is refused before any resolver runs."""
    document = execution.graphql_document
    unsafe_literals = document is not None and document_facts(document).unsafe_literals
    if not (unsafe_literals or contains_unsafe_text(execution.variables or {})):
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


def add_query_limits(execution: ExecutionContext, *, production: bool) -> None:
    """The token limit of the parser (as Strawberry's `MaxTokensLimiter` sets it) and the
    validation rules built once (depth, aliases, mutations per request; in production, no
    introspection)."""
    execution.parse_options["max_tokens"] = MAX_TOKENS
    rules = PRODUCTION_RULES if production else VALIDATION_RULES
    execution.validation_rules = (*execution.validation_rules, *rules)
