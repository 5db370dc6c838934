"""Notices that can wait are queued with the change and retried from the database while the mail
server is down: none is lost, and the change never waits for the mail server."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from api.services.container import Services, build_services
from api.services.deregistration import request_deregistration
from api.services.notify import deliver_pending
from tests.api.conftest import (
    Api,
    Environment,
    SmtpSink,
    free_port,
    make_operator,
    make_staff,
    start_server,
    stop_server,
)


async def pending(services: Services) -> list[tuple[str, int, bool]]:
    async with services.reading() as session:
        rows = (
            await session.exec(
                text(
                    "SELECT recipient, attempts, sent_at IS NOT NULL FROM pending_mail ORDER BY id"
                )
            )  # type: ignore[call-overload]
        ).all()
    return [(str(r[0]), int(r[1]), bool(r[2])) for r in rows]


async def test_notices_survive_a_mail_server_outage_and_are_delivered_later(
    services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    operator = await make_operator(services)
    assert operator.id is not None
    mail_down = build_services(environment.settings(smtp_port=free_port(), smtp_timeout_seconds=2))
    try:
        request = await request_deregistration(mail_down, operator_id=operator.id, reason="Cierre")
        # What this process's worker does next, with the mail server down.
        assert await deliver_pending(mail_down) == 0
    finally:
        await mail_down.close()
    assert request.id is not None  # the change committed although no mail could be sent
    assert await pending(services) == [
        ("ana.gonzalez@correo.example", 1, False),
        ("registro.usuarios@aduana.gob.ec", 1, False),
    ]
    assert smtp.messages == []

    # Not due yet: the next attempt waits (30 s after the first failure).
    assert await deliver_pending(services) == 0
    later = build_services(
        environment.settings(clock_fixed=datetime.now(UTC) + timedelta(minutes=2))
    )
    try:
        assert await deliver_pending(later) == 2
    finally:
        await later.close()
    assert [sent for *_, sent in await pending(services)] == [True, True]
    assert len(smtp.to("ana.gonzalez@correo.example")) == 1
    assert len(smtp.to("registro.usuarios@aduana.gob.ec")) == 1
    # Delivered once: another round sends nothing again.
    assert await deliver_pending(services) == 0


async def test_a_mail_server_that_never_answers_does_not_hold_up_the_requests_that_queue_notices(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    # A mail server that accepts the connection and never says a word.
    held: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    await make_operator(services)
    await make_staff(services)
    server = await asyncio.to_thread(
        start_server,
        environment.variables(SMTP_PORT=str(port), SMTP_TIMEOUT_SECONDS="30"),
        tmp_path / "api.log",
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            api = Api(client)
            user = await api.login("0912345675001", "USUARIO01")
            staff = await api.login("1704567898", "SENAE.STAFF")
            started = time.perf_counter()
            requested = await api.data(
                'mutation { requestDeregistration(reason: "Cierre") { request { id } errors { code } } }',
                token=user,
            )
            assert requested["requestDeregistration"]["errors"] == []
            assert time.perf_counter() - started < 3
            started = time.perf_counter()
            rejected = await api.data(
                'mutation($id: ID!) { rejectDeregistration(requestId: $id, reason: "Falta firma") '
                "{ errors { code } } }",
                {"id": requested["requestDeregistration"]["request"]["id"]},
                token=staff,
            )
            assert rejected["rejectDeregistration"]["errors"] == []
            assert time.perf_counter() - started < 3
        # The notices wait in the database for a mail server that answers.
        assert [sent for *_, sent in await pending(services)] == [False, False, False]
    finally:
        await asyncio.to_thread(stop_server, server)
        listener.close()
        for writer in held:
            writer.close()
