"""The request pipeline's parse and validation steps are Strawberry's own caches: a query text
sent again is neither parsed nor validated again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from api.graphql.pipeline import RequestPipeline
from api.schema.event_operations import Subscription
from api.schema.root import Mutation, Query

# What the pipeline's parse and validation steps left for each execution.
SEEN: list[tuple[Any, Any]] = []


class Recorder(SchemaExtension):
    """After the pipeline: notes what execution was given."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        SEEN.append((execution.graphql_document, execution.pre_execution_errors))
        yield


async def test_a_query_text_sent_again_is_neither_parsed_nor_validated_again() -> None:
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[RequestPipeline, Recorder],
    )
    SEEN.clear()
    query = "query PipelineCacheProbe { __typename }"
    for _ in range(2):
        result = await schema.execute(query)
        assert result.errors is None
    (first_document, first_errors), (second_document, second_errors) = SEEN
    assert first_document is second_document
    # The validation cache hands back the very list it kept.
    assert first_errors == []
    assert first_errors is second_errors


async def test_a_different_query_text_is_parsed_on_its_own() -> None:
    schema = strawberry.Schema(query=Query, extensions=[RequestPipeline, Recorder])
    SEEN.clear()
    for query in ("query One { __typename }", "query Two { __typename }"):
        await schema.execute(query)
    (first_document, _), (second_document, _) = SEEN
    assert first_document is not second_document
