"""Catalog queries and the conversion of catalog entries to their GraphQL shapes.

Catalogs live in memory; the converted shapes are built once per entry (and language), so
nested lists (provinces → cities → parishes) cost no query and no repeated conversion.
"""

from __future__ import annotations

from api.domain import catalogs as domain
from api.domain.vocabulary import Locale
from api.resolvers.context import Info
from api.schema.catalogs import City, CityMatch, Country, MobileCarrier, Parish, Province
from api.schema.enums import MobileCarrierCodeEnum, PlaceNameKindEnum

# Keyed by code (and language): the catalogs are fixed for the life of the process, and hashing
# a province with all its cities and parishes on every lookup would cost more than building it.
_countries: dict[tuple[str, Locale], Country] = {}
_cities: dict[str, City] = {}
_provinces: dict[str, Province] = {}
_carriers: dict[str, MobileCarrier] = {}


def country_shape(country: domain.Country, locale: Locale) -> Country:
    key = (country.code, locale)
    if key not in _countries:
        _countries[key] = Country(code=country.code, name=country.name(locale))
    return _countries[key]


def city_shape(city: domain.City) -> City:
    if city.code not in _cities:
        _cities[city.code] = City(
            code=city.code,
            name=city.name,
            province_code=city.province_code,
            parishes=[Parish(code=p.code, name=p.name) for p in city.parishes],
        )
    return _cities[city.code]


def province_shape(province: domain.Province) -> Province:
    if province.code not in _provinces:
        _provinces[province.code] = Province(
            code=province.code,
            iso_code=province.iso_code,
            name=province.name,
            cities=[city_shape(c) for c in province.cities],
        )
    return _provinces[province.code]


def carrier_shape(carrier: domain.MobileCarrier) -> MobileCarrier:
    if carrier.code not in _carriers:
        _carriers[carrier.code] = MobileCarrier(
            code=MobileCarrierCodeEnum[carrier.code.name], name=carrier.name
        )
    return _carriers[carrier.code]


def countries(info: Info) -> list[Country]:
    ctx = info.context
    return [
        country_shape(c, ctx.locale) for c in ctx.services.catalogs.countries_sorted(ctx.locale)
    ]


def provinces(info: Info, country_code: str) -> list[Province]:
    return [province_shape(p) for p in info.context.services.catalogs.provinces(country_code)]


def cities(info: Info, province_code: str) -> list[City]:
    return [city_shape(c) for c in info.context.services.catalogs.cities(province_code)]


def search_cities(info: Info, text: str, province_code: str | None) -> list[CityMatch]:
    matches = info.context.services.catalogs.search_cities(text, province_code=province_code)
    return [
        CityMatch(
            city=city_shape(match.city),
            matched_name=match.matched_name,
            kind=PlaceNameKindEnum[match.kind.name],
        )
        for match in matches
    ]


def mobile_carriers(info: Info) -> list[MobileCarrier]:
    return [carrier_shape(c) for c in info.context.services.catalogs.mobile_carriers()]
