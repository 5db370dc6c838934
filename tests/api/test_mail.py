"""The SMTP sender talks to a real SMTP server (aiosmtpd in the test process)."""

from __future__ import annotations

import pytest

from api.mail.sender import MailNotSent, OutgoingMail, SmtpMailer
from tests.api.conftest import SmtpSink, free_port


async def test_smtp_mailer_delivers_text_and_html_parts(smtp: SmtpSink) -> None:
    mailer = SmtpMailer(
        host="127.0.0.1", port=smtp.port, sender="Ecuapass <no-responder@aduana.gob.ec>"
    )
    await mailer.send(
        OutgoingMail(
            to="ana@correo.example",
            subject="ACTIVACIÓN DE CORREO ELECTRÓNICO",
            text="Código: ABC23456",
            html="<p>Código: <b>ABC23456</b></p>",
        )
    )
    [message] = smtp.to("ana@correo.example")
    assert message["Subject"] == "ACTIVACIÓN DE CORREO ELECTRÓNICO"
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None
    assert "ABC23456" in text_part.get_content()
    assert html_part is not None
    assert "<b>ABC23456</b>" in html_part.get_content()


async def test_an_unreachable_smtp_server_raises_mail_not_sent() -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=free_port(), sender="x@aduana.gob.ec", timeout=2)
    with pytest.raises(MailNotSent):
        await mailer.send(OutgoingMail(to="ana@correo.example", subject="s", text="t"))
