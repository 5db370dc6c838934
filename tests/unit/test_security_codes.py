"""The e-mailed "código de seguridad" (SENAE-ISEE-3-2-010 §5.5.1)."""

from __future__ import annotations

import re

from api.domain.security_codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_PATTERN,
    CODE_TTL_SECONDS,
    MAX_WRONG_ATTEMPTS,
    generate_code,
    hash_code,
    normalize_code,
)

SECRET = b"k" * 32


def _hash(
    code: str,
    *,
    secret: bytes = SECRET,
    user_key: str = "42",
    purpose: str = "modify",
    address: str = "ana@mail.ec",
) -> str:
    return hash_code(secret=secret, user_key=user_key, purpose=purpose, address=address, code=code)


def test_alphabet_is_upper_case_letters_and_digits_without_look_alikes() -> None:
    assert set(CODE_ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert not set(CODE_ALPHABET) & set("0O1IL")
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_code_expires_after_15_minutes_and_allows_5_wrong_attempts() -> None:
    assert CODE_TTL_SECONDS == 900
    assert MAX_WRONG_ATTEMPTS == 5


def test_generated_code_has_8_characters_of_the_alphabet_with_letters_and_digits() -> None:
    for _ in range(500):
        code = generate_code()
        assert len(code) == CODE_LENGTH == 8
        assert set(code) <= set(CODE_ALPHABET)
        assert any(char.isdigit() for char in code)
        assert any(char.isalpha() for char in code)
        assert re.fullmatch(CODE_PATTERN, code)


def test_generated_codes_do_not_repeat() -> None:
    codes = {generate_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_normalize_code_trims_and_upper_cases() -> None:
    assert normalize_code("  ab3d5fgh \n") == "AB3D5FGH"


def test_served_pattern_accepts_what_users_type_in_either_case() -> None:
    code = generate_code()
    assert re.fullmatch(CODE_PATTERN, code)
    assert re.fullmatch(CODE_PATTERN, code.lower())
    assert not re.fullmatch(CODE_PATTERN, "AB0D5FGH")  # zero is not in the alphabet
    assert not re.fullmatch(CODE_PATTERN, code + "A")


def test_hash_is_hex_hmac_sha256_and_not_the_code() -> None:
    digest = _hash("AB3D5FGH")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "AB3D5FGH" not in digest


def test_hash_ignores_code_case_and_address_case() -> None:
    assert _hash("AB3D5FGH") == _hash(" ab3d5fgh ", address="Ana@MAIL.ec")


def test_hash_binds_the_code_to_user_purpose_address_and_secret() -> None:
    stored = _hash("AB3D5FGH")
    assert stored != _hash("AB3D5FGH", user_key="43")
    assert stored != _hash("AB3D5FGH", purpose="login")
    assert stored != _hash("AB3D5FGH", address="otra@mail.ec")
    assert stored != _hash("AB3D5FGH", secret=b"x" * 32)
    assert stored != _hash("AB3D5FGJ")


def test_parts_cannot_be_shifted_into_one_another() -> None:
    one = hash_code(secret=SECRET, user_key="4", purpose="2modify", address="a@b.ec", code="X")
    two = hash_code(secret=SECRET, user_key="42", purpose="modify", address="a@b.ec", code="X")
    assert one != two
