"""Redis behind Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER): a real master, replica and
three Sentinels; the master fails while operators sign in. The API answers coded errors while
there is no master, finds the new one by itself, and sessions that reached the replica live on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from api.services.container import Services
from tests.api.conftest import Environment, Server, make_operator, start_server, stop_server
from tests.support.sentinel import MASTER_NAME, SentinelGroup

LOGIN = """mutation($i: String!, $u: String!) {
  login(identification: $i, userId: $u, password: "Clave-Segura-2027") {
    token errors { code message } } }"""
# One account per signing-in client, as at a real counter: a sign-in cut off by the failure
# counts as one failed attempt of its account (the attempt is reserved before the password is
# checked, and Redis was not there to give it back), far below the five that lock one.
ACCOUNTS = [
    ("0912345675001", "USUARIO01"),
    ("1704567898", "USUARIO02"),
    ("1305554444", "USUARIO03"),
]
# A request answers within this even while Redis has no master (README "Bounded waits").
ANSWER_BOUND_SECONDS = 5.0


@dataclass(frozen=True)
class SignIn:
    started: float
    elapsed: float
    status: int
    body: dict[str, object] | None
    text: str

    @property
    def token(self) -> str | None:
        login = self._login()
        token = login.get("token") if login else None
        return token if isinstance(token, str) else None

    @property
    def codes(self) -> list[object]:
        login = self._login()
        errors = login.get("errors") if login else None
        return [e.get("code") for e in errors] if isinstance(errors, list) else []

    def _login(self) -> dict[str, object] | None:
        data = self.body.get("data") if self.body else None
        login = data.get("login") if isinstance(data, dict) else None
        return login if isinstance(login, dict) else None


@pytest.fixture
def sentinels(tmp_path: Path) -> Iterator[SentinelGroup]:
    group = SentinelGroup(tmp_path / "redis")
    group.directory.mkdir()
    try:
        group.start()
        yield group
    finally:
        group.stop()


@pytest.fixture
def server_on_sentinel(
    environment: Environment, sentinels: SentinelGroup, tmp_path: Path
) -> Iterator[Server]:
    started = start_server(
        environment.variables(
            REDIS_URL="",
            REDIS_SENTINELS=sentinels.sentinels_setting,
            REDIS_SENTINEL_MASTER=MASTER_NAME,
            # Each sign-in opens a session: the relay and the hub share Redis with them.
            REDIS_POOL_SIZE="10",
            # Every test client signs in from 127.0.0.1.
            LOGIN_MAX_FAILURES_PER_ADDRESS="100000",
        ),
        tmp_path / "api.log",
    )
    yield started
    stop_server(started)


async def sign_in(client: httpx.AsyncClient, account: tuple[str, str] = ACCOUNTS[0]) -> SignIn:
    started = time.monotonic()
    identification, user_id = account
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"i": identification, "u": user_id}}
    )
    try:
        body = response.json()
    except ValueError:
        body = None
    return SignIn(
        started=started,
        elapsed=time.monotonic() - started,
        status=response.status_code,
        body=body,
        text=response.text,
    )


async def sign_in_until(
    client: httpx.AsyncClient, account: tuple[str, str], done: asyncio.Event, record: list[SignIn]
) -> None:
    while not done.is_set():
        record.append(await sign_in(client, account))
        await asyncio.sleep(0.02)


async def replicated(master: tuple[str, int]) -> None:
    """Until the replica has every write the master took so far (Redis's WAIT)."""
    client = aioredis.Redis(host=master[0], port=master[1])
    try:
        assert await client.execute_command("WAIT", 1, 5000) >= 1
    finally:
        await client.aclose()


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={"query": "{ me { userId } }"},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_sign_ins_through_a_master_failure_get_coded_errors_then_the_new_master(
    services: Services, sentinels: SentinelGroup, server_on_sentinel: Server
) -> None:
    for number, (identification, user_id) in enumerate(ACCOUNTS):
        await make_operator(
            services,
            identification=identification,
            user_id=user_id,
            email=f"usuario{number}@correo.example",
        )
    old_master = sentinels.master_address()
    async with httpx.AsyncClient(base_url=server_on_sentinel.url, timeout=30) as client:
        before = await sign_in(client)
        assert before.token, before.text
        await replicated(old_master)
        record: list[SignIn] = []
        done = asyncio.Event()
        workers = [
            asyncio.create_task(sign_in_until(client, account, done, record))
            for account in ACCOUNTS
        ]
        await asyncio.sleep(0.5)
        killed_at = time.monotonic()
        sentinels.kill(old_master[1])
        new_master = await asyncio.to_thread(sentinels.wait_for_new_master, old_master)
        failed_over_at = time.monotonic()
        # Sign-ins go on until several have succeeded against the new master, without any
        # restart of the API.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            after = [s for s in record if s.started > failed_over_at and s.token]
            if len(after) >= 5:
                break
            await asyncio.sleep(0.1)
        done.set()
        await asyncio.gather(*workers)
        old_session = await me(client, before.token)

    assert new_master[1] == sentinels.replica_port
    assert all(s.status == 200 for s in record), [s.text for s in record if s.status != 200][:3]
    assert all(s.body is not None for s in record)
    assert all("Traceback" not in s.text for s in record)
    # Every answer is a session or the one coded refusal for an unreachable service.
    refused = [s for s in record if not s.token]
    assert all(s.codes == ["SERVICE_UNAVAILABLE"] for s in refused), [
        s.text for s in refused if s.codes != ["SERVICE_UNAVAILABLE"]
    ]
    # With the master gone and no new one yet, sign-ins could not open sessions: refused.
    assert any(killed_at < s.started < failed_over_at for s in refused)
    assert all(s.elapsed < ANSWER_BOUND_SECONDS for s in record), max(s.elapsed for s in record)
    assert len([s for s in record if s.started > failed_over_at and s.token]) >= 5
    # The session opened before the failure reached the replica, which is the master now.
    assert old_session.json() == {"data": {"me": {"userId": "USUARIO01"}}}
    assert "Traceback" not in server_on_sentinel.log()


async def test_a_requested_failover_moves_sign_ins_and_sessions_to_the_promoted_replica(
    services: Services, sentinels: SentinelGroup, server_on_sentinel: Server
) -> None:
    await make_operator(services)
    old_master = sentinels.master_address()
    async with httpx.AsyncClient(base_url=server_on_sentinel.url, timeout=30) as client:
        before = await sign_in(client)
        assert before.token, before.text
        await replicated(old_master)
        # SENTINEL FAILOVER demotes the master to a replica: the API's open connections to it
        # now answer READONLY to a write, and must find the promoted one instead.
        with sentinels.sentinel() as sentinel:
            assert sentinel.sentinel_failover(MASTER_NAME)
        await asyncio.to_thread(sentinels.wait_for_new_master, old_master)
        answers: list[SignIn] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len([a for a in answers if a.token]) < 5:
            answers.append(await sign_in(client))
        old_session = await me(client, before.token)
    refused = [a for a in answers if not a.token]
    assert all(a.codes == ["SERVICE_UNAVAILABLE"] for a in refused), [
        a.text for a in refused if a.codes != ["SERVICE_UNAVAILABLE"]
    ]
    assert len([a for a in answers if a.token]) >= 5
    assert old_session.json() == {"data": {"me": {"userId": "USUARIO01"}}}
    assert "Traceback" not in server_on_sentinel.log()
