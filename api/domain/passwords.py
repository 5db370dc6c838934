"""The password policy of "Contraseña" / "Confirmación de contraseña" (SENAE-ISEE-3-2-010 §5.5.1).

The procedure only says a new password replaces the old one; the policy is ours, after NIST SP
800-63B: length over composition rules, and a deny-list of what attackers try first.

- At least `MIN_LENGTH` characters, at most `MAX_LENGTH` (the hash must stay cheap to compute
  and nobody types more). Characters are counted as Python counts them (code points); spaces count.
- No control characters (NUL and the like break hashing libraries and terminals alike).
- Not containing the user's ID. usuario, identification number or, for a RUC, the cédula inside
  it — compared case-insensitively. Identity strings shorter than `MIN_IDENTITY_LENGTH` are ignored:
  a two-letter user ID would otherwise forbid half the dictionary.
- Not a common password: the candidate is folded (case, accents) and compared with
  `data/common_passwords.txt` as is, after stripping the digits and symbols people append or
  prepend ("Ecuador2024!", "123contraseña"), and after undoing the usual look-alike substitutions
  ("P@ssw0rd"). A password of fewer than `MIN_DISTINCT_CHARACTERS` different characters
  ("aaaaaaaaaa", "ababababab") counts as common too.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Final

from api.domain.errors import ErrorCode, FieldError
from api.domain.identification import cedula_of
from api.domain.names import fold_text, has_control_characters

# The input field the errors name, not a secret.
PASSWORD_FIELD: Final = "newPassword"  # noqa: S105
MIN_LENGTH: Final = 10
MAX_LENGTH: Final = 128
MIN_IDENTITY_LENGTH: Final = 4
MIN_DISTINCT_CHARACTERS: Final = 4

_LEET: Final = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
_LEADING_NON_LETTERS: Final = re.compile(r"^[\W\d_]+")
_TRAILING_NON_LETTERS: Final = re.compile(r"[\W\d_]+$")


def password_errors(*, password: str, user_id: str, identification: str) -> list[FieldError]:
    """Every rule `password` breaks, on field "newPassword"; empty when it is acceptable."""
    if len(password) > MAX_LENGTH:
        # Nothing else is looked at: the other checks would scan an unbounded string.
        return [FieldError(PASSWORD_FIELD, ErrorCode.TOO_LONG, {"max_length": MAX_LENGTH})]
    errors: list[FieldError] = []
    if has_control_characters(password):
        errors.append(
            FieldError(
                PASSWORD_FIELD,
                ErrorCode.INVALID_FORMAT,
                {"expected": "sin caracteres de control", "expected_en": "no control characters"},
            )
        )
    if len(password) < MIN_LENGTH:
        errors.append(
            FieldError(PASSWORD_FIELD, ErrorCode.PASSWORD_TOO_SHORT, {"min_length": MIN_LENGTH})
        )
    if contains_identity(password=password, user_id=user_id, identification=identification):
        errors.append(FieldError(PASSWORD_FIELD, ErrorCode.PASSWORD_CONTAINS_IDENTITY))
    if is_common_password(password):
        errors.append(FieldError(PASSWORD_FIELD, ErrorCode.PASSWORD_TOO_COMMON))
    return errors


def contains_identity(*, password: str, user_id: str, identification: str) -> bool:
    folded = password.casefold()
    identities = {user_id.strip(), identification.strip(), cedula_of(identification) or ""}
    return any(
        identity.casefold() in folded
        for identity in identities
        if len(identity) >= MIN_IDENTITY_LENGTH
    )


def is_common_password(password: str) -> bool:
    folded = fold_text(password)
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return True
    common = common_passwords()
    return any(variant in common for variant in _variants(folded))


@cache
def common_passwords() -> frozenset[str]:
    """The deny-list, folded like the candidates (read once per process)."""
    text = resources.files("api.domain").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        fold_text(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _variants(folded: str) -> set[str]:
    trimmed = _TRAILING_NON_LETTERS.sub("", folded)
    unleeted = trimmed.translate(_LEET)
    candidates = {
        folded,
        trimmed,
        _LEADING_NON_LETTERS.sub("", trimmed),
        folded.translate(_LEET),
        unleeted,
        _LEADING_NON_LETTERS.sub("", unleeted),
    }
    return {candidate for candidate in candidates if candidate}
