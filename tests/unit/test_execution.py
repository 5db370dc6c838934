"""Extension hooks prepared once per class run exactly as Strawberry runs them: same hooks, same
order, same answers, and hooks already entered are left again when a later one fails."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import strawberry
from strawberry.extensions import ParserCache, SchemaExtension

from api.resolvers.caching import ValidationByText
from api.resolvers.execution import EcuapassSchema, plan_for, prepare_hook
from api.schema.root import build_schema

EVENTS: list[str] = []


class SyncGenerator(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        EVENTS.append("sync:operation:enter")
        yield
        EVENTS.append("sync:operation:exit")

    def on_execute(self) -> Iterator[None]:
        EVENTS.append("sync:execute:enter")
        yield
        EVENTS.append("sync:execute:exit")


class AsyncGenerator(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        EVENTS.append("async:operation:enter")
        yield
        EVENTS.append("async:operation:exit")

    async def on_parse(self) -> AsyncIterator[None]:
        EVENTS.append("async:parse:enter")
        yield
        EVENTS.append("async:parse:exit")


class Callables(SchemaExtension):
    async def on_validate(self) -> None:  # type: ignore[override]
        EVENTS.append("coroutine:validate")

    def on_execute(self) -> None:  # type: ignore[override]
        EVENTS.append("function:execute")


class AnswersItself(SchemaExtension):
    """Sets the result before execution, as the catalog cache does."""

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.query == "{ cached }":
            self.execution_context.result = strawberry.types.ExecutionResult(
                data={"cached": "from the extension"}, errors=None
            )
        yield


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hola"

    @strawberry.field
    def cached(self) -> str:
        return "from the resolver"

    @strawberry.field
    def broken(self) -> str:
        raise ValueError("roto")

    @strawberry.field
    async def together(self, info: strawberry.Info) -> list[int]:
        """Uses the executor's helpers, which reach it through a weak reference."""

        async def number(value: int) -> int:
            await asyncio.sleep(0)
            return value

        helpers = info._raw_info.async_helpers
        helpers.track([number(0)])
        return await helpers.gather([number(1), number(2)])


EXTENSIONS = [SyncGenerator, AsyncGenerator, Callables, AnswersItself]


async def run(schema: strawberry.Schema, query: str) -> tuple[object, list[str]]:
    EVENTS.clear()
    result = await schema.execute(query)
    errors = [error.message for error in result.errors or ()]
    return (result.data, errors), list(EVENTS)


@pytest.mark.parametrize(
    "query",
    ["{ hello }", "{ cached }", "{ broken }", "{ nope }", "{ hello", "{ together }"],
    ids=["answered", "answered-by-extension", "resolver-error", "invalid", "unparsable", "helpers"],
)
async def test_prepared_hooks_run_as_strawberry_runs_them(query: str) -> None:
    strawberry_schema = strawberry.Schema(query=Query, extensions=EXTENSIONS)
    prepared_schema = EcuapassSchema(query=Query, extensions=EXTENSIONS)

    expected = await run(strawberry_schema, query)
    got = await run(prepared_schema, query)

    assert got == expected
    assert got[1], "the hooks ran"


def test_a_hook_kept_from_schema_extension_is_not_prepared() -> None:
    assert prepare_hook(SyncGenerator, "on_parse") is None
    assert prepare_hook(SyncGenerator, "on_operation") is not None


def test_each_list_of_extension_classes_is_planned_once() -> None:
    types = (SyncGenerator, Callables)
    plan = plan_for(types)

    assert plan_for(types) is plan
    assert [position for position, *_ in plan.phases["on_execute"]] == [0, 1]
    assert plan.phases["on_parse"] == ()


class Cleans(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        EVENTS.append("cleans:enter")
        try:
            yield
        finally:
            EVENTS.append("cleans:left")


class AsyncCleans(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        EVENTS.append("async-cleans:enter")
        try:
            yield
        finally:
            EVENTS.append("async-cleans:left")


class Fails(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        raise RuntimeError("no")
        yield  # pragma: no cover


class NeverYields(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        if self.execution_context.query == "{ cached }":
            return
        yield


@pytest.mark.parametrize(
    ("failing", "query", "message"),
    [(Fails, "{ hello }", "no"), (NeverYields, "{ cached }", "generator didn't yield")],
    ids=["raises", "never-yields"],
)
async def test_hooks_entered_before_a_failing_one_are_left_again(
    failing: type[SchemaExtension], query: str, message: str
) -> None:
    """Unlike Strawberry's runner, which leaves them open."""
    schema = EcuapassSchema(query=Query, extensions=[Cleans, AsyncCleans, failing])
    EVENTS.clear()

    result = await schema.execute(query)

    assert [error.message for error in result.errors or ()] == [message]
    assert EVENTS == [
        "cleans:enter",
        "async-cleans:enter",
        "async-cleans:left",
        "cleans:left",
    ]


class SeesFailure(SchemaExtension):
    """Records what each phase's exception looks like from an outer hook, then lets it go on."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            EVENTS.append(f"sees:operation:{type(error).__name__}:{error}")
            raise

    async def on_execute(self) -> AsyncIterator[None]:
        try:
            yield
        except Exception as error:
            EVENTS.append(f"sees:execute:{type(error).__name__}:{error}")
            raise
        EVENTS.append("sees:execute:left")


class FailsLeaving(SchemaExtension):
    """Raises while leaving the execution, after an inner hook left cleanly."""

    def on_execute(self) -> Iterator[None]:
        yield
        if self.execution_context.query == "{ cached }":
            raise LookupError("leaving")


class Swallows(SchemaExtension):
    """Swallows what an inner hook raises while leaving: outer hooks see nothing."""

    def on_execute(self) -> Iterator[None]:
        try:
            yield
        except LookupError:
            EVENTS.append("swallows")


@pytest.mark.parametrize(
    "extensions",
    [
        [SeesFailure, Cleans, FailsLeaving],
        [SeesFailure, Swallows, FailsLeaving],
        [Cleans, SeesFailure, AsyncGenerator, SyncGenerator],
    ],
    ids=["hook-fails-leaving", "hook-swallows", "no-failure"],
)
@pytest.mark.parametrize("query", ["{ hello }", "{ cached }", "{ broken }"])
async def test_failures_reach_every_open_hook_as_they_do_in_strawberry(
    extensions: list[type[SchemaExtension]], query: str
) -> None:
    strawberry_schema = strawberry.Schema(query=Query, extensions=extensions)
    prepared_schema = EcuapassSchema(query=Query, extensions=extensions)

    expected = await run(strawberry_schema, query)
    got = await run(prepared_schema, query)

    assert got == expected


def run_sync(schema: strawberry.Schema, query: str) -> tuple[object, list[str]]:
    EVENTS.clear()
    result = schema.execute_sync(query)
    errors = [error.message for error in result.errors or ()]
    return (result.data, errors), list(EVENTS)


@pytest.mark.parametrize(
    "extensions",
    [[SyncGenerator, Cleans, FailsLeaving], [SyncGenerator, Swallows, FailsLeaving], [Fails]],
    ids=["hook-fails-leaving", "hook-swallows", "hook-fails-entering"],
)
@pytest.mark.parametrize("query", ["{ hello }", "{ cached }", "{ broken }"])
def test_synchronous_execution_runs_the_hooks_as_strawberry_does(
    extensions: list[type[SchemaExtension]], query: str
) -> None:
    strawberry_schema = strawberry.Schema(query=Query, extensions=extensions)
    prepared_schema = EcuapassSchema(query=Query, extensions=extensions)

    assert run_sync(prepared_schema, query) == run_sync(strawberry_schema, query)


async def test_the_api_schema_runs_its_extensions_through_prepared_hooks() -> None:
    schema = build_schema()

    result = await schema.execute("{ __typename }")

    assert isinstance(schema, EcuapassSchema)
    assert result.data == {"__typename": "Query"}


# Validation makes cycles of its own, once per query text with these.
CACHES: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
    lambda: ParserCache(maxsize=8),
    ValidationByText,
]


async def test_an_executed_request_leaves_no_reference_cycle() -> None:
    schema = EcuapassSchema(query=Query, extensions=CACHES)
    await schema.execute("{ hello together }")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            result = await schema.execute("{ hello together }")
            assert result.data == {"hello": "hola", "together": [1, 2]}
        assert gc.collect() == 0
    finally:
        gc.enable()


async def test_strawberry_s_own_executor_left_a_cycle_per_request() -> None:
    """Why the schema brings its own executor: the same request on Strawberry's."""
    schema = strawberry.Schema(query=Query, extensions=CACHES)
    await schema.execute("{ hello together }")
    gc.collect()
    gc.disable()
    try:
        await schema.execute("{ hello together }")
        assert gc.collect() > 0
    finally:
        gc.enable()
