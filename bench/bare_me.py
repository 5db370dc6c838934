"""The floor for `me` and `login`: a bare Starlette app doing the same I/O as the API (the request
budget's count in Redis when the budget is on, the session read from Redis with its sliding
renewal, the operator's row from PostgreSQL; for sign-in, the row, the argon2 verification and
the new session) and answering the same JSON, with no GraphQL.

Run by bench/me.py as `uvicorn bench.bare_me:app` with the API's environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.app import settle_heap
from api.http_guards import BUDGET_WINDOW_SECONDS
from api.persistence.operators import OperatorRepository
from api.persistence.rate_limits import Limit
from api.services.container import build_services
from api.services.passwords import verify_password
from api.settings import Settings

settings = Settings()
services = build_services(settings)
budget = Limit(
    "budget", max_events=settings.request_budget_per_minute, window_seconds=BUDGET_WINDOW_SECONDS
)


async def spend_budget(request: Request) -> None:
    """The count the API's request budget makes for every request (api/http_guards.py)."""
    if settings.request_budget_per_minute and request.client is not None:
        await services.rate_limiter.hit(budget, request.client.host)


async def me(request: Request) -> JSONResponse:
    await spend_budget(request)
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    session = await services.sessions.resolve(token)
    if session is None:
        return JSONResponse({"data": {"me": None}})
    async with services.reading() as db:
        row = await OperatorRepository(db).by_id(session.operator_id)
    assert row is not None
    return JSONResponse(
        {
            "data": {
                "me": {
                    "userId": row.user_id,
                    "name": row.name,
                    "email": row.email,
                    "version": row.version,
                }
            }
        }
    )


async def login(request: Request) -> JSONResponse:
    await spend_budget(request)
    body = await request.json()
    async with services.reading() as db:
        row = await OperatorRepository(db).by_user_id(body["userId"])
    if (
        row is None
        or row.id is None
        or not await verify_password(row.password_hash, body["password"])
    ):
        return JSONResponse({"data": {"login": {"token": None}}})
    token = await services.sessions.create(
        operator_id=row.id, user_id=row.user_id, role=row.role, epoch=row.session_epoch
    )
    return JSONResponse({"data": {"login": {"token": token}}})


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    settle_heap()  # the same process tuning as the API: the floor must not pay what it avoids
    yield
    await services.close()


app = Starlette(
    routes=[Route("/me", me), Route("/login", login, methods=["POST"])], lifespan=lifespan
)
