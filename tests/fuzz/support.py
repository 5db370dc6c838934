"""What the fuzz tests share: their Hypothesis settings, a synchronous GraphQL client for the real
`serve` process, the properties every answer must hold, snapshots of what PostgreSQL and Redis
hold, and the cast of signed-in users the fuzzers act as.

The tests are synchronous (Hypothesis drives plain functions); everything asynchronous (asyncpg,
the application's own services used to seed users) runs on one private event loop owned by
`Stores`, never on pytest-asyncio's.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal, TypeVar

import asyncpg
import httpx
import redis
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_schema,
    get_named_type,
    parse,
    print_ast,
)
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from api.domain.vocabulary import Role
from api.resolvers.node_ids import DEREGISTRATION_NODE, PARTNER_KEY_NODE, node_id
from api.services.container import Services, build_services
from api.services.deregistration import request_deregistration
from api.services.partner_keys import create_partner_key
from tests.api.conftest import (
    FIRST_AGREEMENT,
    PASSWORD,
    ROOT,
    TABLES,
    Environment,
    Server,
    make_operator,
)

T = TypeVar("T")

# --- How long the fuzzers run -----------------------------------------------------------------

LONG_RUN_VARIABLE: Final = "FUZZ_EXAMPLES"


def long_run_examples() -> int | None:
    """`FUZZ_EXAMPLES=<n>` asks for a long run: n examples per test, freshly random each run."""
    raw = os.environ.get(LONG_RUN_VARIABLE, "").strip()
    return int(raw) if raw else None


def fuzz_settings(default_examples: int) -> settings:
    """The CI run is bounded and derandomized (the same examples every run, so a red build is a
    real regression, not a lucky draw); `FUZZ_EXAMPLES=<n>` explores afresh, n examples a test,
    and keeps what it finds in Hypothesis' example database for the next run."""
    examples = long_run_examples()
    return settings(
        max_examples=examples or default_examples,
        derandomize=examples is None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


# --- Talking to the server ---------------------------------------------------------------------


def shorten(value: str, limit: int = 1500) -> str:
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value)} characters)"


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange, kept whole so that a failing property can show exactly what was sent."""

    request: str
    status: int
    text: str

    @property
    def body(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    def describe(self) -> str:
        return f"request: {shorten(self.request)}\nstatus: {self.status}\nresponse: {shorten(self.text)}"


class Client:
    """GraphQL over HTTP POST. Bodies are encoded with `ensure_ascii`, so a lone surrogate in a
    Python string travels as the JSON escape `\\ud800`: valid JSON text that no UTF-8 encoder
    would produce."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def send(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = dict(variables)
        return self.send_raw(json.dumps(payload, ensure_ascii=True), token=token, headers=headers)

    def send_raw(
        self, body: str, *, token: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Answer:
        content = body.encode("ascii")
        all_headers = self._headers(token, {"Content-Type": "application/json", **(headers or {})})
        response = self._retrying(
            lambda: self.http.post("/graphql", content=content, headers=all_headers)
        )
        return Answer(request=body, status=response.status_code, text=response.text)

    def get(
        self, query: str, *, token: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Answer:
        all_headers = self._headers(token, headers or {})
        response = self._retrying(
            lambda: self.http.get("/graphql", params={"query": query}, headers=all_headers)
        )
        return Answer(request=f"GET {query}", status=response.status_code, text=response.text)

    @staticmethod
    def _headers(token: str | None, headers: Mapping[str, str]) -> dict[str, str]:
        return {**headers, **({"Authorization": f"Bearer {token}"} if token else {})}

    @staticmethod
    def _retrying(request: Callable[[], httpx.Response]) -> httpx.Response:
        try:
            return request()
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # After answering a 500 the server closes the kept-alive connection; the 500 was the
            # failure, so the next request simply gets a new connection.
            return request()

    def data(self, query: str, variables: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        answer = self.send(query, variables, **kwargs)
        body = answer.body
        assert answer.status == 200, answer.describe()
        assert "errors" not in body, answer.describe()
        return body["data"]


# --- Property 1: no 500, no unhandled error ------------------------------------------------------


def check_answer(answer: Answer) -> None:
    """Zero 5xx, zero unhandled errors. A GraphQL error raised while executing (it has a `path`)
    must carry `extensions.code`; an error without a path is a parse or validation refusal, and
    then nothing was executed (`data` is null or absent)."""
    assert answer.status < 500, f"server error\n{answer.describe()}"
    assert "Traceback (most recent call last)" not in answer.text, answer.describe()
    body = answer.body
    if answer.status != 200:
        # A request refused before GraphQL (malformed JSON, too large): a client error, never 5xx.
        assert 400 <= answer.status < 500, answer.describe()
        return
    assert isinstance(body, dict), f"not a JSON object\n{answer.describe()}"
    assert "data" in body or "errors" in body, answer.describe()
    errors = body.get("errors") or []
    assert isinstance(errors, list), answer.describe()
    for error in errors:
        assert isinstance(error.get("message"), str), answer.describe()
        code = (error.get("extensions") or {}).get("code")
        if error.get("path"):
            assert code, (
                f"unhandled error during execution (no extensions.code)\n{answer.describe()}"
            )
        else:
            assert body.get("data") is None, (
                f"an error outside execution, yet data was returned\n{answer.describe()}"
            )


Outcome = Literal["refused", "succeeded", "unknown"]


def outcome(answer: Answer) -> Outcome:
    """What a mutation request did: refused (nothing may have been written), succeeded (a payload
    with no errors), or unknown (a payload without its `errors` selected)."""
    body = answer.body
    if not isinstance(body, dict) or body.get("data") is None:
        return "refused"
    data = body["data"]
    verdicts: set[Outcome] = set()
    for payload in data.values():
        if payload is None:
            verdicts.add("refused")
        elif not isinstance(payload, dict) or "errors" not in payload:
            verdicts.add("unknown")
        else:
            verdicts.add("refused" if payload["errors"] else "succeeded")
    if "succeeded" in verdicts:
        return "succeeded"
    return "unknown" if "unknown" in verdicts else "refused"


def user_errors(answer: Answer) -> list[dict[str, Any]]:
    body = answer.body
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return []
    found: list[dict[str, Any]] = []
    for payload in body["data"].values():
        if isinstance(payload, dict):
            found.extend(payload.get("errors") or [])
    return found


# --- Mutations always ask for their errors ------------------------------------------------------

SCHEMA_PATH: Final = ROOT / "schema.graphql"
ERRORS_SELECTION: Final = parse("{ errors { field code message } }").definitions[0]


def load_schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def with_errors_selected(query: str, schema: GraphQLSchema) -> str:
    """Add `errors { field code message }` to every mutation payload selected, so that every
    answer tells whether the mutation was refused. Fields of one name merge, so this never turns a
    valid document invalid. A document that does not parse is left as it is."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return query
    mutation_type = schema.mutation_type
    assert mutation_type is not None
    extra = ERRORS_SELECTION
    assert isinstance(extra, OperationDefinitionNode)
    definitions = []
    for definition in document.definitions:
        if (
            isinstance(definition, OperationDefinitionNode)
            and definition.operation is OperationType.MUTATION
        ):
            selections = []
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode) and selection.selection_set is not None:
                    selection = _add_errors(selection, mutation_type, extra.selection_set)
                selections.append(selection)
            definition = OperationDefinitionNode(
                operation=definition.operation,
                name=definition.name,
                variable_definitions=definition.variable_definitions,
                directives=definition.directives,
                selection_set=SelectionSetNode(selections=tuple(selections)),
            )
        definitions.append(definition)
    return print_ast(DocumentNode(definitions=tuple(definitions)))


def _add_errors(
    node: FieldNode, mutation_type: GraphQLObjectType, errors: SelectionSetNode
) -> FieldNode:
    root_field = mutation_type.fields.get(node.name.value)
    payload = get_named_type(root_field.type) if root_field else None
    if not isinstance(payload, GraphQLObjectType) or "errors" not in payload.fields:
        return node
    assert node.selection_set is not None
    return FieldNode(
        alias=node.alias,
        name=NameNode(value=node.name.value),
        arguments=node.arguments,
        directives=node.directives,
        selection_set=SelectionSetNode(
            selections=(*node.selection_set.selections, *errors.selections)
        ),
    )


# --- Property 2: refused input writes nothing ----------------------------------------------------

# Every table a mutation can write.
WATCHED_TABLES: Final = (
    "operators",
    "audit_entries",
    "outbox_events",
    "deregistration_requests",
    "agreement_signatures",
    "partner_keys",
    "agreement_versions",
    "annual_updates",
    "annual_update_reminders",
    "pending_mail",
)
# Queued notices are delivered by the worker whenever it gets to them, whatever request is in
# flight: a refused request must queue none, and the delivery state is the worker's.
ROW_TEXT: Final = {"pending_mail": "(t.id, t.recipient, t.subject, t.text)::text"}
# Rate-limit counters count refused attempts by design. The event stream is filled by the outbox
# relay in the background, some time after a *successful* change: its outbox row is what counts.
UNWATCHED_KEY_PARTS: Final = ("rate:",)
UNWATCHED_KEY_NAMES: Final = ("events",)


@dataclass(frozen=True)
class Snapshot:
    """Row count and a digest of every row's text per table; the set of Redis key names."""

    tables: Mapping[str, tuple[int, str]]
    keys: frozenset[str]

    def changes_since(self, before: Snapshot) -> list[str]:
        changed = [
            f"{table}: {before.tables[table][0]} -> {self.tables[table][0]} rows"
            + ("" if before.tables[table][0] != self.tables[table][0] else " (rows updated)")
            for table in WATCHED_TABLES
            if self.tables[table] != before.tables[table]
        ]
        if added := sorted(self.keys - before.keys):
            changed.append(f"Redis keys added: {added}")
        if removed := sorted(before.keys - self.keys):
            changed.append(f"Redis keys removed: {removed}")
        return changed


class Identity(StrEnum):
    ANONYMOUS = "anonymous"
    USER = "user"
    STAFF = "staff"


@dataclass(frozen=True)
class Person:
    identification: str
    user_id: str
    email: str
    role: Role = Role.USER


USER: Final = Person("0912345675001", "USUARIO01", "ana.gonzalez@correo.example")
STAFF: Final = Person("1711223345", "SENAE.STAFF", "staff@aduana.example", Role.STAFF)
# A second user: the target of staff's decisions, with a pending deregistration request.
OTHER: Final = Person("1704567898", "OTRO02", "otro@correo.example")


@dataclass
class Cast:
    """Who the fuzzers act as, and the identifiers that exist (for staff's decisions)."""

    tokens: dict[Identity, str | None] = field(default_factory=dict)
    # A fuzzed `modify` may change the user's password for real.
    passwords: dict[Identity, str] = field(default_factory=dict)
    request_ids: list[str] = field(default_factory=list)
    partner_key_ids: list[str] = field(default_factory=list)

    def token(self, identity: Identity) -> str | None:
        return self.tokens.get(identity)

    def become(self, other: Cast) -> None:
        self.tokens = other.tokens
        self.passwords = other.passwords
        self.request_ids = other.request_ids
        self.partner_key_ids = other.partner_key_ids


class Stores:
    """Direct access to this run's PostgreSQL database and Redis prefix, on a private loop."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.loop = asyncio.new_event_loop()
        dsn = environment.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self.connection: Any = self.run(asyncpg.connect(dsn))
        self.redis = redis.Redis.from_url(environment.redis_url, decode_responses=True)
        self.prefix = environment.redis_prefix
        self.services: Services = build_services(environment.settings())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.run(self.services.close())
        self.run(self.connection.close())
        self.redis.close()
        self.loop.close()

    # What the stores hold

    def keys(self, match: str = "*") -> list[str]:
        return [str(k) for k in self.redis.scan_iter(match=f"{self.prefix}{match}", count=500)]

    def watched_keys(self) -> frozenset[str]:
        names = (key.removeprefix(self.prefix) for key in self.keys())
        return frozenset(
            name
            for name in names
            if not name.startswith(UNWATCHED_KEY_PARTS) and name not in UNWATCHED_KEY_NAMES
        )

    def snapshot(self) -> Snapshot:
        query = " UNION ALL ".join(
            f"SELECT '{table}', count(*), "
            f"md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) FROM {table} t"
            for table in WATCHED_TABLES
            for row in [ROW_TEXT.get(table, "t::text")]
        )
        rows = self.run(self.connection.fetch(query))
        return Snapshot(
            tables={str(r[0]): (int(r[1]), str(r[2])) for r in rows}, keys=self.watched_keys()
        )

    def code_state(self) -> dict[str, dict[str, str]]:
        """Every security code kept (hashed), with its attempts: a refused form must not touch it."""
        return {key: dict(self.redis.hgetall(key)) for key in self.keys("code:*")}  # type: ignore[arg-type]

    def delete_keys(self, match: str) -> None:
        for key in self.keys(match):
            self.redis.delete(key)

    # The cast

    def reset(self) -> None:
        """Empty tables and no keys under the prefix, as tests/api does before each test."""

        async def truncate() -> None:
            async with self.services.transaction() as session:
                await session.exec(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))  # type: ignore[call-overload]
                await session.exec(  # type: ignore[call-overload]
                    text("DELETE FROM agreement_versions WHERE version <> :first").bindparams(
                        first=FIRST_AGREEMENT
                    )
                )

        self.run(truncate())
        self.delete_keys("*")

    def seed(self) -> Cast:
        """The user, the customs staff member and a second user with a pending deregistration
        request; a partner key. (Hashing three passwords with argon2 takes about a second: the
        cast is made once per module and healed between tests, see `heal`.)"""

        async def create() -> Cast:
            cast = Cast()
            for person in (USER, STAFF, OTHER):
                row = await make_operator(
                    self.services,
                    user_id=person.user_id,
                    identification=person.identification,
                    email=person.email,
                    role=person.role,
                )
                if person is OTHER:
                    assert row.id is not None
                    request = await request_deregistration(
                        self.services, operator_id=row.id, reason="Cierre de la empresa"
                    )
                    cast.request_ids.append(node_id(DEREGISTRATION_NODE, request.id or 0))
            issued = await create_partner_key(
                self.services, name="Banco del Pacífico", scopes=["events:read"], created_by=None
            )
            cast.partner_key_ids.append(node_id(PARTNER_KEY_NODE, issued.row.id or 0))
            return cast

        return self.run(create())


LOGIN: Final = """mutation($i: String!, $u: String!, $p: String!) {
  login(identification: $i, userId: $u, password: $p) { token errors { code } }
}"""
ME: Final = "{ me { userId } }"
PEOPLE: Final = {Identity.USER: USER, Identity.STAFF: STAFF}


def login(client: Client, person: Person, password: str = PASSWORD) -> str | None:
    result = client.data(LOGIN, {"i": person.identification, "u": person.user_id, "p": password})[
        "login"
    ]
    token: str | None = result["token"]
    return token


def cast_for(client: Client, stores: Stores) -> Cast:
    stores.reset()
    cast = stores.seed()
    cast.tokens[Identity.ANONYMOUS] = None
    for identity, person in PEOPLE.items():
        cast.tokens[identity] = login(client, person)
        assert cast.tokens[identity], f"{person.user_id} could not sign in"
    return cast


def heal(client: Client, stores: Stores, cast: Cast) -> None:
    """Between tests: forget rate-limit counters (they count refusals on purpose), sign in again
    whoever a fuzzed `logout` signed out, and start over if somebody was disabled."""
    stores.delete_keys("rate:*")
    for identity, person in PEOPLE.items():
        if still_signed_in(client, cast.token(identity)):
            continue
        token = login(client, person, cast.passwords.get(identity, PASSWORD))
        if token is None:
            cast.become(cast_for(client, stores))
            return
        cast.tokens[identity] = token


def still_signed_in(client: Client, token: str | None) -> bool:
    return token is not None and client.data(ME, token=token)["me"] is not None


def assert_nothing_written(before: Snapshot, stores: Stores, answer: Answer) -> None:
    changes = stores.snapshot().changes_since(before)
    assert not changes, f"refused input wrote {changes}\n{answer.describe()}"


def new_client(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)
