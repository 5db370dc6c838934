"""A second factor for sign-in (TOTP, RFC 6238): enrolled with `python -m api enroll-totp`, read
by a real authenticator's library (pyotp parses the provisioning URI), checked at sign-in with its
own attempt limit, each code used once; in production, staff without it cannot approve a
deregistration (which disables a user ID)."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from api.services.container import Services
from tests.api.conftest import (
    PASSWORD,
    Api,
    Environment,
    Server,
    make_operator,
    make_staff,
    start_server,
    stop_server,
)
from tests.api.test_cli import run_cli

LOGIN = """mutation($o: String) {
  login(identification: "1704567898", userId: "SENAE.STAFF", password: "Clave-Segura-2027", otp: $o) {
    token errors { field code message }
  }
}"""
APPROVE = "mutation($id: ID!) { approveDeregistration(requestId: $id) { errors { code message } } }"


async def staff(services: Services) -> None:
    await make_staff(services)


PRODUCTION_SECRET = secrets.token_urlsafe(32)


def enroll(environment: Environment, **variables: str) -> pyotp.TOTP:
    finished = run_cli(environment, "enroll-totp", "--user-id", "SENAE.STAFF", **variables)
    assert finished.returncode == 0, finished.stderr
    uri = finished.stdout.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/")
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP)
    return totp


def login_outcome(data: dict[str, Any]) -> str:
    errors = data["login"]["errors"]
    return errors[0]["code"] if errors else "OK"


async def test_an_enrolled_sign_in_needs_the_current_code_and_each_code_works_once(
    api: Api, services: Services, environment: Environment
) -> None:
    await staff(services)
    totp = enroll(environment)
    missing = (await api.data(LOGIN, {"o": None}))["login"]
    assert missing["token"] is None
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("otp", "OTP_REQUIRED")]
    code = totp.now()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert login_outcome(await api.data(LOGIN, {"o": wrong})) == "OTP_INVALID"
    signed = (await api.data(LOGIN, {"o": code}))["login"]
    assert signed["errors"] == []
    assert signed["token"]
    # The same code again (someone who watched it typed): refused.
    assert login_outcome(await api.data(LOGIN, {"o": code})) == "OTP_INVALID"


async def test_a_user_without_a_second_factor_signs_in_with_the_password_alone(
    api: Api, services: Services
) -> None:
    await staff(services)
    assert login_outcome(await api.data(LOGIN, {"o": None})) == "OK"


async def test_parallel_wrong_codes_are_checked_no_more_often_than_the_limit(
    api: Api, services: Services, environment: Environment
) -> None:
    await staff(services)
    totp = enroll(environment)
    right = totp.now()
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(100_001, 100_013)]
    outcomes = Counter(
        login_outcome(r) for r in await asyncio.gather(*(api.data(LOGIN, {"o": o}) for o in wrong))
    )
    assert outcomes == {"OTP_INVALID": 5, "RATE_LIMITED": 7}
    assert login_outcome(await api.data(LOGIN, {"o": right})) == "RATE_LIMITED"


async def test_enrolling_an_unknown_user_is_refused(environment: Environment) -> None:
    finished = run_cli(environment, "enroll-totp", "--user-id", "NADIE")
    assert finished.returncode == 1
    assert "userId" in finished.stderr


@pytest.fixture
def production_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    started = start_server(
        environment.variables(
            ENVIRONMENT="production",
            SECRET_KEY=PRODUCTION_SECRET,
            METRICS_TOKEN=secrets.token_urlsafe(16),
        ),
        tmp_path / "api.log",
    )
    yield started
    stop_server(started)


@pytest.fixture
async def production(production_server: Server) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=production_server.url, timeout=30) as client:
        yield Api(client)


async def test_in_production_staff_without_a_second_factor_cannot_approve_a_deregistration(
    production: Api, services: Services, environment: Environment, production_server: Server
) -> None:
    await staff(services)
    await make_operator(services)
    user = await production.login("0912345675001", "USUARIO01", PASSWORD)
    request = await production.data(
        'mutation { requestDeregistration(reason: "Cierre") { request { id } } }', token=user
    )
    request_id = request["requestDeregistration"]["request"]["id"]

    password_only = Api.token_of(await production.post(LOGIN, {"o": None}))
    refused = await production.data(APPROVE, {"id": request_id}, token=password_only)
    [error] = refused["approveDeregistration"]["errors"]
    assert error["code"] == "SECOND_FACTOR_REQUIRED"

    # Enrolled by the command, with the production server's SECRET_KEY as an operator would.
    totp = enroll(environment, SECRET_KEY=PRODUCTION_SECRET)
    with_code = Api.token_of(await production.post(LOGIN, {"o": totp.now()}))
    approved = await production.data(APPROVE, {"id": request_id}, token=with_code)
    assert approved["approveDeregistration"]["errors"] == []
