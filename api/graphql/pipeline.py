"""The API's own work around every GraphQL operation, as one schema extension.

Strawberry asks every extension for each of its hooks on every request and wraps each hook it
finds in a new context manager, so eight small extensions cost more than the work they did. Here
each step is a named function in the module that owns its rule, called in this order:

- on the operation, before anything reads the query: the persisted query
  (api/graphql/persisted_queries.py), the token limit and the validation rules
  (api/graphql/limits.py), the start of its observation (api/observability/graphql.py);
- before execution, which Strawberry reaches only for what validated: the observation notes it
  validated; then the refusals (api/graphql/operation_checks.py), then a public query's kept
  answer (api/graphql/caching.py), which spares executing it; after: the answer is kept;
- after the operation: the validation's errors get their code, and the other request-level
  ones (api/graphql/request_errors.py), then what a client may see of the errors
  (api/graphql/masking.py), the HTTP caching headers, and the end of the observation.

Parsing and validation are Strawberry's own `ParserCache` and `ValidationCache`, run as this
extension's parse and validation steps (api/graphql/caching.py): Strawberry's cost for an
extension is paid per extension and per step, whether the extension has that step or not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import ClassVar

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.graphql.caching import (
    ANSWERS,
    answer_key,
    cached_parsing,
    cached_validation,
    keep_answer,
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

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        use_persisted_query(execution)
        add_query_limits(execution, production=self.production)
        self.observer = OperationObserver()
        try:
            yield
        except GraphQLError as failed:
            code_parse_failure(failed)
            self.observer.finish(execution)
            raise
        if not self.observer.validated and execution.graphql_document is not None:
            # Parsed, and never executed: Strawberry executes whatever validated.
            code_validation_errors(execution)
        code_request_errors(execution)
        show_errors(execution, mask_unexpected=self.production)
        set_cache_headers(execution)
        self.observer.finish(execution)

    def on_parse(self) -> Iterator[None]:
        yield from cached_parsing(self.execution_context)

    def on_validate(self) -> Iterator[None]:
        yield from cached_validation(self.execution_context)

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        self.observer.mark_validated()
        if execution.result is None:
            execution.result = await operation_refusal(execution)
        if execution.result is not None:
            yield  # refused: that answer stands
            return
        key = answer_key(execution)
        kept = ANSWERS.get(key) if key is not None else None
        if kept is not None:
            # Strawberry executes only when no extension has given the result yet.
            execution.result = kept
        yield
        if key is not None and kept is None:
            keep_answer(key, execution.result)


class ProductionRequestPipeline(RequestPipeline):
    """Also masks every unexpected error, and refuses introspection."""

    production = True
