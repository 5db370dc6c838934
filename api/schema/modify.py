"""The form of §5.5 as clients submit it, and the payloads of its three buttons."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.schema.enums import MobileCarrierCodeEnum
from api.schema.errors import UserError
from api.schema.operator import Operator


@strawberry.input(
    description=(
        'The whole form "Modificar información de registro" (SENAE-ISEE-3-2-010 §5.5), as the '
        "user submits it. Every error is reported at once; nothing is written unless all is valid."
    )
)
class ModifyOperatorInput:
    name: str = strawberry.field(
        description='"Nombre usuario" *: only corrections of misspelt names or surnames (§5.5.1).'
    )
    country_code: str = strawberry.field(description='"País" *: ISO 3166-1 alpha-2, e.g. "EC".')
    province_code: str | None = strawberry.field(
        default=None,
        description='"Provincia": INEC two-digit code ("09"); required for Ecuador, refused otherwise.',
    )
    city_code: str | None = strawberry.field(
        default=None,
        description='"Ciudad": INEC four-digit canton code ("0901") of the province; for Ecuador only.',
    )
    address: str = strawberry.field(description='"Dirección" *.')
    phone1: str = strawberry.field(
        description='"Teléfono1" *: digits only, area code included, 0XXXXXXXX, at most 14 digits.'
    )
    phone2: str | None = strawberry.field(default=None, description='"Teléfono2": as Teléfono1.')
    mobile_carrier: MobileCarrierCodeEnum = strawberry.field(
        description='Carrier of "Celular" *: CLARO, MOVISTAR, CNT, TUENTI, OTROS.'
    )
    mobile_number: str = strawberry.field(
        description='"Celular" *: 09XXXXXXXX, at most 14 digits (any carrier: numbers are ported).'
    )
    fax: str | None = strawberry.field(default=None, description='"Fax": digits, optional.')
    keep_same_email: bool = strawberry.field(
        default=False,
        description='"¿Desea mantener el mismo correo electrónico?" *: default No (false).',
    )
    email: str | None = strawberry.field(
        default=None,
        description=(
            '"Correo electrónico": the new address when keepSameEmail is false; it must be the one '
            "reserved with `checkEmailAvailability`."
        ),
    )
    email_confirmation: str | None = strawberry.field(
        default=None, description='"Confirmación de correo electrónico": identical to `email`.'
    )
    security_code: str = strawberry.field(
        description='"Código de seguridad" *: the code e-mailed by `requestSecurityCode` (15 minutes).'
    )
    current_password: str | None = strawberry.field(
        default=None,
        description='"Contraseña anterior": only to change the password (with the next two fields).',
    )
    new_password: str | None = strawberry.field(
        default=None,
        description='"Contraseña": at least 10 characters, not common, not your user ID or document.',
    )
    new_password_confirmation: str | None = strawberry.field(
        default=None, description='"Confirmación de Contraseña": identical to `newPassword`.'
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="The `version` the form was loaded with: the update is refused (CONFLICT) if the record moved on.",
    )


@strawberry.type(description='The result of "Modificar" (§5.6–§5.7).')
class ModifyOperatorPayload:
    operator: Operator | None = strawberry.field(
        default=None, description="The registration as it is now (on success)."
    )
    message: str | None = strawberry.field(
        default=None,
        description=(
            'On success: "La modificación de sus datos se ha realizado con éxito" (§5.7) and, '
            "while a published agreement is to be signed, that signing it with the TOKEN "
            "completes the update (the guide's steps 6 and 7)."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Every reason the form was refused; nothing was written."
    )


@strawberry.type(description='The result of "Comprobar disponibilidad".')
class EmailAvailabilityPayload:
    email: str = strawberry.field(default="", description="The address checked, normalised.")
    available: bool = strawberry.field(
        default=False,
        description="True: free, and now reserved for you for 15 minutes (locked for this update).",
    )
    message: str | None = strawberry.field(default=None, description="The answer for a person.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why it is not available (EMAIL_TAKEN, EMAIL_IS_CURRENT) or was not checked.",
    )


@strawberry.type(description='The result of "Solicitar código de seguridad".')
class SecurityCodePayload:
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the code stops working (15 minutes after the request)."
    )
    message: str | None = strawberry.field(
        default=None, description="The informative message of §5.5.1 (look in the spam folder too)."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why no code was sent."
    )
