"""The reference catalogs of the registration form: countries, Ecuador's territory, mobile carriers.

"País" must be an ISO 3166 country named in Spanish; "Provincia" and "Ciudad" exist only for
Ecuador, the city (an INEC canton) belonging to the chosen province; "Celular" names one of the
carriers of SENAE-ISEE-3-2-010 §5.5.1. This module holds the data as immutable values and answers
those questions in O(1). It is pure: the data is loaded by `api.persistence.catalog_source`, so that
the domain can be tested with any catalog and never touches a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol, TypeVar

from rapidfuzz import fuzz, process

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


class PlaceNameKind(StrEnum):
    """Which name of a canton a search matched."""

    CANTON = "CANTON"  # the canton's own name, or the name INEC adds in parentheses
    PARISH = (
        "PARISH"  # one of its parishes, or the former or other name in the parish's parentheses
    )


@dataclass(frozen=True, slots=True)
class CityMatch:
    """A canton found by one of its names: the form's "Ciudad" is always the canton (its code is
    what is stored); `matched_name` is the place the user typed, as INEC writes it."""

    city: City
    matched_name: str
    kind: PlaceNameKind


# Shorter searches match half the country; the list a client shows stays short.
CITY_SEARCH_MIN_LENGTH: Final = 2
CITY_SEARCH_MAX_RESULTS: Final = 20
# A typed name that starts no word of any place is compared for similarity (typos such as
# "Samborondom"); below this score (rapidfuzz WRatio, 0-100) it is another place.
CITY_SEARCH_MIN_SIMILARITY: Final = 85
_PUNCTUATION: Final = re.compile(r"[\W_]+")
_PARENTHESES: Final = re.compile(r"\(([^()]*)\)")


def search_key(text: str) -> str:
    """Case, accents and punctuation ignored: "Chongón" = "CHONGON", "Gral. Villamil" =
    "gral villamil"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", bare).split())


def name_variants(name: str) -> tuple[str, ...]:
    """A place's name, and the names INEC gives in its parentheses: "Eloy Alfaro (Durán)" is also
    "Eloy Alfaro" and "Durán"; "Salitre (Urbina Jado)" is also "Urbina Jado"."""
    inner = [part.strip() for part in _PARENTHESES.findall(name) if part.strip()]
    outer = _PARENTHESES.sub(" ", name).strip()
    variants = [name, outer, *inner]
    # "Cab. en X" notes the parish's seat, which is a name people use as well.
    variants += [re.sub(r"^Cab\.\s*en\s+", "", part) for part in inner]
    return tuple(dict.fromkeys(v for v in variants if v))


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    city: City
    name: str
    kind: PlaceNameKind


def _place_index(cities: Sequence[City]) -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    for city in cities:
        for variant in name_variants(city.name):
            entries.append(_Entry(search_key(variant), city, city.name, PlaceNameKind.CANTON))
        for parish in city.parishes:
            for variant in name_variants(parish.name):
                entries.append(_Entry(search_key(variant), city, parish.name, PlaceNameKind.PARISH))
    return tuple(entries)


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
        self._places: tuple[_Entry, ...] = _place_index(cities)

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

    def search_cities(
        self, text: str, *, province_code: str | None = None
    ) -> tuple[CityMatch, ...]:
        """The cantons a user may mean by `text`: by the canton's name, or by the name of one of
        its parishes or their former names (the procedure's list shows parishes such as
        "Chongón" and old names such as "Eloy Alfaro", where INEC says Guayaquil and Durán).

        Each canton once, at its best match: the whole name before the start of a word, a
        canton's name before a parish's; then by INEC code. A parish INEC lists under its former
        canton as well gives both cantons. Without a match that starts a word, similar names
        (typos) are offered."""
        query = search_key(text)
        if len(query) < CITY_SEARCH_MIN_LENGTH:
            return ()
        places = [
            entry
            for entry in self._places
            if province_code is None or entry.city.province_code == province_code
        ]
        ranked: list[tuple[tuple[int, int, str], _Entry]] = []
        for entry in places:
            if entry.key == query:
                closeness = 0
            elif entry.key.startswith(query) or f" {query}" in f" {entry.key}":
                closeness = 1
            else:
                continue
            kind_rank = 0 if entry.kind is PlaceNameKind.CANTON else 1
            ranked.append(((closeness, kind_rank, entry.city.code), entry))
        if not ranked:
            similar = process.extract(
                query,
                [entry.key for entry in places],
                scorer=fuzz.WRatio,
                score_cutoff=CITY_SEARCH_MIN_SIMILARITY,
                limit=CITY_SEARCH_MAX_RESULTS * 4,
            )
            for _, score, index in similar:
                entry = places[index]
                kind_rank = 0 if entry.kind is PlaceNameKind.CANTON else 1
                ranked.append(((2 + 100 - int(score), kind_rank, entry.city.code), entry))
        best: dict[str, tuple[tuple[int, int, str], _Entry]] = {}
        for rank, entry in ranked:
            kept = best.get(entry.city.code)
            if kept is None or rank < kept[0]:
                best[entry.city.code] = (rank, entry)
        ordered = sorted(best.values(), key=lambda pair: pair[0])[:CITY_SEARCH_MAX_RESULTS]
        return tuple(
            CityMatch(city=entry.city, matched_name=entry.name, kind=entry.kind)
            for _, entry in ordered
        )

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
