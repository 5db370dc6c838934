"""A real browser against the API started on the real PostgreSQL, Redis and SMTP: Debian's
Chromium, headless, driven by puppeteer-core (clients/browser/browser.test.js) with every request
off this machine aborted. GraphiQL renders and runs a query and a subscription from the API
alone; a page of an origin in CORS_ORIGINS signs in and reads `me`, one of another origin cannot;
the browser's own WebSocket receives text frames."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.services.container import Services
from api.services.partner_keys import create_partner_key
from tests.api.conftest import (
    PASSWORD,
    ROOT,
    Environment,
    Server,
    free_port,
    make_operator,
    start_server,
    stop_server,
)

CLIENTS = ROOT / "clients"


@pytest.fixture
def page_ports() -> tuple[int, int]:
    """Where the browser test serves two pages: one origin listed in CORS_ORIGINS, one not."""
    return free_port(), free_port()


@pytest.fixture
def browser_server(
    environment: Environment, page_ports: tuple[int, int], tmp_path: Path
) -> Iterator[Server]:
    listed, _ = page_ports
    server = start_server(
        environment.variables(
            CORS_ORIGINS=f"http://127.0.0.1:{listed}",
            GRAPHIQL="true",
            # The scenarios make a deregistration request (and withdraw it) until each
            # subscriber has seen one: more than an operator's 10 changes an hour.
            DEREGISTRATION_CHANGES_PER_HOUR="1000",
        ),
        tmp_path / "api.log",
    )
    yield server
    stop_server(server)


async def test_chromium_offline_runs_graphiql_cors_pages_and_text_websocket_frames(
    services: Services, browser_server: Server, page_ports: tuple[int, int]
) -> None:
    node = shutil.which("node")
    chromium = shutil.which("chromium")
    assert node, "Node.js must be installed (scripts/clients.sh installs it)"
    assert chromium, "Chromium must be installed (scripts/clients.sh installs Debian's)"
    assert (CLIENTS / "node_modules" / "puppeteer-core").is_dir(), "run scripts/clients.sh"
    await make_operator(services)
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes="events:read", created_by=None
    )
    listed, unlisted = page_ports
    process = await asyncio.create_subprocess_exec(
        node,
        "--test",
        "--test-concurrency=1",
        "--test-timeout=60000",
        "browser/",
        cwd=CLIENTS,
        env={
            **os.environ,
            "API_URL": browser_server.url,
            "CHROMIUM": chromium,
            "LISTED_PORT": str(listed),
            "UNLISTED_PORT": str(unlisted),
            "PARTNER_KEY": issued.key,
            "IDENTIFICATION": "0912345675001",
            "USER_ID": "USUARIO01",
            "PASSWORD": PASSWORD,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report
    assert "# fail 0" in report, report
    assert "# pass 5" in report, report
