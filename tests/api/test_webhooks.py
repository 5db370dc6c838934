"""Partner webhooks end to end: registered through GraphQL by a partner key, delivered by the worker
(`python -m api deliver-webhooks`, or inside the API) to a real HTTP receiver in this process that
verifies every delivery with the `standardwebhooks` library."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from api.domain.changes import Change, EventType
from api.domain.webhooks import new_signing_secret
from api.persistence.operators import SYSTEM, OperatorRepository, record_change
from api.persistence.tables import OperatorRow
from api.resolvers.webhook_payloads import render
from api.services.container import Services
from api.services.partner_keys import create_partner_key, revoke_partner_key
from api.services.webhooks import WebhookWorker, register_webhook
from tests.api.conftest import (
    ROOT,
    Api,
    Environment,
    Server,
    count_rows,
    free_port,
    make_operator,
    start_server,
    stop_server,
)
from tests.support.webhook_receiver import Arrival, Receiver

REGISTER = """mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) {
    secret webhook { id url status eventTypes subscription } errors { field code message }
  }
}"""
WEBHOOKS = "{ webhooks { id url status } }"
DEAD_LETTERS = """query($id: ID!) {
  webhookDeadLetters(webhookId: $id) { id eventId status attempts lastStatusCode lastError }
}"""
REDELIVER = """mutation($id: ID!) {
  redeliverWebhookDelivery(id: $id) { delivery { id status eventId } errors { code } }
}"""
PAUSE = "mutation($id: ID!) { pauseWebhook(id: $id) { webhook { status } errors { code } } }"
RESUME = "mutation($id: ID!) { resumeWebhook(id: $id) { webhook { status } errors { code } } }"
DELETE = "mutation($id: ID!) { deleteWebhook(id: $id) { errors { code } } }"
# Fast retries so that a test sees several attempts in a second or two.
FAST_RETRIES = {
    "WEBHOOK_POLL_SECONDS": "0.1",
    "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "WEBHOOK_RETRY_MAX_SECONDS": "0.4",
    "WEBHOOK_RETRY_WINDOW_SECONDS": "120",
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def partner_key(services: Services, scopes: str = "webhooks,events:read:pii") -> str:
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes=scopes, created_by=None
    )
    return issued.key


async def register(api: Api, key: str, url: str, **fields: Any) -> tuple[str, str]:
    data = await api.data(REGISTER, {"input": {"url": url, **fields}}, token=key)
    payload = data["registerWebhook"]
    assert payload["errors"] == [], payload
    return payload["webhook"]["id"], payload["secret"]


async def refusal(api: Api, key: str, url: str, **fields: Any) -> dict[str, Any]:
    data = await api.data(REGISTER, {"input": {"url": url, **fields}}, token=key)
    payload: dict[str, Any] = data["registerWebhook"]
    assert payload["webhook"] is None, payload
    assert payload["secret"] is None, payload
    assert len(payload["errors"]) == 1, payload
    error: dict[str, Any] = payload["errors"][0]
    return error


async def move(services: Services, operator: OperatorRow, address: str) -> None:
    """One committed change of the operator's address: one event in the outbox."""
    async with services.transaction() as session:
        row = await OperatorRepository(session).by_id(operator.id or 0)
        assert row is not None
        await record_change(
            session,
            operator=row,
            actor=SYSTEM,
            operation="TEST",
            event_type=EventType.OPERATOR_UPDATED,
            changes=[Change("address", row.address, address)],
            at=services.clock.now(),
        )


async def operators(services: Services, count: int) -> list[OperatorRow]:
    identifications = ["0912345675001", "1704567898", "0102030400", "0926687856", "1710034065"]
    return [
        await make_operator(
            services,
            user_id=f"SOCIO{n:02d}",
            identification=identifications[n],
            email=f"socio{n}@correo.example",
        )
        for n in range(count)
    ]


async def burst(
    services: Services, people: list[OperatorRow], per_operator: int
) -> dict[str, list[str]]:
    """Interleaved changes of several operators; returns each one's addresses in commit order."""
    written: dict[str, list[str]] = {p.user_id: [] for p in people}
    for n in range(per_operator):
        for person in people:
            address = f"Calle {n} de {person.user_id}"
            await move(services, person, address)
            written[person.user_id].append(address)
    return written


def first_arrivals_per_operator(arrivals: list[Arrival]) -> dict[str, list[str]]:
    """Each operator's addresses in the order they first arrived (a repeated webhook-id, allowed
    by at-least-once, is counted once)."""
    seen: set[str] = set()
    order: dict[str, list[str]] = {}
    for arrival in arrivals:
        if arrival.webhook_id in seen:
            continue
        seen.add(arrival.webhook_id)
        order.setdefault(arrival.data["userId"], []).append(arrival.data["changes"][0]["new"])
    return order


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver(port=free_port())
    endpoint.start()
    yield endpoint
    endpoint.stop()


class Workers:
    """`python -m api deliver-webhooks` processes of a test, stopped at its end."""

    def __init__(self, environment: Environment, directory: Path) -> None:
        self.environment = environment
        self.directory = directory
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, **overrides: str) -> subprocess.Popen[bytes]:
        variables = self.environment.variables(**{**FAST_RETRIES, **overrides})
        log_path = self.directory / f"worker-{len(self.processes)}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "deliver-webhooks"],
            cwd=ROOT,
            env={**os.environ, **variables},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        # Ready when it says so: a loaded machine takes seconds to import and build the schema.
        deadline = time.monotonic() + 60
        while b"delivering partner webhooks" not in log_path.read_bytes():
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def workers(environment: Environment, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(environment, tmp_path)
    yield started
    started.stop_all()


async def delivery_rows(services: Services) -> list[dict[str, Any]]:
    async with services.reading() as session:
        result = await session.exec(  # type: ignore[call-overload]
            text(
                "SELECT status, attempts, last_error, last_status_code FROM webhook_deliveries "
                "ORDER BY sequence"
            )
        )
        return [dict(row._mapping) for row in result]


async def until_all_delivered(services: Services, within: float = 30) -> None:
    """The receiver logs an event before it answers, and the worker marks the delivery only
    after the answer: wait for the marks rather than read them at once."""
    deadline = time.monotonic() + within
    while any(row["status"] != "DELIVERED" for row in await delivery_rows(services)):
        assert time.monotonic() < deadline, await delivery_rows(services)
        await asyncio.sleep(0.1)


async def test_deliveries_arrive_verified_and_in_order_per_operator(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    people = await operators(services, 3)
    key = await partner_key(services)
    _, receiver.secret = await register(api, key, receiver.url)
    workers.start()
    written = await burst(services, people, per_operator=8)

    arrivals = await receiver.until(24)

    assert all(a.verified for a in receiver.arrivals)
    assert first_arrivals_per_operator(arrivals) == written
    # webhook-id is the event's id: one per event, the same as `operatorEvents` gives.
    async with services.reading() as session:
        result = await session.exec(text("SELECT event_id FROM outbox_events"))  # type: ignore[call-overload]
        event_ids = {str(row[0]) for row in result}
    assert receiver.distinct_ids() <= event_ids
    assert {a.headers["content-type"] for a in arrivals} == {"application/json"}
    assert {a.payload["type"] for a in arrivals if a.payload} == {"OPERATOR_UPDATED"}


async def test_killing_the_delivering_process_mid_burst_loses_no_delivery(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    people = await operators(services, 4)
    key = await partner_key(services)
    _, receiver.secret = await register(api, key, receiver.url)
    receiver.delay = 0.05
    first = workers.start()
    written = await burst(services, people, per_operator=10)
    await receiver.until(8)

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    got_before_restart = len(receiver.distinct_ids())
    assert got_before_restart < 40, "the burst ended before the kill: nothing was proven"
    workers.start()
    arrivals = await receiver.until(40, within=60)

    assert all(a.verified for a in receiver.arrivals)
    assert first_arrivals_per_operator(arrivals) == written
    await until_all_delivered(services)


async def test_a_receiver_down_for_a_while_gets_everything_in_order_once_back(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    people = await operators(services, 3)
    key = await partner_key(services)
    _, receiver.secret = await register(api, key, receiver.url)
    receiver.stop()
    workers.start()
    written = await burst(services, people, per_operator=4)
    deadline = time.monotonic() + 30
    while not any(row["attempts"] >= 2 for row in await delivery_rows(services)):
        assert time.monotonic() < deadline, await delivery_rows(services)
        await asyncio.sleep(0.1)
    assert receiver.arrivals == []

    receiver.start()
    arrivals = await receiver.until(12)

    assert first_arrivals_per_operator(arrivals) == written
    assert len(arrivals) == 12, "each event once: nothing was sent twice"


async def test_a_receiver_holding_another_secret_detects_the_forgery(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    (person,) = await operators(services, 1)
    key = await partner_key(services)
    _, secret = await register(api, key, receiver.url)
    receiver.secret = new_signing_secret()
    workers.start()
    await move(services, person, "Av. Amazonas 1")

    deadline = time.monotonic() + 30
    while not receiver.arrivals:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)

    forged = receiver.arrivals[0]
    assert not forged.verified
    assert forged.error == "No matching signature found"
    # The same request verifies with the secret the registration showed.
    receiver.secret = secret
    assert receiver.record(forged.headers, forged.body) == 204


async def test_after_the_retry_window_a_delivery_is_a_dead_letter_the_partner_redelivers(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    (person,) = await operators(services, 1)
    key = await partner_key(services)
    webhook_id, receiver.secret = await register(api, key, receiver.url)
    receiver.status = 500
    workers.start(WEBHOOK_RETRY_WINDOW_SECONDS="1")
    await move(services, person, "Av. Amazonas 1")

    deadline = time.monotonic() + 30
    while not (
        dead := (await api.data(DEAD_LETTERS, {"id": webhook_id}, token=key))["webhookDeadLetters"]
    ):
        assert time.monotonic() < deadline, await delivery_rows(services)
        await asyncio.sleep(0.2)
    (letter,) = dead
    assert letter["status"] == "DEAD"
    assert letter["attempts"] >= 3
    assert letter["lastStatusCode"] == 500
    assert letter["lastError"] == "HTTP 500"
    tried = len(receiver.arrivals)
    assert tried == letter["attempts"]

    # A dead letter no longer holds back the operator's later events.
    receiver.status = 204
    await move(services, person, "Av. Amazonas 2")
    later = (await receiver.requests(tried + 1))[tried:]
    assert [a.data["changes"][0]["new"] for a in later] == ["Av. Amazonas 2"]

    answer = await api.data(REDELIVER, {"id": letter["id"]}, token=key)
    assert answer["redeliverWebhookDelivery"]["errors"] == []
    assert answer["redeliverWebhookDelivery"]["delivery"]["status"] == "PENDING"
    (redelivered,) = (await receiver.requests(tried + 2))[tried + 1 :]
    assert redelivered.verified
    assert redelivered.data["changes"][0]["new"] == "Av. Amazonas 1"
    # The same webhook-id as every earlier attempt: the receiver can tell it is the same event.
    assert redelivered.webhook_id == letter["eventId"] == receiver.arrivals[0].webhook_id
    await until_all_delivered(services)
    assert (await api.data(DEAD_LETTERS, {"id": webhook_id}, token=key))["webhookDeadLetters"] == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://8.8.8.8/hooks", "TARGET_NOT_HTTPS"),
        ("http://127.0.0.1.nip.invalid/hooks", "TARGET_UNRESOLVABLE"),
        ("https://10.1.2.3/hooks", "TARGET_NOT_PUBLIC"),
        ("https://192.168.0.10/hooks", "TARGET_NOT_PUBLIC"),
        ("https://169.254.169.254/latest/meta-data", "TARGET_NOT_PUBLIC"),
        ("https://[::1]:8443/hooks", "TARGET_NOT_PUBLIC"),
        ("https://[::ffff:10.0.0.1]/hooks", "TARGET_NOT_PUBLIC"),
        ("https://[fe80::1]/hooks", "TARGET_NOT_PUBLIC"),
        ("https://127.0.0.2/hooks", "TARGET_NOT_PUBLIC"),
        ("https://no-such-host.invalid/hooks", "TARGET_UNRESOLVABLE"),
        ("ftp://partner.example/hooks", "INVALID_FORMAT"),
        ("https://user:password@partner.example/hooks", "INVALID_FORMAT"),
    ],
)
async def test_targets_that_are_not_https_or_not_public_are_refused_and_nothing_is_written(
    api: Api, services: Services, url: str, code: str
) -> None:
    key = await partner_key(services)
    error = await refusal(api, key, url)
    assert (error["field"], error["code"]) == ("url", code)
    assert error["message"]
    assert await count_rows(services, "webhooks") == 0


async def test_the_refusal_reads_in_english_on_request(api: Api, services: Services) -> None:
    key = await partner_key(services)
    data = await api.data(
        REGISTER,
        {"input": {"url": "https://10.1.2.3/hooks"}},
        token=key,
        headers={"Accept-Language": "en"},
    )
    (error,) = data["registerWebhook"]["errors"]
    assert error["message"].startswith("The webhook's address points into an internal network")
    assert "10.1.2.3" in error["message"]


async def test_the_target_is_checked_again_at_delivery(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    (person,) = await operators(services, 1)
    key = await partner_key(services)
    _, receiver.secret = await register(api, key, receiver.url)
    # This worker allows no internal address: 127.0.0.1, accepted at registration, is refused.
    workers.start(WEBHOOK_ALLOWED_INTERNAL_TARGETS="")
    await move(services, person, "Av. Amazonas 1")

    deadline = time.monotonic() + 30
    while not (rows := await delivery_rows(services)) or rows[0]["attempts"] < 2:
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.1)
    assert rows[0]["last_error"] == "refused: TARGET_NOT_PUBLIC"
    assert receiver.arrivals == []


async def test_the_subscription_document_shapes_the_payload_with_the_keys_personal_data_rule(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    (person,) = await operators(services, 1)
    key = await partner_key(services, scopes="webhooks")
    document = "subscription { operatorEvents { who: userId type changes { field old new } } }"
    _, receiver.secret = await register(
        api, key, receiver.url, subscription=document, eventTypes=["OPERATOR_UPDATED"]
    )
    workers.start()
    await move(services, person, "Av. Amazonas 1")

    (arrival,) = await receiver.until(1)
    assert arrival.payload is not None
    assert set(arrival.payload) == {"type", "timestamp", "data"}
    # Without events:read:pii, which fields changed and not their values, as operatorEvents.
    assert arrival.data == {
        "who": "SOCIO00",
        "type": "OPERATOR_UPDATED",
        "changes": [{"field": "address", "old": None, "new": None}],
    }


@pytest.mark.parametrize(
    "document",
    [
        "{ webhooks { id } }",
        "subscription { operatorEvents { noSuchField } }",
        'subscription { operatorEvents(after: "x") { id } }',
        "subscription($t: [OperatorEventType!]) { operatorEvents(types: $t) { id } }",
        "subscription { operatorEvents { id",
    ],
)
async def test_a_document_that_is_not_one_valid_operator_events_subscription_is_refused(
    api: Api, services: Services, receiver: Receiver, document: str
) -> None:
    key = await partner_key(services)
    error = await refusal(api, key, receiver.url, subscription=document)
    assert (error["field"], error["code"]) == ("subscription", "INVALID_DOCUMENT")
    assert await count_rows(services, "webhooks") == 0


async def test_a_paused_webhook_receives_nothing_until_resumed_then_everything_in_order(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    people = await operators(services, 2)
    key = await partner_key(services)
    webhook_id, receiver.secret = await register(api, key, receiver.url)
    paused = await api.data(PAUSE, {"id": webhook_id}, token=key)
    assert paused["pauseWebhook"] == {"webhook": {"status": "PAUSED"}, "errors": []}
    workers.start()
    written = await burst(services, people, per_operator=3)
    await asyncio.sleep(1.0)
    assert receiver.arrivals == []

    resumed = await api.data(RESUME, {"id": webhook_id}, token=key)
    assert resumed["resumeWebhook"] == {"webhook": {"status": "ACTIVE"}, "errors": []}
    arrivals = await receiver.until(6)
    assert first_arrivals_per_operator(arrivals) == written


async def test_another_partners_webhooks_are_invisible_to_a_key(
    api: Api, services: Services, receiver: Receiver
) -> None:
    owner = await partner_key(services)
    other = await partner_key(services)
    webhook_id, _ = await register(api, owner, receiver.url)

    assert (await api.data(WEBHOOKS, token=other))["webhooks"] == []
    by_id = "query($id: ID!) { node(id: $id) { id ... on Webhook { url } } }"
    assert (await api.data(by_id, {"id": webhook_id}, token=other))["node"] is None
    assert (await api.data(by_id, {"id": webhook_id}, token=owner))["node"] == {
        "id": webhook_id,
        "url": receiver.url,
    }
    for mutation, name in (
        (PAUSE, "pauseWebhook"),
        (RESUME, "resumeWebhook"),
        (DELETE, "deleteWebhook"),
    ):
        answer = await api.data(mutation, {"id": webhook_id}, token=other)
        assert [e["code"] for e in answer[name]["errors"]] == ["NOT_FOUND"]
    assert (await api.data(DEAD_LETTERS, {"id": webhook_id}, token=other))[
        "webhookDeadLetters"
    ] == []
    listed = (await api.data(WEBHOOKS, token=owner))["webhooks"]
    assert listed == [{"id": webhook_id, "url": receiver.url, "status": "ACTIVE"}]

    deleted = await api.data(DELETE, {"id": webhook_id}, token=owner)
    assert deleted["deleteWebhook"]["errors"] == []
    assert (await api.data(WEBHOOKS, token=owner))["webhooks"] == []


async def test_a_key_without_the_webhooks_scope_and_a_signed_in_user_are_forbidden(
    api: Api, services: Services, receiver: Receiver
) -> None:
    reader = await partner_key(services, scopes="events:read,events:read:pii")
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    for credential in (reader, token):
        error = await refusal(api, credential, receiver.url)
        assert error["code"] == "FORBIDDEN"
        body = await api.post(WEBHOOKS, token=credential)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    anonymous = await api.post(WEBHOOKS)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert await count_rows(services, "webhooks") == 0


async def test_parallel_registrations_never_exceed_the_webhooks_per_key(
    api: Api, services: Services, receiver: Receiver
) -> None:
    key = await partner_key(services)
    answers = await asyncio.gather(
        *(
            api.data(REGISTER, {"input": {"url": f"{receiver.url}/{n}"}}, token=key)
            for n in range(14)
        )
    )
    codes = [[e["code"] for e in a["registerWebhook"]["errors"]] for a in answers]
    assert codes.count([]) == 10
    assert codes.count(["TOO_MANY_WEBHOOKS"]) == 4
    assert await count_rows(services, "webhooks") == 10


@pytest.fixture
def delivering_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(
        environment.variables(RUN_WEBHOOK_DELIVERY="true", **FAST_RETRIES), tmp_path / "api.log"
    )
    yield server
    stop_server(server)


async def test_the_api_process_delivers_when_run_webhook_delivery_is_on(
    api: Api, services: Services, receiver: Receiver, delivering_server: Server
) -> None:
    people = await operators(services, 2)
    key = await partner_key(services)
    _, receiver.secret = await register(api, key, receiver.url)
    written = await burst(services, people, per_operator=3)

    arrivals = await receiver.until(6)
    assert first_arrivals_per_operator(arrivals) == written


async def test_a_revoked_keys_webhooks_receive_nothing_more(
    api: Api, services: Services, receiver: Receiver, workers: Workers
) -> None:
    (person,) = await operators(services, 1)
    issued = await create_partner_key(
        services, name="Puerto de Guayaquil", scopes="webhooks", created_by=None
    )
    _, receiver.secret = await register(api, issued.key, receiver.url)
    workers.start()
    await move(services, person, "Av. Amazonas 1")
    await receiver.until(1)

    await revoke_partner_key(services, key_id=issued.row.id or 0)
    await move(services, person, "Av. Amazonas 2")
    await asyncio.sleep(1.5)

    assert [a.data["changes"][0]["new"] for a in receiver.arrivals] == [None]
    assert len(receiver.arrivals) == 1
    assert await count_rows(services, "webhook_deliveries") == 1


async def test_delivered_deliveries_older_than_the_retention_are_deleted_dead_letters_kept(
    services: Services,
) -> None:
    (person,) = await operators(services, 1)
    issued = await create_partner_key(services, name="Puerto", scopes="webhooks", created_by=None)
    await register_webhook(
        services,
        key_id=issued.row.id or 0,
        url="http://127.0.0.1:9/hooks",
        event_types=None,
        document=None,
    )
    for n in range(3):
        await move(services, person, f"Calle {n}")
    worker = WebhookWorker(services, render)
    try:
        assert await worker.dispatch_once() == 3
        async with services.transaction() as session:
            for sequence_rank, (status, age) in enumerate(
                (("DELIVERED", 8), ("DELIVERED", 1), ("DEAD", 30))
            ):
                await session.exec(  # type: ignore[call-overload]
                    text(
                        "UPDATE webhook_deliveries SET status = :status, "
                        "delivered_at = now() - make_interval(days => :age) "
                        "WHERE id = (SELECT id FROM webhook_deliveries ORDER BY sequence "
                        "OFFSET :rank LIMIT 1)"
                    ).bindparams(status=status, age=age, rank=sequence_rank)
                )
        assert await worker.prune_once() == 1
    finally:
        await worker.close()
    assert [row["status"] for row in await delivery_rows(services)] == ["DELIVERED", "DEAD"]


async def test_an_idle_workers_one_read_finds_work_whenever_there_is_some_and_none_after(
    services: Services,
) -> None:
    (person,) = await operators(services, 1)
    issued = await create_partner_key(services, name="Puerto", scopes="webhooks", created_by=None)
    worker = WebhookWorker(services, render)
    try:
        assert not await worker.work_waiting()  # no webhook
        registered = await register_webhook(
            services,
            key_id=issued.row.id or 0,
            url="http://127.0.0.1:9/hooks",  # refused or unreachable: every attempt fails
            event_types=None,
            document=None,
        )
        assert not await worker.work_waiting()  # a webhook, no event after its cursor

        await move(services, person, "Calle 1")
        assert await worker.work_waiting()  # an event to turn into a delivery
        assert await worker.dispatch_once() == 1
        assert await worker.work_waiting()  # a delivery due
        assert await worker.send_once() == 1
        assert not await worker.work_waiting()  # failed: its retry is not due yet

        async with services.transaction() as session:
            await session.exec(  # type: ignore[call-overload]
                text("UPDATE webhook_deliveries SET next_attempt_at = now()")
            )
        assert await worker.work_waiting()  # the retry is due
        async with services.transaction() as session:
            await session.exec(  # type: ignore[call-overload]
                text("UPDATE webhooks SET status = 'PAUSED' WHERE id = :id").bindparams(
                    id=registered.row.id
                )
            )
        await move(services, person, "Calle 2")
        assert not await worker.work_waiting()  # paused: neither the retry nor the new event
        assert await worker.dispatch_once() == 0
        assert await worker.send_once() == 0

        async with services.transaction() as session:
            await session.exec(  # type: ignore[call-overload]
                text("UPDATE webhooks SET status = 'ACTIVE' WHERE id = :id").bindparams(
                    id=registered.row.id
                )
            )
        assert await worker.work_waiting()
        await revoke_partner_key(services, key_id=issued.row.id or 0)
        assert not await worker.work_waiting()  # the key is revoked
        assert await worker.dispatch_once() == 0
        assert await worker.send_once() == 0
    finally:
        await worker.close()
