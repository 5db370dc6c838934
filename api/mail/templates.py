"""The messages the service sends, in Spanish (the portal's language), text and HTML. The two
a user asks for in a request of its own, the security code and the password reset, follow that
request's language. Notices stay in Spanish: one that tells the owner of a change (the address,
the password) must read the same whoever made the change, in whatever language it asked."""

from __future__ import annotations

from datetime import datetime
from html import escape

from api.clock import ECUADOR_TZ
from api.domain.vocabulary import Locale
from api.mail.sender import OutgoingMail, masked_address

# §5.5.1 names the Spanish subject; an English reader gets it translated.
SECURITY_CODE_SUBJECT = {
    Locale.ES: "ACTIVACIÓN DE CORREO ELECTRÓNICO",
    Locale.EN: "E-MAIL ACTIVATION - ECUAPASS",
}


def _local(at: datetime) -> str:
    return at.astimezone(ECUADOR_TZ).strftime("%d/%m/%Y %H:%M")


def security_code_mail(
    *, to: str, code: str, expires_at: datetime, user_id: str, locale: Locale = Locale.ES
) -> OutgoingMail:
    """§5.5.1: subject "ACTIVACIÓN DE CORREO ELECTRÓNICO", a code of letters and digits valid for
    15 minutes; the user may find it in the spam folder."""
    expiry = _local(expires_at)
    if locale is Locale.EN:
        paragraphs = [
            "Your security code is:",
            code,
            "Enter it under «Modificar información de registro de usuario» on the Ecuapass "
            f"portal for user ID {user_id}. The code expires at {expiry} (Ecuador time), 15 "
            "minutes after it was requested; if it expires, request a new security code.",
            "If you do not find this message in your inbox, also look in the junk (spam) folder.",
            "If you did not request this code, ignore this message: your data have not changed.",
        ]
    else:
        paragraphs = [
            "Su código de seguridad es:",
            code,
            "Ingréselo en «Modificar información de registro de usuario» del portal Ecuapass para "
            f"el ID. usuario {user_id}. El código vence a las {expiry} (hora de Ecuador), 15 "
            "minutos después de solicitado; si vence, solicite un nuevo código de seguridad.",
            "Si no encuentra este mensaje en su bandeja de entrada, revise también la bandeja de "
            "correos no deseados (spam).",
            "Si usted no solicitó este código, ignore este mensaje: sus datos no han cambiado.",
        ]
    return _plain_mail(
        to=to,
        subject=SECURITY_CODE_SUBJECT[locale],
        paragraphs=paragraphs,
        highlight=code,
        locale=locale,
    )


PASSWORD_RESET_SUBJECT = {
    Locale.ES: "REINICIO DE CLAVE - ECUAPASS",
    Locale.EN: "PASSWORD RESET - ECUAPASS",
}


def password_reset_mail(
    *, to: str, code: str, expires_at: datetime, user_id: str, locale: Locale
) -> OutgoingMail:
    """ "Reiniciar clave" (SENAE-ISEE-3-2-010 §5.1, menu 3.2.2): the code, what it is for, how long
    it lasts, and what to do if the operator did not ask for it."""
    expiry = _local(expires_at)
    if locale is Locale.EN:
        paragraphs = [
            f"Your code to reset the password of user ID {user_id} on the Ecuapass portal is:",
            code,
            f"Enter it with your new password under «REINICIAR CLAVE». It expires at {expiry} "
            "(Ecuador time), 15 minutes after it was requested, and works once.",
            "If you did not ask for it, ignore this message: your password has not changed. "
            "If it happens again, contact SENAE (1800 ADUANA).",
        ]
    else:
        paragraphs = [
            f"Su código para reiniciar la clave del ID. usuario {user_id} en el portal Ecuapass es:",
            code,
            f"Ingréselo con su nueva clave en «REINICIAR CLAVE». Vence a las {expiry} (hora de "
            "Ecuador), 15 minutos después de solicitado, y sirve una sola vez.",
            "Si usted no lo solicitó, ignore este mensaje: su clave no ha cambiado. Si se repite, "
            "comuníquese con el SENAE (1800 ADUANA).",
        ]
    return _plain_mail(
        to=to,
        subject=PASSWORD_RESET_SUBJECT[locale],
        paragraphs=paragraphs,
        highlight=code,
        locale=locale,
    )


def password_reset_notice(*, to: str, user_id: str, at: datetime) -> OutgoingMail:
    """After a reset, to the registered address: a reset nobody asked for does not go unnoticed."""
    return _plain_mail(
        to=to,
        subject="CLAVE REINICIADA - ECUAPASS",
        paragraphs=[
            f"La clave del ID. usuario {user_id} en el portal Ecuapass fue reiniciada el "
            f"{_local(at)} (hora de Ecuador), y se cerraron las sesiones abiertas.",
            "Si usted no lo hizo, comuníquese de inmediato con el SENAE (1800 ADUANA).",
        ],
    )


def email_changed_notice(*, to: str, user_id: str, new_address: str, at: datetime) -> OutgoingMail:
    """Sent to the old address after a change, so a hijacked account does not go unnoticed."""
    when = _local(at)
    masked = masked_address(new_address)
    text = (
        f"El correo electrónico registrado del ID. usuario {user_id} en el portal Ecuapass fue "
        f"cambiado el {when} (hora de Ecuador) a {masked}.\n\n"
        "Si usted no realizó este cambio, comuníquese de inmediato con el SENAE (1800 ADUANA).\n\n"
        "Servicio Nacional de Aduana del Ecuador - SENAE\n"
    )
    html = (
        "<!doctype html><html lang='es'><body style='font-family:Arial,sans-serif'>"
        f"<p>El correo electrónico registrado del ID. usuario {escape(user_id)} en el portal "
        f"Ecuapass fue cambiado el {escape(when)} (hora de Ecuador) a {escape(masked)}.</p>"
        "<p>Si usted no realizó este cambio, comuníquese de inmediato con el SENAE "
        "(1800 ADUANA).</p><p>Servicio Nacional de Aduana del Ecuador - SENAE</p></body></html>"
    )
    return OutgoingMail(
        to=to, subject="CAMBIO DE CORREO ELECTRÓNICO - ECUAPASS", text=text, html=html
    )


def _plain_mail(
    *,
    to: str,
    subject: str,
    paragraphs: list[str],
    highlight: str | None = None,
    locale: Locale = Locale.ES,
) -> OutgoingMail:
    """Paragraphs, then the signature, as text and HTML; the `highlight` paragraph (a code) set
    large in the HTML."""
    signature = "Servicio Nacional de Aduana del Ecuador - SENAE"
    text = "\n\n".join([*paragraphs, signature]) + "\n"
    big = "font-size:24px;font-weight:bold;letter-spacing:4px"
    html = (
        f"<!doctype html><html lang='{locale.value}'><body style='font-family:Arial,sans-serif'>"
        + "".join(
            f"<p style='{big}'>{escape(p)}</p>" if p == highlight else f"<p>{escape(p)}</p>"
            for p in [*paragraphs, signature]
        )
        + "</body></html>"
    )
    return OutgoingMail(to=to, subject=subject, text=text, html=html)


def deregistration_received_mail(
    *, to: str, user_id: str, request_id: int, at: datetime
) -> OutgoingMail:
    return _plain_mail(
        to=to,
        subject="SOLICITUD DE BAJA RECIBIDA - ECUAPASS",
        paragraphs=[
            f"Hemos recibido el {_local(at)} (hora de Ecuador) su solicitud de baja del ID. usuario "
            f"{user_id} (solicitud No. {request_id}).",
            "El SENAE revisará su solicitud y le comunicará la decisión por este medio. Mientras "
            "tanto puede retirarla desde la opción «Modificar información de registro de usuario».",
        ],
    )


def deregistration_staff_notice(
    *, to: str, user_id: str, name: str, request_id: int, reason: str, at: datetime
) -> OutgoingMail:
    return _plain_mail(
        to=to,
        subject=f"NUEVA SOLICITUD DE BAJA {request_id} - {user_id}",
        paragraphs=[
            f"El usuario {user_id} ({name}) solicitó la baja de su ID. usuario el {_local(at)} "
            "(hora de Ecuador).",
            f"Motivo: {reason}",
            "Revise la solicitud en la cola de solicitudes de baja (deregistrationRequests).",
        ],
    )


def deregistration_decided_mail(
    *, to: str, user_id: str, approved: bool, reason: str | None, at: datetime
) -> OutgoingMail:
    outcome = "APROBADA" if approved else "RECHAZADA"
    paragraphs = [
        f"Su solicitud de baja del ID. usuario {user_id} fue {outcome.lower()} el {_local(at)} "
        "(hora de Ecuador)."
    ]
    if approved:
        paragraphs.append(
            "Su ID. usuario ha sido inhabilitado. Para volver a operar en Ecuapass registre un "
            "nuevo usuario."
        )
    if reason:
        paragraphs.append(f"Motivo: {reason}")
    return _plain_mail(
        to=to, subject=f"SOLICITUD DE BAJA {outcome} - ECUAPASS", paragraphs=paragraphs
    )


def annual_update_reminder_mail(
    *, to: str, user_id: str, year: int, due_by: datetime
) -> OutgoingMail:
    return _plain_mail(
        to=to,
        subject=f"ACTUALIZACIÓN ANUAL DE DATOS {year} - ECUAPASS",
        paragraphs=[
            f"De acuerdo con la resolución SENAE-DGN-2016-0364-RE, el ID. usuario {user_id} debe "
            f"actualizar sus datos en el portal Ecuapass hasta el {due_by.astimezone(ECUADOR_TZ):%d/%m/%Y}.",
            "Ingrese a Soporte al Cliente > Registro de usuario > 3.2.3 Modificar información de "
            "registro de usuario, actualice sus datos con el código de seguridad y firme el Convenio "
            "para la utilización de canales electrónicos con su TOKEN.",
            "Si no realiza la actualización, su ID. usuario será inhabilitado.",
        ],
    )


def annual_update_disabled_mail(*, to: str, user_id: str, year: int) -> OutgoingMail:
    return _plain_mail(
        to=to,
        subject="ID. USUARIO INHABILITADO - ECUAPASS",
        paragraphs=[
            f"El ID. usuario {user_id} fue inhabilitado porque no realizó en enero de {year} la "
            "actualización anual de datos dispuesta por la resolución SENAE-DGN-2016-0364-RE.",
            "Para habilitarlo nuevamente comuníquese con el SENAE (1800 ADUANA).",
        ],
    )
