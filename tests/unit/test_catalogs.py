"""The reference catalogs: ISO 3166 countries in Spanish, Ecuador's INEC territory, mobile carriers.

The rules come from SENAE-ISEE-3-2-010 §5.5.1 ("País", "Provincia", "Ciudad", "Celular") and from
the corrections listed in api/persistence/data/README.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.domain.catalogs import (
    ECUADOR,
    Catalogs,
    City,
    Country,
    Province,
    collation_key,
)
from api.domain.vocabulary import Locale, MobileCarrierCode
from api.persistence.catalog_source import DPA_FILE, load_catalogs

REPO = Path(__file__).parents[2]
BUILD_SCRIPT = REPO / "scripts" / "build_dpa.py"
DPA_SOURCE = REPO / "scripts" / "data" / "ecuador-provincias.json"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs()


def all_cities(catalogs: Catalogs) -> list[City]:
    return [city for province in catalogs.provinces(ECUADOR) for city in province.cities]


def spanish_names(catalogs: Catalogs) -> list[str]:
    return [country.name_es for country in catalogs.countries_sorted(Locale.ES)]


# Countries ----------------------------------------------------------------------------------------


def test_every_iso_3166_country_is_offered(catalogs: Catalogs) -> None:
    countries = catalogs.countries_sorted(Locale.ES)
    assert len(countries) == 249
    assert len({country.code for country in countries}) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", country.code) for country in countries)


@pytest.mark.parametrize(
    ("code", "spanish"),
    [
        ("AE", "Emiratos Árabes Unidos"),
        ("US", "Estados Unidos"),
        ("EC", "Ecuador"),
        ("PE", "Perú"),
        ("DE", "Alemania"),
        ("BO", "Bolivia"),  # the common name, not "Bolivia, Estado plurinacional de"
        ("VE", "Venezuela"),
        ("KR", "Corea del Sur"),
        ("DZ", "Argelia"),  # corrected: the catalog leaves the English "Algeria"
    ],
)
def test_countries_are_named_in_spanish(catalogs: Catalogs, code: str, spanish: str) -> None:
    country = catalogs.country(code)
    assert country is not None
    assert country.name_es == spanish
    assert country.name(Locale.ES) == spanish


def test_countries_are_named_in_english_by_their_common_name(catalogs: Catalogs) -> None:
    names = {
        code: country.name(Locale.EN)
        for code in ("BO", "US", "AE", "EC")
        if (country := catalogs.country(code)) is not None
    }
    assert names == {
        "BO": "Bolivia",
        "US": "United States",
        "AE": "United Arab Emirates",
        "EC": "Ecuador",
    }


def test_country_lookup_ignores_letter_case(catalogs: Catalogs) -> None:
    assert catalogs.country("ec") == catalogs.country("EC") == catalogs.country("Ec")
    assert catalogs.country("XX") is None


def test_spanish_country_list_is_alphabetical_ignoring_accents_and_case(
    catalogs: Catalogs,
) -> None:
    names = spanish_names(catalogs)
    keys = [collation_key(name) for name in names]
    assert keys == sorted(keys)
    # "Emiratos Árabes Unidos" files among the E's, not after the Z's nor before the A's.
    assert names.index("El Salvador") < names.index("Emiratos Árabes Unidos")
    assert names.index("Emiratos Árabes Unidos") < names.index("Eritrea")
    initials = [collation_key(name)[0] for name in names]
    assert initials[names.index("Emiratos Árabes Unidos") - 1] == "e"
    # Accented letters count as their base letter.
    expected = ["Panamá", "Papúa Nueva Guinea", "Paraguay", "Perú", "Pitcairn"]
    assert [name for name in names if name in expected] == expected
    assert names.index("Bélgica") < names.index("Belice") < names.index("Benín")


def test_english_country_list_is_alphabetical_by_english_name(catalogs: Catalogs) -> None:
    names = [country.name_en for country in catalogs.countries_sorted(Locale.EN)]
    assert names.index("Ukraine") < names.index("United Arab Emirates")
    assert names.index("United Arab Emirates") < names.index("United Kingdom")
    assert names[0] == "Afghanistan"


def test_collation_puts_enye_after_n_and_ignores_accents_and_case() -> None:
    words = ["Oso", "Ñandú", "nube", "Nuñez", "Nunez", "ÁRABE", "avena"]
    assert sorted(words, key=collation_key) == [
        "ÁRABE",
        "avena",
        "nube",
        "Nunez",
        "Nuñez",
        "Ñandú",
        "Oso",
    ]
    assert collation_key("Perú") == collation_key("PERU")


def test_catalogs_sort_countries_in_the_readers_language() -> None:
    germany = Country(code="DE", name_es="Alemania", name_en="Germany")
    spain = Country(code="ES", name_es="España", name_en="Spain")
    ecuador = Country(code="EC", name_es="Ecuador", name_en="Ecuador")
    catalogs = Catalogs(countries=[spain, germany, ecuador], provinces=[])
    assert catalogs.countries_sorted(Locale.ES) == (germany, ecuador, spain)
    assert catalogs.countries_sorted(Locale.EN) == (ecuador, germany, spain)


def test_catalogs_are_loaded_once_per_process() -> None:
    assert load_catalogs() is load_catalogs()


# Ecuador's provinces ------------------------------------------------------------------------------


def test_ecuador_has_24_provinces_with_inec_and_iso_codes(catalogs: Catalogs) -> None:
    provinces = catalogs.provinces(ECUADOR)
    assert [province.code for province in provinces] == [f"{n:02d}" for n in range(1, 25)]
    iso_codes = [province.iso_code for province in provinces]
    assert len(set(iso_codes)) == 24
    assert all(re.fullmatch(r"EC-[A-Z]{1,2}", iso_code) for iso_code in iso_codes)
    by_code = {province.code: province for province in provinces}
    assert (by_code["09"].name, by_code["09"].iso_code) == ("Guayas", "EC-G")
    assert (by_code["23"].name, by_code["23"].iso_code) == (
        "Santo Domingo de los Tsáchilas",
        "EC-SD",
    )
    assert (by_code["24"].name, by_code["24"].iso_code) == ("Santa Elena", "EC-SE")


def test_province_names_are_written_as_people_write_them(catalogs: Catalogs) -> None:
    names = {province.name for province in catalogs.provinces(ECUADOR)}
    assert {
        "Guayas",
        "Santo Domingo de los Tsáchilas",
        "Los Ríos",
        "Morona Santiago",
        "Zamora Chinchipe",
        "Galápagos",
        "Manabí",
        "Bolívar",
        "Sucumbíos",
        "El Oro",
        "Cañar",
    } <= names


def test_province_lookup_uses_the_zero_padded_inec_code(catalogs: Catalogs) -> None:
    guayas = catalogs.province("09")
    assert guayas is not None
    assert guayas.name == "Guayas"
    assert catalogs.province("9") is None
    assert catalogs.province("90") is None  # the undelimited zones are not a province


def test_only_ecuador_has_provinces(catalogs: Catalogs) -> None:
    assert catalogs.country("PE") is not None
    assert catalogs.provinces("PE") == ()
    assert catalogs.provinces("US") == ()
    assert len(catalogs.provinces("ec")) == 24


def test_unknown_country_has_no_provinces(catalogs: Catalogs) -> None:
    assert catalogs.country("XX") is None
    assert catalogs.provinces("XX") == ()


# Ecuador's cantons (the form's "Ciudad") ---------------------------------------------------------


def test_ecuador_has_221_cantons(catalogs: Catalogs) -> None:
    cities = all_cities(catalogs)
    assert len(cities) == 221
    assert len({city.code for city in cities}) == 221


def test_every_canton_code_has_four_digits_and_starts_with_its_province_code(
    catalogs: Catalogs,
) -> None:
    for province in catalogs.provinces(ECUADOR):
        for city in province.cities:
            assert re.fullmatch(r"\d{4}", city.code), city
            assert city.code.startswith(province.code), city
            assert city.province_code == province.code, city


def test_guayas_has_25_cantons_among_them_guayaquil_and_duran(catalogs: Catalogs) -> None:
    assert len(catalogs.cities("09")) == 25
    guayaquil = catalogs.city("0901")
    duran = catalogs.city("0907")
    assert guayaquil is not None
    assert (guayaquil.name, guayaquil.province_code) == ("Guayaquil", "09")
    assert duran is not None
    assert (duran.name, duran.province_code) == ("Durán", "09")


def test_canton_names_are_written_as_people_write_them(catalogs: Catalogs) -> None:
    guayas = {city.name for city in catalogs.cities("09")}
    assert {
        "Samborondón",
        "San Jacinto de Yaguachi",
        "Alfredo Baquerizo Moreno (Juján)",
        "El Empalme",
        "Salitre (Urbina Jado)",
    } <= guayas
    eloy_alfaro = catalogs.city("0802")
    assert eloy_alfaro is not None
    assert eloy_alfaro.name == "Eloy Alfaro"


def test_la_concordia_is_canton_2302_of_santo_domingo_de_los_tsachilas(
    catalogs: Catalogs,
) -> None:
    la_concordia = catalogs.city("2302")
    assert la_concordia is not None
    assert (la_concordia.name, la_concordia.province_code) == ("La Concordia", "23")
    assert catalogs.city("0808") is None
    assert [parish.code for parish in la_concordia.parishes] == [
        "230250",
        "230251",
        "230252",
        "230253",
    ]
    assert len(catalogs.cities("08")) == 7
    assert len(catalogs.cities("23")) == 2


def test_unknown_province_has_no_cities(catalogs: Catalogs) -> None:
    assert catalogs.cities("99") == ()
    assert catalogs.cities("9") == ()
    assert catalogs.city("9999") is None


def test_city_belongs_to_province_only_when_it_is_one_of_its_cantons(catalogs: Catalogs) -> None:
    assert catalogs.city_belongs_to_province(city_code="0901", province_code="09")
    assert catalogs.city_belongs_to_province(city_code="2302", province_code="23")
    assert not catalogs.city_belongs_to_province(city_code="0901", province_code="17")
    assert not catalogs.city_belongs_to_province(city_code="2302", province_code="08")
    assert not catalogs.city_belongs_to_province(city_code="9999", province_code="09")
    assert not catalogs.city_belongs_to_province(city_code="0901", province_code="99")


# Parishes -----------------------------------------------------------------------------------------


def test_every_parish_code_has_six_digits_and_starts_with_its_canton_code(
    catalogs: Catalogs,
) -> None:
    codes = []
    for city in all_cities(catalogs):
        assert city.parishes, city.code
        for parish in city.parishes:
            assert re.fullmatch(r"\d{6}", parish.code), parish
            assert parish.code.startswith(city.code), parish
            codes.append(parish.code)
    assert len(codes) == len(set(codes)) == 1396


def test_chongon_is_a_parish_of_guayaquil(catalogs: Catalogs) -> None:
    guayaquil = catalogs.city("0901")
    assert guayaquil is not None
    assert "Chongón" in {parish.name for parish in guayaquil.parishes}


def test_no_name_is_left_upper_case_or_broken(catalogs: Catalogs) -> None:
    names: list[str] = []
    for province in catalogs.provinces(ECUADOR):
        names.append(province.name)
        for city in province.cities:
            names.append(city.name)
            names.extend(parish.name for parish in city.parishes)
    for name in names:
        assert name[0].isupper() or name[0].isdigit(), name
        assert name.count("(") == name.count(")"), name
        assert name == " ".join(name.split()), name
        # No all-capitals word left: abbreviations read "Cab.", "Gral.", initials "E.".
        assert not any(len(word) > 1 and word.isupper() for word in re.findall(r"\w+", name)), name


# Mobile carriers ---------------------------------------------------------------------------------


def test_mobile_carriers_follow_the_procedure_order(catalogs: Catalogs) -> None:
    carriers = catalogs.mobile_carriers()
    assert [carrier.code for carrier in carriers] == [
        MobileCarrierCode.CLARO,
        MobileCarrierCode.MOVISTAR,
        MobileCarrierCode.CNT,
        MobileCarrierCode.TUENTI,
        MobileCarrierCode.OTROS,
    ]
    assert [carrier.name for carrier in carriers] == ["Claro", "Movistar", "CNT", "Tuenti", "Otros"]


def test_mobile_carrier_lookup_by_code(catalogs: Catalogs) -> None:
    carrier = catalogs.mobile_carrier(MobileCarrierCode.CNT)
    assert carrier is not None
    assert carrier.name == "CNT"
    assert catalogs.mobile_carrier("CLARO") == catalogs.mobile_carrier(MobileCarrierCode.CLARO)
    assert catalogs.mobile_carrier("ALEGRO") is None


# Integrity ---------------------------------------------------------------------------------------


def test_catalogs_refuse_duplicate_codes() -> None:
    ecuador = Country(code="EC", name_es="Ecuador", name_en="Ecuador")
    with pytest.raises(ValueError, match="duplicate country"):
        Catalogs(countries=[ecuador, ecuador], provinces=[])


def test_catalogs_refuse_a_city_listed_under_another_province() -> None:
    ecuador = Country(code="EC", name_es="Ecuador", name_en="Ecuador")
    duran = City(code="0907", name="Durán", province_code="17", parishes=())
    guayas = Province(code="09", iso_code="EC-G", name="Guayas", cities=(duran,))
    with pytest.raises(ValueError, match="city 0907"):
        Catalogs(countries=[ecuador], provinces=[guayas])


def test_data_file_is_what_the_build_script_produces_from_the_source(tmp_path: Path) -> None:
    output = tmp_path / "ecuador_dpa.json"
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), str(DPA_SOURCE), str(output)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert output.read_text(encoding="utf-8") == DPA_FILE.read_text(encoding="utf-8")
