"""The command line of SPEC §5: `create-user` validates like the API and writes nothing on refusal."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.services.container import Services
from tests.api.conftest import ROOT, Environment, count_rows, make_operator

COMMANDS = ["serve", "migrate", "seed-demo", "create-user", "create-partner-key", "export-schema"]


def run_cli(
    environment: Environment, *args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        cwd=ROOT,
        env={**os.environ, **environment.variables(**variables)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def create_user_args(**overrides: str) -> list[str]:
    values = {
        "--registration-type": "GENERAL_USER",
        "--identification": "0912345675001",
        "--user-id": "NUEVO01",
        "--name": "Pedro Pablo Ramírez Loor",
        "--email": "pedro.ramirez@correo.example",
        "--password": "Clave-Segura-2027",
    }
    values.update(overrides)
    return ["create-user", *[part for pair in values.items() for part in pair]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(environment: Environment, command: str) -> None:
    result = run_cli(environment, command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: python -m api" in result.stdout


async def test_create_user_registers_a_user_with_its_event_and_audit_entry(
    environment: Environment, services: Services
) -> None:
    result = run_cli(environment, *create_user_args())
    assert result.returncode == 0, result.stderr
    assert "NUEVO01" in result.stdout
    assert await count_rows(services, "operators") == 1
    assert await count_rows(services, "audit_entries") == 1
    assert await count_rows(services, "outbox_events") == 1


async def test_create_user_with_role_staff_creates_customs_staff(
    environment: Environment, services: Services
) -> None:
    result = run_cli(environment, *create_user_args(), "--role", "staff")
    assert result.returncode == 0, result.stderr
    assert "created staff NUEVO01" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"--identification": "0912345674001"}, "identification"),
        ({"--identification": "0912345674"}, "identification"),
        ({"--email": "not-an-address"}, "email"),
        ({"--password": "short"}, "password"),
        ({"--user-id": "a b"}, "userId"),
    ],
    ids=[
        "bad-ruc-check-digit",
        "bad-cedula-check-digit",
        "bad-email",
        "weak-password",
        "bad-user-id",
    ],
)
async def test_create_user_refuses_bad_input_and_writes_nothing(
    environment: Environment, services: Services, overrides: dict[str, str], expected: str
) -> None:
    result = run_cli(environment, *create_user_args(**overrides))
    assert result.returncode == 1
    assert f"error: {expected}:" in result.stderr
    assert await count_rows(services, "operators") == 0
    assert await count_rows(services, "outbox_events") == 0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"--user-id": "usuario01", "--email": "otra@correo.example"}, "userId"),
        ({"--email": "ANA.GONZALEZ@correo.example"}, "email"),
    ],
    ids=["duplicate-user-id-any-case", "duplicate-email-any-case"],
)
async def test_create_user_refuses_a_duplicate_and_writes_nothing(
    environment: Environment, services: Services, overrides: dict[str, str], expected: str
) -> None:
    await make_operator(services)
    result = run_cli(environment, *create_user_args(**overrides))
    assert result.returncode == 1
    assert f"error: {expected}:" in result.stderr
    assert await count_rows(services, "operators") == 1


def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(environment: Environment) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api", "migrate"],
        cwd=ROOT,
        env={**os.environ, **environment.variables(PORT="eighty")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("configuration error: PORT:")


async def test_seed_demo_is_idempotent(environment: Environment, services: Services) -> None:
    first = run_cli(environment, "seed-demo")
    second = run_cli(environment, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "(8 new users)" in first.stdout
    assert "(0 new users)" in second.stdout
    assert await count_rows(services, "operators") == 8


def test_export_schema_prints_the_committed_schema(environment: Environment) -> None:
    result = run_cli(environment, "export-schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "schema.graphql").read_text()
