"""The one message catalog: Spanish by default, English on request, keyed by code.

Parameters are filled with `str.format`; a message never shows a secret. A parameter whose value
is a `Detail` is itself translated here, so that a rule says which detail applies and never
writes its text in one language only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from api.domain.errors import ErrorCode, FieldError
from api.domain.vocabulary import Locale


class InfoMessage(StrEnum):
    """Informative messages the procedure shows after an action succeeds."""

    UPDATE_SUCCEEDED = "UPDATE_SUCCEEDED"
    MODIFIED_AGREEMENT_TO_SIGN = "MODIFIED_AGREEMENT_TO_SIGN"
    SECURITY_CODE_SENT = "SECURITY_CODE_SENT"
    LOGGED_OUT = "LOGGED_OUT"
    EMAIL_AVAILABLE = "EMAIL_AVAILABLE"
    EMAIL_UNAVAILABLE = "EMAIL_UNAVAILABLE"
    EMAIL_IS_CURRENT = "EMAIL_IS_CURRENT"
    DEREGISTRATION_REQUESTED = "DEREGISTRATION_REQUESTED"
    DEREGISTRATION_WITHDRAWN = "DEREGISTRATION_WITHDRAWN"
    DEREGISTRATION_APPROVED = "DEREGISTRATION_APPROVED"
    DEREGISTRATION_REJECTED = "DEREGISTRATION_REJECTED"
    AGREEMENT_SIGNED = "AGREEMENT_SIGNED"
    AGREEMENT_SIGNED_LATE = "AGREEMENT_SIGNED_LATE"
    AGREEMENT_SIGNED_UPDATE_MISSING = "AGREEMENT_SIGNED_UPDATE_MISSING"
    AGREEMENT_SIGNED_ONLY = "AGREEMENT_SIGNED_ONLY"
    AGREEMENT_ALREADY_SIGNED = "AGREEMENT_ALREADY_SIGNED"
    AGREEMENT_ALREADY_SIGNED_UPDATE_MISSING = "AGREEMENT_ALREADY_SIGNED_UPDATE_MISSING"
    AGREEMENT_PUBLISHED = "AGREEMENT_PUBLISHED"
    OPERATOR_REACTIVATED = "OPERATOR_REACTIVATED"
    EMPLOYEE_PERMISSION_SET = "EMPLOYEE_PERMISSION_SET"
    PASSWORD_RESET_REQUESTED = "PASSWORD_RESET_REQUESTED"
    PASSWORD_RESET_DONE = "PASSWORD_RESET_DONE"


class Detail(StrEnum):
    """The variable part of a refusal's message, given as a parameter: what was not found
    (`what` of NOT_FOUND), what format was expected (`expected` of INVALID_FORMAT), what is wrong
    with a webhook's document (`reason` of INVALID_DOCUMENT), why an address is not the caller's
    to use (`why` of EMAIL_NOT_RESERVED), why a user ID is disabled (`why` of ACCOUNT_DISABLED)."""

    # NOT_FOUND
    RECORD = "RECORD"
    USER = "USER"
    EMPLOYEE = "EMPLOYEE"
    DEREGISTRATION_REQUEST = "DEREGISTRATION_REQUEST"
    PARTNER_KEY = "PARTNER_KEY"
    WEBHOOK = "WEBHOOK"
    WEBHOOK_DELIVERY = "WEBHOOK_DELIVERY"
    DEAD_LETTER = "DEAD_LETTER"
    # INVALID_FORMAT
    PARTNER_NAME = "PARTNER_NAME"
    WEBHOOK_URL = "WEBHOOK_URL"
    WEBHOOK_URL_WITHOUT_CREDENTIALS = "WEBHOOK_URL_WITHOUT_CREDENTIALS"
    SAFE_TEXT = "SAFE_TEXT"
    CURSOR = "CURSOR"
    # INVALID_DOCUMENT
    NOT_ONE_SUBSCRIPTION = "NOT_ONE_SUBSCRIPTION"
    DOCUMENT_HAS_VARIABLES = "DOCUMENT_HAS_VARIABLES"
    NOT_OPERATOR_EVENTS_ALONE = "NOT_OPERATOR_EVENTS_ALONE"
    OPERATOR_EVENTS_WITH_ARGUMENTS = "OPERATOR_EVENTS_WITH_ARGUMENTS"
    # EMAIL_NOT_RESERVED
    NEVER_CHECKED = "NEVER_CHECKED"
    HOLD_ENDED = "HOLD_ENDED"
    HOLD_TAKEN = "HOLD_TAKEN"
    # ACCOUNT_DISABLED
    DISABLED_BY_SENAE = "DISABLED_BY_SENAE"
    DEREGISTERED_ON_REQUEST = "DEREGISTERED_ON_REQUEST"


_ERRORS: Mapping[ErrorCode, Mapping[Locale, str]] = {
    ErrorCode.REQUIRED: {
        Locale.ES: "Este campo es obligatorio.",
        Locale.EN: "This field is required.",
    },
    ErrorCode.TOO_LONG: {
        Locale.ES: "Este campo admite como máximo {max_length} caracteres.",
        Locale.EN: "This field allows at most {max_length} characters.",
    },
    ErrorCode.TOO_SHORT: {
        Locale.ES: "Este campo debe tener al menos {min_length} caracteres.",
        Locale.EN: "This field needs at least {min_length} characters.",
    },
    ErrorCode.INVALID_FORMAT: {
        Locale.ES: "El formato no es válido: {expected}.",
        Locale.EN: "The format is not valid: {expected}.",
    },
    ErrorCode.INVALID_CHOICE: {
        Locale.ES: "El valor no es una de las opciones admitidas.",
        Locale.EN: "The value is not one of the accepted options.",
    },
    ErrorCode.CITY_NOT_IN_PROVINCE: {
        Locale.ES: "La ciudad elegida no es un cantón de la provincia elegida.",
        Locale.EN: "The chosen city is not a canton of the chosen province.",
    },
    ErrorCode.NOT_ALLOWED: {
        Locale.ES: "Este campo no se permite en este caso: {reason}.",
        Locale.EN: "This field is not allowed here: {reason}.",
    },
    ErrorCode.MISMATCH: {
        Locale.ES: "La confirmación no coincide con el valor ingresado.",
        Locale.EN: "The confirmation does not match the value entered.",
    },
    ErrorCode.INVALID_IDENTIFICATION: {
        Locale.ES: "El número de identificación no es válido (dígito verificador o formato).",
        Locale.EN: "The identification number is not valid (check digit or format).",
    },
    ErrorCode.IDENTIFICATION_NOT_ACCEPTED: {
        Locale.ES: "Este tipo de registro no admite ese documento de identificación.",
        Locale.EN: "This registration type does not accept that identification document.",
    },
    ErrorCode.NAME_NOT_A_CORRECTION: {
        Locale.ES: (
            "Solo se permiten correcciones de nombres o apellidos mal escritos. Para cambiar "
            "completamente el nombre, solicite la baja de este usuario y registre uno nuevo."
        ),
        Locale.EN: (
            "Only corrections of misspelt names or surnames are accepted. To change the name "
            "completely, request the deregistration of this user and register a new one."
        ),
    },
    ErrorCode.INVALID_EMAIL: {
        Locale.ES: "La dirección de correo electrónico no es válida: {reason}",
        Locale.EN: "The e-mail address is not valid: {reason}",
    },
    ErrorCode.PASSWORD_TOO_SHORT: {
        Locale.ES: "La contraseña debe tener al menos {min_length} caracteres.",
        Locale.EN: "The password must have at least {min_length} characters.",
    },
    ErrorCode.PASSWORD_TOO_COMMON: {
        Locale.ES: "La contraseña es demasiado común; elija otra.",
        Locale.EN: "The password is too common; choose another one.",
    },
    ErrorCode.PASSWORD_CONTAINS_IDENTITY: {
        Locale.ES: "La contraseña no puede contener su ID. usuario ni su identificación.",
        Locale.EN: "The password may not contain your user ID or your identification.",
    },
    ErrorCode.PASSWORD_FIELDS_INCOMPLETE: {
        Locale.ES: (
            "Para cambiar la contraseña, ingrese la contraseña anterior, la nueva contraseña y "
            "su confirmación."
        ),
        Locale.EN: (
            "To change the password, enter the current password, the new password and its "
            "confirmation."
        ),
    },
    ErrorCode.WRONG_CURRENT_PASSWORD: {
        Locale.ES: "La contraseña anterior no es correcta.",
        Locale.EN: "The current password is not correct.",
    },
    ErrorCode.DUPLICATE: {
        Locale.ES: "Este valor ya apareció en la línea {first_line} del archivo.",
        Locale.EN: "This value already appeared on line {first_line} of the file.",
    },
    ErrorCode.USER_ID_TAKEN: {
        Locale.ES: "El ID. usuario ya está registrado.",
        Locale.EN: "The user ID is already registered.",
    },
    ErrorCode.EMAIL_TAKEN: {
        Locale.ES: "El correo electrónico ya está registrado por otro usuario.",
        Locale.EN: "The e-mail address is already used by another user.",
    },
    ErrorCode.EMAIL_RESERVED: {
        Locale.ES: (
            "Otro usuario está comprobando ese correo electrónico en este momento. Use otra "
            "dirección, o inténtelo de nuevo en unos minutos."
        ),
        Locale.EN: (
            "Another user is checking that e-mail address right now. Use another address, or "
            "try again in a few minutes."
        ),
    },
    ErrorCode.EMAIL_IS_CURRENT: {
        Locale.ES: (
            "Este es su correo electrónico registrado: elija «Sí» en «¿Desea mantener el mismo "
            "correo electrónico?»."
        ),
        Locale.EN: 'This is your registered e-mail address: choose "Yes" to keep the same e-mail.',
    },
    ErrorCode.EMAIL_NOT_RESERVED: {
        Locale.ES: "Este correo electrónico no está reservado para usted: {why}.",
        Locale.EN: "This e-mail address is not reserved for you: {why}.",
    },
    ErrorCode.EMAIL_ALREADY_VERIFIED: {
        Locale.ES: (
            "Ya comprobó la disponibilidad de otro correo electrónico y solicitó su código de "
            "seguridad, por lo que en esta actualización ya no puede cambiarlo. Continúe con ese "
            "correo o inténtelo de nuevo en {wait}."
        ),
        Locale.EN: (
            "You already checked another e-mail address and requested its security code, so you "
            "can no longer change it in this update. Continue with that address or try again in "
            "{wait}."
        ),
    },
    ErrorCode.CONFLICT: {
        Locale.ES: (
            "Su registro fue modificado mientras usted editaba (versión {current_version}). "
            "Vuelva a cargar los datos e intente de nuevo."
        ),
        Locale.EN: (
            "Your registration changed while you were editing it (version {current_version}). "
            "Reload it and try again."
        ),
    },
    ErrorCode.NOT_FOUND: {
        Locale.ES: "No se encontró {what}.",
        Locale.EN: "No {what} was found.",
    },
    ErrorCode.CODE_INVALID: {
        Locale.ES: "El código de seguridad no es correcto. {attempts_left_phrase}.",
        Locale.EN: "The security code is not correct. {attempts_left_phrase}.",
    },
    ErrorCode.CODE_EXPIRED: {
        Locale.ES: (
            "El código de seguridad ha expirado o no ha sido solicitado. Solicite un nuevo "
            "código de seguridad."
        ),
        Locale.EN: "The security code has expired or was not requested. Request a new one.",
    },
    ErrorCode.CODE_LOCKED: {
        Locale.ES: (
            "El código de seguridad fue bloqueado por demasiados intentos fallidos. Solicite un "
            "nuevo código de seguridad."
        ),
        Locale.EN: "The security code was blocked after too many wrong attempts. Request a new one.",
    },
    # Only while a live code is younger than the resend wait: a used code is gone and a blocked
    # one is replaced at once (api/persistence/code_store.py), so neither meets this.
    ErrorCode.CODE_RECENTLY_SENT: {
        Locale.ES: (
            "Ya le enviamos un código de seguridad hace un momento: podrá solicitar otro en "
            "{wait}. Si aún no le llegó, revise su correo (también la bandeja de correos no "
            "deseados)."
        ),
        Locale.EN: (
            "A security code was sent to you a moment ago: you can request another one in "
            "{wait}. If it has not arrived yet, check your mail (the spam folder too)."
        ),
    },
    ErrorCode.MAIL_NOT_SENT: {
        Locale.ES: "No se pudo enviar el correo electrónico. Intente nuevamente en unos minutos.",
        Locale.EN: "The e-mail could not be sent. Try again in a few minutes.",
    },
    ErrorCode.DEREGISTRATION_PENDING: {
        Locale.ES: "Ya tiene una solicitud de baja pendiente de revisión.",
        Locale.EN: "You already have a deregistration request awaiting review.",
    },
    ErrorCode.NO_PENDING_DEREGISTRATION: {
        Locale.ES: "No tiene una solicitud de baja pendiente.",
        Locale.EN: "You have no pending deregistration request.",
    },
    ErrorCode.ALREADY_DECIDED: {
        Locale.ES: "La solicitud ya fue resuelta o retirada.",
        Locale.EN: "The request was already decided or withdrawn.",
    },
    ErrorCode.UNKNOWN_VERSION: {
        Locale.ES: "La versión del convenio no existe o ya no es la vigente.",
        Locale.EN: "The agreement version does not exist or is no longer the current one.",
    },
    ErrorCode.ALREADY_PUBLISHED: {
        Locale.ES: "Ese texto ya es el del convenio vigente (versión {version}).",
        Locale.EN: "That text is already the current agreement (version {version}).",
    },
    ErrorCode.DUTY_NOT_OVER: {
        Locale.ES: (
            "La actualización anual de {year} aún no puede exigirse: enero de {year} no ha "
            "terminado (hora de Ecuador)."
        ),
        Locale.EN: (
            "The yearly update of {year} cannot be enforced yet: January {year} is not over "
            "(Ecuador time)."
        ),
    },
    ErrorCode.ALREADY_ACTIVE: {
        Locale.ES: "El ID. usuario ya está habilitado: no hay nada que reactivar.",
        Locale.EN: "The user ID is already enabled: there is nothing to reactivate.",
    },
    ErrorCode.DEREGISTERED: {
        Locale.ES: (
            "El ID. usuario fue dado de baja y no puede habilitarse de nuevo: el usuario debe "
            "registrarse nuevamente (SENAE-ISEE-3-2-010, 5.5.1)."
        ),
        Locale.EN: (
            "The user ID was deregistered and cannot be enabled again: the user must register "
            "anew (SENAE-ISEE-3-2-010, 5.5.1)."
        ),
    },
    ErrorCode.BAD_SIGNATURE: {
        Locale.ES: "La firma electrónica no corresponde al texto del convenio o no es válida.",
        Locale.EN: "The electronic signature does not match the agreement text or is not valid.",
    },
    ErrorCode.UNTRUSTED_CERTIFICATE: {
        Locale.ES: "El certificado no fue emitido por una entidad de certificación acreditada.",
        Locale.EN: "The certificate was not issued by an accredited certification authority.",
    },
    ErrorCode.CERTIFICATE_EXPIRED: {
        Locale.ES: "El certificado de firma electrónica no está vigente.",
        Locale.EN: "The signing certificate is not valid at this time.",
    },
    ErrorCode.CERTIFICATE_NOT_FOR_SIGNING: {
        Locale.ES: "El certificado no permite firma digital.",
        Locale.EN: "The certificate does not allow digital signatures.",
    },
    ErrorCode.SIGNER_MISMATCH: {
        Locale.ES: (
            "El certificado de firma no pertenece al usuario ni, si el usuario es de una "
            "empresa, a la empresa o a su representante legal registrado (la cédula o el RUC no "
            "coinciden)."
        ),
        Locale.EN: (
            "The signing certificate belongs neither to the user nor, for a company's user, to "
            "the company or its registered legal representative (the cédula or RUC differ)."
        ),
    },
    ErrorCode.RUC_NOT_ACTIVE: {
        Locale.ES: (
            "El RUC {ruc} consta como {status} en el Registro Único de Contribuyentes del SRI: "
            "solo una empresa con RUC activo puede firmar el convenio. Regularice el RUC ante el "
            "SRI y vuelva a intentarlo cuando el SRI lo registre como ACTIVO."
        ),
        Locale.EN: (
            "RUC {ruc} is {status} in the SRI's taxpayer registry: only a company whose RUC is "
            "active may sign the agreement. Settle the RUC with the SRI and try again once the "
            "SRI registers it as ACTIVO."
        ),
    },
    ErrorCode.INVALID_CREDENTIALS: {
        Locale.ES: "La identificación, el ID. usuario o la contraseña no son correctos.",
        Locale.EN: "The identification, user ID or password is not correct.",
    },
    ErrorCode.OTP_REQUIRED: {
        Locale.ES: (
            "Ingrese el código de verificación de seis dígitos de su aplicación de autenticación."
        ),
        Locale.EN: "Enter the six-digit verification code from your authenticator application.",
    },
    ErrorCode.OTP_INVALID: {
        Locale.ES: (
            "El código de verificación no es correcto o ya fue usado. Ingrese el código que "
            "muestra ahora su aplicación de autenticación."
        ),
        Locale.EN: (
            "The verification code is not correct or was already used. Enter the code your "
            "authenticator application shows now."
        ),
    },
    ErrorCode.SECOND_FACTOR_REQUIRED: {
        Locale.ES: (
            "Esta acción requiere haber iniciado sesión con un segundo factor (código de "
            "verificación). Active el segundo factor e inicie sesión de nuevo."
        ),
        Locale.EN: (
            "This action needs a sign-in with a second factor (verification code). Enrol a "
            "second factor and sign in again."
        ),
    },
    ErrorCode.ACCOUNT_DISABLED: {
        Locale.ES: "Su ID. usuario está inhabilitado: {why}.",
        Locale.EN: "Your user ID is disabled: {why}.",
    },
    ErrorCode.UNAUTHENTICATED: {
        Locale.ES: "Inicie sesión para realizar esta operación.",
        Locale.EN: "Sign in to perform this operation.",
    },
    ErrorCode.FORBIDDEN: {
        Locale.ES: "No tiene permiso para realizar esta operación.",
        Locale.EN: "You are not allowed to perform this operation.",
    },
    # Opens with the words of SENAE-ISEE-3-2-013, then says which permission and who grants it.
    ErrorCode.PERMISSION_NOT_GRANTED: {
        Locale.ES: (
            "No está asignado el permiso al usuario para actualizar sus datos de registro. Lo "
            "asigna el representante de su empresa en «3.2.4 Administración de empleado»."
        ),
        Locale.EN: (
            "You have not been granted the permission to update your registration data. Your "
            "company's representative grants it under "
            '"3.2.4 Administración de empleado".'
        ),
    },
    ErrorCode.RATE_LIMITED: {
        Locale.ES: (
            "Ha realizado demasiadas solicitudes en poco tiempo. Intente nuevamente en {wait}."
        ),
        Locale.EN: "Too many requests in a short time. Try again in {wait}.",
    },
    ErrorCode.SERVICE_UNAVAILABLE: {
        Locale.ES: "El servicio no está disponible en este momento. Intente nuevamente.",
        Locale.EN: "The service is not available right now. Try again.",
    },
    ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET: {
        Locale.ES: (
            "Las suscripciones se reciben por WebSocket en /graphql (protocolo "
            "graphql-transport-ws o graphql-ws), no por HTTP."
        ),
        Locale.EN: (
            "Subscriptions are received over WebSocket at /graphql (graphql-transport-ws or "
            "graphql-ws protocol), not over HTTP."
        ),
    },
    ErrorCode.TARGET_NOT_HTTPS: {
        Locale.ES: "La dirección del webhook debe empezar por https://.",
        Locale.EN: "The webhook's address must start with https://.",
    },
    ErrorCode.TARGET_NOT_PUBLIC: {
        Locale.ES: (
            "La dirección del webhook apunta a una red interna (loopback, privada o de enlace "
            "local: {address}); use una dirección pública."
        ),
        Locale.EN: (
            "The webhook's address points into an internal network (loopback, private or "
            "link-local: {address}); use a public address."
        ),
    },
    ErrorCode.TARGET_UNRESOLVABLE: {
        Locale.ES: "No se pudo resolver el nombre {host} de la dirección del webhook.",
        Locale.EN: "The host name {host} of the webhook's address could not be resolved.",
    },
    ErrorCode.INVALID_DOCUMENT: {
        Locale.ES: (
            "El documento debe ser una sola suscripción a operatorEvents, válida según el "
            "esquema: {reason}"
        ),
        Locale.EN: (
            "The document must be a single subscription to operatorEvents, valid against the "
            "schema: {reason}"
        ),
    },
    ErrorCode.TOO_MANY_WEBHOOKS: {
        Locale.ES: (
            "Esta clave ya tiene el número máximo de webhooks ({limit}): elimine alguno antes de "
            "registrar otro."
        ),
        Locale.EN: (
            "This key already has the most webhooks allowed ({limit}): delete one before "
            "registering another."
        ),
    },
    ErrorCode.TOO_MANY_SUBSCRIPTIONS: {
        Locale.ES: (
            "Ya tiene abierto en este servidor el número máximo de suscripciones ({limit}): "
            "cierre alguna antes de abrir otra."
        ),
        Locale.EN: (
            "You already hold the most open subscriptions allowed on this server ({limit}): "
            "close one before opening another."
        ),
    },
    ErrorCode.SUBSCRIBER_TOO_SLOW: {
        Locale.ES: (
            "La suscripción se quedó demasiado atrás y fue cerrada. Vuelva a suscribirse con "
            "after: {cursor} para continuar sin perder eventos."
        ),
        Locale.EN: (
            "The subscription fell too far behind and was closed. Subscribe again with "
            "after: {cursor} to continue without losing events."
        ),
    },
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: {
        Locale.ES: (
            "No hay ninguna consulta guardada con ese hash: envíe la consulta de nuevo con su "
            "texto."
        ),
        Locale.EN: "No query is stored under that hash: send the query again with its text.",
    },
    ErrorCode.PERSISTED_QUERY_INVALID: {
        Locale.ES: (
            "persistedQuery debe tener version 1 y el sha256Hash (64 caracteres hexadecimales) "
            "del texto de la consulta."
        ),
        Locale.EN: (
            "persistedQuery must have version 1 and the sha256Hash (64 hexadecimal characters) "
            "of the query text."
        ),
    },
}

# Each is written for its place in the message: NOT_FOUND's after "No se encontró" (so the
# Spanish carries the gender of its noun: ningún/ninguna) and after "No" in English;
# INVALID_FORMAT's after a colon; INVALID_DOCUMENT's as a clause ending with its full stop, like
# the parser's messages given in the same place.
_DETAILS: Mapping[Detail, Mapping[Locale, str]] = {
    Detail.RECORD: {
        Locale.ES: "ningún registro con ese identificador",
        Locale.EN: "record with that id",
    },
    Detail.USER: {
        Locale.ES: "ningún usuario con ese ID. usuario",
        Locale.EN: "user with that user ID",
    },
    Detail.EMPLOYEE: {
        Locale.ES: "ningún empleado de su empresa con ese ID. usuario",
        Locale.EN: "employee of your company with that user ID",
    },
    Detail.DEREGISTRATION_REQUEST: {
        Locale.ES: "ninguna solicitud de baja con ese identificador",
        Locale.EN: "deregistration request with that id",
    },
    Detail.PARTNER_KEY: {
        # Revoking a key already revoked finds nothing to revoke either.
        Locale.ES: "ninguna clave de API vigente con ese identificador",
        Locale.EN: "active API key with that id",
    },
    Detail.WEBHOOK: {
        Locale.ES: "ningún webhook de esta clave con ese identificador",
        Locale.EN: "webhook of this key with that id",
    },
    Detail.WEBHOOK_DELIVERY: {
        Locale.ES: "ninguna entrega de webhook de esta clave con ese identificador",
        Locale.EN: "webhook delivery of this key with that id",
    },
    Detail.DEAD_LETTER: {
        # Only a dead letter may be redelivered: a pending or delivered one is not found.
        Locale.ES: "ninguna entrega fallida (dead letter) de esta clave con ese identificador",
        Locale.EN: "dead letter of this key with that id",
    },
    Detail.PARTNER_NAME: {
        Locale.ES: "de 2 a 100 letras, dígitos, espacios o . , & ( ) - _",
        Locale.EN: "2 to 100 letters, digits, spaces or . , & ( ) - _",
    },
    Detail.WEBHOOK_URL: {
        Locale.ES: "una dirección absoluta que empiece por https://",
        Locale.EN: "an absolute address starting with https://",
    },
    Detail.WEBHOOK_URL_WITHOUT_CREDENTIALS: {
        Locale.ES: "una dirección sin usuario ni contraseña, como https://servidor/ruta",
        Locale.EN: "an address without user name or password, such as https://host/path",
    },
    Detail.SAFE_TEXT: {
        Locale.ES: "texto sin caracteres NUL ni sustitutos Unicode sueltos",
        Locale.EN: "text without NUL characters or unpaired Unicode surrogates",
    },
    Detail.CURSOR: {
        Locale.ES: "un cursor tal como lo dio la API, sin modificarlo",
        Locale.EN: "a cursor exactly as the API gave it",
    },
    Detail.NOT_ONE_SUBSCRIPTION: {
        Locale.ES: "no es exactamente una operación subscription.",
        Locale.EN: "it is not exactly one subscription operation.",
    },
    Detail.DOCUMENT_HAS_VARIABLES: {
        Locale.ES: "declara variables (un webhook no recibe ninguna).",
        Locale.EN: "it declares variables (a webhook receives none).",
    },
    Detail.NOT_OPERATOR_EVENTS_ALONE: {
        Locale.ES: "selecciona algo más que operatorEvents.",
        Locale.EN: "it selects something besides operatorEvents.",
    },
    Detail.OPERATOR_EVENTS_WITH_ARGUMENTS: {
        Locale.ES: (
            "pasa argumentos a operatorEvents; los tipos de evento se eligen con eventTypes del "
            "webhook."
        ),
        Locale.EN: (
            "it passes arguments to operatorEvents; the webhook's eventTypes choose the event "
            "types."
        ),
    },
    Detail.NEVER_CHECKED: {
        Locale.ES: "compruebe primero su disponibilidad",
        Locale.EN: "check its availability first",
    },
    Detail.HOLD_ENDED: {
        Locale.ES: "la reserva terminó; vuelva a comprobar su disponibilidad",
        Locale.EN: "the hold on it ended; check its availability again",
    },
    Detail.HOLD_TAKEN: {
        Locale.ES: (
            "la reserva terminó y otro usuario lo reservó después; use otra dirección o "
            "inténtelo de nuevo en unos minutos"
        ),
        Locale.EN: (
            "the hold on it ended and another user has reserved it since; use another address "
            "or try again in a few minutes"
        ),
    },
    Detail.DISABLED_BY_SENAE: {
        Locale.ES: "comuníquese con el SENAE",
        Locale.EN: "contact SENAE",
    },
    Detail.DEREGISTERED_ON_REQUEST: {
        Locale.ES: (
            "fue dado de baja a su solicitud y no puede habilitarse de nuevo; para volver a usar "
            "Ecuapass, regístrese nuevamente"
        ),
        Locale.EN: (
            "it was deregistered at your request and cannot be enabled again; to use Ecuapass "
            "again, register anew"
        ),
    },
}

# What a message says when the raising code gives no detail.
_DEFAULT_PARAMS: Mapping[ErrorCode, Mapping[str, object]] = {
    ErrorCode.NOT_FOUND: {"what": Detail.RECORD},
    ErrorCode.EMAIL_NOT_RESERVED: {"why": Detail.NEVER_CHECKED},
    ErrorCode.ACCOUNT_DISABLED: {"why": Detail.DISABLED_BY_SENAE},
}

_INFO: Mapping[InfoMessage, Mapping[Locale, str]] = {
    # §5.7: "la actualización o modificación se ha realizado con éxito", where no agreement is
    # published to sign after it.
    InfoMessage.UPDATE_SUCCEEDED: {
        Locale.ES: "La modificación de sus datos se ha realizado con éxito.",
        Locale.EN: "Your data were modified successfully.",
    },
    # The guide, steps 6 and 7: after "Modificar" the agreement is to be signed, and only then is
    # the update done. The guide's own success text is kept for that signature.
    InfoMessage.MODIFIED_AGREEMENT_TO_SIGN: {
        Locale.ES: (
            "La modificación de sus datos se ha realizado con éxito. Para completar su "
            "actualización de Datos, firme con su TOKEN el Convenio para la utilización de "
            "canales electrónicos o tecnológicos del SENAE."
        ),
        Locale.EN: (
            "Your data were modified successfully. To complete your data update, sign the "
            "Agreement for the use of SENAE's electronic or technological channels with your "
            "TOKEN."
        ),
    },
    InfoMessage.SECURITY_CODE_SENT: {
        Locale.ES: (
            "Se ha enviado un código de seguridad a su correo electrónico {email}. Tiene una "
            "validez de 15 minutos. Revise también la bandeja de correos no deseados."
        ),
        Locale.EN: (
            "A security code was sent to {email}. It is valid for 15 minutes. Check your spam "
            "folder too."
        ),
    },
    InfoMessage.PASSWORD_RESET_REQUESTED: {
        Locale.ES: (
            "Si la identificación y el ID. usuario corresponden a un usuario habilitado, le "
            "enviamos al correo electrónico registrado un código para reiniciar su clave, válido "
            "15 minutos. Revise también la bandeja de correos no deseados."
        ),
        Locale.EN: (
            "If the identification and user ID belong to an enabled user, a code to reset the "
            "password, valid for 15 minutes, was sent to the registered e-mail address. Check "
            "the spam folder too."
        ),
    },
    InfoMessage.PASSWORD_RESET_DONE: {
        Locale.ES: (
            "Su clave fue reiniciada. Inicie sesión con la nueva clave: las sesiones abiertas "
            "con la anterior se cerraron."
        ),
        Locale.EN: (
            "Your password was reset. Sign in with the new one: the sessions opened with the "
            "old one were closed."
        ),
    },
    InfoMessage.LOGGED_OUT: {
        Locale.ES: "Su sesión se ha cerrado.",
        Locale.EN: "You have signed out.",
    },
    InfoMessage.EMAIL_AVAILABLE: {
        Locale.ES: "El correo electrónico está disponible y quedó reservado para esta actualización.",
        Locale.EN: "The e-mail address is available and was reserved for this update.",
    },
    InfoMessage.DEREGISTRATION_REQUESTED: {
        Locale.ES: (
            "Su solicitud de baja ha sido registrada y será revisada por el SENAE. Recibirá la "
            "respuesta en su correo electrónico."
        ),
        Locale.EN: (
            "Your deregistration request was recorded and will be reviewed by SENAE. You will "
            "receive the answer by e-mail."
        ),
    },
    InfoMessage.DEREGISTRATION_WITHDRAWN: {
        Locale.ES: "Su solicitud de baja fue retirada.",
        Locale.EN: "Your deregistration request was withdrawn.",
    },
    InfoMessage.DEREGISTRATION_APPROVED: {
        Locale.ES: "La baja fue aprobada: el ID. usuario quedó inhabilitado.",
        Locale.EN: "The deregistration was approved: the user ID is disabled.",
    },
    InfoMessage.DEREGISTRATION_REJECTED: {
        Locale.ES: "La solicitud de baja fue rechazada.",
        Locale.EN: "The deregistration request was rejected.",
    },
    InfoMessage.AGREEMENT_SIGNED: {
        Locale.ES: "El convenio fue firmado. Su actualización de Datos se ha realizado con éxito",
        Locale.EN: "The agreement was signed. Your data update was completed successfully",
    },
    InfoMessage.AGREEMENT_SIGNED_LATE: {
        Locale.ES: (
            "El convenio fue firmado. Su actualización de Datos se ha realizado con éxito, fuera "
            "del plazo de enero: cuenta como la actualización anual de {year}."
        ),
        Locale.EN: (
            "The agreement was signed. Your data update was completed successfully, after the "
            "January deadline: it counts as the yearly update of {year}."
        ),
    },
    InfoMessage.AGREEMENT_SIGNED_UPDATE_MISSING: {
        Locale.ES: (
            "El convenio fue firmado, pero su actualización anual de datos de {year} aún no está "
            "completa: falta realizar «Modificar» con sus datos y, después, firmar nuevamente el "
            "convenio."
        ),
        Locale.EN: (
            "The agreement was signed, but your yearly data update of {year} is not complete "
            'yet: you still need to "Modify" your data and then sign the agreement again.'
        ),
    },
    InfoMessage.AGREEMENT_SIGNED_ONLY: {
        Locale.ES: "El convenio fue firmado.",
        Locale.EN: "The agreement was signed.",
    },
    InfoMessage.AGREEMENT_ALREADY_SIGNED: {
        Locale.ES: "Ya había firmado esta versión del convenio; no se registró nada nuevo.",
        Locale.EN: "You had already signed this version of the agreement; nothing new was recorded.",
    },
    InfoMessage.AGREEMENT_ALREADY_SIGNED_UPDATE_MISSING: {
        Locale.ES: (
            "Ya había firmado esta versión del convenio; no se registró nada nuevo. Su "
            "actualización anual de datos de {year} aún no está completa: falta realizar "
            "«Modificar» con sus datos y, después, firmar nuevamente el convenio."
        ),
        Locale.EN: (
            "You had already signed this version of the agreement; nothing new was recorded. "
            "Your yearly data update of {year} is not complete yet: you still need to "
            '"Modify" your data and then sign the agreement again.'
        ),
    },
    InfoMessage.AGREEMENT_PUBLISHED: {
        Locale.ES: "Se publicó la versión {version} del convenio; todos los usuarios deberán firmarla.",
        Locale.EN: "Version {version} of the agreement was published; every user must sign it.",
    },
    InfoMessage.OPERATOR_REACTIVATED: {
        Locale.ES: "El ID. usuario fue habilitado nuevamente.",
        Locale.EN: "The user ID was enabled again.",
    },
    InfoMessage.EMPLOYEE_PERMISSION_SET: {
        Locale.ES: "Se actualizó el permiso del empleado.",
        Locale.EN: "The employee's permission was updated.",
    },
    InfoMessage.EMAIL_UNAVAILABLE: {
        Locale.ES: "El correo electrónico no está disponible.",
        Locale.EN: "The e-mail address is not available.",
    },
    InfoMessage.EMAIL_IS_CURRENT: {
        Locale.ES: (
            "Es el correo electrónico que ya tiene registrado: para conservarlo, elija «Sí» en "
            "«¿Desea mantener el mismo correo electrónico?»."
        ),
        Locale.EN: (
            'It is the e-mail address you already have registered: to keep it, choose "Yes" '
            'under "Keep the same e-mail address?".'
        ),
    },
}


class RequestRefusal(StrEnum):
    """A request refused as a whole, by the HTTP guards or GraphQL's own limits, or an error
    masked in production: no field's refusal, so no `UserErrorCode`; the value is the answer's
    `extensions.code`."""

    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    TOO_MANY_MUTATIONS = "TOO_MANY_MUTATIONS"
    UNEXPECTED = "UNEXPECTED"


_REFUSALS: Mapping[RequestRefusal, Mapping[Locale, str]] = {
    RequestRefusal.REQUEST_TIMEOUT: {
        Locale.ES: "El cuerpo de la solicitud no llegó a tiempo.",
        Locale.EN: "The request body did not arrive in time.",
    },
    RequestRefusal.PAYLOAD_TOO_LARGE: {
        Locale.ES: "El cuerpo de la solicitud es demasiado grande: admite hasta {limit} bytes.",
        Locale.EN: "The request body is too large: at most {limit} bytes.",
    },
    RequestRefusal.TOO_MANY_MUTATIONS: {
        Locale.ES: "Se admiten hasta {limit} mutaciones por solicitud (llegaron {count}).",
        Locale.EN: "At most {limit} mutations per request ({count} given).",
    },
    RequestRefusal.UNEXPECTED: {
        Locale.ES: "Error inesperado.",
        Locale.EN: "Unexpected error.",
    },
}


def refusal_message(refusal: RequestRefusal, locale: Locale = Locale.ES, **params: object) -> str:
    return _REFUSALS[refusal][locale].format(**params)


def parse_locale(accept_language: str | None) -> Locale:
    """Spanish unless the client's first preference is English."""
    if not accept_language:
        return Locale.ES
    first = accept_language.split(",")[0].split(";")[0].strip().lower()
    return Locale.EN if first.startswith("en") else Locale.ES


# A placeholder with the full stop that may follow it: what is not known reads "…", never "….".
_PLACEHOLDER: Final = re.compile(r"\{[^{}]*\}\.?")


# Up to this many seconds a wait is told in seconds; a longer one in minutes, rounded up, and
# from an hour on in hours and minutes.
_WAIT_IN_SECONDS_UP_TO: Final = 119

# Each unit of a wait, singular and plural.
_SECONDS: Final = {Locale.ES: ("segundo", "segundos"), Locale.EN: ("second", "seconds")}
_MINUTES: Final = {Locale.ES: ("minuto", "minutos"), Locale.EN: ("minute", "minutes")}
_HOURS: Final = {Locale.ES: ("hora", "horas"), Locale.EN: ("hour", "hours")}
_AND: Final = {Locale.ES: "y", Locale.EN: "and"}


def _quantity(count: int, unit: Mapping[Locale, tuple[str, str]], locale: Locale) -> str:
    singular, plural = unit[locale]
    return f"{count} {singular if count == 1 else plural}"


def wait_phrase(seconds: int, locale: Locale) -> str:
    """ "1 segundo", "45 segundos", "15 minutos", "1 hora", "1 hora y 30 minutos": the wait of
    `retry_after`, as a person says it (the exact number of seconds is in `retryAfterSeconds`)."""
    if seconds <= _WAIT_IN_SECONDS_UP_TO:
        return _quantity(seconds, _SECONDS, locale)
    hours, minutes = divmod((seconds + 59) // 60, 60)
    if not hours:
        return _quantity(minutes, _MINUTES, locale)
    if not minutes:
        return _quantity(hours, _HOURS, locale)
    return (
        f"{_quantity(hours, _HOURS, locale)} {_AND[locale]} {_quantity(minutes, _MINUTES, locale)}"
    )


def attempts_left_phrase(left: int, locale: Locale) -> str:
    """ "Le queda 1 intento", "Le quedan 3 intentos": singular and plural agree."""
    if locale is Locale.EN:
        return "1 attempt left" if left == 1 else f"{left} attempts left"
    return "Le queda 1 intento" if left == 1 else f"Le quedan {left} intentos"


def error_message(error: FieldError, locale: Locale = Locale.ES) -> str:
    template = _ERRORS[error.code][locale]
    params = {**_DEFAULT_PARAMS.get(error.code, {}), **error.params}
    left = params.get("attempts_left")
    if isinstance(left, int):
        params["attempts_left_phrase"] = attempts_left_phrase(left, locale)
    retry_after = params.get("retry_after")
    if isinstance(retry_after, int):
        params["wait"] = wait_phrase(retry_after, locale)
    if locale is Locale.EN:
        # Some domain rules give a free-text detail in both languages: `reason` and `reason_en`.
        params.update({k[:-3]: v for k, v in error.params.items() if k.endswith("_en")})
    params = {k: _DETAILS[v][locale] if isinstance(v, Detail) else v for k, v in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        # A missing parameter must never turn a refusal into a crash (nor a description into
        # nonsense): what is not known reads "…".
        return _PLACEHOLDER.sub("…", template)


def info_message(message: InfoMessage, locale: Locale = Locale.ES, **params: object) -> str:
    return _INFO[message][locale].format(**params)
