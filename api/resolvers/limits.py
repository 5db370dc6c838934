"""Cheap refusals before any resolver runs: depth, aliases, tokens, mutations per request; and, in
production, no introspection and masked unexpected errors (UserErrors and coded errors still
reach the client).

Extensions are passed as classes or factories so that no instance is shared between requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    ValidationRule,
    Visitor,
    visit,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from api.domain.errors import ErrorCode
from api.domain.text_safety import contains_unsafe_text
from api.resolvers.errors import DependencyErrors

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
        literals = [node.value for node in _string_values(document)] if document is not None else []
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


def _string_values(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Collector(Visitor):
        def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
            found.append(node)

    visit(document, Collector())
    return found


def has_code(error: GraphQLError) -> bool:
    return bool(error.extensions and "code" in error.extensions)


def should_mask(error: GraphQLError) -> bool:
    """Mask what escaped as an exception without a code (a bug); keep validation errors and the
    errors our resolvers raise on purpose (they carry `extensions.code`)."""
    return error.original_error is not None and not has_code(error)


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


# Strawberry's limiters build a new rule class per instance; built once here, the same classes
# serve every request, so the validation cache (keyed by document and rules) keeps hitting.
VALIDATION_RULES: Final[tuple[type[ASTValidationRule], ...]] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    MaxMutationsRule,
)


def limit_extensions(*, production: bool) -> tuple[Extension, ...]:
    extensions: list[Extension] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(list(VALIDATION_RULES)),
        UnsafeTextGuard,
        DependencyErrors,
    ]
    if production:
        extensions += [
            DisableIntrospection,
            lambda: MaskErrors(should_mask_error=should_mask, error_message="Error inesperado."),
        ]
    return tuple(extensions)
