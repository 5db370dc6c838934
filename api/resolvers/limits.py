"""Cheap refusals before any resolver runs: depth, aliases, tokens, mutations per request; and, in
production, no introspection and masked unexpected errors (UserErrors and coded errors still
reach the client).

Extensions are passed as classes or factories so that no instance is shared between requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from graphql import GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

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


def has_code(error: GraphQLError) -> bool:
    return bool(error.extensions and "code" in error.extensions)


def should_mask(error: GraphQLError) -> bool:
    """Mask what escaped as an exception without a code (a bug); keep validation errors and the
    errors our resolvers raise on purpose (they carry `extensions.code`)."""
    return error.original_error is not None and not has_code(error)


Extension = type[SchemaExtension] | Callable[[], SchemaExtension]


# Strawberry's limiters build a new rule class per instance; built once here, the same classes
# serve every request, so the validation cache (keyed by document and rules) keeps hitting.
VALIDATION_RULES: Final[tuple[type[ValidationRule], ...]] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    MaxMutationsRule,
)


def limit_extensions(*, production: bool) -> tuple[Extension, ...]:
    extensions: list[Extension] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(list(VALIDATION_RULES)),
        DependencyErrors,
    ]
    if production:
        extensions += [
            DisableIntrospection,
            lambda: MaskErrors(should_mask_error=should_mask, error_message="Error inesperado."),
        ]
    return tuple(extensions)
