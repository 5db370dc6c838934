"""The executable schema: the types of api/schema/ with the extensions that protect and speed up
every request, all through Strawberry's public extension API."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from api.graphql.caching import SCHEMA_EXTENSIONS
from api.graphql.limits import limit_extensions
from api.graphql.operation_checks import OperationChecks
from api.graphql.persisted_queries import PersistedQueries
from api.schema.event_operations import Subscription
from api.schema.root import Mutation, Query


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its protective extensions; production also hides introspection, the
    validation's name suggestions and unexpected errors. The SDL is the same either way.
    Persisted queries come first: they supply the query text everything after them reads."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=production),
        extensions=[
            PersistedQueries,
            *limit_extensions(production=production),
            OperationChecks,
            *SCHEMA_EXTENSIONS,
        ],
    )


schema = build_schema()
