"""Mail that may fail without undoing what was committed: logged, never raised."""

from __future__ import annotations

import logging

from api.mail.sender import MailNotSent, OutgoingMail
from api.services.container import Services

log = logging.getLogger("api.notify")


async def send_notice(services: Services, mail: OutgoingMail) -> bool:
    try:
        await services.mailer.send(mail)
    except MailNotSent:
        log.warning("notice %r to %s not sent", mail.subject, mail.to)
        return False
    return True
