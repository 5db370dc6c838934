"""City search (SENAE-ISEE-3-2-010 §5.5.1 "Ciudad"): the procedure's list names parishes and old
names; a search by any of them gives the canton, whose code is what the form stores."""

from __future__ import annotations

import pytest

from api.domain.catalogs import (
    CITY_SEARCH_MAX_RESULTS,
    Catalogs,
    PlaceNameKind,
    name_variants,
    search_key,
)
from api.persistence.catalog_source import load_catalogs


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs()


def first(catalogs: Catalogs, text: str, province: str | None = "09") -> tuple[str, str]:
    match = catalogs.search_cities(text, province_code=province)[0]
    return match.city.code, match.kind.value


@pytest.mark.parametrize(
    ("typed", "canton", "kind"),
    [
        ("Chongón", "0901", PlaceNameKind.PARISH),  # a parish of Guayaquil
        ("chongon", "0901", PlaceNameKind.PARISH),  # without accent, lower case
        ("Eloy Alfaro", "0907", PlaceNameKind.PARISH),  # Durán's former name
        ("Guayaquil", "0901", PlaceNameKind.CANTON),
        ("El Empalme", "0908", PlaceNameKind.CANTON),
        ("San Jacinto de Yaguachi", "0920", PlaceNameKind.CANTON),
        ("Urbina Jado", "0919", PlaceNameKind.CANTON),  # the canton's name in parentheses
        ("Gral. Villamil", "0901", PlaceNameKind.PARISH),  # punctuation ignored
        ("Samborondom", "0916", PlaceNameKind.CANTON),  # a typo finds the similar name
    ],
)
def test_a_place_of_the_procedures_list_gives_its_canton(
    catalogs: Catalogs, typed: str, canton: str, kind: PlaceNameKind
) -> None:
    assert first(catalogs, typed) == (canton, kind.value)


def test_the_cantons_own_name_ranks_before_a_parish_of_the_same_name(catalogs: Catalogs) -> None:
    codes = [m.city.code for m in catalogs.search_cities("Isidro Ayora", province_code="09")]
    assert codes[0] == "0928"  # the canton Isidro Ayora
    assert set(codes[1:]) == {"0906", "0924"}  # its parish, still listed under former cantons


def test_each_canton_is_listed_once_and_the_list_is_bounded(catalogs: Catalogs) -> None:
    matches = catalogs.search_cities("san", province_code=None)
    codes = [m.city.code for m in matches]
    assert len(codes) == len(set(codes)) == CITY_SEARCH_MAX_RESULTS


def test_the_province_filter_and_the_minimum_length(catalogs: Catalogs) -> None:
    everywhere = {m.city.code for m in catalogs.search_cities("Eloy Alfaro", province_code=None)}
    assert {"0802", "0907"} <= everywhere  # the canton of Esmeraldas and Durán
    assert catalogs.search_cities("g", province_code="09") == ()
    assert catalogs.search_cities("Chongón", province_code="01") == ()


def test_parenthesised_names_are_names_too() -> None:
    assert name_variants("Eloy Alfaro (Durán)") == ("Eloy Alfaro (Durán)", "Eloy Alfaro", "Durán")
    assert "La Victoria" in name_variants("Las Lajas (Cab. en La Victoria)")
    assert search_key("Playas (Gral. Villamil)") == "playas gral villamil"
