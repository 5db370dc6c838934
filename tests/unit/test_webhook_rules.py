"""The pure rules of partner webhooks: Standard Webhooks signatures (checked against the
`standardwebhooks` library), the retry schedule, and which targets may be called."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address, ip_network

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.domain.errors import DomainError, ErrorCode
from api.domain.webhooks import (
    RetryPolicy,
    is_internal,
    new_signing_secret,
    parse_target,
    signed_headers,
    target_refusals,
)

BODY = b'{"type":"OPERATOR_UPDATED","data":{"operatorEvents":{"userId":"ANA"}}}'


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    secrets = {new_signing_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32


def test_signed_headers_verify_with_the_standardwebhooks_library() -> None:
    secret = new_signing_secret()
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers(secret=secret, message_id="evt-1", timestamp=now, body=BODY)
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "OPERATOR_UPDATED",
        "data": {"operatorEvents": {"userId": "ANA"}},
    }
    expected = Webhook(secret).sign("evt-1", datetime.fromtimestamp(now, UTC), BODY.decode())
    assert headers["webhook-signature"] == expected


@pytest.mark.parametrize("tamper", ["body", "id", "secret"])
def test_a_changed_body_id_or_secret_fails_verification(tamper: str) -> None:
    secret = new_signing_secret()
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers(secret=secret, message_id="evt-1", timestamp=now, body=BODY)
    body = BODY
    if tamper == "body":
        body = BODY.replace(b"ANA", b"EVA")
    elif tamper == "id":
        headers["webhook-id"] = "evt-2"
    else:
        secret = new_signing_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_retries_double_up_to_the_longest_pause_and_stop_after_the_window() -> None:
    policy = RetryPolicy(
        base=timedelta(seconds=10), longest=timedelta(minutes=1), window=timedelta(minutes=5)
    )
    assert [policy.pause_after(n).total_seconds() for n in range(1, 7)] == [10, 20, 40, 60, 60, 60]
    first = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)
    assert policy.next_attempt(attempts=1, first_attempt_at=first, now=first) == first + timedelta(
        seconds=10
    )
    late = first + timedelta(minutes=4, seconds=30)
    assert policy.next_attempt(attempts=6, first_attempt_at=first, now=late) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address judged, not bound
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_loopback_private_link_local_and_other_internal_addresses_are_internal(
    address: str,
) -> None:
    assert is_internal(ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "190.152.0.1", "2800:370::1"])
def test_public_addresses_are_not_internal(address: str) -> None:
    assert not is_internal(ip_address(address))


def test_a_name_with_one_internal_address_among_public_ones_is_refused() -> None:
    target = parse_target("https://partner.example/hooks")
    (error,) = target_refusals(
        target, [ip_address("8.8.8.8"), ip_address("10.0.0.7")], allowed_internal=[]
    )
    assert (error.field, error.code, error.params["address"]) == (
        "url",
        ErrorCode.TARGET_NOT_PUBLIC,
        "10.0.0.7",
    )


def test_plain_http_is_accepted_only_inside_the_allowed_internal_networks() -> None:
    allowed = [ip_network("127.0.0.1/32")]
    local = parse_target("http://127.0.0.1:9000/hooks")
    assert target_refusals(local, [ip_address("127.0.0.1")], allowed_internal=allowed) == []
    public = parse_target("http://8.8.8.8/hooks")
    (error,) = target_refusals(public, [ip_address("8.8.8.8")], allowed_internal=allowed)
    assert error.code is ErrorCode.TARGET_NOT_HTTPS
    secure = parse_target("https://8.8.8.8/hooks")
    assert target_refusals(secure, [ip_address("8.8.8.8")], allowed_internal=[]) == []


def test_a_name_that_resolves_to_nothing_is_unresolvable() -> None:
    target = parse_target("https://nowhere.invalid/")
    (error,) = target_refusals(target, [], allowed_internal=[])
    assert error.code is ErrorCode.TARGET_UNRESOLVABLE


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", ErrorCode.REQUIRED),
        ("partner.example/hooks", ErrorCode.INVALID_FORMAT),
        ("ftp://partner.example/", ErrorCode.INVALID_FORMAT),
        ("https://user:pw@partner.example/", ErrorCode.INVALID_FORMAT),
        ("https://partner.example:99999/", ErrorCode.INVALID_FORMAT),
        ("https://partner.example/" + "a" * 2000, ErrorCode.TOO_LONG),
    ],
)
def test_a_url_that_is_not_an_absolute_http_address_is_refused(url: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as refusal:
        parse_target(url)
    assert [(e.field, e.code) for e in refusal.value.errors] == [("url", code)]


def test_the_default_port_follows_the_scheme() -> None:
    assert parse_target("https://partner.example/h").port == 443
    assert parse_target("http://127.0.0.1/h").port == 80
    assert parse_target("https://[2800:370::1]:8443/h").host == "2800:370::1"
