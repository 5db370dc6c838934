"""Time, injectable: the yearly update and code expiry are tested on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

ECUADOR_TZ = ZoneInfo("America/Guayaquil")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    def __init__(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)

    def now(self) -> datetime:
        return self.instant


def clock_for(fixed: datetime | None) -> Clock:
    return SystemClock() if fixed is None else FixedClock(fixed)


def as_utc(value: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without a zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
