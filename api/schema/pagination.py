"""The four arguments of every connection (Relay's cursor connections): forwards with `first`
and `after`, backwards with `last` and `before`."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[
    int | None,
    strawberry.argument(
        description=(
            "The first edges after `after` (or from the start): 1 to 100, more is refused. "
            "20 when neither `first` nor `last` is given; not together with `last`."
        )
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="A cursor: only the edges after it (the `endCursor` of a page)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="The last edges before `before` (or up to the end): 1 to 100, more is refused."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="A cursor: only the edges before it (the `startCursor` of a page)."
    ),
]
