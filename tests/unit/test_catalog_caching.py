"""Which answers may be cached: only queries made of public catalog fields (api/graphql/caching.py).
The HTTP headers themselves are checked through the endpoint in tests/api/test_catalogs_api.py."""

from __future__ import annotations

import pytest
from graphql import ExecutionResult, OperationDefinitionNode, parse

from api.domain.vocabulary import Locale
from api.graphql.caching import AnswerKey, BoundedCache, public_root_fields
from api.graphql.documents import root_field_names
from api.graphql.schema import schema

PUBLIC = public_root_fields(schema.config.name_converter)


def selects_public_fields_only(query: str) -> bool:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return root_field_names(document, operation.selection_set) <= PUBLIC


@pytest.mark.parametrize(
    "query",
    [
        "{ countries { code } }",
        "{ __typename registrationTypes { code } identificationDocumentTypes { code } }",
        "query { ...A } fragment A on Query { provinces { code } ...B } "
        "fragment B on Query { mobileCarriers { code } }",
        'query { ... on Query { cities(provinceCode: "09") { code } } }',
        "query { ...A } fragment A on Query { countries { code } ...A }",  # a cycle ends
    ],
)
def test_catalog_only_queries_are_public(query: str) -> None:
    assert selects_public_fields_only(query)


@pytest.mark.parametrize(
    "query",
    [
        "{ me { userId } }",
        "{ countries: me { userId } }",  # an alias does not hide the field
        '{ countries { code } operator(userId: "X") { userId } }',
        "query { ...A } fragment A on Query { ...B } fragment B on Query { me { name } }",
        "query { ... on Query { me { name } } }",
        "{ __schema { types { name } } }",  # introspection is not a catalog
    ],
)
def test_any_other_root_field_makes_the_query_private(query: str) -> None:
    assert not selects_public_fields_only(query)


def test_kept_answers_are_bounded_oldest_dropped_first() -> None:
    answers = BoundedCache[AnswerKey, ExecutionResult](maxsize=2)
    keys = [(f"{{ q{n} }}", None, None, Locale.ES) for n in range(3)]
    for n, key in enumerate(keys):
        answers.remember(key, ExecutionResult(data={"n": n}))
    assert len(answers) == 2
    assert answers.get(keys[0]) is None
    assert answers.get(keys[2]) == ExecutionResult(data={"n": 2})
