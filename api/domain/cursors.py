"""Opaque page cursors: clients pass them back as `after`, never build them."""

from __future__ import annotations

import base64
import binascii

from api.domain.errors import DomainError, ErrorCode


def encode_cursor(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode()


def decode_cursor(kind: str, cursor: str, *, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected="cursor") from None
    prefix, _, position = text.partition(":")
    if prefix != kind or not position.isascii() or not position.isdigit():
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected="cursor")
    return int(position)
