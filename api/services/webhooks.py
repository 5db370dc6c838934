"""Partner webhooks: registering them for a key, and the worker that delivers the outbox to them.

Why no event is lost and each operator's events arrive in order:
- deliveries are made from the outbox table, the same history `operatorEvents` replays, after a
  cursor kept on the webhook and moved in the transaction that records them;
- a delivery is sent while its row is locked and marked delivered only after a 2xx answer, in
  the same transaction: a worker killed mid-send leaves it pending, and another worker (or the
  same one restarted) sends it again with the same `webhook-id` (at least once);
- only the oldest pending delivery of an operator is ever sent (api/persistence/webhooks.py), so
  a failing one holds back that operator's later events until it succeeds or becomes a dead
  letter; other operators' events go on.

Times here are the wall clock, not `services.clock`: the signature's timestamp is checked by the
receiver against its own clock, and retries must come due even under a fixed test clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.events import OperatorEventData
from api.domain.messages import Detail
from api.domain.partners import granted_scopes, sees_changed_values
from api.domain.webhooks import (
    DeliveryStatus,
    IPAddress,
    RetryPolicy,
    Target,
    WebhookStatus,
    literal_address,
    new_signing_secret,
    parse_target,
    signed_headers,
    target_refusals,
)
from api.persistence.outbox import events_after, last_sequence, to_event
from api.persistence.tables import WebhookDeliveryRow, WebhookRow
from api.persistence.webhooks import DueDelivery, WebhookRepository, work_waiting
from api.services.container import Services

log = logging.getLogger("api.webhooks")

# The data of a delivery: the webhook's subscription document (None: the default one) executed
# on the event, with or without the changed values. Given by the GraphQL layer.
Renderer = Callable[[OperatorEventData, str | None, bool], Awaitable[dict[str, Any]]]

DISPATCH_BATCH = 500
SEND_BATCH = 50
MAX_WEBHOOKS_PER_PASS = 1000
DEAD_LETTERS_LISTED = 100
RETRY_SECONDS = 1.0
PRUNE_EVERY_SECONDS = 60.0


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RegisteredWebhook:
    secret: str  # shown once
    row: WebhookRow


async def resolve(target: Target) -> list[IPAddress]:
    """Every address the target's host names (a literal address is itself)."""
    literal = literal_address(target.host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    addresses: list[IPAddress] = []
    for info in infos:
        address = literal_address(str(info[4][0]).split("%", 1)[0])
        if address is not None and address not in addresses:
            addresses.append(address)
    return addresses


async def checked_target(
    services: Services, url: str, *, field: str = "url"
) -> tuple[Target, list[IPAddress]]:
    """The target and its addresses, refused (DomainError) if it may not be called."""
    target = parse_target(url, field=field)
    addresses = await resolve(target)
    refusals = target_refusals(
        target,
        addresses,
        allowed_internal=services.settings.webhook_allowed_internal_targets,
        field=field,
    )
    if refusals:
        raise DomainError(refusals)
    return target, addresses


async def register_webhook(
    services: Services,
    *,
    key_id: int,
    url: str,
    event_types: frozenset[str] | None,
    document: str | None,
) -> RegisteredWebhook:
    """A new active webhook of the key, receiving the events committed from now on. The
    document has been checked by the caller (it is GraphQL, checked against the schema)."""
    target, _ = await checked_target(services, url)
    secret = new_signing_secret()
    limit = services.settings.webhooks_per_key
    async with services.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Parallel registrations of one key count one after the other.
            await session.exec(  # type: ignore[call-overload]
                text("SELECT id FROM partner_keys WHERE id = :id FOR UPDATE").bindparams(id=key_id)
            )
        repository = WebhookRepository(session)
        if await repository.count_for_key(key_id) >= limit:
            raise DomainError.single(None, ErrorCode.TOO_MANY_WEBHOOKS, limit=limit)
        row = WebhookRow(
            partner_key_id=key_id,
            url=target.url,
            event_types=",".join(sorted(event_types)) if event_types else None,
            document=document,
            secret=secret,
            status=WebhookStatus.ACTIVE.value,
            cursor=await last_sequence(session),
            created_at=now(),
        )
        session.add(row)
    return RegisteredWebhook(secret=secret, row=row)


async def list_webhooks(services: Services, *, key_id: int) -> Sequence[WebhookRow]:
    async with services.reading() as session:
        return await WebhookRepository(session).for_key(key_id)


def _not_found(what: Detail) -> DomainError:
    return DomainError.single("id", ErrorCode.NOT_FOUND, what=what)


async def set_webhook_status(
    services: Services, *, key_id: int, webhook_id: int, status: WebhookStatus
) -> WebhookRow:
    async with services.transaction() as session:
        row = await WebhookRepository(session).of_key(webhook_id, key_id)
        if row is None:
            raise _not_found(Detail.WEBHOOK)
        row.status = status.value
        session.add(row)
    return row


async def delete_webhook(services: Services, *, key_id: int, webhook_id: int) -> None:
    async with services.transaction() as session:
        if not await WebhookRepository(session).delete(webhook_id, key_id):
            raise _not_found(Detail.WEBHOOK)


async def dead_letters(
    services: Services, *, key_id: int, webhook_id: int
) -> list[tuple[WebhookDeliveryRow, str]]:
    """The webhook's dead letters with their events' ids; none for another key's webhook."""
    async with services.reading() as session:
        repository = WebhookRepository(session)
        if await repository.of_key(webhook_id, key_id) is None:
            return []
        return await repository.dead_letters(webhook_id, limit=DEAD_LETTERS_LISTED)


async def redeliver(
    services: Services, *, key_id: int, delivery_id: int
) -> tuple[WebhookDeliveryRow, str]:
    """A dead letter goes back to its operator's queue; the worker sends it afresh."""
    async with services.transaction() as session:
        repository = WebhookRepository(session)
        if not await repository.redeliver(delivery_id, key_id, at=now()):
            raise _not_found(Detail.DEAD_LETTER)
        found = await repository.delivery(delivery_id)
    assert found is not None
    return found


async def webhook_of_key(services: Services, *, key_id: int, webhook_id: int) -> WebhookRow | None:
    async with services.reading() as session:
        return await WebhookRepository(session).of_key(webhook_id, key_id)


async def delivery_of_key(
    services: Services, *, key_id: int, delivery_id: int
) -> tuple[WebhookDeliveryRow, str] | None:
    """A delivery with its event's id, if it belongs to one of the key's webhooks."""
    async with services.reading() as session:
        repository = WebhookRepository(session)
        found = await repository.delivery(delivery_id)
        if found is None or await repository.of_key(found[0].webhook_id, key_id) is None:
            return None
        return found


def retry_policy(services: Services) -> RetryPolicy:
    settings = services.settings
    return RetryPolicy(
        base=timedelta(seconds=settings.webhook_retry_base_seconds),
        longest=timedelta(seconds=settings.webhook_retry_max_seconds),
        window=timedelta(seconds=settings.webhook_retry_window_seconds),
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def payload_body(event: OperatorEventData, data: dict[str, Any]) -> bytes:
    """The Standard Webhooks envelope: what happened, when, and the document's result."""
    envelope = {"type": event.event_type, "timestamp": event.occurred_at.isoformat(), "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


class WebhookWorker:
    """Turns new outbox events into deliveries and sends the due ones. Any number of workers,
    in API processes or `python -m api deliver-webhooks`, may run against one database."""

    def __init__(self, services: Services, render: Renderer) -> None:
        self.services = services
        self.render = render
        self.policy = retry_policy(services)
        self.client = httpx.AsyncClient(
            timeout=services.settings.webhook_timeout_seconds,
            follow_redirects=False,
            # Never through an HTTP(S)_PROXY of the environment: the address checked is the
            # address called.
            trust_env=False,
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def dispatch_once(self) -> int:
        """Records a delivery for each new event each active webhook wants; returns how many."""
        created = 0
        async with self.services.transaction() as session:
            repository = WebhookRepository(session)
            for webhook in await repository.lock_active(limit=MAX_WEBHOOKS_PER_PASS):
                events = await events_after(session, sequence=webhook.cursor, limit=DISPATCH_BATCH)
                if not events:
                    continue
                wanted = frozenset(webhook.event_types.split(",")) if webhook.event_types else None
                at = now()
                for event in events:
                    if wanted is None or event.event_type in wanted:
                        assert webhook.id is not None
                        session.add(
                            WebhookDeliveryRow(
                                webhook_id=webhook.id,
                                sequence=event.sequence,
                                operator_id=event.operator_id,
                                next_attempt_at=at,
                            )
                        )
                        created += 1
                webhook.cursor = events[-1].sequence
                session.add(webhook)
        return created

    async def prune_once(self) -> int:
        """Deletes the deliveries delivered longer ago than WEBHOOK_RETENTION_DAYS."""
        before = now() - timedelta(days=self.services.settings.webhook_retention_days)
        async with self.services.transaction() as session:
            return await WebhookRepository(session).delete_delivered_before(before)

    async def work_waiting(self) -> bool:
        """Whether `dispatch_once` or `send_once` could find anything to do (may say yes when
        they find nothing, never no when they would)."""
        async with self.services.connected() as connection:
            return await work_waiting(connection, now=now())

    async def send_once(self) -> int:
        """Sends the due heads of every queue, at once; returns how many were attempted."""
        async with self.services.transaction() as session:
            due = await WebhookRepository(session).lock_due_heads(now=now(), limit=SEND_BATCH)
            outcomes = await asyncio.gather(*(self._attempt(item) for item in due))
            for item, outcome in zip(due, outcomes, strict=True):
                self._record(item.delivery, outcome)
                session.add(item.delivery)
        return len(due)

    def _record(self, delivery: WebhookDeliveryRow, outcome: Outcome) -> None:
        at = now()
        delivery.attempts += 1
        delivery.last_attempt_at = at
        delivery.first_attempt_at = delivery.first_attempt_at or at
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:200] if outcome.error else None
        if outcome.delivered:
            delivery.status = DeliveryStatus.DELIVERED.value
            delivery.delivered_at = at
            return
        retry_at = self.policy.next_attempt(
            attempts=delivery.attempts, first_attempt_at=delivery.first_attempt_at, now=at
        )
        if retry_at is None:
            delivery.status = DeliveryStatus.DEAD.value
        else:
            delivery.next_attempt_at = retry_at

    async def _attempt(self, item: DueDelivery) -> Outcome:
        webhook = item.webhook
        try:
            # Resolved again at each attempt: a name that pointed outside at registration may
            # point inside now (DNS rebinding). The request goes to the address checked.
            target, addresses = await checked_target(self.services, webhook.url)
        except DomainError as refusal:
            return Outcome(error=f"refused: {_codes(refusal.errors)}")
        event = to_event(item.event)
        with_values = sees_changed_values(granted_scopes(item.scopes))
        try:
            data = await self.render(event, webhook.document, with_values)
        except Exception as error:
            log.warning("webhook %s: payload failed: %s", webhook.id, error)
            return Outcome(error="payload could not be built")
        body = payload_body(event, data)
        headers = signed_headers(
            secret=webhook.secret,
            message_id=event.event_id,
            timestamp=int(time.time()),
            body=body,
        )
        headers["host"] = _host_header(target)
        url = httpx.URL(target.url).copy_with(host=str(addresses[0]))
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            async with self.client.stream(
                "POST", url, content=body, headers=headers, extensions=extensions
            ) as response:
                # The answer's body is not read: a receiver cannot make the worker hold it.
                status = response.status_code
        except httpx.HTTPError as error:
            return Outcome(error=type(error).__name__)
        if 200 <= status < 300:
            return Outcome(status_code=status)
        return Outcome(status_code=status, error=f"HTTP {status}")

    async def run(self, stop: asyncio.Event) -> None:
        poll = self.services.settings.webhook_poll_seconds
        pruned_at = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - pruned_at >= PRUNE_EVERY_SECONDS:
                    await self.prune_once()
                    pruned_at = time.monotonic()
                dispatched = sent = 0
                # Most polls of an idle worker end with this one read.
                if await self.work_waiting():
                    dispatched = await self.dispatch_once()
                    sent = await self.send_once()
            except Exception as error:
                log.warning("webhook delivery paused: %s", type(error).__name__)
                await _sleep_or_stop(stop, RETRY_SECONDS)
                continue
            if sent or dispatched:
                continue
            await _sleep_or_stop(stop, poll)


def _codes(errors: Sequence[FieldError]) -> str:
    return ", ".join(error.code.value for error in errors)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def run_webhook_delivery(services: Services, stop: asyncio.Event, render: Renderer) -> None:
    worker = WebhookWorker(services, render)
    try:
        await worker.run(stop)
    finally:
        await worker.close()
