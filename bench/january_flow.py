"""The January rush, measured: sign in, request the security code, read it from the mail, modify.

Runs one real `serve` process against PostgreSQL and Redis (a database and key prefix of their
own, dropped at the end) with an SMTP server in this process, and reports completed flows per
second and the latency of each step (p50, p99, mean) at a few concurrent clients, over HTTP.

    scripts/uv.sh run python bench/january_flow.py --users 120 --concurrency 4

Each simulated operator completes the flow once, as in January (codes are limited per user).

No floor: the shared floor (bench/floor.py) only reads, and this flow writes (a new session, a
security code and its mail, the modification in one transaction). The floor this repository kept
for it ran the API's own services behind plain JSON, so its ratio measured the GraphQL layer alone
and hid the ORM's cost; a faithful floor for writes would be a second implementation of sign-in,
codes and modification. The absolute latencies are what this reports; sign-in is argon2-bound by
design.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.domain.registration import NewOperator  # noqa: E402
from api.domain.vocabulary import RegistrationTypeCode  # noqa: E402
from api.persistence.migrate import upgrade_to_head  # noqa: E402
from api.persistence.operators import SYSTEM  # noqa: E402
from api.services.container import build_services  # noqa: E402
from api.services.registration import ContactData, Registration, create_operator  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.support import Stores, bench_stores  # noqa: E402
from tests.api.conftest import free_port, start_server, stop_server  # noqa: E402

PASSWORD = "Clave-Segura-2027"
CODE_LINE = re.compile(r"^([A-Z0-9]{8})\r?$", re.MULTILINE)
CONTACT = ContactData(
    country_code="EC",
    province_code="09",
    city_code="0901",
    address="Av. 9 de Octubre 100",
    phone1="042345678",
    mobile_carrier="CLARO",
    mobile_number="0991234567",
)


def cedula(n: int) -> str:
    """A valid cédula of Guayas (province 09) numbered n."""
    base = f"09{n:07d}"
    total = 0
    for i, d in enumerate(base):
        p = int(d) * (2 if i % 2 == 0 else 1)
        total += p - 9 if p > 9 else p
    return base + str((10 - total % 10) % 10)


class Inbox:
    def __init__(self) -> None:
        self.codes: dict[str, asyncio.Future[str]] = {}
        self.loop = asyncio.get_running_loop()

    def expect(self, address: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = self.loop.create_future()
        self.codes[address] = future
        return future

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        found = CODE_LINE.search(body.get_content()) if body else None
        future = self.codes.pop(str(message["To"]).lower(), None)
        if future is not None and found:
            self.loop.call_soon_threadsafe(future.set_result, found.group(1))
        return "250 OK"


async def gql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


LOGIN = "mutation($i:String!,$u:String!,$p:String!){login(identification:$i,userId:$u,password:$p){token errors{code}}}"
REQUEST = "mutation($e:String!){requestSecurityCode(email:$e){expiresAt errors{code}}}"
MODIFY = "mutation($input:ModifyOperatorInput!){modify(input:$input){message errors{field code}}}"


FORM = {
    "countryCode": "EC",
    "provinceCode": "09",
    "cityCode": "0907",
    "address": "Av. Joaquín Orrantia, Durán",
    "phone1": "042456789",
    "mobileCarrier": "MOVISTAR",
    "mobileNumber": "0987654321",
    "keepSameEmail": True,
}


async def flow(
    client: httpx.AsyncClient, inbox: Inbox, n: int, timings: dict[str, list[float]]
) -> None:
    """One operator's January through the API."""
    address = f"oce{n}@bench.example"
    t0 = time.perf_counter()
    variables = {"i": cedula(n), "u": f"OCE{n:05d}", "p": PASSWORD}
    login = (await gql(client, LOGIN, variables))["login"]
    assert not login["errors"], login
    token = login["token"]
    t1 = time.perf_counter()
    future = inbox.expect(address)
    sent = (await gql(client, REQUEST, {"e": address}, token))["requestSecurityCode"]
    assert not sent["errors"], sent
    code = await asyncio.wait_for(future, timeout=10)
    t2 = time.perf_counter()
    form = {**FORM, "name": f"Operador de Prueba {n}", "securityCode": code}
    result = (await gql(client, MODIFY, {"input": form}, token))["modify"]
    assert not result["errors"], result
    t3 = time.perf_counter()
    timings["login"].append(t1 - t0)
    timings["code (request + mail)"].append(t2 - t1)
    timings["modify"].append(t3 - t2)
    timings["whole flow"].append(t3 - t0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main(users: int, concurrency: int) -> None:
    async with bench_stores() as stores:
        await flows(stores, users, concurrency)


STEPS = ("login", "code (request + mail)", "modify", "whole flow")


async def run_flows(
    url: str, inbox: Inbox, operators: range, concurrency: int
) -> tuple[float, dict[str, list[float]]]:
    """Flows per second and each step's latencies, `concurrency` clients at a time."""
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in operators:
        queue.put_nowait(n)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                await flow(client, inbox, queue.get_nowait(), timings)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(operators) / elapsed, timings


async def flows(stores: Stores, users: int, concurrency: int) -> None:
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = stores.environment(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port))
    server = None
    try:
        await asyncio.to_thread(upgrade_to_head, stores.database_url)
        settings_values: dict[str, Any] = {k.lower(): v for k, v in env.items()}
        services = build_services(Settings(**settings_values))
        print(f"creating {users} operators…", flush=True)
        for n in range(users):
            new = NewOperator(
                registration_type=RegistrationTypeCode.GENERAL_USER,
                identification=cedula(n),
                user_id=f"OCE{n:05d}",
                name=f"Operador de Prueba {n}",
                email=f"oce{n}@bench.example",
                password=PASSWORD,
            )
            await create_operator(services, Registration(new, CONTACT), actor=SYSTEM)
        await services.close()
        server = start_server(env, Path(os.environ.get("TMPDIR", "/tmp")) / f"{stores.name}.log")
        rate, timings = await run_flows(server.url, inbox, range(users), concurrency)
        print(f"\n{users} January flows, {concurrency} concurrent clients, one API process")
        print("| step | p50 (ms) | p99 (ms) | mean (ms) |")
        print("|---|---:|---:|---:|")
        for step, values in timings.items():
            print(
                f"| {step} | {percentile(values, 50) * 1000:.1f} | "
                f"{percentile(values, 99) * 1000:.1f} | {statistics.mean(values) * 1000:.1f} |"
            )
        print(f"\nflows/s: {rate:.1f}")
    finally:
        if server is not None:
            stop_server(server)
        controller.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.concurrency))
