"""What the per-request extensions read of a parsed document is computed once per document, and
validation results are kept by query text without mixing schemas."""

from __future__ import annotations

import gc

from graphql import parse

from api.graphql import documents
from api.graphql.caching import QUERY_CACHE_SIZE
from api.graphql.documents import document_facts, selected_operation
from api.graphql.schema import build_schema

INTROSPECTION = "{ __schema { queryType { name } } }"


def test_the_facts_of_a_document_are_computed_once_and_dropped_with_it() -> None:
    document = parse(
        'query A { countries { code } } query B { cities(provinceCode: "09") { code } }'
    )
    facts = document_facts(document)

    assert document_facts(document) is facts
    assert facts.string_literals == ("09",)
    assert not facts.unsafe_literals
    assert selected_operation(document, "B")[1] == frozenset({"cities"})
    gc.collect()  # documents of earlier tests that only a cycle still held
    entries = len(documents._FACTS)

    del document, facts
    gc.collect()

    assert len(documents._FACTS) == entries - 1


def test_a_document_with_an_unsafe_string_literal_is_known_so_by_its_facts() -> None:
    document = parse('{ cities(provinceCode: "0\\u00009") { code } }')

    assert document_facts(document).unsafe_literals


async def test_the_facts_of_documents_that_failed_validation_go_with_their_documents() -> None:
    # The kept validation errors point into the document, never at the document itself: the
    # parser's cache bounds how many stay alive, however many distinct queries arrive.
    schema = build_schema()
    gc.collect()
    before = len(documents._FACTS)
    for number in range(2 * QUERY_CACHE_SIZE):
        assert (await schema.execute(f"query Q{number} {{ noSuchField{number} }}")).errors
    gc.collect()

    assert len(documents._FACTS) <= before + QUERY_CACHE_SIZE


def test_equal_documents_parsed_apart_each_get_their_own_correct_facts() -> None:
    first, second = parse("{ me { name } }"), parse("{ me { name } }")

    assert document_facts(first) is not document_facts(second)
    assert selected_operation(second, None)[1] == frozenset({"me"})


async def test_validation_results_are_never_shared_between_schemas() -> None:
    development, production = build_schema(production=False), build_schema(production=True)

    for _ in range(2):  # the second round is answered from the kept results
        assert (await development.execute(INTROSPECTION)).errors is None
        refused = await production.execute(INTROSPECTION)
        assert refused.errors is not None
        assert "introspection" in refused.errors[0].message.lower()
