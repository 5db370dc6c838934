"""Where the reference catalogs come from: the project's DPA file and pycountry's ISO 3166-1.

The catalogs never change while the service runs, so they are read once per process
(`functools.cache`) and shared: every request, resolver and validator sees the same `Catalogs`.

Country names. ISO 3166-1 gives every one of the 249 countries an English short name; pycountry
ships the Debian iso-codes translations, whose Spanish catalog is keyed by that English `name`.
The Spanish name is chosen in this order:
1. `_SPANISH_NAME_OVERRIDES`, a short table for the entries the translation gets wrong for a
   Spanish-speaking reader (misspellings such as "Algeria" or "Tunez", and the inverted
   "Congo, República Democrática del" forms that would file a country under the wrong letter);
2. the translation of `common_name` when pycountry has one and the catalog translates it: the form
   people use ("Bolivia", "Venezuela", "Corea del Sur", "Irán") rather than the formal
   "Bolivia, Estado plurinacional de";
3. the translation of `name`;
4. the English `name`, if the catalog has no entry at all.
The English name is `common_name` when present, else `name` ("Bolivia", "Russian Federation").
"""

from __future__ import annotations

import functools
import gettext
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

import pycountry
import pycountry.db

from api.domain.catalogs import Catalogs, City, Country, Parish, Province

DPA_FILE = Path(__file__).with_name("data") / "ecuador_dpa.json"
"""Ecuador's provinces, cantons and parishes, built by scripts/build_dpa.py (see data/README.md)."""

_SPANISH_NAME_OVERRIDES: Mapping[str, str] = {
    # Misspelt in the iso-codes Spanish catalog.
    "AX": "Islas Åland",  # "Islas Äland"
    "BF": "Burkina Faso",  # "Burquina Faso"
    "CI": "Costa de Marfil",  # "Costa de Marfíl"
    "DZ": "Argelia",  # "Algeria", the English name left untranslated
    "NE": "Níger",  # "Niger"
    "SR": "Surinam",  # "Surinám"
    "TN": "Túnez",  # "Tunez"
    # Inverted catalogue forms ("X, República de") without a common name to fall back on.
    "CD": "República Democrática del Congo",  # "Congo, República Democrática del"
    "FM": "Micronesia",  # "Micronesia, Estados Federados de"
    "KM": "Comoras",  # "Comores, Islas"
    "PS": "Palestina",  # "Palestina, Estado de"
    "VG": "Islas Vírgenes Británicas",  # "Islas Vírgenes, Británicas"
    "VI": "Islas Vírgenes de los Estados Unidos",  # "Islas Vírgenes, de EEUU."
    # The formal name hides the one everybody looks for under R.
    "RU": "Rusia",  # "Federación Rusa"
}


class _ParishRecord(TypedDict):
    code: str
    name: str


class _CityRecord(TypedDict):
    code: str
    name: str
    parishes: list[_ParishRecord]


class _ProvinceRecord(TypedDict):
    code: str
    iso_code: str
    name: str
    cities: list[_CityRecord]


class _DpaFile(TypedDict):
    source: dict[str, str]
    provinces: list[_ProvinceRecord]


@functools.cache
def load_catalogs() -> Catalogs:
    """The catalogs of this process, read on first use and shared afterwards."""
    return Catalogs(countries=load_countries(), provinces=load_provinces(DPA_FILE))


def load_provinces(path: Path) -> tuple[Province, ...]:
    """Ecuador's provinces with their cantons and parishes, from a file in the DPA format."""
    data: _DpaFile = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Province(
            code=province["code"],
            iso_code=province["iso_code"],
            name=province["name"],
            cities=tuple(
                City(
                    code=city["code"],
                    name=city["name"],
                    province_code=province["code"],
                    parishes=tuple(
                        Parish(code=parish["code"], name=parish["name"])
                        for parish in city["parishes"]
                    ),
                )
                for city in province["cities"]
            ),
        )
        for province in data["provinces"]
    )


def load_countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country, with its Spanish and English short names."""
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    # `translation()` returns a copy of its cached object, so this fallback stays local to it.
    spanish.add_fallback(_Untranslated())
    return tuple(
        Country(
            code=country.alpha_2,
            name_es=_spanish_name(country, spanish),
            name_en=_english_name(country),
        )
        for country in pycountry.countries
    )


class _Untranslated(gettext.NullTranslations):
    """Signals a message missing from the catalog, which gettext would otherwise return as is."""

    def gettext(self, message: str) -> str:
        raise LookupError(message)


def _english_name(country: pycountry.db.Country) -> str:
    common_name: str | None = getattr(country, "common_name", None)
    return common_name or country.name


def _spanish_name(country: pycountry.db.Country, spanish: gettext.NullTranslations) -> str:
    override = _SPANISH_NAME_OVERRIDES.get(country.alpha_2)
    if override is not None:
        return override
    common_name: str | None = getattr(country, "common_name", None)
    for english in (common_name, country.name):
        if english is None:
            continue
        try:
            return spanish.gettext(english)
        except LookupError:
            continue
    return country.name
