""" "Doc. identificación" (SENAE-ISEE-3-2-010 §5.5.1): the documents a user identifies with.

The field is read-only in the form; these rules apply when a user is registered, when it signs in
and when a certificate or a company RUC is compared with the registration.

What is accepted:

- Separators are ignored: any whitespace and hyphens ("171430710-3", "1792060346 001").
- RUC and cédula: ASCII digits only, with valid check digits as `python-stdnum` computes them
  (`stdnum.ec.ruc`, `stdnum.ec.ci`: province code 01–24, 30 or 50, third digit, checksum).
- RUC, in addition: it ends in the main establishment "001", as the Ecuapass sign-in screen and
  the form show it ("RUC (09XXXXXXXX001)"); a public-sector RUC (third digit 6 or 9, checked over
  nine digits) ends in "0001". stdnum checks neither, and without them changing the last digits
  of a valid RUC still gives a "valid" one.
- Passport: 5 to 20 ASCII letters or digits, stored upper-case. Only ASCII is looked at *before*
  upper-casing, because `str.upper` turns some non-ASCII letters into ASCII ("ı" -> "I").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from stdnum.ec import ci, ruc
from stdnum.exceptions import ValidationError

from api.domain.errors import DomainError, ErrorCode
from api.domain.vocabulary import IdentificationType

IDENTIFICATION_FIELD: Final = "identification"

CEDULA_LENGTH: Final = 10
RUC_LENGTH: Final = 13
PASSPORT_MIN_LENGTH: Final = 5
PASSPORT_MAX_LENGTH: Final = 20

_SEPARATORS: Final = re.compile(r"[\s\-]+")
_DIGITS: Final = re.compile(r"[0-9]+")
_PASSPORT: Final = re.compile(rf"[A-Za-z0-9]{{{PASSPORT_MIN_LENGTH},{PASSPORT_MAX_LENGTH}}}")
_MAIN_ESTABLISHMENT: Final = "001"
_FIRST_NON_NATURAL_DIGIT: Final = "6"
_PUBLIC_SUFFIX: Final = "0001"
# The juridical RUC check (modulo 11 over the first ten digits), as stdnum computes it.
_JURIDICAL_WEIGHTS: Final = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


@dataclass(frozen=True, slots=True)
class IdentificationDocument:
    """One entry of the "Doc. identificación" catalog. `pattern` and `max_length` describe the
    stored (normalised) number, without separators."""

    code: IdentificationType
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    pattern: str
    max_length: int


RUC_DOCUMENT: Final = IdentificationDocument(
    code=IdentificationType.RUC,
    name_es="RUC",
    name_en="RUC (taxpayer number)",
    description_es=(
        "Registro Único de Contribuyentes del SRI: 13 dígitos, los diez primeros con dígito "
        "verificador y el establecimiento principal 001."
    ),
    description_en=(
        "SRI taxpayer number: 13 digits, the first ten with a check digit, then the main "
        "establishment 001."
    ),
    pattern=rf"^[0-9]{{{RUC_LENGTH - 3}}}001$",
    max_length=RUC_LENGTH,
)
CEDULA_DOCUMENT: Final = IdentificationDocument(
    code=IdentificationType.CEDULA,
    name_es="Cédula de identidad",
    name_en="Ecuadorian identity card (cédula)",
    description_es="Cédula de identidad ecuatoriana: 10 dígitos con dígito verificador.",
    description_en="Ecuadorian identity card number: 10 digits with a check digit.",
    pattern=rf"^[0-9]{{{CEDULA_LENGTH}}}$",
    max_length=CEDULA_LENGTH,
)
PASSPORT_DOCUMENT: Final = IdentificationDocument(
    code=IdentificationType.PASSPORT,
    name_es="Pasaporte",
    name_en="Passport",
    description_es=(
        f"Número de pasaporte o documento de identificación extranjero: de {PASSPORT_MIN_LENGTH} "
        f"a {PASSPORT_MAX_LENGTH} letras o dígitos."
    ),
    description_en=(
        f"Passport or foreign identity document number: {PASSPORT_MIN_LENGTH} to "
        f"{PASSPORT_MAX_LENGTH} letters or digits."
    ),
    pattern=rf"^[A-Z0-9]{{{PASSPORT_MIN_LENGTH},{PASSPORT_MAX_LENGTH}}}$",
    max_length=PASSPORT_MAX_LENGTH,
)

IDENTIFICATION_DOCUMENTS: Final[tuple[IdentificationDocument, ...]] = (
    RUC_DOCUMENT,
    CEDULA_DOCUMENT,
    PASSPORT_DOCUMENT,
)


def normalize_identification(*, id_type: IdentificationType, number: str) -> str:
    """The number without separators (upper-case for a passport), or DomainError
    (field "identification", INVALID_IDENTIFICATION) when it is not a valid `id_type`."""
    compact = _SEPARATORS.sub("", number)
    valid = {
        IdentificationType.RUC: _is_valid_ruc,
        IdentificationType.CEDULA: _is_valid_cedula,
        IdentificationType.PASSPORT: _is_valid_passport,
    }[id_type](compact)
    if not valid:
        raise DomainError.single(IDENTIFICATION_FIELD, ErrorCode.INVALID_IDENTIFICATION)
    return compact.upper()


def cedula_of(ruc_or_cedula: str) -> str | None:
    """The cédula of a natural person, given its cédula or its RUC (cédula + "001"); None for a
    company, a public entity or an invalid number.

    The SRI gives natural persons' RUCs a third digit 0–5 (6 is the public sector, 9 private
    companies). stdnum also reads a third digit 6 as a possible natural RUC, but a public RUC's
    first ten digits pass the cédula check one time in ten ("1760001550001"), so a third digit 6
    never yields a cédula here.
    """
    compact = _SEPARATORS.sub("", ruc_or_cedula)
    if len(compact) == CEDULA_LENGTH:
        return compact if _is_valid_cedula(compact) else None
    if (
        len(compact) == RUC_LENGTH
        and compact[2] < _FIRST_NON_NATURAL_DIGIT
        and _is_valid_ruc(compact)
    ):
        return compact[:CEDULA_LENGTH]
    return None


def _is_valid_cedula(compact: str) -> bool:
    if len(compact) != CEDULA_LENGTH or not _DIGITS.fullmatch(compact):
        return False
    try:
        ci.validate(compact)
    except ValidationError:
        return False
    return True


def _is_valid_ruc(compact: str) -> bool:
    if len(compact) != RUC_LENGTH or not _DIGITS.fullmatch(compact):
        return False
    try:
        ruc.validate(compact)
    except ValidationError:
        return False
    if not compact.endswith(_MAIN_ESTABLISHMENT):
        return False
    if compact[9:] == _PUBLIC_SUFFIX:
        return True
    # stdnum accepts a third digit 6 as "public, else natural" and 9 as "public, else juridical".
    # A public RUC must end in 0001; when it does not, the other reading must hold on its own.
    if compact[2] == "6":
        return _is_valid_cedula(compact[:CEDULA_LENGTH])
    if compact[2] == "9":
        return _weighted_sum(compact, _JURIDICAL_WEIGHTS) % 11 == 0
    return True


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=False))


def _is_valid_passport(compact: str) -> bool:
    return _PASSPORT.fullmatch(compact) is not None
