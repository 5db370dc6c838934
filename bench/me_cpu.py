"""CPU per `me` request inside one process: the API's ASGI app next to the floor's
(bench/bare_me.py), both called directly (no HTTP server, no load generator), 16 requests in
flight, the same PostgreSQL and Redis. Alternating batches; for each side the fastest batch and
the median, and how much of it the garbage collector took.

    scripts/uv.sh run python bench/me_cpu.py --batches 40

On a shared machine wrk's req/s moves ±20 % between identical runs, and the API's more than the
floor's; CPU time of this thread, batch against batch, is the steadier measure of what a change
saves. It leaves out what both pay alike (uvicorn's HTTP parsing, the kernel's sockets).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.me import LOGIN_GRAPHQL, ME, set_up_in_process  # noqa: E402
from bench.support import bench_stores  # noqa: E402

App = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]
Side = tuple[App, dict[str, Any]]
"""An ASGI app and the `me` request to call it with."""
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
    return bytes(sent[1]["body"])


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


async def batch(app: App, request: dict[str, Any], per_worker: int) -> tuple[float, Collections]:
    """Microseconds of this thread's CPU per request, with the collections that ran."""

    async def worker() -> None:
        for _ in range(per_worker):
            await call(app, request)

    collections = Collections()
    gc.callbacks.append(collections)
    started = time.thread_time()
    try:
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    finally:
        gc.callbacks.remove(collections)
    return (time.thread_time() - started) / (per_worker * IN_FLIGHT) * 1e6, collections


@asynccontextmanager
async def me_sides() -> AsyncIterator[tuple[Side, Side]]:
    """The floor's app and the API's, started, each with a signed-in `me` request, on a
    database and Redis prefix of their own (bench/support.py)."""
    async with bench_stores() as stores:
        await set_up_in_process(stores)
        # Imported once the environment names the bench's stores: both read it at import.
        import bench.bare_me as floor
        from api.app import create_app
        from api.settings import Settings

        api = create_app(Settings())
        async with api.router.lifespan_context(api), floor.app.router.lifespan_context(floor.app):
            login = scope("/graphql", b"", [(b"content-type", b"application/json")], "POST")
            answer = await call(api, login, json.dumps(LOGIN_GRAPHQL).encode())
            token = json.loads(answer)["data"]["login"]["token"]
            auth = [(b"authorization", f"Bearer {token}".encode())]
            floor_side = (floor.app, scope("/me", b"", auth, "GET"))
            api_side = (api, scope("/graphql", urlencode({"query": ME}).encode(), auth, "GET"))
            assert await call(*api_side) == await call(*floor_side), "the same JSON"
            yield floor_side, api_side


async def main(batches: int, per_worker: int) -> None:
    async with me_sides() as (floor_side, api_side):
        sides: dict[str, Side] = {"bare Starlette": floor_side, "GraphQL": api_side}
        for app, request in sides.values():  # warm: caches, pools, prepared statements
            await batch(app, request, 5)
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        collected: dict[str, list[Collections]] = {name: [] for name in sides}
        for _ in range(batches):
            for name, (app, request) in sides.items():
                microseconds, collections = await batch(app, request, per_worker)
                cpu[name].append(microseconds)
                collected[name].append(collections)
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
    floor_cpu, api_cpu = cpu["bare Starlette"], cpu["GraphQL"]
    ratios = [a / f for a, f in zip(api_cpu, floor_cpu, strict=True)]
    print(
        f"\nGraphQL / floor, CPU per request: fastest batches {min(api_cpu) / min(floor_cpu):.2f}, "
        f"median of per-batch ratios {statistics.median(ratios):.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--per-worker", type=int, default=6, help="requests per worker and batch")
    arguments = parser.parse_args()
    uvloop.run(main(arguments.batches, arguments.per_worker))
