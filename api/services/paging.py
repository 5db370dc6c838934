"""Reading one page of a connection, forwards (`first`/`after`) or backwards (`last`/`before`),
with both ends of `pageInfo` exact: each connection says only how to read its rows by record
number between two bounds; this module turns a `PageRequest` into those reads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from api.domain.cursors import IdRange, PageRequest

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: Sequence[T]
    has_previous_page: bool
    has_next_page: bool


async def read_page(
    fetch: Callable[[IdRange], Awaitable[Sequence[T]]],
    request: PageRequest,
    *,
    newest_first: bool,
) -> Page[T]:
    """The page `request` asks of a connection ordered by record number (`newest_first`: the
    highest number first). One read for the page; one more, of at most one row, for each cursor
    given, so that `hasPreviousPage` after `after` and `hasNextPage` before `before` say whether
    such edges exist rather than guessing."""

    # Positions in the connection's order, as bounds on the record number.
    above, below = (
        (request.before, request.after) if newest_first else (request.after, request.before)
    )
    # `last` reads the window from its far end, then turns the rows back into the connection's
    # order.
    descending = newest_first != request.from_end
    rows = list(await fetch(IdRange(above, below, descending, request.size + 1)))
    more = len(rows) > request.size
    rows = rows[: request.size]
    if request.from_end:
        rows.reverse()

    async def any_in(above: int | None, below: int | None) -> bool:
        return bool(await fetch(IdRange(above, below, descending=False, limit=1)))

    async def any_up_to_after() -> bool:
        # The edge of the `after` cursor itself and everything before it.
        if request.after is None:
            return False
        if newest_first:
            return await any_in(request.after - 1, None)
        return await any_in(None, request.after + 1)

    async def any_from_before() -> bool:
        # The edge of the `before` cursor itself and everything after it.
        if request.before is None:
            return False
        if newest_first:
            return await any_in(None, request.before + 1)
        return await any_in(request.before - 1, None)

    if request.from_end:
        return Page(
            rows=rows,
            has_previous_page=more or await any_up_to_after(),
            has_next_page=await any_from_before(),
        )
    return Page(
        rows=rows,
        has_previous_page=await any_up_to_after(),
        has_next_page=more or await any_from_before(),
    )
