"""README's JavaScript webhook receiver (clients/webhooks/receiver.js, verifying with the npm
`standardwebhooks` package, another implementation of the spec than ours and the Python one)
receives the API's deliveries: every one verified, each operator's in order; with a wrong secret
it verifies none and the worker sees 401s."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.domain.webhooks import new_signing_secret
from api.services.container import Services
from tests.api.conftest import ROOT, Api, Environment, free_port
from tests.api.test_webhooks import (
    Workers,
    burst,
    delivery_rows,
    operators,
    partner_key,
    register,
    until_all_delivered,
)

CLIENTS = ROOT / "clients"


class NodeReceiver:
    """clients/webhooks/receiver.js as a partner would run it; what it handled is its stdout."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/ecuapass"
        self.output = directory / f"receiver-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, secret: str) -> None:
        node = shutil.which("node")
        assert node, "Node.js must be installed (scripts/clients.sh installs it)"
        assert (CLIENTS / "node_modules" / "standardwebhooks").is_dir(), "run scripts/clients.sh"
        self.process = subprocess.Popen(
            [node, "webhooks/receiver.js"],
            cwd=CLIENTS,
            env={**os.environ, "ECUAPASS_WEBHOOK_SECRET": secret, "PORT": str(self.port)},
            stdout=self.output.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def handled(self) -> list[dict[str, Any]]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    async def until(self, count: int, within: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while len(self.handled()) < count:
            assert self.process is not None
            assert self.process.poll() is None, self.output.read_text()
            assert time.monotonic() < deadline, self.output.read_text()
            await asyncio.sleep(0.1)
        return self.handled()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def workers(environment: Environment, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(environment, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def node_receiver(tmp_path: Path) -> Iterator[NodeReceiver]:
    receiver = NodeReceiver(tmp_path)
    yield receiver
    receiver.stop()


async def test_readme_javascript_receiver_verifies_every_delivery_in_order_per_operator(
    api: Api, services: Services, node_receiver: NodeReceiver, workers: Workers
) -> None:
    people = await operators(services, 2)
    key = await partner_key(services)
    _, secret = await register(api, key, node_receiver.url)
    node_receiver.start(secret)
    workers.start()

    written = await burst(services, people, per_operator=4)

    handled = await node_receiver.until(8)
    order: dict[str, list[str]] = {}
    for event in handled:
        order.setdefault(event["userId"], []).append(event["changes"][0]["new"])
    assert order == written
    await until_all_delivered(services)


async def test_readme_javascript_receiver_with_a_wrong_secret_refuses_every_delivery(
    api: Api, services: Services, node_receiver: NodeReceiver, workers: Workers
) -> None:
    [person] = await operators(services, 1)
    key = await partner_key(services)
    await register(api, key, node_receiver.url)
    node_receiver.start(new_signing_secret())  # not the webhook's
    workers.start()

    await burst(services, [person], per_operator=1)

    deadline = time.monotonic() + 60
    while True:
        rows = await delivery_rows(services)
        if rows and rows[0]["attempts"] >= 2:
            break
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.2)
    assert node_receiver.handled() == []
    assert rows[0]["status"] != "DELIVERED"
    assert rows[0]["last_status_code"] == 401, rows
