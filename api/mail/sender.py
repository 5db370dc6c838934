"""Sending mail: a real SMTP exchange with aiosmtplib, or the log when no SMTP host is set."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

import aiosmtplib

log = logging.getLogger("api.mail")
# Zero-setup mode only (no SMTP_HOST): whole messages, security codes included, go to this logger
# on purpose, since the person trying the API has nowhere else to read them.
outbox_log = logging.getLogger("api.mail.outbox")


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None


def masked_address(address: str) -> str:
    """Enough of an address to recognise it (in a log line, in a notice to the old address), not
    enough to write to it: "ana.gonzalez@correo.example" -> "a***@correo.example"."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


class MailNotSent(Exception):
    """The message did not reach the SMTP server; the caller must not pretend it did."""


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> None: ...


def build_message(mail: OutgoingMail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="aduana.gob.ec")
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class SmtpMailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    async def send(self, mail: OutgoingMail) -> None:
        try:
            await aiosmtplib.send(
                build_message(mail, sender=self.sender),
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            log.warning("mail to %s not sent: %s", masked_address(mail.to), type(error).__name__)
            raise MailNotSent(str(error)) from error


class LogMailer:
    """Zero-setup mode: the message goes to the log, where the person trying the API reads it."""

    async def send(self, mail: OutgoingMail) -> None:
        outbox_log.warning(
            "MAIL (no SMTP_HOST set) to=%s subject=%s\n%s", mail.to, mail.subject, mail.text
        )
