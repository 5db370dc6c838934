"""The Redis Stream that carries committed outbox events to every API process.

Entry IDs are the outbox sequence (`<sequence>-0`): Redis refuses an ID not above the last one,
so publishing twice or out of order is impossible, and the stream's last ID says how far the
relay has come. The stream is a bounded cache (MAXLEN); the outbox table keeps the history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import redis.exceptions

from api.domain.events import OperatorEventData
from api.persistence.redis_store import Keys, Redis


def _sequence(entry_id: str) -> int:
    return int(entry_id.split("-", 1)[0])


class EventStream:
    def __init__(self, redis: Redis, keys: Keys, *, max_length: int) -> None:
        self.redis = redis
        self.key = keys.events()
        self.max_length = max_length

    async def last_sequence(self) -> int | None:
        """The last sequence published, or None when the stream does not exist (a new or
        restarted Redis)."""
        try:
            info = await self.redis.xinfo_stream(self.key)
        except redis.exceptions.ResponseError:
            return None
        return _sequence(str(info["last-generated-id"]))

    async def publish(self, events: Sequence[OperatorEventData]) -> int:
        """Append events in order; an event already there is skipped (another relay was first)."""
        published = 0
        for event in events:
            try:
                await self.redis.xadd(
                    self.key,
                    {"event": json.dumps(event.to_json(), ensure_ascii=False)},
                    id=f"{event.sequence}-0",
                    maxlen=self.max_length,
                    approximate=True,
                )
            except redis.exceptions.ResponseError as error:
                if "equal or smaller" not in str(error):
                    raise
                continue
            published += 1
        return published

    async def read_after(
        self, last_id: str, *, block_ms: int, count: int
    ) -> list[tuple[str, OperatorEventData]]:
        """Blocking XREAD from `last_id` (exclusive)."""
        response: Any = await self.redis.xread({self.key: last_id}, block=block_ms, count=count)
        entries: list[tuple[str, OperatorEventData]] = []
        for _stream, items in response or []:
            for entry_id, fields in items:
                entries.append(
                    (str(entry_id), OperatorEventData.from_json(json.loads(fields["event"])))
                )
        return entries

    async def last_id(self) -> str:
        sequence = await self.last_sequence()
        return f"{sequence}-0" if sequence is not None else "0-0"
