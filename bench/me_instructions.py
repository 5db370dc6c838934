"""Instructions per `me` request, counted by valgrind's callgrind: the API's ASGI app and the
shared floor's `/bare`, `/graphql` and `/cached` routes (bench/floor.py) called in one process as
bench/me_cpu.py calls them, 16 in flight.

    apt-get install -y valgrind
    scripts/uv.sh run python bench/me_instructions.py --requests 160 [--floor-app PATH]

Each side runs in its own process under callgrind, which counts only while the measured batch
runs (the batch is called through `functools.reduce`, and callgrind collects inside that C
function alone). Counts are of this process's instructions, not time: the same code gives the
same count within about 1 % whatever else the machine is doing (what varies is how many ready
events each turn of the event loop finds), where wrk's req/s moves ±20 % on a shared host. What both pay alike outside the
process (uvicorn's parsing is not called here; the kernel, PostgreSQL and Redis are not counted)
is left out, so the ratio is the harder one. Under callgrind Python runs some 50 times slower:
start-up takes a minute or two per side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory

import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.me_cpu import IN_FLIGHT, ME_SIDES, Side, batch, me_sides  # noqa: E402

# The name of each side on the command line, and in bench/me_cpu.py.
SIDES = {"bare": ME_SIDES[0], "graphql": ME_SIDES[1], "cached": ME_SIDES[2], "api": "this API"}
# The C function callgrind counts inside: nothing else in the process calls it.
COUNTED_FUNCTION = "functools_reduce"


async def prepare(stack: contextlib.AsyncExitStack, side: str, floor_app: str | None) -> Side:
    """This side's app and its `me` request, warmed."""
    sides = await stack.enter_async_context(me_sides(floor_app))
    chosen = sides[SIDES[side]]
    await batch(chosen, 10)  # caches, pools, prepared statements
    return chosen


def measured_side(side: str, per_worker: int, floor_app: str | None) -> None:
    """Runs under callgrind: prepares, then one counted batch."""
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    stack = contextlib.AsyncExitStack()
    chosen = loop.run_until_complete(prepare(stack, side, floor_app))

    def counted(_: None, __: int) -> None:
        loop.run_until_complete(batch(chosen, per_worker))

    functools.reduce(counted, range(1), None)
    loop.run_until_complete(stack.aclose())


def count(side: str, per_worker: int, directory: Path, floor_app: str | None) -> float:
    """Instructions per request of one side, from callgrind's total."""
    floor = ["--floor-app", floor_app] if floor_app else []
    completed = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--toggle-collect={COUNTED_FUNCTION}",
            f"--callgrind-out-file={directory / side}.out",
            sys.executable,
            __file__,
            "--side",
            side,
            "--per-worker",
            str(per_worker),
            *floor,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    collected = re.search(r"Collected : ([\d,]+)", completed.stderr)
    assert collected, completed.stderr[-2000:]
    return int(collected.group(1).replace(",", "")) / (per_worker * IN_FLIGHT)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=160, help="counted requests per side")
    parser.add_argument("--floor-app", help="the shared floor_app.py (see bench/floor.py)")
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--per-worker", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.side:
        measured_side(arguments.side, arguments.per_worker, arguments.floor_app)
        return
    per_worker = max(1, arguments.requests // IN_FLIGHT)
    # Two at a time (the machine's cores): the counts do not depend on it, the wall time does.
    with TemporaryDirectory() as directory, ThreadPoolExecutor(2) as pool:
        counts = dict(
            zip(
                SIDES,
                pool.map(
                    lambda side: count(side, per_worker, Path(directory), arguments.floor_app),
                    SIDES,
                ),
                strict=True,
            )
        )
    print(f"`me`, {IN_FLIGHT} in flight, {per_worker * IN_FLIGHT} counted requests per side")
    print("| side | instructions per request | this API / side |")
    print("|---|---:|---:|")
    for side, name in SIDES.items():
        ratio = "" if side == "api" else f"{counts['api'] / counts[side]:.3f}"
        print(f"| {name} | {counts[side]:,.0f} | {ratio} |")


if __name__ == "__main__":
    main()
