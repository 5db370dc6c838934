"""Caching of the public reference data: catalogs and form specs.

Those queries (the fields of `CatalogQueries`) answer the same to every caller and change only
with a deployment. Three caches follow from that:

- **HTTP.** `GET /graphql` made only of them is answered with `Cache-Control: public,
  max-age=3600` and `Vary: Accept-Language` (names, labels and help follow the caller's
  language): browsers, CDNs and proxies may keep it for an hour. Every other HTTP answer gets
  `Cache-Control: no-store`: a query that touches `me` or `operator` carries private data, a
  mutation changes state, a POST is never a cacheable read here, and an answer with errors must
  not be kept. When several operations share one response (a batch), one private operation makes
  the whole response private, whatever the order.
- **Answers.** Executing `countries` costs graphql-core some 500 field resolutions for an
  answer that never changes: each process keeps the answers of public queries, by query text,
  operation name, variables and language, and serves them without executing them again (the
  request pipeline, api/graphql/pipeline.py, gives Strawberry the result before execution, as
  Strawberry's documentation shows for caching). So a catalog field may depend on its
  arguments and the caller's language only, never on who the caller is. Bounded
  (`ANSWER_CACHE_SIZE`, oldest dropped first); only answers without errors are kept. Every
  process computes the same answers: nothing is shared.
- **Documents.** Parsing and validating a query cost about as much as executing a small one, and
  clients send the same few query texts again and again: the parsed documents of the last
  `QUERY_CACHE_SIZE` distinct texts are kept (Strawberry's ParserCache), and so are their
  validation results (Strawberry's ValidationCache), both run by the request pipeline's one
  hook (`parse_and_validate`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from graphql import (
    ExecutionResult,
    OperationType,
)
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.name_converter import NameConverter
from strawberry.types import get_object_definition

from api.domain.vocabulary import Locale
from api.graphql.documents import document_facts, selected_operation
from api.resolvers.context import Context
from api.schema.catalog_queries import CatalogQueries

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

PUBLIC_MAX_AGE_SECONDS: Final = 3600
PUBLIC_CACHE_CONTROL: Final = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
PRIVATE_CACHE_CONTROL: Final = "no-store"
VARY: Final = "Accept-Language"
# Distinct query texts kept parsed and validated, and answers kept per process. Clients send a
# handful of fixed queries; the bounds keep arbitrary ones from growing memory.
QUERY_CACHE_SIZE: Final = 256
ANSWER_CACHE_SIZE: Final = 256
_TYPENAME: Final = "__typename"


@cache
def public_root_fields(names: NameConverter) -> frozenset[str]:
    """The GraphQL names of the root fields whose answers are public: every `CatalogQueries`
    field, and `__typename`."""
    definition = get_object_definition(CatalogQueries, strict=True)
    catalog_fields = {names.get_graphql_name(field) for field in definition.fields}
    return frozenset({*catalog_fields, _TYPENAME})


K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A map of at most `maxsize` entries: when full, the oldest is dropped. The keys come from
    clients (query texts), so it must not grow with them."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self._entries.get(key)

    def remember(self, key: K, value: V) -> None:
        if key not in self._entries and len(self._entries) >= self.maxsize:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = value

    def __len__(self) -> int:
        return len(self._entries)


AnswerKey = tuple[str, str | None, str | None, Locale]
"""Query text, operation name, variables (canonical JSON) and language of a public query."""

ANSWERS: Final = BoundedCache[AnswerKey, ExecutionResult](ANSWER_CACHE_SIZE)


def _canonical(variables: dict[str, Any] | None) -> str | None:
    return json.dumps(variables, sort_keys=True, default=str) if variables else None


def is_public_query(execution: ExecutionContext) -> bool:
    """Whether the operation is a query that selects public root fields only."""
    document = execution.graphql_document
    if document is None:
        return False
    operation, fields = selected_operation(document, execution.operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return False
    return fields <= public_root_fields(execution.schema.config.name_converter)


def answer_key(execution: ExecutionContext) -> AnswerKey | None:
    """Where the answer of a public query (`is_public_query`) is kept."""
    context = execution.context
    if not isinstance(context, Context) or execution.query is None:
        return None
    return (
        execution.query,
        execution.operation_name,
        _canonical(execution.variables),
        context.locale,
    )


def keep_answer(key: AnswerKey, result: object) -> None:
    """Keeps a public query's answer, when it went through without errors."""
    if isinstance(result, ExecutionResult) and not result.errors and result.data is not None:
        ANSWERS.remember(key, result)


def set_cache_headers(execution: ExecutionContext, *, public: bool) -> None:
    """Marks an HTTP answer public (a GET of a public query, `is_public_query`, that went
    through) or `no-store` (everything else); over WebSocket there are no HTTP headers to set."""
    context = execution.context
    if not isinstance(context, Context) or not isinstance(context.response, Response):
        return
    headers = context.response.headers
    request = context.request
    went_through = not execution.pre_execution_errors and execution.result is not None
    if public and went_through and isinstance(request, Request) and request.method == "GET":
        if "cache-control" not in headers:
            headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
            headers["Vary"] = VARY
    else:
        # A POST answer is not for HTTP caches, even a public one.
        headers["Cache-Control"] = PRIVATE_CACHE_CONTROL


def parse_and_validate(execution: ExecutionContext) -> bool:
    """Parses and validates the operation with Strawberry's `ParserCache` and `ValidationCache`,
    each step run to its end; True when the document parsed and validated.

    Strawberry's own parse step keeps a document an extension has put in place, and its
    validation step keeps the errors an extension has found. A query that does not parse is
    left to Strawberry's parse step: it meets the same failure and reports it as for any query.

    A document validated before, against the same schema and rules, has its errors kept with
    its facts (api/graphql/documents.py): the validation cache finds them by hashing the whole
    document, every node of it, on every request.
    """
    if not isinstance(execution.query, str):
        return False
    parsing = ParserCache(maxsize=QUERY_CACHE_SIZE)
    parsing.execution_context = execution
    try:
        for _ in parsing.on_parse():
            pass
    except Exception:  # reported by Strawberry's parse step, see above
        return False
    document = execution.graphql_document
    assert document is not None  # the parse step put it in place
    validations = document_facts(document).validations
    against = (execution.schema, execution.validation_rules)
    errors = validations.get(against)
    if errors is None:
        validating = ValidationCache(maxsize=QUERY_CACHE_SIZE)
        validating.execution_context = execution
        for _ in validating.on_validate():
            pass
        errors = validations[against] = execution.pre_execution_errors or []
    execution.pre_execution_errors = errors
    return not errors
