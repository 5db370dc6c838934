"""Opaque page cursors: clients pass them back as `after`, never build them."""

from __future__ import annotations

import base64
import binascii

from api.domain.errors import DomainError, ErrorCode

# The most edges one page of any connection gives.
MAX_PAGE = 100


def page_size(first: int) -> int:
    """`first` as asked, between 1 and MAX_PAGE; anything else is refused rather than quietly
    changed (a client asking for 500 must learn that it gets at most 100)."""
    if not 1 <= first <= MAX_PAGE:
        raise DomainError.single(
            "first",
            ErrorCode.INVALID_FORMAT,
            expected=f"un número entre 1 y {MAX_PAGE}",
            expected_en=f"a number from 1 to {MAX_PAGE}",
        )
    return first


def encode_cursor(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode()


# Database identifiers are 32-bit, outbox sequences 64-bit: a larger number names nothing.
MAX_ID = 2**31 - 1
MAX_SEQUENCE = 2**63 - 1


def parse_id(value: str | int, *, field: str, maximum: int = MAX_ID) -> int:
    """A record's number as a client sends it ("42"); anything else is NOT_FOUND."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        raise DomainError.single(field, ErrorCode.NOT_FOUND)
    number = int(text)
    if number > maximum:
        raise DomainError.single(field, ErrorCode.NOT_FOUND)
    return number


def decode_cursor(kind: str, cursor: str, *, field: str = "after", maximum: int = MAX_ID) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected="cursor") from None
    prefix, _, position = text.partition(":")
    if (
        prefix != kind
        or not position.isascii()
        or not position.isdigit()
        or len(position) > len(str(maximum))
        or int(position) > maximum
    ):
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected="cursor")
    return int(position)
