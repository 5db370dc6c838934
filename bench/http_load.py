"""What the HTTP benchmarks share: servers started on free local ports, wrk driven from Python (its
requests per second and the p50 and p99 of its latency distribution), and targets measured in
alternating rounds with their ratios to a floor.

wrk is a Debian package: `apt-get install -y wrk` (or `scripts/bench-tools.sh`, which installs it
when it is missing).
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import orjson

ROOT = Path(__file__).resolve().parents[1]
WRK_MISSING = (
    "wrk is not installed: `apt-get install -y wrk` (Debian's package; as root, or with sudo), "
    "or `scripts/bench-tools.sh`"
)


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
    """`command` started in the repository, once it accepts connections on `port`."""
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


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def graphql_url(base: str, query: str) -> str:
    return f"{base}/graphql?{urlencode({'query': query})}"


# wrk ---------------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def require_wrk() -> None:
    """Stops the benchmark, saying how to get wrk, when it is not installed."""
    if shutil.which("wrk") is None:
        raise SystemExit(WRK_MISSING)


def wrk_post_script(body: Mapping[str, object], directory: Path) -> Path:
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
    """One wrk run: requests per second, and p50 and p99 from its latency distribution
    (`--latency`). Any non-2xx answer or socket error stops the benchmark."""
    extra = [f"-H{name}: {value}" for name, value in (headers or {}).items()]
    if script is not None:
        extra += ["-s", str(script)]
    try:
        completed = subprocess.run(
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
        )
    except FileNotFoundError:
        raise SystemExit(WRK_MISSING) from None
    output = completed.stdout
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


# Rounds and ratios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One URL to load, with the headers and the wrk script (a POST body) of its requests."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    script: Path | None = None


def alternate(
    targets: dict[str, Target], rounds: int, measure: Callable[[Target], Result]
) -> dict[str, list[Result]]:
    """Every target once per round, in the given order and then in reverse, `rounds` times: on a
    shared machine a slow spell then hits the targets of one round alike, and no target always
    runs first or last."""
    results: dict[str, list[Result]] = {name: [] for name in targets}
    names = list(targets)
    for n in range(rounds):
        for name in names if n % 2 == 0 else reversed(names):
            results[name].append(measure(targets[name]))
    return results


def median_result(results: list[Result]) -> Result:
    """Each figure's median over the rounds."""
    return Result(
        requests_per_second=statistics.median(r.requests_per_second for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        requests=round(statistics.median(r.requests for r in results)),
    )


def result_row(case: str, server: str, result: Result) -> str:
    return (
        f"| {case} | {server} | {result.requests_per_second:,.0f} | "
        f"{result.p50_ms:.2f} | {result.p99_ms:.2f} |"
    )


RESULTS_HEADER = "| request | server | req/s | p50 (ms) | p99 (ms) |\n|---|---|---:|---:|---:|"
RATIOS_HEADER = (
    "| request | API / floor | req/s ratio (medians) | req/s ratio, per round | "
    "median of the rounds | p99 ratio (medians) |\n|---|---|---:|---|---:|---:|"
)


def round_ratios(results: dict[str, list[Result]], name: str, floor_name: str) -> list[float]:
    """Each round's req/s ratio of `name` to `floor_name` (the two ran in the same round)."""
    return [
        a.requests_per_second / f.requests_per_second
        for a, f in zip(results[name], results[floor_name], strict=True)
    ]


def round_ratio(results: dict[str, list[Result]], name: str, floor_name: str) -> float:
    """The median of `round_ratios`: the steadiest figure on a shared machine."""
    return statistics.median(round_ratios(results, name, floor_name))


def ratio_row(case: str, api_name: str, floor_name: str, results: dict[str, list[Result]]) -> str:
    """API / floor: the ratio of the median req/s (below 1: the API serves fewer), each round's
    ratio (the two ran in the same round) and their median, and the ratio of the median p99
    (above 1: the API is slower)."""
    api, floor = results[api_name], results[floor_name]
    api_median, floor_median = median_result(api), median_result(floor)
    rounds = round_ratios(results, api_name, floor_name)
    return (
        f"| {case} | {api_name} / {floor_name} | "
        f"{api_median.requests_per_second / floor_median.requests_per_second:.2f} | "
        f"{', '.join(f'{r:.2f}' for r in rounds)} | {statistics.median(rounds):.2f} | "
        f"{api_median.p99_ms / floor_median.p99_ms:.2f} |"
    )
