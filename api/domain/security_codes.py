"""The e-mailed "código de seguridad" (SENAE-ISEE-3-2-010 §5.5.1).

"Un código de seguridad conformado por números y letras con un tiempo de expiración de 15
minutos", sent in the mail "ACTIVACIÓN DE CORREO ELECTRÓNICO". The store (Redis) keeps only
`hash_code(...)`, never the code, so a leaked key space reveals nothing usable; the hash binds the
code to the user, the purpose and the address it was sent to, so a code mailed to one address
cannot confirm another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Final

import pyotp

from api.domain.emails import email_key

# Upper-case letters and digits without the look-alikes 0/O and 1/I/L: the user copies the code
# from a mail, maybe from a phone screen onto a paper.
CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 8
# "tiempo de expiración de 15 minutos" (§5.5.1).
CODE_TTL_SECONDS: Final = 15 * 60
MAX_WRONG_ATTEMPTS: Final = 5
CODE_FORMAT: Final = "X" * CODE_LENGTH
# The served pattern accepts lower case too: users type what they read, `normalize_code`
# upper-cases it.
_LOWER_CASE_LETTERS: Final = "".join(char.lower() for char in CODE_ALPHABET if char.isalpha())
CODE_PATTERN: Final = rf"^[{CODE_ALPHABET}{_LOWER_CASE_LETTERS}]{{{CODE_LENGTH}}}$"

# pyotp refuses to draw fewer than 32 characters (it is meant for TOTP secrets); the code is a
# prefix of such a draw, each character still uniform over the alphabet.
_PYOTP_MIN_DRAW: Final = 32
_HASH_CONTEXT: Final = "ecuapass-security-code/v1"


def generate_code() -> str:
    """A fresh code from the operating system's CSPRNG, with at least one letter and one digit
    ("conformado por números y letras"). Draws that lack either are discarded, which keeps the
    result uniform over the codes that qualify."""
    while True:
        draw = pyotp.random_base32(length=max(_PYOTP_MIN_DRAW, CODE_LENGTH), chars=CODE_ALPHABET)
        code = draw[:CODE_LENGTH]
        if any(char.isdigit() for char in code) and any(char.isalpha() for char in code):
            return code


def normalize_code(value: str) -> str:
    """The code as the user typed it, trimmed and upper-cased."""
    return value.strip().upper()


def hash_code(*, secret: bytes, user_key: str, purpose: str, address: str, code: str) -> str:
    """HMAC-SHA256 (hex) of the code bound to the user, the purpose and the address; the code is
    normalised and the address compared by its `email_key`, so "abcd2345" typed for
    "Ana@Mail.ec" matches "ABCD2345" sent to "ana@mail.ec"."""
    # JSON of a list: unambiguous, whatever characters the parts hold.
    message = json.dumps(
        [_HASH_CONTEXT, user_key, purpose, email_key(address), normalize_code(code)],
        ensure_ascii=True,
    )
    return hmac.new(secret, message.encode("ascii"), hashlib.sha256).hexdigest()


# Against mail bombing: no new code while the last one is fresh and unused, and a bounded number
# of codes per hour. A code used up by a successful update no longer exists, so it holds nothing
# back.
RESEND_COOLDOWN_SECONDS = 60
MAX_CODES_PER_HOUR = 10

# What a code is for: a code issued for one purpose never serves another (it is part of the
# keyed hash and of the store's key).
PASSWORD_RESET_PURPOSE = "password-reset"
