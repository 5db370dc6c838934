"""The executable schema: the types of api/schema/ with the one extension that protects and
speeds up every request (api/graphql/pipeline.py), through Strawberry's public extension API."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from api.graphql.pipeline import ProductionRequestPipeline, RequestPipeline
from api.schema.event_operations import Subscription
from api.schema.root import Mutation, Query


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its request pipeline; production also hides introspection, the
    validation's name suggestions and unexpected errors. The SDL is the same either way."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=production),
        extensions=[ProductionRequestPipeline if production else RequestPipeline],
    )


schema = build_schema()
