"""Schemathesis reads `schema.graphql` and generates every query and mutation of the API — valid
documents (positive) and documents that break the schema's own types (negative) — which are sent
to the real `serve` process over HTTP, anonymously, as a signed-in user and as customs staff.

Properties, for every answer: no 5xx; no unhandled error (an error raised while executing carries
`extensions.code`; an error without a `path` only ever comes with `data: null`, from parsing or
validation); and a refused mutation, like any query, writes no row and no Redis key.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz.support import (
    PEOPLE,
    SCHEMA_PATH,
    Answer,
    Cast,
    Client,
    Identity,
    Stores,
    assert_nothing_written,
    check_answer,
    fuzz_settings,
    load_schema,
    login,
    outcome,
    with_errors_selected,
)

SCHEMA = schemathesis.graphql.from_path(SCHEMA_PATH)
GRAPHQL = load_schema()
OPERATIONS = [(root, name) for root in ("Query", "Mutation") for name in SCHEMA[root]]
# Examples per operation in the bounded run (29 operations).
EXAMPLES = 25

LANGUAGES = st.sampled_from([None, "en", "es-EC,es;q=0.9", "en-US,en;q=0.8,*;q=0.1", "zz", "*;q=x"])
MODES = st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def send(
    client: Client, query: str, *, get: bool, token: str | None, language: str | None
) -> Answer:
    headers = {"Accept-Language": language} if language is not None else {}
    if get:
        return client.get(query, token=token, headers=headers)
    return client.send(query, token=token, headers=headers)


@pytest.mark.parametrize(("root", "name"), OPERATIONS, ids=[f"{r}.{n}" for r, n in OPERATIONS])
@fuzz_settings(EXAMPLES)
@given(data=st.data())
def test_generated_operations_get_no_server_error_no_unhandled_error_and_refusals_write_nothing(
    root: str, name: str, data: st.DataObject, client: Client, stores: Stores, cast: Cast
) -> None:
    operation = SCHEMA[root][name]
    case = data.draw(
        MODES.flatmap(lambda mode: operation.as_strategy(generation_mode=mode)), label="case"
    )
    identity = data.draw(st.sampled_from(list(Identity)), label="identity")
    language = data.draw(LANGUAGES, label="Accept-Language")
    # Mostly POST; sometimes GET, which must serve queries and refuse mutations, never fail.
    get = data.draw(st.sampled_from([False, False, False, True]), label="GET")
    assert isinstance(case.body, str)
    query = with_errors_selected(case.body, GRAPHQL)

    before = stores.snapshot()
    answer = send(client, query, get=get, token=cast.token(identity), language=language)

    check_answer(answer)
    if root == "Query":
        assert_nothing_written(before, stores, answer)
        return
    result = outcome(answer)
    assert result != "unknown", answer.describe()
    if result == "refused":
        assert_nothing_written(before, stores, answer)
    elif name == "logout" and identity is not Identity.ANONYMOUS:
        cast.tokens[identity] = login(client, PEOPLE[identity])
