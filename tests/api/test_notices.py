"""Notices that can wait are queued with the change and retried from the database while the mail
server is down: none is lost, and the change never waits for the mail server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from api.services.container import Services, build_services
from api.services.deregistration import request_deregistration
from api.services.notify import deliver_pending
from tests.api.conftest import Environment, SmtpSink, free_port, make_operator


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
