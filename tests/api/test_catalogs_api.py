"""The catalogs through the GraphQL endpoint (SENAE-ISEE-3-2-010 §5.5.1: "País", "Provincia",
"Ciudad", "Celular"): counts and samples, languages, HTTP caching, and no SQL at all.

The counts and samples come from the issue and api/persistence/data/README.md: 249 ISO 3166-1
countries, Ecuador's 24 provinces, 221 cantons (Guayas 25) and 1,396 parishes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from api.app import create_app
from api.domain.catalogs import collation_key
from api.persistence.driver_reads import DriverReads
from api.services.container import Services
from tests.api.conftest import Api, Environment, make_operator

ENGLISH = {"Accept-Language": "en"}
PUBLIC = "public, max-age=3600"
NESTED = "{ provinces { code cities { code parishes { code name } } } }"


async def get(api: Api, query: str, **headers: str) -> httpx.Response:
    response = await api.client.get("/graphql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return response


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


# Countries ("País") -------------------------------------------------------------------------------


async def test_countries_are_the_249_of_iso_3166_named_in_spanish(api: Api) -> None:
    countries = (await api.data("{ countries { code name } }"))["countries"]
    names = {country["code"]: country["name"] for country in countries}
    assert len(countries) == 249
    assert len(names) == 249
    assert names["AE"] == "Emiratos Árabes Unidos"
    assert names["EC"] == "Ecuador"
    assert names["US"] == "Estados Unidos"
    assert names["DE"] == "Alemania"


async def test_countries_are_sorted_as_a_spanish_reader_expects_accents_ignored(api: Api) -> None:
    names = [c["name"] for c in (await api.data("{ countries { name } }"))["countries"]]
    assert names == sorted(names, key=collation_key)
    emirates = names.index("Emiratos Árabes Unidos")
    assert names[emirates - 1 : emirates + 2] == [
        "El Salvador",
        "Emiratos Árabes Unidos",
        "Eritrea",
    ]
    assert names.index("Paraguay") < names.index("Perú")


async def test_countries_are_named_and_sorted_in_english_with_accept_language_en(api: Api) -> None:
    countries = (await api.data("{ countries { code name } }", headers=ENGLISH))["countries"]
    names = [country["name"] for country in countries]
    by_code = {country["code"]: country["name"] for country in countries}
    assert len(countries) == 249
    assert by_code["AE"] == "United Arab Emirates"
    assert by_code["DE"] == "Germany"
    assert by_code["EC"] == "Ecuador"
    assert names == sorted(names, key=collation_key)
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]


# Provinces ("Provincia") --------------------------------------------------------------------------


async def test_ecuador_has_24_provinces_with_inec_and_iso_3166_2_codes(api: Api) -> None:
    provinces = (await api.data('{ provinces(countryCode: "EC") { code isoCode name } }'))[
        "provinces"
    ]
    assert len(provinces) == 24
    assert codes(provinces) == [f"{n:02d}" for n in range(1, 25)]
    by_code = {p["code"]: p for p in provinces}
    assert by_code["09"] == {"code": "09", "isoCode": "EC-G", "name": "Guayas"}
    assert by_code["23"]["name"] == "Santo Domingo de los Tsáchilas"
    assert by_code["23"]["isoCode"] == "EC-SD"
    assert len({p["isoCode"] for p in provinces}) == 24


async def test_provinces_default_to_ecuador(api: Api) -> None:
    provinces = (await api.data("{ provinces { code } }"))["provinces"]
    assert len(provinces) == 24


@pytest.mark.parametrize("country_code", ["PE", "US", "ZZ", "ec-x", ""])
async def test_any_other_or_unknown_country_has_no_provinces_an_empty_list(
    api: Api, country_code: str
) -> None:
    data = await api.data(
        "query($c: String!) { provinces(countryCode: $c) { code } }", {"c": country_code}
    )
    assert data["provinces"] == []


async def test_country_code_of_provinces_is_accepted_in_any_case(api: Api) -> None:
    data = await api.data('{ provinces(countryCode: "ec") { code } }')
    assert len(data["provinces"]) == 24


# Cities ("Ciudad": Ecuador's cantons) -------------------------------------------------------------


async def test_ecuador_has_221_cantons_each_coded_under_its_province(api: Api) -> None:
    provinces = (await api.data("{ provinces { code cities { code provinceCode } } }"))["provinces"]
    cities = [city for province in provinces for city in province["cities"]]
    assert len(cities) == 221
    for province in provinces:
        for city in province["cities"]:
            assert len(city["code"]) == 4
            assert city["code"].startswith(province["code"])
            assert city["provinceCode"] == province["code"]


async def test_guayas_has_25_cantons_named_as_people_write_them(api: Api) -> None:
    cities = (await api.data('{ cities(provinceCode: "09") { code name provinceCode } }'))["cities"]
    names = {city["code"]: city["name"] for city in cities}
    assert len(cities) == 25
    assert names["0901"] == "Guayaquil"
    assert names["0907"] == "Durán"
    assert names["0902"] == "Alfredo Baquerizo Moreno (Juján)"
    assert "Samborondón" in names.values()
    assert "San Jacinto de Yaguachi" in names.values()
    assert {city["provinceCode"] for city in cities} == {"09"}
    assert codes(cities) == sorted(codes(cities))


async def test_la_concordia_is_canton_2302_of_santo_domingo_de_los_tsachilas(api: Api) -> None:
    cities = (await api.data('{ cities(provinceCode: "23") { code name } }'))["cities"]
    assert cities == [
        {"code": "2301", "name": "Santo Domingo"},
        {"code": "2302", "name": "La Concordia"},
    ]
    esmeraldas = (await api.data('{ cities(provinceCode: "08") { name } }'))["cities"]
    assert len(esmeraldas) == 7
    assert "La Concordia" not in [city["name"] for city in esmeraldas]


@pytest.mark.parametrize("province_code", ["99", "9", "00", "90", "EC-G", ""])
async def test_unknown_province_has_no_cities_an_empty_list(api: Api, province_code: str) -> None:
    data = await api.data(
        "query($p: String!) { cities(provinceCode: $p) { code } }", {"p": province_code}
    )
    assert data["cities"] == []


async def test_nested_provinces_cities_parishes_answer_24_221_and_1396(api: Api) -> None:
    provinces = (await api.data(NESTED))["provinces"]
    cities = [city for province in provinces for city in province["cities"]]
    parishes = [parish for city in cities for parish in city["parishes"]]
    assert (len(provinces), len(cities), len(parishes)) == (24, 221, 1396)
    for city in cities:
        assert city["parishes"], city["code"]
        for parish in city["parishes"]:
            assert len(parish["code"]) == 6
            assert parish["code"].startswith(city["code"])
    la_concordia = next(city for city in cities if city["code"] == "2302")
    assert {"code": "230250", "name": "La Concordia"} in la_concordia["parishes"]


# Mobile carriers ("Celular") ----------------------------------------------------------------------


async def test_mobile_carriers_are_the_five_of_the_procedure_in_its_order(api: Api) -> None:
    carriers = (await api.data("{ mobileCarriers { code name } }"))["mobileCarriers"]
    assert carriers == [
        {"code": "CLARO", "name": "Claro"},
        {"code": "MOVISTAR", "name": "Movistar"},
        {"code": "CNT", "name": "CNT"},
        {"code": "TUENTI", "name": "Tuenti"},
        {"code": "OTROS", "name": "Otros"},
    ]


# HTTP caching --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "{ countries { code name } }",
        '{ cities(provinceCode: "09") { code name } }',
        "{ provinces { code cities { code } } mobileCarriers { code } }",
        "{ registrationTypes { code } identificationDocumentTypes { code } }",
        "query Paises { __typename paises: countries { code } }",
        "query { ...Catalogs } fragment Catalogs on Query { mobileCarriers { name } }",
    ],
)
async def test_catalog_only_query_over_get_is_publicly_cacheable_per_language(
    api: Api, query: str
) -> None:
    response = await get(api, query)
    assert "errors" not in response.json()
    assert response.headers["cache-control"] == PUBLIC
    assert response.headers["vary"] == "Accept-Language"


async def test_cached_answer_varies_with_the_language(api: Api) -> None:
    spanish = await get(api, "{ countries { code name } }")
    english = await get(api, "{ countries { code name } }", **ENGLISH)
    assert spanish.headers["cache-control"] == english.headers["cache-control"] == PUBLIC
    assert spanish.json() != english.json()


@pytest.mark.parametrize(
    "query",
    [
        "{ countries { code } me { userId } }",
        '{ mobileCarriers { code } operator(userId: "USUARIO01") { userId } }',
        "{ countries: me { userId } }",
        "query { ...Who } fragment Who on Query { countries { code } me { userId } }",
        "query { ... on Query { me { name } } }",
        "{ me { userId } }",
    ],
)
async def test_query_touching_private_data_is_never_cacheable(api: Api, query: str) -> None:
    response = await api.client.get("/graphql", params={"query": query})
    assert response.headers["cache-control"] == "no-store"


async def test_query_with_errors_is_never_cacheable(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": "{ countries { nope } }"})
    assert "errors" in response.json()
    assert response.headers["cache-control"] == "no-store"


async def test_catalog_query_over_post_is_not_cached(api: Api) -> None:
    response = await api.client.post("/graphql", json={"query": "{ countries { code } }"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


async def test_mutation_answer_is_never_cacheable(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        json={
            "query": 'mutation { login(identification: "0912345675001", userId: "X", '
            'password: "y") { errors { code } } }'
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers.get("vary") is None


# No SQL: the catalogs live in memory ---------------------------------------------------------------


# The background workers of every API process (outbox relay, notice delivery) poll the database
# on their own schedule; their statements are not the request's.
BACKGROUND_TABLES = ("outbox_events", "pending_mail", "pg_try_advisory_xact_lock")


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class StatementCounter:
    """Counts every SQL statement this process sends for requests, leaving out the background
    workers' polling: SQLAlchemy's own (its `before_cursor_execute` event), those read on a
    pooled asyncpg connection of SQLAlchemy's (asyncpg's query logger, which sees only those:
    SQLAlchemy runs its statements as asyncpg prepared statements, which it does not log), and
    those read on asyncpg's own pool (`DriverReads.fetch_row`)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.logged_connections: list[Any] = []

    def __call__(self, *args: Any) -> None:
        self.count(str(args[2]))

    def count(self, statement: str) -> None:
        if not any(name in statement for name in BACKGROUND_TABLES):
            self.statements.append(statement)

    def logged(self, query: Any) -> None:
        # SQLAlchemy's BEGIN … COMMIT come through asyncpg's logger; its event never saw them.
        if not query.query.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.count(query.query)

    def on_checkout(self, _dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = record.driver_connection
        if driver not in self.logged_connections and hasattr(driver, "add_query_logger"):
            driver.add_query_logger(self.logged)
            self.logged_connections.append(driver)

    def stop(self) -> None:
        for driver in self.logged_connections:
            driver.remove_query_logger(self.logged)


@pytest.fixture
def sql_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    fetch_row = DriverReads.fetch_row

    async def counted(reads: DriverReads, statement: str, *arguments: object) -> Any:
        counter.count(statement)
        return await fetch_row(reads, statement, *arguments)

    monkeypatch.setattr(DriverReads, "fetch_row", counted)
    event.listen(Engine, "before_cursor_execute", counter)
    event.listen(Pool, "checkout", counter.on_checkout)
    yield counter
    event.remove(Pool, "checkout", counter.on_checkout)
    event.remove(Engine, "before_cursor_execute", counter)
    counter.stop()


@pytest.fixture
async def in_process(environment: Environment) -> AsyncIterator[httpx.AsyncClient]:
    """The application in this process (PostgreSQL and Redis of the run), so that its SQL can be
    counted."""
    app = create_app(environment.settings())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client,
    ):
        yield client


async def post_in_process(
    client: httpx.AsyncClient, query: str, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_nested_catalogs_and_form_specs_issue_no_sql_statement_beyond_the_session_check(
    in_process: httpx.AsyncClient, services: Services, sql_statements: StatementCounter
) -> None:
    await make_operator(services)
    login = await post_in_process(
        in_process,
        'mutation { login(identification: "0912345675001", userId: "USUARIO01", '
        'password: "Clave-Segura-2027") { token } }',
    )
    token = login["login"]["token"]
    sql_statements.statements.clear()

    data = await post_in_process(
        in_process,
        "{ provinces { cities { parishes { code } } } countries { code } "
        "mobileCarriers { code } registrationTypes { fields { name } acceptedDocuments { code } } "
        "identificationDocumentTypes { code } }",
        token,
    )
    parishes = sum(len(c["parishes"]) for p in data["provinces"] for c in p["cities"])
    assert parishes == 1396
    # The one statement is the token's check: the operator's row, read once per authenticated
    # request (status and session epoch); the catalogs add none.
    [check] = sql_statements.statements
    assert "FROM operators" in check

    # `me` is answered from that same row: still one statement.
    sql_statements.statements.clear()
    await post_in_process(in_process, "{ me { userId } }", token)
    assert len(sql_statements.statements) == 1


async def test_kept_answers_follow_the_variables_of_the_same_query_text(api: Api) -> None:
    query = "query($p: String!) { cities(provinceCode: $p) { code } }"
    for _ in range(2):  # the second round is answered from the kept answers
        guayas = (await api.data(query, {"p": "09"}))["cities"]
        santo_domingo = (await api.data(query, {"p": "23"}))["cities"]
        assert len(guayas) == 25
        assert codes(santo_domingo) == ["2301", "2302"]
