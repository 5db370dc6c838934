"""The baseline of bench/catalogs.py: a bare Starlette app answering the same JSON as the GraphQL
catalog queries, from the same in-memory catalogs, with no GraphQL in between.

Each request builds its answer from the catalog objects and serialises it, as a hand-written REST
handler would; what is left between this and `/graphql` is the cost of GraphQL (parse, validate,
execute, serialise through Strawberry) and of the application's own request handling. The same
answers under `/stored/...` are built once per language and their bytes kept, as a hand-written
handler with its own cache would: the floor of the API's replayed public answers.

Run by bench/catalogs.py as `uvicorn bench.bare_app:app`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
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


STORED: dict[tuple[str, str], bytes] = {}


async def stored(request: Request) -> Response:
    handler = countries if request.url.path.endswith("/countries") else cities
    key = (request.url.path, parse_locale(request.headers.get("accept-language")).value)
    body = STORED.get(key)
    if body is None:
        body = STORED[key] = bytes((await handler(request)).body)
    return Response(body, media_type="application/json")


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    settle_heap()  # the same process tuning as the API
    yield


app = Starlette(
    routes=[
        Route("/countries", countries),
        Route("/provinces/{province_code}/cities", cities),
        Route("/stored/countries", stored),
        Route("/stored/provinces/{province_code}/cities", stored),
    ],
    lifespan=lifespan,
)
