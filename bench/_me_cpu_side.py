"""CPU per `me` request inside one process: the API's ASGI app next to the shared floor's three
routes (bench/floor.py: `/bare` the same I/O with nothing on top, `/graphql` a plain Strawberry
app, `/cached` that app with Strawberry's two caches), all called directly (no HTTP server, no
load generator), 16 requests in flight, the same PostgreSQL and Redis, the same fields of `me`.
Alternating batches; for each side the fastest batch and the median, and how much of it the
garbage collector took.

    scripts/uv.sh run python bench/me_cpu.py --batches 40 [--floor-app PATH] [--profile FILE]

On a shared machine wrk's req/s moves ±20 % between identical runs, and the API's more than the
floor's; CPU time of this thread, batch against batch, is the steadier measure of what a change
saves. It leaves out what both pay alike (uvicorn's HTTP parsing, the kernel's sockets).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floor import FLOOR_TOKEN, ME_FIELDS, floor_app_path, floor_environment, load_floor  # noqa: E402
from bench.me import LOGIN_GRAPHQL, set_up_in_process  # noqa: E402
from bench.support import bench_stores  # noqa: E402

App = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]
IN_FLIGHT = 16


def scope(
    path: str, query_string: bytes, headers: list[tuple[bytes, bytes]], method: str
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def call(app: App, request: dict[str, Any], body: bytes = b"") -> bytes:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(request, receive, send)
    assert sent[0]["status"] == 200, sent
    return b"".join(bytes(message.get("body", b"")) for message in sent[1:])


class Collections:
    """Young, middle and full collections, and the time they took, while counting."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count[info["generation"]] += 1
            self.seconds += time.perf_counter() - self._started


Side = tuple[App, dict[str, Any], bytes]
"""An ASGI app, the `me` request to call it with, and its body."""


async def batch(side: Side, per_worker: int) -> tuple[float, Collections]:
    """Microseconds of this thread's CPU per request, with the collections that ran."""
    app, request, body = side

    async def worker() -> None:
        for _ in range(per_worker):
            await call(app, request, body)

    collections = Collections()
    gc.callbacks.append(collections)
    started = time.thread_time()
    try:
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    finally:
        gc.callbacks.remove(collections)
    return (time.thread_time() - started) / (per_worker * IN_FLIGHT) * 1e6, collections


def post(path: str, token: str) -> dict[str, Any]:
    headers = [(b"content-type", b"application/json")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return scope(path, b"", headers, "POST")


COUNTRIES = "{ countries { code name } }"
COUNTRIES_FLOOR = "floor /static (the API's countries answer, stored bytes)"
COUNTRIES_API = "this API, countries"
ME_SIDES = (
    "floor /bare (no GraphQL)",
    "floor /graphql (plain Strawberry)",
    "floor /cached (Strawberry + its caches)",
)


@asynccontextmanager
async def me_sides(floor_app: str | None = None) -> AsyncIterator[dict[str, Side]]:
    """The floor's routes and the API, started, each with a signed-in `me` request (and both
    sides of `countries`), on a database and Redis prefix of their own (bench/support.py)."""
    path = floor_app_path(floor_app)
    async with bench_stores() as stores:
        await set_up_in_process(stores)
        # Imported once the environment names the bench's stores: both read it at import.
        from api.app import create_app
        from api.settings import Settings

        api = create_app(Settings())
        async with api.router.lifespan_context(api):
            countries_body = json.dumps({"query": COUNTRIES}).encode()
            countries = await call(api, post("/graphql", ""), countries_body)
            static = Path(tempfile.mkdtemp()) / "countries.json"
            static.write_bytes(countries)
            os.environ.update(floor_environment(stores, "USUARIO01", static))
            floor = load_floor(path)
            async with floor.app.router.lifespan_context(floor.app):
                yield await _sides(api, floor.app, countries_body)


async def _sides(api: App, floor: App, countries_body: bytes) -> dict[str, Side]:
    login = scope("/graphql", b"", [(b"content-type", b"application/json")], "POST")
    answer = await call(api, login, json.dumps(LOGIN_GRAPHQL).encode())
    token = json.loads(answer)["data"]["login"]["token"]
    body = json.dumps({"query": ME_FIELDS}).encode()
    sides: dict[str, Side] = {
        "floor /bare (no GraphQL)": (floor, post("/bare", FLOOR_TOKEN), body),
        "floor /graphql (plain Strawberry)": (
            floor,
            post("/graphql", FLOOR_TOKEN),
            body,
        ),
        "floor /cached (Strawberry + its caches)": (
            floor,
            post("/cached", FLOOR_TOKEN),
            body,
        ),
        "this API": (api, post("/graphql", token), body),
    }
    answers = {name: json.loads(await call(*side)) for name, side in sides.items()}
    assert len({json.dumps(a, sort_keys=True) for a in answers.values()}) == 1, answers
    sides[COUNTRIES_FLOOR] = (floor, post("/static", ""), countries_body)
    sides[COUNTRIES_API] = (api, post("/graphql", ""), countries_body)
    assert await call(*sides[COUNTRIES_FLOOR]) == await call(*sides[COUNTRIES_API])
    return sides


async def main(batches: int, per_worker: int, floor_app: str | None, profile: str | None) -> None:
    async with me_sides(floor_app) as sides:
        for side in sides.values():  # warm: caches, pools, prepared statements
            await batch(side, 5)
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        collected: dict[str, list[Collections]] = {name: [] for name in sides}
        for _ in range(batches):
            for name, side in sides.items():
                microseconds, collections = await batch(side, per_worker)
                cpu[name].append(microseconds)
                collected[name].append(collections)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(batches):
                await batch(sides[os.environ.get("PROFILE_SIDE", "this API")], per_worker)
            profiler.disable()
            profiler.dump_stats(profile)
    requests = batches * per_worker * IN_FLIGHT
    print(f"`me`, {IN_FLIGHT} in flight, {batches} batches of {per_worker * IN_FLIGHT} per side")
    print(
        "| server | CPU µs/request, fastest batch | median batch | GC µs/request | collections (young/middle/full) |"
    )
    print("|---|---:|---:|---:|---|")
    for name in sides:
        gc_seconds = sum(c.seconds for c in collected[name])
        counts = [sum(c.count[g] for c in collected[name]) for g in range(3)]
        print(
            f"| {name} | {min(cpu[name]):,.0f} | {statistics.median(cpu[name]):,.0f} | "
            f"{gc_seconds / requests * 1e6:.0f} | {'/'.join(map(str, counts))} |"
        )
    print()
    pairs = [("this API", floor) for floor in ME_SIDES] + [(COUNTRIES_API, COUNTRIES_FLOOR)]
    for api_name, floor_name in pairs:
        ratios = [a / f for a, f in zip(cpu[api_name], cpu[floor_name], strict=True)]
        print(
            f"{api_name} / {floor_name}: CPU per request, median of per-batch ratios "
            f"{statistics.median(ratios):.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--per-worker", type=int, default=6, help="requests per worker and batch")
    parser.add_argument("--floor-app", help="the shared floor_app.py (see bench/floor.py)")
    parser.add_argument("--profile", help="write a cProfile of the API's batches to this file")
    arguments = parser.parse_args()
    uvloop.run(
        main(arguments.batches, arguments.per_worker, arguments.floor_app, arguments.profile)
    )
