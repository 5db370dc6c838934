"""Text no field may hold: NUL (PostgreSQL refuses it) and unpaired surrogates (not encodable as
UTF-8; JSON can carry them as "\\ud800" escapes). Refused once, at the edge, for every input."""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def is_unsafe_text(value: str) -> bool:
    return _UNSAFE.search(value) is not None


def contains_unsafe_text(value: object) -> bool:
    """Whether any string inside a decoded JSON value (keys included) is unsafe. Iterative, so a
    deeply nested value cannot exhaust the stack."""
    pending: list[object] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if is_unsafe_text(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, Iterable) and not isinstance(item, bytes):
            pending.extend(item)
    return False
