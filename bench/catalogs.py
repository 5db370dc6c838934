"""The catalog queries over HTTP next to the shared floor's `/static` serving the API's own answer.

    apt-get install -y wrk          # Debian's package (or scripts/bench-tools.sh)
    scripts/uv.sh run python bench/catalogs.py --duration 5 --rounds 3 [--floor-app PATH]

On a PostgreSQL database and Redis key prefix of its own (bench/support.py, migrated; the
catalogs touch neither), starts the API (`python -m api serve`, its default settings with the
request budget and the limits out of reach) and, for each case, the shared floor (bench/floor.py)
in a uvicorn process of its own, one worker each. The floor's `/static` serves one file, so each
case starts its floor with the bytes of the API's own answer to that case, taken from the API.

Cases: `countries` and `cities(provinceCode: "09")`, GraphQL over GET and over POST (after the
first, both served from the per-process answer cache of api/graphql/caching.py), next to the
floor's `/static` (GET): what serving the cached answer costs with nothing on top. Checks that
the POST answer is the floor's bytes and the GET answer the same JSON, then loads each with wrk
(`--connections`, 16 by default), after a warm-up each, for `--rounds` rounds (the order reversed
every other round), and prints req/s, p50 and p99 (wrk's `--latency` distribution, medians over
the rounds) and API / floor: the ratio of the median req/s, each round's ratio and their median,
and the ratio of the p99.

Earlier versions also measured a Starlette app of this repository building each answer from the
catalogs per request; the shared floor has no such route, and it is dropped with the repository's
own floors. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floor import floor_app_path, floor_environment, start_floor  # noqa: E402
from bench.http_load import (  # noqa: E402
    RATIOS_HEADER,
    RESULTS_HEADER,
    Result,
    Target,
    alternate,
    free_port,
    graphql_url,
    median_result,
    ratio_row,
    require_wrk,
    result_row,
    run_wrk,
    start,
    stop,
    wrk_post_script,
)
from bench.support import Stores, bench_stores  # noqa: E402

CASES = {
    "countries": "{ countries { code name } }",
    'cities(provinceCode: "09")': '{ cities(provinceCode: "09") { code name } }',
}
GET = "this API, GET (answer cache)"
POST = "this API, POST (answer cache)"
FLOOR = "floor `/static`"


def measure(stores: Stores, floor_app: Path, arguments: argparse.Namespace) -> None:
    env = {**os.environ, **stores.environment(PYTHONPATH=str(ROOT), HOST="127.0.0.1")}
    subprocess.run(
        [sys.executable, "-m", "api", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    servers = [
        start([sys.executable, "-m", "api", "serve"], {**env, "PORT": str(api_port)}, api_port)
    ]

    def run(target: Target, duration: float = arguments.duration) -> Result:
        return run_wrk(
            target.url,
            headers=target.headers,
            script=target.script,
            duration=duration,
            connections=arguments.connections,
            threads=arguments.threads,
        )

    rows: dict[str, dict[str, list[Result]]] = {}
    try:
        with tempfile.TemporaryDirectory() as directory, httpx.Client(timeout=30) as client:
            workdir = Path(directory)
            for case, query in CASES.items():
                post = client.post(f"{api}/graphql", json={"query": query})
                post.raise_for_status()
                get = client.get(graphql_url(api, query))
                get.raise_for_status()
                static = workdir / "answer.json"
                static.write_bytes(post.content)
                floor_port = free_port()
                floor = start_floor(floor_app, floor_environment(stores, None, static), floor_port)
                try:
                    floor_url = f"http://127.0.0.1:{floor_port}/static"
                    served = client.get(floor_url)
                    if served.content != post.content or served.json() != get.json():
                        raise SystemExit(f"the API and the floor do not answer `{case}` alike")
                    targets = {
                        GET: Target(graphql_url(api, query)),
                        POST: Target(
                            f"{api}/graphql", {}, wrk_post_script({"query": query}, workdir)
                        ),
                        FLOOR: Target(floor_url),
                    }
                    for target in targets.values():
                        run(target, arguments.warmup)
                    rows[case] = alternate(targets, arguments.rounds, run)
                finally:
                    stop([floor])
    finally:
        stop(servers)

    print(
        f"{os.cpu_count()} CPU, Python {platform.python_version()}; wrk, "
        f"{arguments.connections} connections, {arguments.threads} thread(s), "
        f"{arguments.duration:g} s per run, {arguments.rounds} rounds\n"
    )
    print(RESULTS_HEADER)
    for case, results in rows.items():
        for name, runs in results.items():
            print(result_row(f"`{case}`", name, median_result(runs)))
    print()
    print(RATIOS_HEADER)
    for case, results in rows.items():
        for name in (GET, POST):
            print(ratio_row(f"`{case}`", name, FLOOR, results))


async def main(arguments: argparse.Namespace) -> None:
    require_wrk()
    floor_app = floor_app_path(arguments.floor_app)
    async with bench_stores() as stores:
        await asyncio.to_thread(measure, stores, floor_app, arguments)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each target")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the targets")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--floor-app", help="the shared floor_app.py (see bench/floor.py)")
    asyncio.run(main(parser.parse_args()))
