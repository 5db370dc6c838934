"""Automatic persisted queries, Apollo's protocol: a client may send the SHA-256 of a query text
instead of the text.

A request carries `extensions.persistedQuery = {"version": 1, "sha256Hash": "<64 hex>"}` (in the
JSON body, or as the `extensions` parameter of a GET):

- with the query text too, the hash must be the text's; the text is executed and kept;
- without it, the kept text of that hash is executed; a hash this process does not know is
  answered with the error code PERSISTED_QUERY_NOT_FOUND, and the client sends the text again
  (Apollo Client's persisted-queries link, and others, do so by themselves).

What it buys: short GET URLs for the catalog queries (a CDN or the browser then keeps the
answer), and a few kilobytes less per request for the larger form queries on a phone. Texts
are kept per process (at most `KEPT_QUERIES`, each at most `KEPT_QUERY_MAX_BYTES`, oldest
dropped first): nothing a client sends can grow a shared store, and a process that does not
know a hash costs the client one round trip. Everything else — limits, validation, mutations
refused over GET — applies to the kept text as to one sent in full.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Final

from graphql import GraphQLError

from api.domain.errors import DomainError, ErrorCode
from api.domain.vocabulary import Locale
from api.graphql.caching import BoundedCache
from api.resolvers.errors import as_graphql_error

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

KEPT_QUERIES: Final = 512
KEPT_QUERY_MAX_BYTES: Final = 32 * 1024
PROTOCOL_VERSION: Final = 1
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")

KEPT: Final = BoundedCache[str, str](KEPT_QUERIES)
"""Query texts by the hex SHA-256 of their UTF-8 bytes."""


def use_persisted_query(execution: ExecutionContext) -> None:
    """Puts the kept text of a hash in place of a missing query, and keeps the texts sent with
    their hash; raises the protocol's refusals. The first step of every operation
    (api/graphql/pipeline.py): it runs before anything reads the query."""
    extensions = execution.operation_extensions or {}
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return
    locale = getattr(execution.context, "locale", Locale.ES)
    sha256 = requested_hash(persisted)
    if sha256 is None:
        raise _refusal(ErrorCode.PERSISTED_QUERY_INVALID, locale)
    if execution.query:
        text = execution.query.encode("utf-8")
        if hashlib.sha256(text).hexdigest() != sha256:
            raise _refusal(ErrorCode.PERSISTED_QUERY_INVALID, locale)
        if len(text) <= KEPT_QUERY_MAX_BYTES:
            KEPT.remember(sha256, execution.query)
        return
    kept = KEPT.get(sha256)
    if kept is None:
        raise _not_found(locale)
    execution.query = kept


def _refusal(code: ErrorCode, locale: Locale) -> GraphQLError:
    """Refused before parsing, as any query's refusal: the code in the caller's language."""
    return as_graphql_error(DomainError.single(None, code), locale)


# The message the clients look for, word for word (Apollo's link and urql's persistedExchange
# recognise a missing hash by it and then send the text); the explanation in the caller's
# language goes in `extensions.detail`.
NOT_FOUND_MESSAGE: Final = "PersistedQueryNotFound"


def _not_found(locale: Locale) -> GraphQLError:
    explained = _refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, locale)
    return GraphQLError(
        NOT_FOUND_MESSAGE, extensions={**(explained.extensions or {}), "detail": explained.message}
    )


def requested_hash(persisted: object) -> str | None:
    """The lower-case hash of a well-formed `persistedQuery`, else None."""
    if not isinstance(persisted, dict):
        return None
    version = persisted.get("version")
    # JSON `true` is not version 1, though Python's True == 1.
    if isinstance(version, bool) or version != PROTOCOL_VERSION:
        return None
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str):
        return None
    sha256 = sha256.lower()
    return sha256 if _SHA256_HEX.fullmatch(sha256) else None
