"""Notices that can wait: queued in the database in the transaction of the change they report,
then delivered by a worker in every API process, retried with growing pauses while the mail
server is down. Nothing is lost, and a failed delivery never undoes the change.

(The security code is not one of these: the user is waiting for it, so it is sent at once and a
failure is reported to the user.)
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.mail.sender import MailNotSent, OutgoingMail
from api.persistence.tables import PendingMailRow
from api.services.container import Services

log = logging.getLogger("api.notify")

BATCH = 20
MAX_BACKOFF = timedelta(hours=1)
IDLE_SECONDS = 5.0


def queue_notice(session: AsyncSession, mail: OutgoingMail, *, services: Services) -> None:
    now = services.clock.now()
    session.add(
        PendingMailRow(
            recipient=mail.to,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            created_at=now,
            next_attempt_at=now,
        )
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour between attempts."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def deliver_pending(services: Services) -> int:
    """Send the queued notices that are due; returns how many were sent."""
    now = services.clock.now()
    sent = 0
    async with services.transaction() as session:
        statement = (
            select(PendingMailRow)
            .where(
                col(PendingMailRow.sent_at).is_(None), col(PendingMailRow.next_attempt_at) <= now
            )
            .order_by(col(PendingMailRow.id))
            .limit(BATCH)
        )
        if session.get_bind().dialect.name == "postgresql":
            # Several API processes deliver at once without sending any notice twice.
            statement = statement.with_for_update(skip_locked=True)
        for row in (await session.exec(statement)).all():
            try:
                await services.mailer.send(
                    OutgoingMail(
                        to=row.recipient, subject=row.subject, text=row.text, html=row.html
                    )
                )
            except MailNotSent as error:
                row.attempts += 1
                row.next_attempt_at = now + backoff(row.attempts)
                row.last_error = str(error)[:200]
                continue
            row.sent_at = now
            row.attempts += 1
            sent += 1
    return sent


def wake_delivery(services: Services) -> None:
    """After the commit of notices: this process's worker sends them now, not the request."""
    services.notices_queued.set()


async def run_delivery(services: Services, stop: asyncio.Event) -> None:
    while not stop.is_set():
        services.notices_queued.clear()
        try:
            await deliver_pending(services)
        except Exception as error:
            log.warning("notice delivery paused: %s", type(error).__name__)
        stopping = asyncio.ensure_future(stop.wait())
        queued = asyncio.ensure_future(services.notices_queued.wait())
        await asyncio.wait({stopping, queued}, timeout=IDLE_SECONDS, return_when="FIRST_COMPLETED")
        stopping.cancel()
        queued.cancel()
