"""The baseline of bench/catalogs.py: a bare Starlette app answering the same JSON as the GraphQL
catalog queries, from the same in-memory catalogs, with no GraphQL in between.

Each request builds its answer from the catalog objects and serialises it, as a hand-written REST
handler would; what is left between this and `/graphql` is the cost of GraphQL (parse, validate,
execute, serialise through Strawberry) and of the application's own request handling.

Run by bench/catalogs.py as `uvicorn bench.bare_app:app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.app import settle_heap
from api.domain.messages import parse_locale
from api.persistence.catalog_source import load_catalogs

CATALOGS = load_catalogs()


async def countries(request: Request) -> JSONResponse:
    locale = parse_locale(request.headers.get("accept-language"))
    body = [{"code": c.code, "name": c.name(locale)} for c in CATALOGS.countries_sorted(locale)]
    return JSONResponse({"data": {"countries": body}})


async def cities(request: Request) -> JSONResponse:
    province_code = request.path_params["province_code"]
    body = [{"code": c.code, "name": c.name} for c in CATALOGS.cities(province_code)]
    return JSONResponse({"data": {"cities": body}})


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    settle_heap()  # the same process tuning as the API
    yield


app = Starlette(
    routes=[
        Route("/countries", countries),
        Route("/provinces/{province_code}/cities", cities),
    ],
    lifespan=lifespan,
)
