"""Does `requestPasswordReset` tell, by its timing, whether a user exists? Requests for a real,
active operator and for an unknown user ID, taken turn about in one process (the API's ASGI app
on a database and Redis of the bench's own), with the latency of each; medians and their ratio.

    scripts/uv.sh run python bench/password_reset_timing.py --tries 50

The real user's mail leaves in the background (the log mailer here), so the answer waits for no
mail server in either case. Results: docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.me import set_up_in_process  # noqa: E402
from bench.support import bench_stores  # noqa: E402

REQUEST = {
    "query": "mutation($i: String!, $u: String!) { requestPasswordReset(identification: $i, "
    "userId: $u) { message errors { code } } }",
}
KNOWN = {"i": "0912345675001", "u": "USUARIO01"}
UNKNOWN = {"i": "0912345675001", "u": "NADIE99"}


async def main(tries: int) -> None:
    async with bench_stores() as stores:
        await set_up_in_process(stores)
        from api.app import create_app
        from api.settings import Settings

        app = create_app(Settings())
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        bodies: dict[str, set[str]] = {"known": set(), "unknown": set()}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://api"
            ) as client,
        ):
            import redis.asyncio as aioredis

            from bench.support import REDIS_URL

            store = aioredis.Redis.from_url(REDIS_URL)
            for n in range(tries * 2 + 10):
                # The limits would answer RATE_LIMITED after a few: cleared outside the timing.
                async for key in store.scan_iter(match=f"{stores.redis_prefix}*"):
                    await store.delete(key)
                kind = "known" if n % 2 == 0 else "unknown"
                variables = KNOWN if kind == "known" else UNKNOWN
                started = time.perf_counter()
                answer = await client.post("/graphql", json={**REQUEST, "variables": variables})
                elapsed = time.perf_counter() - started
                if n >= 10:  # the first rounds warm caches and connections
                    timings[kind].append(elapsed * 1000)
                    bodies[kind].add(answer.text)
            await store.aclose()
        known, unknown = (statistics.median(timings[k]) for k in ("known", "unknown"))
        print("| tries | known median ms | unknown median ms | ratio |\n|---:|---:|---:|---:|")
        print(f"| {tries} | {known:.2f} | {unknown:.2f} | {known / unknown:.3f} |")
        print(
            "same body for both:",
            bodies["known"] == bodies["unknown"] and len(bodies["known"]) == 1,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    asyncio.run(main(parser.parse_args().tries))
