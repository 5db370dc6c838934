"""The personal e-mail address of the form (SENAE-ISEE-3-2-010 §5.5.1 "Correo electrónico").

What is accepted: what `email_validator` accepts with its defaults (no quoted local parts, no IP
literals, no special-use domains such as .local or .test), after trimming surrounding whitespace,
except internationalised characters *before* the @: delivering to them needs SMTPUTF8 from every
relay on the way, and a security code that never arrives locks the user out of the update.
Internationalised domain names are fine.

`normalize_email` never raises anything but DomainError, whatever it is given: the refusal reasons
are short Spanish (and English) phrases of our own, never the library's text, which may quote the
input back.
"""

from __future__ import annotations

from typing import Final

from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email

from api.domain.errors import DomainError, ErrorCode

# RFC 5321 caps a forward path at 256 octets including the angle brackets; email_validator
# enforces the same 254. Anything far beyond it is refused before parsing, so a 10 kB input costs
# nothing.
EMAIL_MAX_LENGTH: Final = 254
_PARSE_LIMIT: Final = 4 * EMAIL_MAX_LENGTH

_REASONS: Final[tuple[tuple[tuple[str, ...], str, str], ...]] = (
    # (fragments of email_validator's message, reason in Spanish, reason in English); first wins.
    (("too long",), "es demasiado larga.", "it is too long."),
    (
        ("special-use", "reserved"),
        "el dominio está reservado y no recibe correo.",
        "the domain is reserved and receives no mail.",
    ),
    (
        ("must have an @-sign", "at-sign", "small commercial at"),
        "falta el signo @.",
        "the @ sign is missing.",
    ),
    (
        ("display name", "angle bracket"),
        "escriba solo la dirección, sin nombre ni < >.",
        "write the address only, without a name or < >.",
    ),
    (
        ("internationalized characters before",),
        "antes de la @ no se admiten tildes, eñes ni otros caracteres especiales.",
        "accented or other non-ASCII characters are not allowed before the @.",
    ),
    (
        (
            "cannot start with a",
            "cannot end with a",
            "immediately before the @-sign",
            "immediately after the @-sign",
            "two periods in a row",
            "a period and a hyphen",
        ),
        "hay un punto o guion mal ubicado.",
        "a period or hyphen is misplaced.",
    ),
    (
        ("after the @-sign", "idna", "domain"),
        "el dominio (la parte posterior a la @) no es válido.",
        "the domain (the part after the @) is not valid.",
    ),
    (
        ("before the @-sign", "quot"),
        "la parte anterior a la @ no es válida.",
        "the part before the @ is not valid.",
    ),
)
_GENERIC_REASON: Final = (
    "no tiene el formato nombre@dominio.",
    "it is not of the form name@domain.",
)
_EMPTY_REASON: Final = ("está vacía.", "it is empty.")
_UNDELIVERABLE_REASON: Final = (
    "el dominio no existe o no recibe correo.",
    "the domain does not exist or receives no mail.",
)


def normalize_email(
    address: str, *, check_deliverability: bool = False, field: str = "email"
) -> str:
    """The normalised address (domain lower-cased and IDNA-checked, Unicode NFC), or DomainError
    (`field`, INVALID_EMAIL, params reason/reason_en).

    `check_deliverability=True` asks DNS whether the domain receives mail: that is I/O, so only the
    service may ask for it, never the pure validation of the form.
    """
    trimmed = address.strip()
    if not trimmed:
        raise _refusal(field, _EMPTY_REASON)
    if len(trimmed) > _PARSE_LIMIT:
        raise _refusal(field, ("es demasiado larga.", "it is too long."))
    try:
        validated = validate_email(
            trimmed, check_deliverability=check_deliverability, allow_smtputf8=False
        )
    except EmailUndeliverableError:
        raise _refusal(field, _UNDELIVERABLE_REASON) from None
    except EmailNotValidError as error:
        raise _refusal(field, _reason_for(str(error))) from None
    except (ValueError, UnicodeError):
        # email_validator wraps the errors it expects; whatever else a hostile input may shake out
        # of idna or unicodedata is still just an invalid address.
        raise _refusal(field, _GENERIC_REASON) from None
    return validated.normalized


def email_key(normalized: str) -> str:
    """The comparison key of a normalised address: two addresses are "the same" when their keys
    are equal. Case-insensitive on both sides of the @, as every mainstream mailbox provider is."""
    return normalized.casefold()


def _reason_for(message: str) -> tuple[str, str]:
    lowered = message.lower()
    for fragments, reason_es, reason_en in _REASONS:
        if any(fragment in lowered for fragment in fragments):
            return reason_es, reason_en
    return _GENERIC_REASON


def _refusal(field: str, reason: tuple[str, str]) -> DomainError:
    reason_es, reason_en = reason
    return DomainError.single(field, ErrorCode.INVALID_EMAIL, reason=reason_es, reason_en=reason_en)
