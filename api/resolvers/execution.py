"""How each GraphQL request runs: Strawberry's execution, minus two costs it paid per request.

1. Schema-extension hooks are looked up once per extension class, and driven directly.
   Strawberry's runner, for every request and each of the four phases (operation, parse,
   validate, execute), asks every extension for its hook, checks its kind with `inspect`,
   wraps it in a new `contextlib.contextmanager` (an `update_wrapper` copy each time) and
   enters it through an exit stack. Here the lookup is done once per (extension class, phase)
   and kept, and a request steps each hook's generator itself (`PreparedPhase`): about 5 % of
   the instructions of a `me` request. The order and the exception semantics are Strawberry's:
   hooks enter in the order of the extensions and leave in reverse, and an exception raised
   inside a phase or by a hook is thrown into each hook still open, through contextlib's own
   exit stack. One difference: when a hook fails while entering, the hooks already entered
   are left again (Strawberry leaves them open).

2. A request's objects are freed when it ends, by reference counting. graphql-core's executor
   keeps two of its own bound methods (`async_helpers`), a reference cycle that holds the
   context, the request, the response and the rows read until the garbage collector finds
   them: some seventy objects per request, and at 16 concurrent `me` requests collections
   cost about 6 % of the CPU (180 µs per request, against 10 µs in the floor). The executor
   here reaches itself through a weak reference instead.
"""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Sequence,
)
from dataclasses import dataclass
from types import AsyncGeneratorType, TracebackType
from typing import Any, Final, cast

import strawberry
from graphql import MiddlewareManager
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext
from strawberry.utils.await_maybe import await_maybe

Hook = Callable[[SchemaExtension], Generator[None, None, None] | AsyncGenerator[None, None]]
"""Starts the hook's generator for one extension instance."""
PreparedHook = tuple[Hook, bool]
"""A hook as a generator function; whether it is asynchronous."""

PHASES: Final = (
    OperationContextManager.HOOK_NAME,
    ParsingContextManager.HOOK_NAME,
    ValidationContextManager.HOOK_NAME,
    ExecutingContextManager.HOOK_NAME,
)


def prepare_hook(extension_type: type[SchemaExtension], phase: str) -> PreparedHook | None:
    """The hook `extension_type` defines for `phase` as a generator function, or None when it
    keeps SchemaExtension's (a no-op). Every kind Strawberry accepts: generator, async
    generator, coroutine function or plain function."""
    hook = getattr(extension_type, phase)
    if hook is getattr(SchemaExtension, phase):
        return None
    if inspect.isgeneratorfunction(hook):
        return hook, False
    if inspect.isasyncgenfunction(hook):
        return hook, True
    if inspect.iscoroutinefunction(hook):

        async def awaited(extension: SchemaExtension) -> AsyncGenerator[None, None]:
            await hook(extension)
            yield

        return awaited, True
    if callable(hook):

        def called(extension: SchemaExtension) -> Generator[None, None, None]:
            hook(extension)
            yield

        return called, False
    raise ValueError(f"Hook {phase} on {extension_type.__name__} must be callable, got {hook!r}")


PhaseHooks = tuple[tuple[int, Hook, bool], ...]
"""The position of each extension that hooks a phase, with its prepared hook."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a list of extension classes does on every request, found out once."""

    phases: dict[str, PhaseHooks]
    # The positions of the extensions that add to the result's `extensions` (`get_results`).
    with_results: tuple[int, ...]
    # Whether any wraps every resolver (`resolve`): then graphql-core needs a middleware manager.
    resolves: bool


_PLANS: dict[tuple[type[SchemaExtension], ...], Plan] = {}


def plan_for(extension_types: tuple[type[SchemaExtension], ...]) -> Plan:
    """The hooks of a list of extension classes, prepared on first sight of that list (a schema
    makes the same list for every request, so there are one or two)."""
    plan = _PLANS.get(extension_types)
    if plan is None:
        phases = {}
        for phase in PHASES:
            hooks = []
            for position, extension_type in enumerate(extension_types):
                prepared = prepare_hook(extension_type, phase)
                if prepared is not None:
                    hooks.append((position, *prepared))
            phases[phase] = tuple(hooks)
        plan = Plan(
            phases=phases,
            with_results=tuple(
                position
                for position, extension_type in enumerate(extension_types)
                if extension_type.get_results is not SchemaExtension.get_results
            ),
            resolves=any(
                extension_type._implements_resolve() for extension_type in extension_types
            ),
        )
        _PLANS[extension_types] = plan
    return plan


def _plan_of(extensions: Sequence[SchemaExtension]) -> Plan:
    return plan_for(tuple(type(extension) for extension in extensions))


Started = Generator[None, None, None] | AsyncGenerator[None, None]
"""A hook's generator, past its `yield`: the phase is running."""


def _leaving(generator: Generator[None, None, None]) -> contextlib.AbstractContextManager[None]:
    """A generator past its `yield` as the context manager contextlib would have made of it, to
    be left (only its exit is used)."""
    return contextlib.contextmanager(lambda: generator)()


def _leaving_async(
    generator: AsyncGenerator[None, None],
) -> contextlib.AbstractAsyncContextManager[None]:
    return contextlib.asynccontextmanager(lambda: generator)()


class PreparedPhase(ExtensionContextManagerBase):
    """One phase's hooks for one request, entered in order and left in reverse.

    The hooks' generators are driven directly, `next` to enter and `next` again to leave: all
    that contextlib's context managers and exit stack do when nothing fails, without the five
    objects and two bound methods they make per hook and request. The moment anything fails (a
    hook raising while entering or leaving, an exception inside the phase), the generators still
    open are handed to contextlib's exit stack, which throws the exception into each one with
    its exact semantics: the next one sees whatever the previous one raised, or nothing if it
    swallowed it."""

    __slots__ = ("extensions", "prepared", "started")

    def __init__(self, prepared: PhaseHooks, extensions: Sequence[SchemaExtension]) -> None:
        self.prepared = prepared
        self.extensions = extensions
        self.started: list[Started] = []

    def _leave_failing(self, error: BaseException) -> bool:
        """Leaves the generators still open with `error` pending. Raises what a hook raises
        instead; otherwise tells whether a hook swallowed `error`."""
        exits = contextlib.ExitStack()
        for generator in self.started:
            exits.push(_leaving(cast("Generator[None, None, None]", generator)))
        self.started = []
        return bool(exits.__exit__(type(error), error, error.__traceback__))

    async def _leave_failing_async(self, error: BaseException) -> bool:
        exits = contextlib.AsyncExitStack()
        for generator in self.started:
            if isinstance(generator, AsyncGeneratorType):
                exits.push_async_exit(_leaving_async(generator))
            else:
                exits.push(_leaving(cast("Generator[None, None, None]", generator)))
        self.started = []
        return bool(await exits.__aexit__(type(error), error, error.__traceback__))

    def __enter__(self) -> None:
        started = self.started
        extensions = self.extensions
        for position, hook, is_async in self.prepared:
            extension = extensions[position]
            if is_async:
                error = RuntimeError(
                    f"SchemaExtension hook {extension}.{self.HOOK_NAME} "
                    "failed to complete synchronously."
                )
                self._leave_failing(error)
                raise error
            generator = cast("Generator[None, None, None]", hook(extension))
            try:
                next(generator)
            except StopIteration:
                error = RuntimeError("generator didn't yield")
                self._leave_failing(error)
                raise error from None
            except BaseException as failure:
                self._leave_failing(failure)
                raise
            started.append(generator)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if exc_val is not None:
            self._leave_failing(exc_val)
            return  # the `with` statement raises it on
        started = self.started
        while started:
            generator = cast("Generator[None, None, None]", started.pop())
            try:
                next(generator)
            except StopIteration:
                continue
            except BaseException as failure:
                if self._leave_failing(failure):
                    return  # an outer hook swallowed it
                raise
            error = RuntimeError("generator didn't stop")
            if not self._leave_failing(error):
                raise error

    async def __aenter__(self) -> None:
        started = self.started
        extensions = self.extensions
        for position, hook, is_async in self.prepared:
            extension = extensions[position]
            generator = hook(extension)
            try:
                if is_async:
                    await cast("AsyncGenerator[None, None]", generator).__anext__()
                else:
                    next(cast("Generator[None, None, None]", generator))
            except (StopIteration, StopAsyncIteration):
                error = RuntimeError("generator didn't yield")
                await self._leave_failing_async(error)
                raise error from None
            except BaseException as failure:
                await self._leave_failing_async(failure)
                raise
            started.append(generator)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if exc_val is not None:
            await self._leave_failing_async(exc_val)
            return
        started = self.started
        while started:
            generator = started.pop()
            try:
                if isinstance(generator, AsyncGeneratorType):
                    await generator.__anext__()
                else:
                    next(cast("Generator[None, None, None]", generator))
            except (StopIteration, StopAsyncIteration):
                continue
            except BaseException as failure:
                if await self._leave_failing_async(failure):
                    return
                raise
            error = RuntimeError("generator didn't stop")
            if not await self._leave_failing_async(error):
                raise error


class PreparedOperation(PreparedPhase, OperationContextManager):
    __slots__ = ()


class PreparedParsing(PreparedPhase, ParsingContextManager):
    __slots__ = ()


class PreparedValidation(PreparedPhase, ValidationContextManager):
    __slots__ = ()


class PreparedExecuting(PreparedPhase, ExecutingContextManager):
    __slots__ = ()


class PreparedHooksRunner(SchemaExtensionsRunner):
    """Strawberry's runner with the hooks of each phase prepared once (see the module)."""

    def __init__(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension] | None = None
    ) -> None:
        super().__init__(execution_context, extensions)
        self.plan = _plan_of(self.extensions)

    def operation(self) -> OperationContextManager:
        return PreparedOperation(
            self.plan.phases[OperationContextManager.HOOK_NAME], self.extensions
        )

    def parsing(self) -> ParsingContextManager:
        return PreparedParsing(self.plan.phases[ParsingContextManager.HOOK_NAME], self.extensions)

    def validation(self) -> ValidationContextManager:
        return PreparedValidation(
            self.plan.phases[ValidationContextManager.HOOK_NAME], self.extensions
        )

    def executing(self) -> ExecutingContextManager:
        return PreparedExecuting(
            self.plan.phases[ExecutingContextManager.HOOK_NAME], self.extensions
        )

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        """Strawberry's, asking only the extensions that add something."""
        data: dict[str, Any] = {}
        extensions = self.extensions
        for position in self.plan.with_results:
            data.update(await await_maybe(extensions[position].get_results()))
        data.update(ctx.extensions_results)
        return data


class AcyclicExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor whose resolver helpers reach it through a weak reference, so that
    nothing of a finished request waits for the garbage collector (see the module). It is
    alive whenever they can be called: during its own execution, and for a subscription's
    per-event executors (copies), the subscription's executor outlives every event."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        executor = weakref.ref(self)

        def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
            return _alive(executor).gather_async_work(values)

        def track(values: Sequence[Any]) -> None:
            _alive(executor).track_async_work(values)

        self.async_helpers = GraphQLResolveInfoHelpers(gather=gather, track=track)


def _alive(executor: weakref.ref[AcyclicExecutor]) -> AcyclicExecutor:
    alive = executor()
    if alive is None:
        raise RuntimeError("the GraphQL execution these helpers belong to has ended")
    return alive


# An empty manager holds nothing of a request and wraps no resolver.
NO_MIDDLEWARE: Final = MiddlewareManager()


class EcuapassSchema(strawberry.Schema):
    """A Strawberry schema whose requests run their extensions through `PreparedHooksRunner`
    and execute with `AcyclicExecutor`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("execution_context_class", AcyclicExecutor)
        super().__init__(*args, **kwargs)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return PreparedHooksRunner(execution_context, extensions)

    def _get_middleware_manager(self, extensions: list[SchemaExtension]) -> MiddlewareManager:
        """Without a `resolve` among the extensions, one empty manager serves every request."""
        if _plan_of(extensions).resolves:
            return super()._get_middleware_manager(extensions)
        return NO_MIDDLEWARE
