"""The API's own work around every GraphQL operation, as one schema extension with one hook.

Strawberry asks every extension for each of its hooks on every request and wraps each hook it
finds in a new context manager: each hook cost about as much as the step it ran
(docs/performance.md). So the whole pipeline is the operation hook, each step a named function in
the module that owns its rule, called in this order:

- before anything reads the query: the persisted query (api/graphql/persisted_queries.py), the
  token limit and the validation rules (api/graphql/limits.py), the start of its observation
  (api/observability/graphql.py);
- parsing and validation through Strawberry's own `ParserCache` and `ValidationCache`
  (api/graphql/caching.py), whose results Strawberry's parse and validation steps then find in
  place; a query that does not parse is left to Strawberry's parse step, which reports it;
- for an operation that validated: the refusals (api/graphql/operation_checks.py), then a public
  query's kept answer (api/graphql/caching.py), which spares executing it; Strawberry executes
  only when no extension has given the result yet;
- after the operation: a public query's answer is kept; the validation's errors get their code,
  and the other request-level ones (api/graphql/request_errors.py), then what a client may see
  of the errors (api/graphql/masking.py), the HTTP caching headers, and the end of the
  observation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from api.graphql.caching import (
    ANSWERS,
    AnswerKey,
    answer_key,
    is_public_query,
    keep_answer,
    parse_and_validate,
    set_cache_headers,
)
from api.graphql.limits import add_query_limits
from api.graphql.masking import show_errors
from api.graphql.operation_checks import operation_refusal
from api.graphql.persisted_queries import use_persisted_query
from api.graphql.request_errors import (
    code_parse_failure,
    code_request_errors,
    code_validation_errors,
)
from api.observability.graphql import OperationObserver


class RequestPipeline(SchemaExtension):
    """See the module. Unexpected errors keep their text (development)."""

    production: ClassVar[bool] = False

    async def on_operation(self) -> AsyncIterator[None]:
        execution = self.execution_context
        use_persisted_query(execution)
        add_query_limits(execution, production=self.production)
        observer = OperationObserver()
        validated = parse_and_validate(execution)
        public = validated and is_public_query(execution)
        key: AnswerKey | None = None
        kept: ExecutionResult | None = None
        if validated:
            execution.result = await operation_refusal(execution)
            if execution.result is None and public:
                key = answer_key(execution)
                kept = ANSWERS.get(key) if key is not None else None
                execution.result = kept
        try:
            yield
        except GraphQLError as failed:
            code_parse_failure(failed)
            observer.finish(execution, validated=validated)
            raise
        if key is not None and kept is None:
            keep_answer(key, execution.result)
        if not validated and execution.graphql_document is not None:
            code_validation_errors(execution)
        code_request_errors(execution)
        show_errors(execution, mask_unexpected=self.production)
        set_cache_headers(execution, public=public)
        observer.finish(execution, validated=validated)


class ProductionRequestPipeline(RequestPipeline):
    """Also masks every unexpected error, and refuses introspection."""

    production = True
