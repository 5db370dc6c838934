"""City search through the API: a parish or a former name gives its canton, and the canton's code
is what `modify` stores (the INEC codes never change)."""

from __future__ import annotations

from api.services.container import Services
from tests.api.conftest import Api, SmtpSink
from tests.api.test_modify import MODIFY, form, request_code, signed_in, stored_operator

SEARCH = """query($t: String!, $p: String) {
  searchCities(text: $t, provinceCode: $p) { matchedName kind city { code name provinceCode } }
}"""


async def test_a_parish_or_a_former_name_finds_its_canton_and_the_canton_is_stored(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    chongon = (await api.data(SEARCH, {"t": "Chongón", "p": "09"}))["searchCities"]
    assert chongon[0] == {
        "matchedName": "Chongón",
        "kind": "PARISH",
        "city": {"code": "0901", "name": "Guayaquil", "provinceCode": "09"},
    }
    [eloy_alfaro] = (await api.data(SEARCH, {"t": "eloy alfaro", "p": "09"}))["searchCities"]
    assert eloy_alfaro["city"]["code"] == "0907"
    assert eloy_alfaro["city"]["name"] == "Durán"
    assert eloy_alfaro["matchedName"] == "Eloy Alfaro (Durán)"

    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    chosen = form(cityCode=eloy_alfaro["city"]["code"], securityCode=code)
    modified = (await api.data(MODIFY, {"input": chosen}, token=token))["modify"]
    assert modified["errors"] == []
    assert modified["operator"]["city"] == {"code": "0907", "name": "Durán"}
    assert (await stored_operator(services)).city_code == "0907"


async def test_the_list_of_a_province_keeps_only_cantons(api: Api) -> None:
    cities = (await api.data('{ cities(provinceCode: "09") { code name } }'))["cities"]
    codes = [c["code"] for c in cities]
    assert len(codes) == 25
    assert all(len(code) == 4 for code in codes)
    assert "Chongón" not in {c["name"] for c in cities}


async def test_a_search_too_short_or_elsewhere_finds_nothing(api: Api) -> None:
    assert (await api.data(SEARCH, {"t": "g", "p": "09"}))["searchCities"] == []
    assert (await api.data(SEARCH, {"t": "Chongón", "p": "17"}))["searchCities"] == []


async def test_the_city_field_of_every_form_names_the_search_that_finds_a_parish(
    api: Api,
) -> None:
    types = (
        await api.data(
            "{ registrationTypes { code fields { name catalog search } } }",
        )
    )["registrationTypes"]
    for registration_type in types:
        [city] = [f for f in registration_type["fields"] if f["name"] == "cityCode"]
        assert city == {"name": "cityCode", "catalog": "cities", "search": "searchCities"}
        others = [f["search"] for f in registration_type["fields"] if f["name"] != "cityCode"]
        assert set(others) == {None}
    # The query it names answers with the canton to store.
    [found] = (await api.data(SEARCH, {"t": "Chongón", "p": "09"}))["searchCities"][:1]
    assert found["city"]["code"] == "0901"
