"""Fixtures of the fuzz tests: the same real services as tests/api (a PostgreSQL database and a Redis
prefix of this directory's own, an SMTP server in this process, a real `serve` process), plus a
synchronous client, direct access to the stores, and a cast of signed-in users.

tests/api cleans every table before each test; fuzzing would then hash passwords for every test.
Here the cast is made once per module and healed between tests instead, and each example
compares the stores before and after itself, so what earlier examples wrote does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import Environment, Server, environment, server, smtp
from tests.fuzz.support import Cast, Client, Stores, cast_for, heal, new_client

__all__ = ["cast", "client", "environment", "server", "smtp", "stores"]


@pytest.fixture(scope="module")
def stores(environment: Environment) -> Iterator[Stores]:
    opened = Stores(environment)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Client]:
    with new_client(server) as http:
        yield Client(http)


@pytest.fixture(scope="module")
def _module_cast(client: Client, stores: Stores) -> Cast:
    return cast_for(client, stores)


@pytest.fixture
def cast(_module_cast: Cast, client: Client, stores: Stores) -> Cast:
    heal(client, stores, _module_cast)
    return _module_cast
