"""The JavaScript clients front ends and partners use (clients/: Apollo Client, urql, graphql-ws,
subscriptions-transport-ws; versions pinned in clients/package-lock.json), run by Node's test
runner against the API started on the real PostgreSQL, Redis and SMTP."""

from __future__ import annotations

import asyncio
import json
import os
import shutil

import httpx

from api.services.container import Services
from api.services.partner_keys import create_partner_key
from tests.api.conftest import PASSWORD, ROOT, Api, Server, SmtpSink, make_operator
from tests.api.test_modify import form, request_code

CLIENTS = ROOT / "clients"


async def test_apollo_urql_graphql_ws_and_subscriptions_transport_ws_work_against_the_api(
    services: Services, server: Server, smtp: SmtpSink
) -> None:
    node = shutil.which("node")
    assert node, "Node.js must be installed (scripts/test installs it)"
    assert (CLIENTS / "node_modules").is_dir(), "run `npm ci` in clients/ (scripts/test does)"
    await make_operator(services)
    # For Apollo's cache test: a session and a security code for one `modify`, read from the mail.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        api = Api(client)
        token = await api.login("0912345675001", "USUARIO01")
        code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes="events:read", created_by=None
    )
    process = await asyncio.create_subprocess_exec(
        node,
        "--test",
        "--test-concurrency=1",
        "test/",
        cwd=CLIENTS,
        env={
            **os.environ,
            "API_URL": server.url,
            "PARTNER_KEY": issued.key,
            "IDENTIFICATION": "0912345675001",
            "USER_ID": "USUARIO01",
            "PASSWORD": PASSWORD,
            "TOKEN": token,
            "MODIFY_INPUT": json.dumps(form(securityCode=code, address="Av. Quito 321, Guayaquil")),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report
    assert "# fail 0" in report, report
