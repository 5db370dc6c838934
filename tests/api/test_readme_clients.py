"""README's Apollo and urql set-ups (clients/setup/apollo.js, urql.js; README shows them as they
are, tests/unit/test_readme_client_setups.py checks that) run against the API started on the real
PostgreSQL, Redis and SMTP by Node's test runner (clients/setup/setups.test.js)."""

from __future__ import annotations

import asyncio
import os
import shutil

from api.services.container import Services
from tests.api.conftest import PASSWORD, ROOT, Server, make_operator

CLIENTS = ROOT / "clients"


async def test_readme_apollo_and_urql_set_ups_query_cache_and_subscribe_against_the_api(
    services: Services, server: Server
) -> None:
    node = shutil.which("node")
    assert node, "Node.js must be installed (scripts/clients.sh installs it)"
    assert (CLIENTS / "node_modules").is_dir(), "run scripts/clients.sh"
    await make_operator(services)
    process = await asyncio.create_subprocess_exec(
        node,
        "--test",
        "--test-concurrency=1",
        "--test-timeout=60000",
        "setup/",
        cwd=CLIENTS,
        env={
            **os.environ,
            "API_URL": server.url,
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
    assert "# pass 2" in report, report
