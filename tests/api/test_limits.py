"""Abuse limits refused before any resolver runs: depth, aliases, tokens, mutations per request."""

from __future__ import annotations

from api.graphql.limits import MAX_ALIASES, MAX_MUTATIONS
from api.services.container import Services
from tests.api.conftest import Api, count_rows, make_operator


def nested(depth: int) -> str:
    """deregistrationRequests → edges → node → operator → deregistrationRequest → operator …"""
    inner = "userId"
    levels = ["operator", "deregistrationRequest"] * depth
    for field in reversed(levels[: depth - 3]):
        inner = f"{field} {{ {inner} }}"
    return f"{{ deregistrationRequests {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_a_query_deeper_than_ten_levels_is_refused(api: Api) -> None:
    body = await api.post(nested(12))
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_more_than_thirty_aliases_are_refused(api: Api) -> None:
    query = (
        "{ " + " ".join(f"a{i}: mobileCarriers {{ code }}" for i in range(MAX_ALIASES + 1)) + " }"
    )
    body = await api.post(query)
    assert body.get("data") is None
    assert "aliases" in body["errors"][0]["message"]


async def test_a_document_with_too_many_tokens_is_refused(api: Api) -> None:
    query = "{ mobileCarriers { " + "code " * 4000 + "} }"
    body = await api.post(query)
    assert body.get("data") is None
    assert "token" in body["errors"][0]["message"].lower()


async def test_more_than_three_mutations_in_one_request_are_refused_and_none_runs(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    fields = " ".join(
        f'r{i}: requestDeregistration(reason: "motivo {i}") {{ errors {{ code }} }}'
        for i in range(MAX_MUTATIONS + 1)
    )
    body = await api.post(f"mutation {{ {fields} }}", token=token)
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_MUTATIONS"
    assert error["message"] == "Se admiten hasta 3 mutaciones por solicitud (llegaron 4)."
    # The refusal is kept per document; its text is still each caller's language.
    english = await api.post(
        f"mutation {{ {fields} }}", token=token, headers={"Accept-Language": "en"}
    )
    assert english["errors"][0]["message"] == "At most 3 mutations per request (4 given)."
    assert await count_rows(services, "deregistration_requests") == 0
