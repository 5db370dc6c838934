"""Relay's cursor connections on every connection of the API: forwards with `first`/`after`,
backwards with `last`/`before`, both cursors at once, `pageInfo` exact at both ends, and a page
too large (or `first` with `last`) refused with a code instead of quietly changed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.persistence.tables import AuditEntryRow
from api.services.container import Services
from api.services.deregistration import request_deregistration
from tests.api.conftest import (
    PASSWORD,
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    make_operator,
    make_staff,
)
from tests.api.test_catalogs_api import (  # noqa: F401 (fixtures)
    StatementCounter,
    in_process,
    post_in_process,
    sql_statements,
)

ARGS = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"
PAGE = "pageInfo { hasPreviousPage hasNextPage startCursor endCursor }"
CONNECTIONS = {
    "operatorHistory": f"""query({VARS}) {{
      operatorHistory(userId: "USUARIO01", {ARGS}) {{ edges {{ cursor node {{ id }} }} {PAGE} }}
    }}""",
    "deregistrationRequests": f"""query({VARS}) {{
      deregistrationRequests({ARGS}) {{ edges {{ cursor node {{ id }} }} {PAGE} }}
    }}""",
    "operators": f"""query({VARS}) {{
      operators({ARGS}) {{ edges {{ cursor node {{ id }} }} {PAGE} }}
    }}""",
}
REQUEST = 'mutation { requestDeregistration(reason: "Cierre") { errors { code } } }'
OPERATORS = [f"PAGINA{n:02}" for n in range(5)]


@pytest.fixture
async def staff(api: Api, services: Services) -> str:
    """Five operators with a deregistration request each, a history of seven entries for the
    first of them, and customs staff's token: something to page through in each connection."""
    for user_id in OPERATORS:
        await make_operator(services, user_id=user_id, email=f"{user_id.lower()}@correo.example")
        token = await api.login("0912345675001", user_id)
        assert (await api.data(REQUEST, token=token))["requestDeregistration"]["errors"] == []
    first = await make_operator(services)
    async with services.transaction() as session:
        for n in range(6):
            assert first.id is not None
            session.add(
                AuditEntryRow(
                    operator_id=first.id,
                    actor_kind="SYSTEM",
                    operation=f"PASO{n}",
                    changes=[],
                    occurred_at=services.clock.now(),
                )
            )
    await make_staff(services)
    return await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID)


async def page(
    api: Api, connection: str, token: str, **arguments: Any
) -> tuple[list[str], dict[str, Any]]:
    data = (await api.data(CONNECTIONS[connection], arguments, token=token))[connection]
    return [edge["node"]["id"] for edge in data["edges"]], data["pageInfo"]


async def everything(api: Api, connection: str, token: str) -> list[str]:
    ids, info = await page(api, connection, token, first=100)
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (False, False)
    assert len(ids) >= 5
    return ids


@pytest.mark.parametrize("connection", sorted(CONNECTIONS))
async def test_first_and_after_walk_forward_with_exact_page_info(
    api: Api, staff: str, connection: str
) -> None:
    whole = await everything(api, connection, staff)
    seen: list[str] = []
    after: str | None = None
    while True:
        ids, info = await page(api, connection, staff, first=2, after=after)
        assert info["hasPreviousPage"] is (after is not None)
        seen += ids
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == whole


@pytest.mark.parametrize("connection", sorted(CONNECTIONS))
async def test_last_and_before_walk_backward_with_exact_page_info(
    api: Api, staff: str, connection: str
) -> None:
    whole = await everything(api, connection, staff)
    seen: list[str] = []
    before: str | None = None
    while True:
        ids, info = await page(api, connection, staff, last=2, before=before)
        assert info["hasNextPage"] is (before is not None)
        seen = ids + seen
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert seen == whole


@pytest.mark.parametrize("connection", sorted(CONNECTIONS))
async def test_after_and_before_together_bound_the_page_from_either_end(
    api: Api, staff: str, connection: str
) -> None:
    whole = await everything(api, connection, staff)
    edges = (await api.data(CONNECTIONS[connection], {"first": 100}, token=staff))[connection][
        "edges"
    ]
    cursors = [edge["cursor"] for edge in edges]
    window = {"after": cursors[0], "before": cursors[4]}
    ids, info = await page(api, connection, staff, first=2, **window)
    assert ids == whole[1:3]
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (True, True)
    ids, info = await page(api, connection, staff, last=2, **window)
    assert ids == whole[2:4]
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (True, True)
    ids, info = await page(api, connection, staff, first=100, **window)
    assert ids == whole[1:4]
    assert (info["startCursor"], info["endCursor"]) == (cursors[1], cursors[3])


@pytest.mark.parametrize("connection", sorted(CONNECTIONS))
async def test_a_page_too_large_or_first_with_last_is_refused_with_a_code(
    api: Api, staff: str, connection: str
) -> None:
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"first": 101}, "first"),
        ({"first": 0}, "first"),
        ({"last": 101}, "last"),
        ({"last": -1}, "last"),
        ({"first": 2, "last": 2}, "last"),
        ({"before": "no es un cursor"}, "before"),
        ({"after": "no es un cursor"}, "after"),
    ]
    for arguments, field in refusals:
        body = await api.post(CONNECTIONS[connection], arguments, token=staff)
        error = body["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "INVALID_FORMAT",
            field,
        ), arguments
        english = await api.post(
            CONNECTIONS[connection], arguments, token=staff, headers={"Accept-Language": "en"}
        )
        assert english["errors"][0]["message"] != error["message"]


async def test_a_cursor_of_another_connection_is_refused(api: Api, staff: str) -> None:
    history = (await api.data(CONNECTIONS["operatorHistory"], {"first": 1}, token=staff))[
        "operatorHistory"
    ]
    body = await api.post(
        CONNECTIONS["operators"], {"before": history["pageInfo"]["endCursor"]}, token=staff
    )
    assert body["errors"][0]["extensions"]["field"] == "before"


async def test_a_page_costs_one_statement_plus_at_most_one_per_cursor_whatever_its_size(
    in_process: httpx.AsyncClient,  # noqa: F811 (the fixture)
    services: Services,
    sql_statements: StatementCounter,  # noqa: F811 (the fixture)
) -> None:
    """The operators of a page of staff's queue come in one statement (no N+1), and each cursor
    given costs at most one more, of at most one row, for the exact `pageInfo` at its end."""
    for user_id in OPERATORS:
        row = await make_operator(
            services, user_id=user_id, email=f"{user_id.lower()}@correo.example"
        )
        assert row.id is not None
        await request_deregistration(services, operator_id=row.id, reason="Cierre")
    await make_staff(services)
    login = await post_in_process(
        in_process,
        f'mutation {{ login(identification: "{STAFF_IDENTIFICATION}", userId: "{STAFF_USER_ID}", '
        f'password: "{PASSWORD}") {{ token }} }}',
    )
    token = login["login"]["token"]

    async def statements(arguments: str) -> int:
        sql_statements.statements.clear()
        await post_in_process(
            in_process,
            f"{{ deregistrationRequests({arguments}) {{ edges {{ cursor node {{ id "
            f"operator {{ userId }} }} }} {PAGE} }} }}",
            token,
        )
        return len(sql_statements.statements)

    listed = await post_in_process(
        in_process, "{ deregistrationRequests(first: 5) { edges { cursor } } }", token
    )
    cursors = [edge["cursor"] for edge in listed["deregistrationRequests"]["edges"]]
    one_page = await statements("first: 1")
    assert await statements("first: 5") == one_page
    assert await statements("last: 5") == one_page
    assert await statements(f'first: 2, after: "{cursors[0]}"') == one_page + 1
    assert await statements(f'last: 2, before: "{cursors[4]}"') == one_page + 1
    assert await statements(f'first: 3, after: "{cursors[0]}", before: "{cursors[4]}"') == (
        one_page + 2
    )
    # When the page is already known to be followed by more, the far end is not read.
    assert await statements(f'first: 2, after: "{cursors[0]}", before: "{cursors[4]}"') == (
        one_page + 1
    )
