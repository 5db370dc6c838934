"""Teléfono1, Teléfono2, Fax and Celular (SENAE-ISEE-3-2-010 §5.5.1).

The procedure: landlines are "digits only, area code included, up to 14 digits, format
0XXXXXXXX"; the mobile is "format 09XXXXXXXX, up to 14 digits". What is accepted exactly:

- Digits only, at most 14 (`PHONE_MAX_DIGITS`); no spaces, "+", dashes or extensions.
- An Ecuadorian landline in national format: 0 + area code 2–7 + seven digits (`0[2-7]XXXXXXX`),
  and libphonenumber must see a fixed line or a VoIP line there (a subscriber number starts with
  2–7: 0 and 1 are dialling prefixes, so "02 0123456" is not dialable).
- An Ecuadorian mobile in national format: 09 + eight digits. The whole "9" range of Ecuador's
  numbering plan is mobile, so nothing else is checked: libphonenumber's map of *allocated*
  ranges follows the carriers' blocks, numbers are ported between carriers, and a user whose
  number sits in a block allocated after our metadata was built must not be locked out. The
  carrier chosen in the form is never compared with the number for the same reason.
- A foreign number with the international prefix dialled from Ecuador, 00 + country code +
  number (9 to 14 digits in all), which fits the procedure's "0…, at most 14 digits". For those
  libphonenumber is the only judge: the number must be valid, and of a landline type for the
  landline fields, of a mobile type for the mobile field (some countries, e.g. the US, cannot tell
  the two apart: FIXED_LINE_OR_MOBILE passes both). An Ecuadorian number written as 00593… is
  refused: Ecuadorian numbers have one spelling, the national one.
- Fax follows the landline rule: a fax line is a landline.
"""

from __future__ import annotations

import re
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from api.domain.errors import ErrorCode

PHONE_MAX_DIGITS: Final = 14
LANDLINE_FORMAT: Final = "0XXXXXXXX"
MOBILE_FORMAT: Final = "09XXXXXXXX"
FAX_FORMAT: Final = LANDLINE_FORMAT

_ECUADOR: Final = "EC"
_INTERNATIONAL_PREFIX: Final = "00"
# 00 + a country code that never starts with 0 + the rest: 9 to 14 digits in all.
_INTERNATIONAL: Final = "00[1-9][0-9]{6,11}"
# [0-9] and not \d: these patterns are served to clients, and \d means more than ASCII digits in
# some regex engines (Python's among them).
LANDLINE_PATTERN: Final = rf"^(?:0[2-7][0-9]{{7}}|{_INTERNATIONAL})$"
MOBILE_PATTERN: Final = rf"^(?:09[0-9]{{8}}|{_INTERNATIONAL})$"
FAX_PATTERN: Final = LANDLINE_PATTERN

_LANDLINE_RE: Final = re.compile(LANDLINE_PATTERN)
_MOBILE_RE: Final = re.compile(MOBILE_PATTERN)
_DIGITS_RE: Final = re.compile(r"[0-9]*")

_LANDLINE_TYPES: Final = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP}
)
_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def landline_error(value: str) -> ErrorCode | None:
    """None when `value` is an acceptable Teléfono1/Teléfono2, else TOO_LONG or INVALID_FORMAT."""
    return _phone_error(value, pattern=_LANDLINE_RE, types=_LANDLINE_TYPES, check_ecuador=True)


def fax_error(value: str) -> ErrorCode | None:
    return landline_error(value)


def mobile_error(value: str) -> ErrorCode | None:
    """None when `value` is an acceptable Celular number, else TOO_LONG or INVALID_FORMAT."""
    return _phone_error(value, pattern=_MOBILE_RE, types=_MOBILE_TYPES, check_ecuador=False)


def _phone_error(
    value: str,
    *,
    pattern: re.Pattern[str],
    types: frozenset[int],
    check_ecuador: bool,
) -> ErrorCode | None:
    if len(value) > PHONE_MAX_DIGITS:
        return ErrorCode.TOO_LONG
    if not _DIGITS_RE.fullmatch(value) or not pattern.fullmatch(value):
        return ErrorCode.INVALID_FORMAT
    international = value.startswith(_INTERNATIONAL_PREFIX)
    if not international and not check_ecuador:
        return None
    try:
        number = (
            phonenumbers.parse("+" + value[len(_INTERNATIONAL_PREFIX) :], None)
            if international
            else phonenumbers.parse(value, _ECUADOR)
        )
    except NumberParseException:
        return ErrorCode.INVALID_FORMAT
    if international and phonenumbers.region_code_for_number(number) == _ECUADOR:
        return ErrorCode.INVALID_FORMAT
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in types:
        return ErrorCode.INVALID_FORMAT
    return None
