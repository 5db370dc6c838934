"""Partner events, measured: commit-to-delivery latency (p50/p99) and throughput with 1, 10 and
100 subscribers on one API process, against PostgreSQL and Redis.

    scripts/uv.sh run python bench/events.py --events 200

Each change is a real mutation through the API (an operator alternately requests and withdraws
its deregistration), a transaction writing its outbox row; the latency runs from the event's
`occurredAt` (taken in that transaction) to its arrival at each subscriber over
graphql-transport-ws.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.domain.registration import NewOperator  # noqa: E402
from api.domain.vocabulary import RegistrationTypeCode  # noqa: E402
from api.persistence.migrate import upgrade_to_head  # noqa: E402
from api.persistence.operators import SYSTEM  # noqa: E402
from api.services.container import build_services  # noqa: E402
from api.services.partner_keys import create_partner_key  # noqa: E402
from api.services.registration import Registration, create_operator  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.support import bench_stores  # noqa: E402
from tests.api.conftest import start_server, stop_server  # noqa: E402

QUERY = "subscription { operatorEvents(types: [DEREGISTRATION_REQUESTED, DEREGISTRATION_DECIDED]) { id userId occurredAt } }"
REQUEST = 'mutation { requestDeregistration(reason: "Prueba de carga") { errors { code } } }'
WITHDRAW = "mutation { withdrawDeregistration { errors { code } } }"


async def subscriber(
    url: str, key: str, expected: int, ready: asyncio.Event, latencies: list[float]
) -> None:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY}}))
        ready.set()
        received = 0
        while received < expected:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] != "next":
                continue
            event = message["payload"]["data"]["operatorEvents"]
            occurred = datetime.fromisoformat(event["occurredAt"])
            latencies.append((datetime.now(UTC) - occurred).total_seconds())
            received += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


LOGIN = (
    'mutation { login(identification: "0912345675001", userId: "BENCH01", '
    'password: "Clave-Segura-2027") { token } }'
)


async def run(subscribers: int, events: int, env: dict[str, str], services: Any) -> None:
    server = start_server(
        env, Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-events-{subscribers}.log"
    )
    try:
        key = (
            await create_partner_key(services, name="Bench", scopes="events:read", created_by=None)
        ).key
        url = server.url.replace("http://", "ws://") + "/graphql"
        latencies: list[float] = []
        readies = [asyncio.Event() for _ in range(subscribers)]
        tasks = [asyncio.create_task(subscriber(url, key, events, r, latencies)) for r in readies]
        await asyncio.gather(*(r.wait() for r in readies))
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            login = await client.post("/graphql", json={"query": LOGIN})
            token = login.json()["data"]["login"]["token"]
            headers = {"Authorization": f"Bearer {token}"}
            started = time.perf_counter()
            for n in range(events):
                response = await client.post(
                    "/graphql", json={"query": REQUEST if n % 2 == 0 else WITHDRAW}, headers=headers
                )
                assert "errors" not in response.json(), response.text
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
        elapsed = time.perf_counter() - started
        deliveries = subscribers * events
        print(
            f"{subscribers:>11} {events:>7} {deliveries / elapsed:>14.0f} "
            f"{percentile(latencies, 50) * 1000:>8.1f} {percentile(latencies, 99) * 1000:>8.1f} "
            f"{statistics.mean(latencies) * 1000:>8.1f}",
            flush=True,
        )
    finally:
        stop_server(server)


async def main(events: int, counts: list[int]) -> None:
    async with bench_stores() as stores:
        env = stores.environment(SUBSCRIBER_BUFFER="100000")
        await asyncio.to_thread(upgrade_to_head, stores.database_url)
        settings_values: dict[str, Any] = {k.lower(): v for k, v in env.items()}
        services = build_services(Settings(**settings_values))
        try:
            print(
                f"{'subscribers':>11} {'events':>7} {'deliveries/s':>14} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}"
            )
            await create_operator(
                services,
                Registration(
                    NewOperator(
                        registration_type=RegistrationTypeCode.GENERAL_USER,
                        identification="0912345675001",
                        user_id="BENCH01",
                        name="Operador de Prueba",
                        email="bench01@bench.example",
                        password="Clave-Segura-2027",
                    )
                ),
                actor=SYSTEM,
            )
            for count in counts:
                await run(count, events, env, services)
        finally:
            await services.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscribers", default="1,10,100")
    args = parser.parse_args()
    asyncio.run(main(args.events, [int(c) for c in args.subscribers.split(",")]))
