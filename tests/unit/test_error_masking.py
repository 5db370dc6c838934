"""An exception a resolver did not mean to raise (a bug) never shows its text in production:
it answers a generic message with no code of a client's mistake, while development keeps the
text for the developer. A coded refusal keeps its code either way."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import strawberry
from graphql import GraphQLError

from api.domain.messages import RequestRefusal, refusal_message
from api.graphql.pipeline import ProductionRequestPipeline, RequestPipeline

SECRET = "secreto interno: postgresql://usuario:clave@servidor"


@strawberry.type
class Query:
    @strawberry.field
    def failing(self) -> str:
        raise RuntimeError(SECRET)

    @strawberry.field
    def refusing(self) -> str:
        raise GraphQLError("No permitido", extensions={"code": "FORBIDDEN"})

    @strawberry.field
    def number(self, value: int) -> int:
        return value


def errors_of(
    query: str,
    extensions: Sequence[type[RequestPipeline]],
    variables: dict[str, object] | None = None,
) -> list[GraphQLError]:
    schema = strawberry.Schema(query=Query, extensions=list(extensions))
    result = asyncio.run(schema.execute(query, variable_values=variables))
    return list(result.errors or ())


def test_an_unexpected_resolver_error_is_masked_in_production_and_not_called_bad_input() -> None:
    [error] = errors_of("{ failing }", [ProductionRequestPipeline])
    assert error.message == refusal_message(RequestRefusal.UNEXPECTED)
    assert SECRET not in str(error.formatted)
    assert (error.extensions or {}).get("code") != "BAD_USER_INPUT"


def test_an_unexpected_resolver_error_keeps_its_text_in_development_without_a_client_code() -> None:
    [error] = errors_of("{ failing }", [RequestPipeline])
    assert error.message == SECRET
    assert (error.extensions or {}).get("code") != "BAD_USER_INPUT"


def test_a_coded_refusal_keeps_its_code_and_text_in_production() -> None:
    [error] = errors_of("{ refusing }", [ProductionRequestPipeline])
    assert error.message == "No permitido"
    assert error.extensions == {"code": "FORBIDDEN"}


def test_a_variable_of_the_wrong_type_is_still_the_clients_mistake_in_production() -> None:
    [error] = errors_of(
        "query($v: Int!) { number(value: $v) }", [ProductionRequestPipeline], {"v": "x"}
    )
    assert error.path is None
    assert (error.extensions or {})["code"] == "BAD_USER_INPUT"
