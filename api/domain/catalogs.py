"""The reference catalogs of the registration form: countries, Ecuador's territory, mobile carriers.

"País" must be an ISO 3166 country named in Spanish; "Provincia" and "Ciudad" exist only for
Ecuador, the city (an INEC canton) belonging to the chosen province; "Celular" names one of the
carriers of SENAE-ISEE-3-2-010 §5.5.1. This module holds the data as immutable values and answers
those questions in O(1). It is pure: the data is loaded by `api.persistence.catalog_source`, so that
the domain can be tested with any catalog and never touches a file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from api.domain.vocabulary import Locale, MobileCarrierCode

ECUADOR = "EC"
"""ISO 3166-1 alpha-2 code of Ecuador, the only country whose addresses carry province and city."""


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 country: alpha-2 `code`, its Spanish and English short names."""

    code: str
    name_es: str
    name_en: str

    def name(self, locale: Locale) -> str:
        return self.name_en if locale is Locale.EN else self.name_es


@dataclass(frozen=True, slots=True)
class Parish:
    """An INEC parish ("parroquia"): six-digit code starting with its canton's code."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class City:
    """An INEC canton, the form's "Ciudad": four-digit code starting with its province's code."""

    code: str
    name: str
    province_code: str
    parishes: tuple[Parish, ...]


@dataclass(frozen=True, slots=True)
class Province:
    """One of Ecuador's 24 provinces: INEC two-digit `code` and ISO 3166-2 `iso_code` (EC-G...)."""

    code: str
    iso_code: str
    name: str
    cities: tuple[City, ...]


@dataclass(frozen=True, slots=True)
class MobileCarrier:
    code: MobileCarrierCode
    name: str


# §5.5.1 writes them "Claro, Movistar, Cnt, Tuenti, OTROS"; shown the way the brands write
# themselves (CNT is an acronym), in the procedure's order.
MOBILE_CARRIERS: tuple[MobileCarrier, ...] = (
    MobileCarrier(MobileCarrierCode.CLARO, "Claro"),
    MobileCarrier(MobileCarrierCode.MOVISTAR, "Movistar"),
    MobileCarrier(MobileCarrierCode.CNT, "CNT"),
    MobileCarrier(MobileCarrierCode.TUENTI, "Tuenti"),
    MobileCarrier(MobileCarrierCode.OTROS, "Otros"),
)


def collation_key(text: str) -> str:
    """Sort key for names as a Spanish reader orders them: case and accents ignored, Ñ after N.

    "Emiratos Árabes Unidos" files among the E's and "Perú" after "Paraguay", as in a dictionary.
    Ñ is a letter of its own in Spanish: it is kept apart from N by a marker that sorts after every
    letter ("~"), so "Ñ..." comes after every "N..." and "Nuñez" after "Nunez".
    """
    folded = unicodedata.normalize("NFC", text).casefold().replace("ñ", "n~")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Catalogs:
    """The loaded catalogs, indexed once: every lookup is a dictionary access.

    Provinces and cities are returned in INEC code order; countries in alphabetical order of the
    reader's language (`countries_sorted`).
    """

    def __init__(self, *, countries: Sequence[Country], provinces: Sequence[Province]) -> None:
        self._countries: dict[str, Country] = _index(countries, what="country")
        self._countries_sorted: dict[Locale, tuple[Country, ...]] = {
            locale: _alphabetical(countries, locale) for locale in Locale
        }
        self._provinces: tuple[Province, ...] = tuple(provinces)
        self._provinces_by_code: dict[str, Province] = _index(provinces, what="province")
        cities = [city for province in provinces for city in province.cities]
        self._cities: dict[str, City] = _index(cities, what="city")
        for province in provinces:
            for city in province.cities:
                if city.province_code != province.code:
                    raise ValueError(f"city {city.code} is listed in province {province.code}")
        if provinces and ECUADOR not in self._countries:
            raise ValueError("provinces are Ecuador's, but Ecuador is not among the countries")
        self._carriers: dict[str, MobileCarrier] = {c.code: c for c in MOBILE_CARRIERS}

    # Countries ------------------------------------------------------------------------------------

    def countries_sorted(self, locale: Locale) -> tuple[Country, ...]:
        """Every country, alphabetically by its name in `locale` (see `collation_key`)."""
        return self._countries_sorted[locale]

    def country(self, code: str) -> Country | None:
        """The country with ISO 3166-1 alpha-2 `code`, in any letter case; None if there is none."""
        return self._countries.get(code.upper())

    # Ecuador's territory -------------------------------------------------------------------------

    def provinces(self, country_code: str) -> tuple[Province, ...]:
        """The provinces of a country, in INEC code order.

        Only Ecuador is divided here (the form asks for a province only when the country is
        Ecuador): any other country, and a code that is no country at all, gives an empty tuple.
        Telling an unknown country apart is `country()`'s job, not this list's.
        """
        return self._provinces if country_code.upper() == ECUADOR else ()

    def province(self, code: str) -> Province | None:
        """The province with INEC code `code` ("09"), or None."""
        return self._provinces_by_code.get(code)

    def cities(self, province_code: str) -> tuple[City, ...]:
        """The cantons of a province, in INEC code order; empty for an unknown province."""
        province = self._provinces_by_code.get(province_code)
        return province.cities if province is not None else ()

    def city(self, code: str) -> City | None:
        """The canton with INEC code `code` ("0901"), or None."""
        return self._cities.get(code)

    def has_country(self, code: str) -> bool:
        return self.country(code) is not None

    def has_province(self, code: str) -> bool:
        return self.province(code) is not None

    def has_city(self, code: str) -> bool:
        return self.city(code) is not None

    def city_belongs_to_province(self, *, city_code: str, province_code: str) -> bool:
        """Whether the "Ciudad" chosen is a canton of the "Provincia" chosen (False if unknown)."""
        city = self._cities.get(city_code)
        return city is not None and city.province_code == province_code

    # Mobile carriers -----------------------------------------------------------------------------

    def mobile_carriers(self) -> tuple[MobileCarrier, ...]:
        """The carriers of §5.5.1 in the procedure's order: Claro, Movistar, CNT, Tuenti, Otros."""
        return MOBILE_CARRIERS

    def mobile_carrier(self, code: str) -> MobileCarrier | None:
        """The carrier with `code` (a `MobileCarrierCode` or its value), or None."""
        return self._carriers.get(code)


def _alphabetical(countries: Sequence[Country], locale: Locale) -> tuple[Country, ...]:
    # The code breaks ties so that the order never depends on the input order.
    return tuple(
        sorted(countries, key=lambda country: (collation_key(country.name(locale)), country.code))
    )


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_C = TypeVar("_C", bound=_Coded)


def _index(items: Sequence[_C], *, what: str) -> dict[str, _C]:
    """Index by code, refusing duplicates: two entries with one code would make lookups arbitrary."""
    index: dict[str, _C] = {}
    for item in items:
        if item.code in index:
            raise ValueError(f"duplicate {what} code {item.code!r}")
        index[item.code] = item
    return index
