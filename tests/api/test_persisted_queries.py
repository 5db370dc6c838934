"""Automatic persisted queries (api/graphql/persisted_queries.py): a hash in place of a query
text, over POST and GET, through the real endpoint."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from api.services.container import Services
from tests.api.conftest import Api, Environment, make_operator
from tests.api.test_http_hardening import LOGIN, sign_in_traces


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def persisted(text_or_hash: str, *, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": text_or_hash}}


def unique(query: str) -> str:
    """The kept texts live as long as the test server: each test sends texts of its own."""
    return f"# {uuid.uuid4().hex}\n{query}"


async def post(api: Api, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = await api.client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def code(answer: dict[str, Any]) -> str:
    return str(answer["errors"][0]["extensions"]["code"])


async def test_an_unknown_hash_is_not_found_until_the_client_sends_its_text(api: Api) -> None:
    query = unique("{ mobileCarriers { code } }")
    by_hash = {"extensions": persisted(sha256(query))}

    first = await post(api, by_hash)
    assert code(first) == "PERSISTED_QUERY_NOT_FOUND"
    # Word for word what Apollo's link and urql's persistedExchange look for; explained beside it.
    assert first["errors"][0]["message"] == "PersistedQueryNotFound"
    assert first["errors"][0]["extensions"]["detail"] == (
        "No hay ninguna consulta guardada con ese hash: envíe la consulta de nuevo con su texto."
    )

    with_text = await post(api, {"query": query, **by_hash})
    assert len(with_text["data"]["mobileCarriers"]) == 5

    assert await post(api, by_hash) == with_text


async def test_an_unknown_hash_keeps_the_clients_word_and_explains_it_in_english_beside_it(
    api: Api,
) -> None:
    by_hash = {"extensions": persisted(sha256(unique("{ countries { code } }")))}

    english = await post(api, by_hash, **{"Accept-Language": "en"})

    assert english["errors"][0]["message"] == "PersistedQueryNotFound"
    extensions = english["errors"][0]["extensions"]
    assert extensions["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert extensions["detail"] == (
        "No query is stored under that hash: send the query again with its text."
    )


async def test_a_kept_query_takes_new_variables_each_time(api: Api) -> None:
    query = unique("query($p: String!) { cities(provinceCode: $p) { code } }")
    await post(
        api, {"query": query, "variables": {"p": "09"}, "extensions": persisted(sha256(query))}
    )

    for province, cantons in (("09", 25), ("23", 2)):
        answer = await post(
            api, {"variables": {"p": province}, "extensions": persisted(sha256(query))}
        )
        assert len(answer["data"]["cities"]) == cantons


async def test_a_kept_catalog_query_over_get_is_a_short_publicly_cacheable_url(api: Api) -> None:
    query = unique("{ countries { code } }")
    await post(api, {"query": query, "extensions": persisted(sha256(query))})

    response = await api.client.get(
        "/graphql", params={"extensions": json.dumps(persisted(sha256(query)))}
    )

    assert response.status_code == 200
    assert len(response.json()["data"]["countries"]) == 249
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert len(str(response.url)) < len(query) + 200


async def test_a_hash_that_is_not_the_texts_is_refused_and_nothing_is_kept(api: Api) -> None:
    sent, other = unique("{ mobileCarriers { code } }"), unique("{ countries { code } }")

    refused = await post(api, {"query": sent, "extensions": persisted(sha256(other))})
    assert code(refused) == "PERSISTED_QUERY_INVALID"
    assert "data" not in refused or refused["data"] is None

    assert code(await post(api, {"extensions": persisted(sha256(other))})) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


async def test_a_malformed_persisted_query_is_refused_in_the_callers_language(api: Api) -> None:
    query = unique("{ mobileCarriers { code } }")
    for extensions in (
        persisted(sha256(query), version=2),
        persisted("not-a-hash"),
        persisted(sha256(query)[:-1]),
        {"persistedQuery": {"version": 1, "sha256Hash": 12}},
        {"persistedQuery": "yes"},
    ):
        refused = await post(
            api, {"query": query, "extensions": extensions}, **{"Accept-Language": "en"}
        )
        assert code(refused) == "PERSISTED_QUERY_INVALID"
        assert refused["errors"][0]["message"].startswith("persistedQuery must have version 1")


async def test_a_kept_mutation_is_still_refused_over_get_and_not_run(
    api: Api, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    variables = {"i": "0912345675001", "u": "USUARIO01", "p": "mala"}
    query = unique(LOGIN)
    await post(
        api, {"query": query, "variables": variables, "extensions": persisted(sha256(query))}
    )
    traces = await sign_in_traces(environment)

    response = await api.client.get(
        "/graphql",
        params={
            "variables": json.dumps(variables),
            "extensions": json.dumps(persisted(sha256(query))),
        },
    )

    assert response.status_code in {400, 405}
    assert await sign_in_traces(environment) == traces


async def test_a_request_without_a_persisted_query_is_served_as_before(
    api: Api,
) -> None:
    answer = await post(api, {"query": "{ mobileCarriers { code } }", "extensions": {"other": 1}})
    assert len(answer["data"]["mobileCarriers"]) == 5


async def test_graphiql_still_opens_for_a_browser_but_not_for_a_persisted_get(api: Api) -> None:
    browser = {"Accept": "text/html"}
    page = await api.client.get("/graphql", headers=browser)
    assert page.headers["content-type"].startswith("text/html")

    query = unique("{ mobileCarriers { code } }")
    await post(api, {"query": query, "extensions": persisted(sha256(query))})
    operation = await api.client.get(
        "/graphql", params={"extensions": json.dumps(persisted(sha256(query)))}, headers=browser
    )
    assert len(operation.json()["data"]["mobileCarriers"]) == 5
