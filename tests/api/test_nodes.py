"""Global object identification (Relay's Node): every entity with an identity has an opaque,
stable `id`, and `node(id:)` / `nodes(ids:)` return it with the authorization of the entity's own
query. What the caller may not see answers null exactly like what does not exist."""

from __future__ import annotations

import base64
from typing import Any

from api.services.container import Services
from api.services.partner_keys import create_partner_key
from tests.api.conftest import (
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    Server,
    make_operator,
    make_staff,
)
from tests.api.test_events import Subscriber

ME = "{ me { id userId } }"
NODE = """query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Operator { userId }
    ... on DeregistrationRequest { reason operator { userId } }
    ... on HistoryEntry { operation }
    ... on OperatorEvent { userId type changes { field new } }
    ... on PartnerKey { name }
    ... on ElectronicChannelsAgreement { version sha256 }
  }
}"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
REQUEST = """mutation($r: String!) {
  requestDeregistration(reason: $r) { request { id } errors { code } }
}"""
MY_REQUEST = "{ me { deregistrationRequest { id } } }"
QUEUE = "{ deregistrationRequests { edges { node { id } } } }"
HISTORY = """query($u: String!) {
  operatorHistory(userId: $u, first: 100) { edges { node { id operation } } }
}"""
PARTNER_KEYS = "{ partnerKeys { id name } }"
AGREEMENT = "{ electronicChannelsAgreement { id version } }"
APPROVE = "mutation($id: ID!) { approveDeregistration(requestId: $id) { errors { field code } } }"
REVOKE = "mutation($id: ID!) { revokePartnerKey(id: $id) { partnerKey { id revokedAt } errors { field code } } }"


async def three_callers(api: Api, services: Services) -> tuple[str, str, str]:
    """Tokens of USUARIO01, of another operator OTRO02, and of customs staff."""
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1710034065", email="o@correo.example"
    )
    await make_staff(services)
    return (
        await api.login("0912345675001", "USUARIO01"),
        await api.login("1710034065", "OTRO02"),
        await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID),
    )


async def node(api: Api, node_id: str, credential: str | None = None) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await api.data(NODE, {"id": node_id}, token=credential))["node"]
    return found


def assert_opaque(node_id: str, *plain: str) -> None:
    for text in plain:
        assert text not in node_id


async def test_an_operators_id_is_opaque_stable_and_fetches_it_again(
    api: Api, services: Services
) -> None:
    mine, _, _ = await three_callers(api, services)
    first = (await api.data(ME, token=mine))["me"]
    second = (await api.data(ME, token=mine))["me"]
    assert first["id"] == second["id"]
    assert_opaque(first["id"], "USUARIO01")
    assert await node(api, first["id"], mine) == {
        "__typename": "Operator",
        "id": first["id"],
        "userId": "USUARIO01",
    }


async def test_an_operator_node_is_seen_by_itself_and_staff_and_is_null_to_anyone_else(
    api: Api, services: Services
) -> None:
    mine, other, staff = await three_callers(api, services)
    other_id = (await api.data(ME, token=other))["me"]["id"]
    assert await node(api, other_id, mine) is None
    assert await node(api, other_id) is None
    assert (await node(api, other_id, staff) or {})["userId"] == "OTRO02"


async def test_a_deregistration_request_node_is_its_operators_and_staffs_only(
    api: Api, services: Services
) -> None:
    mine, other, staff = await three_callers(api, services)
    asked = (await api.data(REQUEST, {"r": "Cierre de la empresa"}, token=mine))[
        "requestDeregistration"
    ]
    request_id = asked["request"]["id"]
    # The same id wherever the request is read: the payload, `me`, staff's queue.
    assert (await api.data(MY_REQUEST, token=mine))["me"]["deregistrationRequest"]["id"] == (
        request_id
    )
    queue = (await api.data(QUEUE, token=staff))["deregistrationRequests"]["edges"]
    assert [edge["node"]["id"] for edge in queue] == [request_id]
    assert_opaque(request_id, "Cierre")
    assert not request_id.isdigit()

    own = await node(api, request_id, mine)
    assert own == {
        "__typename": "DeregistrationRequest",
        "id": request_id,
        "reason": "Cierre de la empresa",
        "operator": None,
    }
    assert await node(api, request_id, other) is None
    assert await node(api, request_id) is None
    seen_by_staff = await node(api, request_id, staff)
    assert seen_by_staff is not None
    assert seen_by_staff["operator"] == {"userId": "USUARIO01"}

    # The id is what staff's decisions take; an id of another type names no request.
    me_id = (await api.data(ME, token=mine))["me"]["id"]
    wrong = (await api.data(APPROVE, {"id": me_id}, token=staff))["approveDeregistration"]
    assert wrong["errors"] == [{"field": "requestId", "code": "NOT_FOUND"}]
    approved = (await api.data(APPROVE, {"id": request_id}, token=staff))["approveDeregistration"]
    assert approved["errors"] == []


async def test_a_history_entry_node_is_its_operators_and_staffs_only(
    api: Api, services: Services
) -> None:
    mine, other, staff = await three_callers(api, services)
    entries = (await api.data(HISTORY, {"u": "USUARIO01"}, token=mine))["operatorHistory"]["edges"]
    again = (await api.data(HISTORY, {"u": "USUARIO01"}, token=staff))["operatorHistory"]["edges"]
    assert entries
    assert entries == again
    entry = entries[0]["node"]
    assert await node(api, entry["id"], mine) == {"__typename": "HistoryEntry", **entry}
    assert await node(api, entry["id"], staff) == {"__typename": "HistoryEntry", **entry}
    assert await node(api, entry["id"], other) is None
    assert await node(api, entry["id"]) is None
    # Another user's entries are another user's ids.
    others = (await api.data(HISTORY, {"u": "OTRO02"}, token=other))["operatorHistory"]["edges"]
    assert {e["node"]["id"] for e in others}.isdisjoint({e["node"]["id"] for e in entries})


async def test_an_event_node_follows_the_scopes_of_operator_events(
    api: Api, services: Services, server: Server
) -> None:
    mine, other, staff = await three_callers(api, services)
    with_values = (
        await create_partner_key(
            services, name="Banco", scopes="events:read,events:read:pii", created_by=None
        )
    ).key
    names_only = (
        await create_partner_key(services, name="Puerto", scopes="events:read", created_by=None)
    ).key
    async with Subscriber.open(server, with_values) as subscriber:
        await subscriber.subscribe()
        await api.data(REQUEST, {"r": "Cierre de la empresa"}, token=mine)
        event = await subscriber.event()
    event_id = event["id"]
    assert_opaque(event_id, "USUARIO01")

    full = await node(api, event_id, with_values)
    assert full is not None
    assert (full["__typename"], full["id"], full["userId"]) == (
        "OperatorEvent",
        event_id,
        "USUARIO01",
    )
    assert full["changes"] == [{"field": c["field"], "new": c["new"]} for c in event["changes"]]
    assert any(change["new"] is not None for change in full["changes"])
    partial = await node(api, event_id, names_only)
    assert partial is not None
    assert [c["new"] for c in partial["changes"]] == [None] * len(event["changes"])
    # A signed-in user sees its own events only, as on `operatorEvents` (staff included).
    assert await node(api, event_id, mine) == full
    assert await node(api, event_id, other) is None
    assert await node(api, event_id, staff) is None
    assert await node(api, event_id) is None


async def test_a_partner_key_node_is_staffs_and_the_partners_own(
    api: Api, services: Services
) -> None:
    mine, _, staff = await three_callers(api, services)
    bank = await create_partner_key(services, name="Banco", scopes="events:read", created_by=None)
    port = await create_partner_key(services, name="Puerto", scopes="events:read", created_by=None)
    listed = {
        k["name"]: k["id"] for k in (await api.data(PARTNER_KEYS, token=staff))["partnerKeys"]
    }
    bank_id, port_id = listed["Banco"], listed["Puerto"]
    assert not bank_id.isdigit()

    assert await node(api, bank_id, staff) == {
        "__typename": "PartnerKey",
        "id": bank_id,
        "name": "Banco",
    }
    assert (await node(api, bank_id, bank.key) or {}).get("name") == "Banco"
    assert await node(api, port_id, bank.key) is None
    assert await node(api, port_id, port.key) is not None
    assert await node(api, bank_id, mine) is None
    assert await node(api, bank_id) is None

    revoked = (await api.data(REVOKE, {"id": bank_id}, token=staff))["revokePartnerKey"]
    assert revoked["errors"] == []
    assert revoked["partnerKey"]["id"] == bank_id


async def test_an_agreement_node_is_public_like_the_agreement(api: Api, services: Services) -> None:
    mine, _, _ = await three_callers(api, services)
    current = (await api.data(AGREEMENT))["electronicChannelsAgreement"]
    assert_opaque(current["id"], current["version"])
    for credential in (None, mine):
        found = await node(api, current["id"], credential)
        assert found is not None
        assert (found["__typename"], found["id"], found["version"]) == (
            "ElectronicChannelsAgreement",
            current["id"],
            current["version"],
        )


async def test_an_id_that_names_nothing_is_null(api: Api, services: Services) -> None:
    mine, _, staff = await three_callers(api, services)
    names_nothing = [
        "no-es-un-id",
        "",
        base64.b64encode(b"Operator:NADIE99").decode(),
        base64.b64encode(b"Factura:1").decode(),
        base64.b64encode(b"DeregistrationRequest:999999").decode(),
        base64.b64encode(b"DeregistrationRequest:uno").decode(),
        base64.b64encode(b"HistoryEntry:99999999999999").decode(),
        base64.b64encode(b"PartnerKey:-1").decode(),
        base64.b64encode(b"OperatorEvent:00000000-0000-0000-0000-000000000000").decode(),
        base64.b64encode(b"ElectronicChannelsAgreement:1999-01").decode(),
    ]
    for credential in (mine, staff):
        for node_id in names_nothing:
            assert await node(api, node_id, credential) is None, node_id


async def test_node_with_a_token_that_is_not_valid_answers_unauthenticated(
    api: Api, services: Services
) -> None:
    mine, _, _ = await three_callers(api, services)
    my_id = (await api.data(ME, token=mine))["me"]["id"]
    await api.data("mutation { logout { errors { code } } }", token=mine)
    refused = await api.post(NODE, {"id": my_id}, token=mine)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_nodes_keeps_the_order_and_refuses_more_than_a_hundred(
    api: Api, services: Services
) -> None:
    mine, other, _ = await three_callers(api, services)
    my_id = (await api.data(ME, token=mine))["me"]["id"]
    other_id = (await api.data(ME, token=other))["me"]["id"]
    listed = (await api.data(NODES, {"ids": ["nada", my_id, other_id]}, token=mine))["nodes"]
    assert listed == [None, {"id": my_id}, None]
    refused = await api.post(NODES, {"ids": [my_id] * 101}, token=mine)
    assert refused["errors"][0]["extensions"]["field"] == "ids"
