"""Text no field may hold: NUL (PostgreSQL refuses it) and unpaired surrogates (not encodable as
UTF-8; JSON can carry them as "\\ud800" escapes). Refused once, at the edge, for every input."""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# A `\u` escape, a NUL byte, or the first two bytes of a surrogate encoded as UTF-8.
_MAY_DECODE_UNSAFE = re.compile(rb"\\u|\x00|\xed[\xa0-\xbf]")


def is_unsafe_text(value: str) -> bool:
    return _UNSAFE.search(value) is not None


def json_may_hold_unsafe_text(raw: str | bytes) -> bool:
    """Whether JSON text may decode to unsafe text; when not, its decoded value need not be
    walked (`contains_unsafe_text`). JSON's strings may not hold a raw control character, so
    decoded JSON holds NUL or a surrogate only through a `\\u` escape, a raw one in text
    already decoded, or, in bytes, a surrogate's UTF-8 form (`json.loads` decodes bytes with
    `surrogatepass`); text in JSON's other encodings (UTF-16, UTF-32) has NUL bytes."""
    if isinstance(raw, bytes):
        return _MAY_DECODE_UNSAFE.search(raw) is not None
    return "\\u" in raw or is_unsafe_text(raw)


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
