"""Fixtures that talk to the real services: a PostgreSQL database of this run's own, a Redis key
prefix of this run's own, an SMTP server in this process, and the API as a real `serve` process.

Each run creates `ecuapass_test_<random>` and drops it at the end; each test starts from empty
tables and no Redis keys under the run's prefix.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from aiosmtpd.controller import Controller
from sqlalchemy import text

from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode, Role
from api.persistence.migrate import upgrade_to_head
from api.persistence.operators import SYSTEM
from api.persistence.tables import OperatorRow
from api.services.container import Services, build_services
from api.services.registration import ContactData, Registration, create_operator
from api.settings import Settings
from tests.support.pki import TestCA, make_ca
from tests.support.redis_server import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_SECRET = "test-secret-key-not-for-production"
PASSWORD = "Clave-Segura-2027"
# Truncating operators cascades to every table that refers to them.
TABLES = ("operators", "companies", "partner_keys", "pending_mail")
# The agreement version the migrations publish; tests may publish more.
FIRST_AGREEMENT = "2026-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """A real SMTP server in the test process; the tests read what it received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["To"]).lower() == address.lower()]

    async def arrived(self, address: str, count: int = 1, within: float = 10) -> list[EmailMessage]:
        """The mail to `address` once `count` have come: notices are sent by the worker after the
        request that queued them has answered."""
        for _ in range(int(within / 0.05)):
            if len(self.to(address)) >= count:
                break
            await asyncio.sleep(0.05)
        return self.to(address)


@dataclass(frozen=True)
class Environment:
    database_url: str
    redis_url: str
    redis_prefix: str
    smtp_port: int
    ca: TestCA
    ca_dir: Path

    def variables(self, **overrides: str) -> dict[str, str]:
        env = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REDIS_KEY_PREFIX": self.redis_prefix,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "SECRET_KEY": TEST_SECRET,
            "AUTO_MIGRATE": "false",
            "SEED_DEMO": "false",
            "LOG_LEVEL": "warning",
            "SIGNATURE_CA_DIR": str(self.ca_dir),
            # Every test client is 127.0.0.1: the budget has its own test (test_http_hardening).
            "REQUEST_BUDGET_PER_MINUTE": "0",
            # Webhooks: the test receivers listen on 127.0.0.1; a test that delivers runs its
            # own worker (tests/api/test_webhooks.py), so that no other process takes its work.
            "WEBHOOK_ALLOWED_INTERNAL_TARGETS": "127.0.0.1",
            "RUN_WEBHOOK_DELIVERY": "false",
        }
        env.update(overrides)
        return env

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {k.lower(): v for k, v in self.variables().items()}
        values.update(overrides)
        return Settings(**values)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def delete_prefix(url: str, prefix: str) -> int:
    client = aioredis.Redis.from_url(url)
    deleted = 0
    try:
        async for key in client.scan_iter(match=f"{prefix}*", count=500):
            deleted += await client.delete(key)
    finally:
        await client.aclose()
    return deleted


@pytest.fixture
async def clear_of_a_new_minute() -> None:
    """For tests of the request budget, which counts per minute of the clock: a test that ran
    across the start of a minute would see two budgets. They take a few seconds; starting with
    ten left is enough."""
    left = 60 - time.time() % 60
    if left < 10:
        await asyncio.sleep(left)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of the test's own, started; stopped at the end."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture(scope="session")
def environment(smtp: SmtpSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Environment]:
    name = f"ecuapass_test_{uuid.uuid4().hex[:10]}"
    # A certification authority of the tests' own, trusted by the API like an accredited one.
    ca = make_ca("Entidad de Certificación de Pruebas")
    ca_dir = tmp_path_factory.mktemp("trusted-ca")
    (ca_dir / "test-ca.pem").write_text(ca.certificate_pem)
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    credentials, _, location = ADMIN_DSN.split("//", 1)[1].partition("@")
    host = location.rsplit("/", 1)[0]
    env = Environment(
        database_url=f"postgresql+asyncpg://{credentials}@{host}/{name}",
        redis_url=TEST_REDIS_URL,
        redis_prefix=f"test:{name}:",
        smtp_port=smtp.port,
        ca=ca,
        ca_dir=ca_dir,
    )
    upgrade_to_head(env.database_url)
    yield env
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(delete_prefix(env.redis_url, env.redis_prefix))


def start_server(env_vars: dict[str, str], log_path: Path) -> Server:
    port = free_port()
    variables = {**os.environ, **env_vars, "HOST": "127.0.0.1", "PORT": str(port)}
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "serve"],
        cwd=ROOT,
        env=variables,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(url=url, process=process, log_path=log_path)
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server(environment: Environment, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    started = start_server(environment.variables(), tmp_path_factory.mktemp("server") / "api.log")
    yield started
    stop_server(started)


@pytest.fixture(scope="session")
async def services(environment: Environment) -> AsyncIterator[Services]:
    """The application's own services in the test process, against the same database and Redis."""
    built = build_services(environment.settings())
    yield built
    await built.close()


@pytest.fixture(autouse=True)
async def _clean(services: Services, environment: Environment, smtp: SmtpSink) -> None:
    async with services.transaction() as session:
        # Identities are not restarted: outbox sequences only grow, as in production, so the API
        # processes' event readers never see numbers go back between tests.
        await session.exec(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))  # type: ignore[call-overload]
        await session.exec(  # type: ignore[call-overload]
            text("DELETE FROM agreement_versions WHERE version <> :first").bindparams(
                first=FIRST_AGREEMENT
            )
        )
    await delete_prefix(environment.redis_url, environment.redis_prefix)
    smtp.messages.clear()


class Api:
    """A GraphQL client speaking HTTP to the real server."""

    @staticmethod
    def token_of(body: dict[str, Any]) -> str:
        token: str = body["data"]["login"]["token"]
        assert token, body
        return token

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code == 401:
            # Only an answer whose every error is UNAUTHENTICATED is 401 (RFC 6750's challenge).
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), response.headers
            assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}, body
        else:
            assert response.status_code == 200, response.text
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        body = await self.post(query, variables, **kwargs)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def login(self, identification: str, user_id: str, password: str = PASSWORD) -> str:
        data = await self.data(
            """mutation($i: String!, $u: String!, $p: String!) {
                 login(identification: $i, userId: $u, password: $p) { token errors { code } }
               }""",
            {"i": identification, "u": user_id, "p": password},
        )
        assert data["login"]["errors"] == [], data
        token: str = data["login"]["token"]
        return token


@pytest.fixture
async def api(server: Server) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield Api(client)


GENERAL_USER_CONTACT = ContactData(
    country_code="EC",
    province_code="09",
    city_code="0901",
    address="Av. 9 de Octubre 100",
    phone1="042345678",
    mobile_carrier="CLARO",
    mobile_number="0991234567",
)


async def make_operator(
    services: Services,
    *,
    user_id: str = "USUARIO01",
    identification: str = "0912345675001",
    name: str = "Ana Lucía González Vera",
    email: str = "ana.gonzalez@correo.example",
    password: str = PASSWORD,
    registration_type: RegistrationTypeCode = RegistrationTypeCode.GENERAL_USER,
    role: Role = Role.USER,
    contact: ContactData = GENERAL_USER_CONTACT,
    company_ruc: str | None = None,
) -> OperatorRow:
    new = NewOperator(
        company_ruc=company_ruc,
        registration_type=registration_type,
        identification=identification,
        user_id=user_id,
        name=name,
        email=email,
        password=password,
        role=role,
    )
    return await create_operator(services, Registration(new, contact), actor=SYSTEM)


EMPLOYEE_IDENTIFICATION = "1704567898"
EMPLOYEE_USER_ID = "EMPLEADO01"


async def make_employee(services: Services, company_ruc: str) -> OperatorRow:
    """An employee of the company `company_ruc` (sign in with EMPLOYEE_IDENTIFICATION or the
    company's RUC, EMPLOYEE_USER_ID, PASSWORD)."""
    return await make_operator(
        services,
        user_id=EMPLOYEE_USER_ID,
        identification=EMPLOYEE_IDENTIFICATION,
        email="empleado@empresa.example",
        registration_type=RegistrationTypeCode.EMPLOYEE,
        company_ruc=company_ruc,
    )


STAFF_USER_ID = "SENAE.STAFF"
STAFF_IDENTIFICATION = "1704567898"


async def make_staff(services: Services) -> OperatorRow:
    """A customs staff member (sign in with STAFF_IDENTIFICATION, STAFF_USER_ID, PASSWORD)."""
    return await make_operator(
        services,
        user_id=STAFF_USER_ID,
        identification=STAFF_IDENTIFICATION,
        email="staff@aduana.example",
        role=Role.STAFF,
    )


async def count_rows(services: Services, table: str) -> int:
    async with services.reading() as session:
        result = await session.exec(text(f"SELECT count(*) FROM {table}"))  # type: ignore[call-overload]
        return int(result.scalar_one())
