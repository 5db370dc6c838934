"""The executable schema: the types of api/schema/ with the extensions that protect and speed up
every request, all through Strawberry's public extension API."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from api.graphql.caching import parser_cache, validation_cache
from api.graphql.pipeline import ProductionRequestPipeline, RequestPipeline
from api.schema.event_operations import Subscription
from api.schema.root import Mutation, Query


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its request pipeline; production also hides introspection, the
    validation's name suggestions and unexpected errors. The SDL is the same either way. The
    pipeline comes first: its persisted queries supply the query text the caches read."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=production),
        extensions=[
            ProductionRequestPipeline if production else RequestPipeline,
            parser_cache,
            validation_cache,
        ],
    )


schema = build_schema()
