"""`me` and `countries` over HTTP next to the shared floor (bench/floor.py), `login` alone, and the
scale test: the same `me` load on one API process and on two.

    apt-get install -y wrk          # Debian's package (or scripts/bench-tools.sh)
    scripts/uv.sh run python bench/me.py --duration 6 --rounds 5                # budget on
    scripts/uv.sh run python bench/me.py --duration 6 --rounds 5 --no-budget    # budget off
    scripts/uv.sh run python bench/me.py --floor-app PATH                       # another floor

Starts, on a PostgreSQL database and Redis key prefix of its own (bench/support.py), migrated
and holding one operator, two servers, each in its own process with one worker:

- the API, `python -m api serve` with its default settings, except that the request budget and
  the per-address and per-user limits are set out of reach (on, so the API pays for counting);
  `--no-budget` sets REQUEST_BUDGET_PER_MINUTE=0 instead (the floor counts no budget at all, so
  that run is the like-for-like one);
- the shared floor, `floor_app.py` under uvicorn (`--floor-app`, default as bench/floor.py),
  which writes its own session for its token and reads the same operator's row; its `/static`
  serves the bytes of the API's own `countries` answer, taken from the API at start.

Checks that the API's `me` and the floor's `/bare`, `/graphql` and `/cached` answer the same JSON
for the same fields (bench/floor.py ME_FIELDS), and `/static` the API's `countries` bytes. Then
wrk (16 connections, every request a POST of the same GraphQL body) loads each of them in turn,
after a one-second warm-up each, for `--rounds` rounds (the order reversed every other round),
and prints for each: req/s, p50 and p99 (wrk's `--latency` distribution), each the median over
the rounds; and API / floor for each floor route: the ratio of the median req/s, each round's
ratio and their median (the steadiest figure on a shared machine), and the ratio of the p99.
The floor's `/cached` is also loaded with `{ __typename }`, the least a Strawberry app can
execute, next to `/static`. Last, the performance targets (docs/performance.md): each as the API
measured it and as the floor's own Strawberry route does on the same measure, and whether the
API met it.

`login` is measured on the API alone (4 connections: it is argon2-bound by design), with no
ratio: the shared floor does not sign in. The scale test loads two API processes at once (8
connections each) and compares their sum with the one process's median `me`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floor import (  # noqa: E402
    FLOOR_TOKEN,
    ME_FIELDS,
    floor_app_path,
    floor_environment,
    forget_floor_session,
    start_floor,
)
from bench.http_load import (  # noqa: E402
    RATIOS_HEADER,
    RESULTS_HEADER,
    Result,
    Target,
    alternate,
    free_port,
    median_result,
    ratio_row,
    require_wrk,
    result_row,
    round_ratio,
    run_wrk,
    start,
    stop,
    wrk_post_script,
)
from bench.support import Stores, bench_stores  # noqa: E402

PASSWORD = "Clave-Segura-2027"
USER_ID = "USUARIO01"
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
        USER_ID,
        "--name",
        "Ana Lucía González Vera",
        "--email",
        "ana@bench.example",
        "--password",
        PASSWORD,
    ],
)
COUNTRIES = "{ countries { code name } }"
LOGIN_GRAPHQL = {
    "query": 'mutation($u: String!, $p: String!) { login(identification: "0912345675001", userId: $u, password: $p) { token } }',
    "variables": {"u": USER_ID, "p": PASSWORD},
}

API_ME = "this API"
API_COUNTRIES = "this API"
FLOOR_ME = ("floor `/bare`", "floor `/graphql`", "floor `/cached`")
FLOOR_STATIC = "floor `/static`"
# The least a Strawberry app can execute, on the floor's own cached route: what any GraphQL
# answer costs before it resolves a single field of its own.
FLOOR_SMALLEST = "floor `/cached`, `{ __typename }`"
SMALLEST = "{ __typename }"
P99_LIMIT_MS = 20.0


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


def answer(target: Target, body: dict[str, Any]) -> bytes:
    response = httpx.post(target.url, json=body, headers=target.headers, timeout=30)
    response.raise_for_status()
    return response.content


async def main(arguments: argparse.Namespace) -> None:
    require_wrk()
    floor_app = floor_app_path(arguments.floor_app)
    async with bench_stores() as stores:
        # A token of this run's own: another bench on the same Redis keeps its floor session.
        token = f"{FLOOR_TOKEN}-{stores.name}"
        try:
            await asyncio.to_thread(measure, stores, floor_app, token, arguments)
        finally:
            await forget_floor_session(token)


def measure(
    stores: Stores, floor_app: Path, floor_token: str, arguments: argparse.Namespace
) -> None:
    extra = {} if arguments.budget else {"REQUEST_BUDGET_PER_MINUTE": "0"}
    env = {**os.environ, **stores.environment(PYTHONPATH=str(ROOT), HOST="127.0.0.1", **extra)}
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        try:
            for command in SETUP:
                subprocess.run(
                    [sys.executable, "-m", "api", *command],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                )
            port_a, port_b, port_floor = free_port(), free_port(), free_port()
            serve = [sys.executable, "-m", "api", "serve"]
            processes.append(start(serve, {**env, "PORT": str(port_a)}, port_a))
            api, floor = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_floor}"
            login = httpx.post(f"{api}/graphql", json=LOGIN_GRAPHQL, timeout=30).json()
            api_auth = {"Authorization": f"Bearer {login['data']['login']['token']}"}
            countries = Target(f"{api}/graphql", {}, wrk_post_script({"query": COUNTRIES}, workdir))
            countries_answer = answer(countries, {"query": COUNTRIES})
            if answer(countries, {"query": COUNTRIES}) != countries_answer:
                raise SystemExit("the API's `countries` answer changed between two requests")
            static = workdir / "countries.json"
            static.write_bytes(countries_answer)
            floor_env = floor_environment(stores, USER_ID, static, token=floor_token)
            processes.append(start_floor(floor_app, floor_env, port_floor))

            me_script = wrk_post_script({"query": ME_FIELDS}, workdir)
            floor_auth = {"Authorization": f"Bearer {floor_token}"}
            me_targets = {
                API_ME: Target(f"{api}/graphql", api_auth, me_script),
                FLOOR_ME[0]: Target(f"{floor}/bare", floor_auth, me_script),
                FLOOR_ME[1]: Target(f"{floor}/graphql", floor_auth, me_script),
                FLOOR_ME[2]: Target(f"{floor}/cached", floor_auth, me_script),
            }
            countries_targets = {
                API_COUNTRIES: countries,
                FLOOR_STATIC: Target(f"{floor}/static", {}, countries.script),
                FLOOR_SMALLEST: Target(
                    f"{floor}/cached", {}, wrk_post_script({"query": SMALLEST}, workdir)
                ),
            }
            check_same_answers(me_targets, countries_targets, countries_answer)

            load = {
                "duration": arguments.duration,
                "connections": 16,
                "threads": arguments.threads,
            }

            def run(target: Target, **changed: Any) -> Result:
                options: dict[str, Any] = {**load, **changed}
                return run_wrk(target.url, headers=target.headers, script=target.script, **options)

            targets = {("me", name): t for name, t in me_targets.items()} | {
                ("countries", name): t for name, t in countries_targets.items()
            }
            for target in targets.values():  # pools, caches, prepared statements
                run(target, duration=1)
            measured = alternate(
                {f"{case}: {name}": t for (case, name), t in targets.items()},
                arguments.rounds,
                run,
            )
            me_results = {name: measured[f"me: {name}"] for name in me_targets}
            countries_results = {name: measured[f"countries: {name}"] for name in countries_targets}

            budget = "on, out of reach" if arguments.budget else "off"
            print(
                f"{os.cpu_count()} CPU, Python {platform.python_version()}; wrk, 16 connections, "
                f"{arguments.threads} thread(s), {load['duration']:g} s per run, "
                f"{arguments.rounds} rounds; request budget {budget}\n"
            )
            print(RESULTS_HEADER)
            for name, results in me_results.items():
                print(result_row("`me`", name, median_result(results)))
            for name, results in countries_results.items():
                print(result_row("`countries`", name, median_result(results)))
            print()
            print(RATIOS_HEADER)
            for floor_name in FLOOR_ME:
                print(ratio_row("`me`", API_ME, floor_name, me_results))
            print(ratio_row("`countries`", API_COUNTRIES, FLOOR_STATIC, countries_results))
            print(ratio_row("`countries`", FLOOR_SMALLEST, FLOOR_STATIC, countries_results))
            print()
            print(targets_table(me_results, countries_results))

            # Sign-in is argon2-bound: fewer connections, so that wrk's timeouts measure nothing
            # else. No floor: the shared floor does not sign in.
            login_target = Target(f"{api}/graphql", {}, wrk_post_script(LOGIN_GRAPHQL, workdir))
            login_result = run(login_target, connections=4)
            print(f"\n`login` alone (4 connections), this API: {fmt(login_result)}")

            processes.append(start(serve, {**env, "PORT": str(port_b)}, port_b))
            scale(me_targets[API_ME], port_b, me_results[API_ME], run)
        finally:
            stop(processes)


def fmt(result: Result) -> str:
    return (
        f"{result.requests_per_second:,.1f} req/s, p50 {result.p50_ms:.2f} ms, "
        f"p99 {result.p99_ms:.2f} ms"
    )


def scale(
    first: Target, port_b: int, one_process: list[Result], run: Callable[..., Result]
) -> None:
    """Two API processes loaded at once, 8 connections each, against one process's median."""
    second = Target(f"http://127.0.0.1:{port_b}/graphql", first.headers, first.script)
    if answer(second, {"query": ME_FIELDS}) != answer(first, {"query": ME_FIELDS}):
        raise SystemExit("the second API process does not answer `me` as the first")
    run(second, duration=1)
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda t: run(t, connections=8, threads=1), (first, second)))
    one = median_result(one_process)
    total = sum(r.requests_per_second for r in both)
    print(
        f"\nscale, `me`, 16 connections: one process {one.requests_per_second:,.0f} req/s "
        f"(median of the rounds); two processes {total:,.0f} req/s "
        f"({total / one.requests_per_second:.2f}x), p99 "
        f"{' and '.join(f'{r.p99_ms:.2f}' for r in both)} ms"
    )


def targets_table(me: dict[str, list[Result]], countries: dict[str, list[Result]]) -> str:
    """The performance targets (docs/performance.md), each as the API measured it in this run and
    as the floor's own Strawberry route does on the same measure: a target that route misses too
    is one no Strawberry app doing the same I/O meets."""
    bare, cached = FLOOR_ME[0], FLOOR_ME[2]
    me_p99 = median_result(me[API_ME]).p99_ms
    countries_p99 = median_result(countries[API_COUNTRIES]).p99_ms
    rows = [
        ("`me` req/s / floor `/cached`", 1.0, round_ratio(me, API_ME, cached), None),
        (
            "`me` req/s / floor `/bare`",
            0.5,
            round_ratio(me, API_ME, bare),
            round_ratio(me, cached, bare),
        ),
        (
            "`countries` req/s / floor `/static`",
            1 / 1.5,
            round_ratio(countries, API_COUNTRIES, FLOOR_STATIC),
            round_ratio(countries, FLOOR_SMALLEST, FLOOR_STATIC),
        ),
    ]
    lines = [
        "| target | wanted | this API | the floor's Strawberry route | met |",
        "|---|---:|---:|---:|---|",
    ]
    for name, wanted, measured, reference in rows:
        shown = "" if reference is None else f"{reference:.2f}"
        met = "yes" if measured >= wanted else "no"
        lines.append(f"| {name} | ≥ {wanted:.2f} | {measured:.2f} | {shown} | {met} |")
    for name, p99, reference in (
        ("`me` p99", me_p99, median_result(me[cached]).p99_ms),
        ("`countries` p99", countries_p99, median_result(countries[FLOOR_SMALLEST]).p99_ms),
    ):
        met = "yes" if p99 < P99_LIMIT_MS else "no"
        lines.append(
            f"| {name} | < {P99_LIMIT_MS:.0f} ms | {p99:.2f} ms | {reference:.2f} ms | {met} |"
        )
    return "\n".join(lines)


def check_same_answers(
    me_targets: dict[str, Target], countries_targets: dict[str, Target], countries_answer: bytes
) -> None:
    """The same JSON from every `me` side (and a signed-in `me`), the same bytes for
    `countries`."""
    me = {name: json.loads(answer(t, {"query": ME_FIELDS})) for name, t in me_targets.items()}
    if len({json.dumps(a, sort_keys=True) for a in me.values()}) != 1:
        raise SystemExit(f"the API and the floor do not answer `me` alike: {me}")
    if next(iter(me.values()))["data"]["me"] is None:
        raise SystemExit("`me` answered null: the sessions were not found")
    static = answer(countries_targets[FLOOR_STATIC], {"query": COUNTRIES})
    if static != countries_answer:
        raise SystemExit("the floor's /static does not serve the API's `countries` answer")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all the targets")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--no-budget",
        dest="budget",
        action="store_false",
        help="REQUEST_BUDGET_PER_MINUTE=0 for the API (default: on, out of reach)",
    )
    parser.add_argument("--floor-app", help="the shared floor_app.py (see bench/floor.py)")
    asyncio.run(main(parser.parse_args()))
