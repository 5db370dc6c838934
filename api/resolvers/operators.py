"""Reading operators: `me` and `operator(userId)`."""

from __future__ import annotations

from api.persistence.operators import OperatorRepository
from api.resolvers.context import Info
from api.resolvers.mapping import to_operator
from api.schema.operator import Operator


async def me(info: Info) -> Operator | None:
    ctx = info.context
    row = await ctx.caller()
    if row is None:
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)


async def operator(info: Info, user_id: str) -> Operator | None:
    ctx = info.context
    async with ctx.services.reading() as db:
        row = await OperatorRepository(db).by_user_id(user_id)
    if row is None:
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)
