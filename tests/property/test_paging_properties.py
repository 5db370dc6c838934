"""Properties of connection paging (api/services/paging.py): for any rows, any order and any
`first`/`after`/`last`/`before`, the page and both ends of `pageInfo` are what Relay's cursor
connections specification says, stated here over a plain list instead of bounds on numbers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from hypothesis import given
from hypothesis import strategies as st

from api.domain.cursors import IdRange, PageRequest
from api.services.paging import Page, read_page


def fetch_from(numbers: Sequence[int]) -> Callable[[IdRange], Awaitable[list[int]]]:
    """What a table of these record numbers answers to an IdRange."""

    async def fetch(ids: IdRange) -> list[int]:
        inside = [
            n
            for n in numbers
            if (ids.above is None or n > ids.above) and (ids.below is None or n < ids.below)
        ]
        return sorted(inside, reverse=ids.descending)[: ids.limit]

    return fetch


def expected(numbers: Sequence[int], request: PageRequest, *, newest_first: bool) -> Page[int]:
    """The specification's ApplyCursorsToEdges, first/last and HasPrevious/HasNextPage, over the
    edges in the connection's order; a cursor names a position, whether or not its row is left."""
    edges = sorted(numbers, reverse=newest_first)

    def before_position(n: int, position: int) -> bool:
        return n > position if newest_first else n < position

    def after_position(n: int, position: int) -> bool:
        return n < position if newest_first else n > position

    window = [
        n
        for n in edges
        if (request.after is None or after_position(n, request.after))
        and (request.before is None or before_position(n, request.before))
    ]
    up_to_after = request.after is not None and any(
        not after_position(n, request.after) for n in edges
    )
    from_before = request.before is not None and any(
        not before_position(n, request.before) for n in edges
    )
    if request.from_end:
        return Page(
            rows=window[-request.size :],
            has_previous_page=len(window) > request.size or up_to_after,
            has_next_page=from_before,
        )
    return Page(
        rows=window[: request.size],
        has_previous_page=up_to_after,
        has_next_page=len(window) > request.size or from_before,
    )


numbers = st.lists(st.integers(1, 60), unique=True, max_size=25)
positions = st.none() | st.integers(0, 61)


@given(
    numbers=numbers,
    size=st.integers(1, 10),
    from_end=st.booleans(),
    after=positions,
    before=positions,
    newest_first=st.booleans(),
)
def test_a_page_and_its_page_info_are_what_the_relay_specification_says(
    numbers: list[int],
    size: int,
    from_end: bool,
    after: int | None,
    before: int | None,
    newest_first: bool,
) -> None:
    request = PageRequest(size=size, from_end=from_end, after=after, before=before)
    page = asyncio.run(read_page(fetch_from(numbers), request, newest_first=newest_first))
    want = expected(numbers, request, newest_first=newest_first)
    assert list(page.rows) == list(want.rows)
    assert (page.has_previous_page, page.has_next_page) == (
        want.has_previous_page,
        want.has_next_page,
    )


@given(numbers=numbers, size=st.integers(1, 5), newest_first=st.booleans())
def test_walking_backwards_from_the_end_gives_every_row_once(
    numbers: list[int], size: int, newest_first: bool
) -> None:
    fetch = fetch_from(numbers)
    seen: list[int] = []
    before: int | None = None
    while True:
        request = PageRequest(size=size, from_end=True, after=None, before=before)
        page = asyncio.run(read_page(fetch, request, newest_first=newest_first))
        seen = list(page.rows) + seen
        if not page.has_previous_page:
            break
        before = page.rows[0]
    assert seen == sorted(numbers, reverse=newest_first)
