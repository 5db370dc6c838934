"""`me` and `login` through GraphQL next to the bare floor doing the same I/O (bench/bare_me.py),
and the scale test: the same load on one API process and on two.

    apt-get install -y wrk
    scripts/uv.sh run python bench/me.py --duration 6              # request budget on
    scripts/uv.sh run python bench/me.py --duration 6 --no-budget  # REQUEST_BUDGET_PER_MINUTE=0

Uses its own PostgreSQL database and Redis key prefix (bench/support.py); 16 connections. The
floor reads the same settings, so it counts the request budget exactly when the API does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.catalogs import (  # noqa: E402
    Result,
    free_port,
    graphql_url,
    run_wrk,
    start,
    wrk_post_script,
)
from bench.support import Stores, bench_stores  # noqa: E402

ME = "{ me { userId name email version } }"
PASSWORD = "Clave-Segura-2027"
# The bench's database made ready: migrated, with the one operator the requests sign in as.
SETUP = (
    ["migrate"],
    [
        "create-user",
        "--registration-type",
        "GENERAL_USER",
        "--identification",
        "0912345675001",
        "--user-id",
        "USUARIO01",
        "--name",
        "Ana Lucía González Vera",
        "--email",
        "ana@bench.example",
        "--password",
        PASSWORD,
    ],
)


async def set_up_in_process(stores: Stores) -> None:
    """This process's environment names the bench's stores (the app and the floor read it at
    import), the database is migrated and holds the one operator."""
    os.environ.update(stores.environment(PYTHONPATH=str(ROOT), RUN_RELAY="false"))
    for command in SETUP:
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "api", *command],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


LOGIN_GRAPHQL = {
    "query": 'mutation($u: String!, $p: String!) { login(identification: "0912345675001", userId: $u, password: $p) { token } }',
    "variables": {"u": "USUARIO01", "p": PASSWORD},
}


def row(name: str, server: str, result: Result, floor: Result | None) -> str:
    ratio = f"{floor.requests_per_second / result.requests_per_second:.2f}" if floor else ""
    return f"| {name} | {server} | {result.requests_per_second:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | {ratio} |"


async def main(duration: float, *, budget: bool, rounds: int) -> None:
    async with bench_stores() as stores:
        measure(stores, duration, budget=budget, rounds=rounds)


def median(results: list[Result]) -> Result:
    return sorted(results, key=lambda result: result.requests_per_second)[len(results) // 2]


def measure(stores: Stores, duration: float, *, budget: bool, rounds: int) -> None:
    # The floor reads the same settings: with the budget on, it counts each request as the API.
    extra = {} if budget else {"REQUEST_BUDGET_PER_MINUTE": "0"}
    env = {**os.environ, **stores.environment(PYTHONPATH=str(ROOT), **extra)}
    processes = []
    workdir = Path(tempfile.mkdtemp())
    try:
        for command in SETUP:
            subprocess.run(
                [sys.executable, "-m", "api", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        port_a, port_b, port_bare = free_port(), free_port(), free_port()
        processes.append(
            start([sys.executable, "-m", "api", "serve"], {**env, "PORT": str(port_a)}, port_a)
        )
        processes.append(
            start(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "bench.bare_me:app",
                    "--port",
                    str(port_bare),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                env,
                port_bare,
            )
        )
        api, bare = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_bare}"
        token = httpx.post(f"{api}/graphql", json=LOGIN_GRAPHQL).json()["data"]["login"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        same = (
            httpx.get(graphql_url(api, ME), headers=auth).json()
            == httpx.get(f"{bare}/me", headers=auth).json()
        )
        assert same, "the API and the floor must answer the same JSON"
        load = {"duration": duration, "connections": 16, "threads": 2}
        print("| request | server | req/s | p50 (ms) | p99 (ms) | floor / GraphQL |")
        print("|---|---|---:|---:|---:|---:|")
        # Floor and API take turns, `rounds` times each, and each reports its median run: on a
        # shared machine one run can be 20 % off, and it hits whichever side ran then.
        floors, apis = [], []
        for _ in range(rounds):
            floors.append(run_wrk(f"{bare}/me", headers=auth, **load))  # type: ignore[arg-type]
            apis.append(run_wrk(graphql_url(api, ME), headers=auth, **load))  # type: ignore[arg-type]
        me_floor, me_api = median(floors), median(apis)
        print(row("`me`", "bare Starlette", me_floor, None))
        print(row("`me`", "GraphQL", me_api, me_floor))
        # Each round's floor and API ran back to back, so a slow spell of the machine mostly hits
        # both: the median of those ratios is the steadiest number on a noisy machine.
        ratios = sorted(
            f.requests_per_second / a.requests_per_second for f, a in zip(floors, apis, strict=True)
        )
        print(
            f"\n`me` floor / GraphQL per round: {', '.join(f'{r:.2f}' for r in ratios)}"
            f" (median {ratios[len(ratios) // 2]:.2f})\n"
        )
        # Sign-in is argon2-bound: fewer connections, so that wrk's timeouts measure nothing else.
        slow = {**load, "connections": 4}
        login_floor = run_wrk(
            f"{bare}/login",
            script=wrk_post_script({"userId": "USUARIO01", "password": PASSWORD}, workdir),
            **slow,
        )  # type: ignore[arg-type]
        login_api = run_wrk(
            f"{api}/graphql", script=wrk_post_script(LOGIN_GRAPHQL, workdir), **slow
        )  # type: ignore[arg-type]
        print(row("`login`", "bare Starlette", login_floor, None))
        print(row("`login`", "GraphQL", login_api, login_floor))

        processes.append(
            start([sys.executable, "-m", "api", "serve"], {**env, "PORT": str(port_b)}, port_b)
        )
        split = {"duration": duration, "connections": 8, "threads": 1}
        with ThreadPoolExecutor(2) as pool:
            both = list(
                pool.map(
                    lambda port: run_wrk(
                        graphql_url(f"http://127.0.0.1:{port}", ME), headers=auth, **split
                    ),  # type: ignore[arg-type]
                    (port_a, port_b),
                )
            )
        total = sum(r.requests_per_second for r in both)
        print(
            f"\nscale: `me`, 16 connections: one process {me_api.requests_per_second:,.0f} req/s; two processes {total:,.0f} req/s ({total / me_api.requests_per_second:.2f}x)"
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument(
        "--no-budget",
        action="store_true",
        help="REQUEST_BUDGET_PER_MINUTE=0 for the API and the floor (default: on, out of reach)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="turns of floor and API for `me`")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.duration, budget=not arguments.no_budget, rounds=arguments.rounds))
