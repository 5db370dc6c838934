"""Opaque page cursors: clients pass them back as `after`, never build them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail

# The most edges one page of any connection gives, and how many when the client does not say.
MAX_PAGE = 100
DEFAULT_PAGE = 20


def page_size(first: int, *, field: str = "first") -> int:
    """`first` (or `last`) as asked, between 1 and MAX_PAGE; anything else is refused rather than
    quietly changed (a client asking for 500 must learn that it gets at most 100)."""
    if not 1 <= first <= MAX_PAGE:
        raise DomainError.single(
            field,
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


def parse_id(
    value: str | int, *, field: str, what: Detail = Detail.RECORD, maximum: int = MAX_ID
) -> int:
    """A record's number as a client sends it ("42"); anything else is NOT_FOUND (of `what`)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        raise DomainError.single(field, ErrorCode.NOT_FOUND, what=what)
    number = int(text)
    if number > maximum:
        raise DomainError.single(field, ErrorCode.NOT_FOUND, what=what)
    return number


def decode_cursor(kind: str, cursor: str, *, field: str = "after", maximum: int = MAX_ID) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected=Detail.CURSOR) from None
    prefix, _, position = text.partition(":")
    if (
        prefix != kind
        or not position.isascii()
        or not position.isdigit()
        or len(position) > len(str(maximum))
        or int(position) > maximum
    ):
        raise DomainError.single(field, ErrorCode.INVALID_FORMAT, expected=Detail.CURSOR)
    return int(position)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A page asked of a connection the way Relay's cursor connections ask it: `size` edges from
    the start of the window (`first`) or from its end (`last`, `from_end`), the window being the
    edges strictly between the positions `after` and `before`, in the connection's own order."""

    size: int
    from_end: bool
    after: int | None
    before: int | None


def page_request(
    kind: str,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    maximum: int = MAX_ID,
) -> PageRequest:
    """The page a connection's arguments ask for. `first` and `last` together are refused (the
    specification strongly discourages them: the page they mean is rarely the one wanted)."""
    if first is not None and last is not None:
        raise DomainError.single(
            "last",
            ErrorCode.INVALID_FORMAT,
            expected="first o last, no los dos",
            expected_en="first or last, not both",
        )
    after_position = decode_cursor(kind, after, field="after", maximum=maximum) if after else None
    before_position = (
        decode_cursor(kind, before, field="before", maximum=maximum) if before else None
    )
    if last is not None:
        return PageRequest(
            size=page_size(last, field="last"),
            from_end=True,
            after=after_position,
            before=before_position,
        )
    return PageRequest(
        size=page_size(DEFAULT_PAGE if first is None else first),
        from_end=False,
        after=after_position,
        before=before_position,
    )


@dataclass(frozen=True, slots=True)
class IdRange:
    """Rows whose number is strictly between `above` and `below` (None: unbounded), read in
    ascending or descending order of number, at most `limit` of them."""

    above: int | None
    below: int | None
    descending: bool
    limit: int
