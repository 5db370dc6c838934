"""Facts about an operator that are derived, never stored twice."""

from __future__ import annotations

SENAE_MAIL_DOMAIN = "correo.aduana.gob.ec"


def senae_email(user_id: str) -> str:
    """ "Senae Correo Electrónico" (§4.1.5): <ID.usuario>@correo.aduana.gob.ec, not modifiable."""
    return f"{user_id.lower()}@{SENAE_MAIL_DOMAIN}"
