"""Throughput of the catalog queries: `/graphql` against a bare Starlette endpoint, same JSON.

    uv run python bench/catalogs.py                      # wrk if installed, else Python
    uv run python bench/catalogs.py --duration 10 --connections 16 --loader python

Starts, in the same run, two single-process uvicorn servers on free local ports:

- the real application (`python -m api serve`), in its zero-setup mode unless DATABASE_URL /
  REDIS_URL are set in the environment (the catalogs never touch either);
- bench/bare_app.py, the same JSON from the same in-memory catalogs without GraphQL.

Checks that both answer the same JSON, then measures each case for `--duration` seconds with
`--connections` concurrent clients (after a short warm-up): `countries` and
`cities(provinceCode: "09")`, GraphQL over GET and, with wrk, over POST (after the first, both
served from the per-process answer cache of api/graphql/caching.py), next to the bare server's stored bytes;
and, for reference, the bare server building the answer on every request. The load generator is
wrk when it is installed (`apt-get install -y wrk`), else an asyncio + httpx loop in this process,
which on a small machine is itself the bottleneck (its numbers are a floor). Prints a Markdown
table: requests per second, p50 and p99 latency, and the ratio GraphQL / bare.

Not run by the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import UNREACHABLE  # noqa: E402

CASES = {
    "countries": (
        "{ countries { code name } }",
        "/countries",
    ),
    'cities(provinceCode: "09")': (
        '{ cities(provinceCode: "09") { code name } }',
        "/provinces/09/cities",
    ),
}

GET = "GraphQL, GET (answer cache)"
STORED = "bare, stored bytes"
POST = "GraphQL, POST (answer cache)"
BARE = "bare, built per request"
# Each GraphQL path next to the floor that serves the same answer: stored bytes.
FLOOR = {GET: STORED, POST: STORED}


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{' '.join(command)} did not start")


def start_graphql(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "warning",  # no access log, as in production behind a proxy that logs
        "SEED_DEMO": "false",
        "AUTO_MIGRATE": os.environ.get("AUTO_MIGRATE", "false"),
        # On, as in production, but out of reach of the load.
        "REQUEST_BUDGET_PER_MINUTE": UNREACHABLE,
    }
    env.setdefault("DATABASE_URL", f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    return start([sys.executable, "-m", "api", "serve"], env, port)


def start_bare(port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return start(command, {**os.environ, "PYTHONPATH": str(ROOT)}, port)


def graphql_url(base: str, query: str) -> str:
    return f"{base}/graphql?{urlencode({'query': query})}"


def check_same_json(graphql: str, bare: str) -> None:
    with httpx.Client(timeout=10) as client:
        left = client.get(graphql)
        right = client.get(bare)
    left.raise_for_status()
    right.raise_for_status()
    if left.json() != right.json():
        raise SystemExit(f"{graphql} and {bare} do not answer the same JSON")


# wrk ---------------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk_post_script(body: dict[str, object], directory: Path) -> Path:
    """A wrk script that POSTs `body` as JSON."""
    script = directory / f"post-{abs(hash(orjson.dumps(body)))}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {orjson.dumps(orjson.dumps(body).decode()).decode()}\n"
    )
    return script


def run_wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> Result:
    extra = [f"-H{name}: {value}" for name, value in (headers or {}).items()]
    if script is not None:
        extra += ["-s", str(script)]
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "--latency",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(percentiles) < 2:
        raise SystemExit(f"wrk printed no latency distribution for {url}:\n{output}")
    return Result(
        requests_per_second=float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
        requests=int(re.search(r"([0-9]+) requests in", output).group(1)),  # type: ignore[union-attr]
    )


# Python load generator ----------------------------------------------------------------------------


async def _python_load(url: str, *, duration: float, connections: int) -> Result:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return Result(
        requests_per_second=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=quantiles[98] * 1000,
        requests=len(latencies),
    )


def run_python(url: str, *, duration: float, connections: int) -> Result:
    return asyncio.run(_python_load(url, duration=duration, connections=connections))


# -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per case")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each case")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    elif loader == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    def measure(url: str, duration: float, script: Path | None = None) -> Result:
        if loader == "wrk":
            return run_wrk(
                url,
                duration=duration,
                connections=args.connections,
                threads=args.threads,
                script=script,
            )
        return run_python(url, duration=duration, connections=args.connections)

    graphql_port, bare_port = free_port(), free_port()
    graphql_base = f"http://127.0.0.1:{graphql_port}"
    with tempfile.TemporaryDirectory() as workdir:
        servers = [start_graphql(graphql_port, Path(workdir)), start_bare(bare_port)]
        try:
            rows = []
            for case, (query, path) in CASES.items():
                targets: dict[str, tuple[str, Path | None]] = {
                    GET: (graphql_url(graphql_base, query), None),
                    STORED: (f"http://127.0.0.1:{bare_port}/stored{path}", None),
                    BARE: (f"http://127.0.0.1:{bare_port}{path}", None),
                }
                if loader == "wrk":
                    post = wrk_post_script({"query": query}, Path(workdir))
                    targets[POST] = (f"{graphql_base}/graphql", post)
                check_same_json(targets[GET][0], targets[BARE][0])
                check_same_json(targets[GET][0], targets[STORED][0])
                results = {}
                for target, (url, script) in targets.items():
                    measure(url, args.warmup, script)
                    results[target] = measure(url, args.duration, script)
                    print(f"{case:28} {target:24} {results[target]}", file=sys.stderr)
                rows.append((case, results))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)

    print(
        f"{os.cpu_count()} CPU, Python "
        f"{platform.python_version()}, {platform.system()}; loader {loader}, "
        f"{args.connections} connections, {args.duration:g} s per case\n"
    )
    print("| query | server | req/s | p50 (ms) | p99 (ms) | GraphQL / its floor (req/s) |")
    print("|---|---|---:|---:|---:|---:|")
    for case, results in rows:
        for target in (GET, POST, STORED, BARE):
            result = results.get(target)
            if result is None:
                continue
            floor = results.get(FLOOR.get(target, ""))
            ratio = f"{result.requests_per_second / floor.requests_per_second:.2f}" if floor else ""
            print(
                f"| `{case}` | {target} | {result.requests_per_second:,.0f} | "
                f"{result.p50_ms:.2f} | {result.p99_ms:.2f} | {ratio} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
