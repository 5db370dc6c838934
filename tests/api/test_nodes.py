"""Global object identification (Relay's Node): an operator's `id` is opaque and stable, and
`node(id:)` / `nodes(ids:)` return it with the authorization of `operator(userId:)`."""

from __future__ import annotations

from api.domain.vocabulary import Role
from api.services.container import Services
from tests.api.conftest import Api, make_operator

ME = "{ me { id userId } }"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Operator { userId } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


async def signed_in_pair(api: Api, services: Services) -> tuple[str, str]:
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="o@correo.example"
    )
    return await api.login("0912345675001", "USUARIO01"), await api.login("1704567898", "OTRO02")


async def test_an_operators_id_is_opaque_stable_and_fetches_it_again(
    api: Api, services: Services
) -> None:
    mine, _ = await signed_in_pair(api, services)
    first = (await api.data(ME, token=mine))["me"]
    second = (await api.data(ME, token=mine))["me"]
    assert first["id"] == second["id"]
    assert "USUARIO01" not in first["id"]  # opaque, not the user ID in plain sight
    node = (await api.data(NODE, {"id": first["id"]}, token=mine))["node"]
    assert node == {"__typename": "Operator", "id": first["id"], "userId": "USUARIO01"}


async def test_node_applies_the_authorization_of_operator(api: Api, services: Services) -> None:
    mine, other = await signed_in_pair(api, services)
    other_id = (await api.data(ME, token=other))["me"]["id"]
    refused = await api.post(NODE, {"id": other_id}, token=mine)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await api.post(NODE, {"id": other_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="1710034065",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    staff = await api.login("1710034065", "SENAE.STAFF")
    assert (await api.data(NODE, {"id": other_id}, token=staff))["node"]["userId"] == "OTRO02"


async def test_an_id_that_names_nothing_is_null(api: Api, services: Services) -> None:
    mine, _ = await signed_in_pair(api, services)
    for node_id in ("no-es-un-id", "T3BlcmF0b3I6TkFESUU5OQ", "RmFjdHVyYTox"):
        assert (await api.data(NODE, {"id": node_id}, token=mine))["node"] is None


async def test_nodes_keeps_the_order_and_refuses_more_than_a_hundred(
    api: Api, services: Services
) -> None:
    mine, _ = await signed_in_pair(api, services)
    my_id = (await api.data(ME, token=mine))["me"]["id"]
    listed = (await api.data(NODES, {"ids": ["nada", my_id]}, token=mine))["nodes"]
    assert listed == [None, {"id": my_id}]
    refused = await api.post(NODES, {"ids": [my_id] * 101}, token=mine)
    assert refused["errors"][0]["extensions"]["field"] == "ids"


async def test_connections_follow_relays_page_info_and_refuse_a_page_too_large(
    api: Api, services: Services
) -> None:
    mine, _ = await signed_in_pair(api, services)
    query = """query($after: String, $first: Int!) {
      operatorHistory(userId: "USUARIO01", first: $first, after: $after) {
        edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }"""
    await api.data(
        'mutation { requestDeregistration(reason: "Cierre") { errors { code } } }', token=mine
    )
    first = (await api.data(query, {"first": 1}, token=mine))["operatorHistory"]
    info = first["pageInfo"]
    assert info["hasNextPage"] is True
    assert info["hasPreviousPage"] is False
    assert info["startCursor"] == info["endCursor"] == first["edges"][0]["cursor"]
    second = (await api.data(query, {"first": 1, "after": info["endCursor"]}, token=mine))[
        "operatorHistory"
    ]
    assert second["pageInfo"]["hasPreviousPage"] is True
    for size in (0, 101):
        refused = await api.post(query, {"first": size}, token=mine)
        assert refused["errors"][0]["extensions"]["field"] == "first"
        assert refused["errors"][0]["extensions"]["code"] == "INVALID_FORMAT"
