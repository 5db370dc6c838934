"""The catalog queries: every option list a client needs to render any form (§5.4, §5.5.1)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.resolvers import catalogs
from api.resolvers.context import Info
from api.schema.catalogs import City, Country, MobileCarrier, Province


@strawberry.type
class CatalogQueries:
    @strawberry.field(
        description='Every ISO 3166-1 country (the "País" list), sorted for a reader of the caller\'s language.'
    )
    def countries(self, info: Info) -> list[Country]:
        return catalogs.countries(info)

    @strawberry.field(
        description=(
            'The provinces of a country (the "Provincia" list): Ecuador\'s 24; any other country '
            "(or an unknown code) has none, so the list is empty."
        )
    )
    def provinces(
        self,
        info: Info,
        country_code: Annotated[
            str, strawberry.argument(description="ISO 3166-1 alpha-2 code.")
        ] = "EC",
    ) -> list[Province]:
        return catalogs.provinces(info, country_code)

    @strawberry.field(
        description='The cantons of a province of Ecuador (the "Ciudad" list); empty for an unknown code.'
    )
    def cities(
        self,
        info: Info,
        province_code: Annotated[
            str, strawberry.argument(description='INEC two-digit code, e.g. "09".')
        ],
    ) -> list[City]:
        return catalogs.cities(info, province_code)

    @strawberry.field(description='The carriers of the "Celular" field.')
    def mobile_carriers(self, info: Info) -> list[MobileCarrier]:
        return catalogs.mobile_carriers(info)
