"""The catalog queries: every option list and form spec a client needs to render any form (§5.4,
§5.5.1).

Everything here is public reference data, the same for every caller and fixed while the process
runs: a GET request made only of these fields is answered with `Cache-Control: public`
(api/graphql/caching.py).
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.resolvers import catalogs
from api.resolvers import registration_types as forms
from api.resolvers.context import Info
from api.schema.catalogs import City, CityMatch, Country, MobileCarrier, Province
from api.schema.enums import RegistrationTypeCodeEnum
from api.schema.forms import IdentificationDocumentType, RegistrationType


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

    @strawberry.field(
        description=(
            'Cantons (the "Ciudad" list) by any name a user may look for: the canton\'s, one of '
            'its parishes\' ("Chongón" gives Guayaquil) or a former name ("Eloy Alfaro" gives '
            "Durán). Case, accents and punctuation are ignored; typos find similar names. The "
            "canton's code is what `modify` takes: the codes stored never change. At most 20, "
            "best first; empty for less than two letters."
        )
    )
    def search_cities(
        self,
        info: Info,
        text: Annotated[str, strawberry.argument(description="What the user typed.")],
        province_code: Annotated[
            str | None,
            strawberry.argument(description='Only cantons of this province (INEC code, "09").'),
        ] = None,
    ) -> list[CityMatch]:
        return catalogs.search_cities(info, text, province_code)

    @strawberry.field(description='The carriers of the "Celular" field.')
    def mobile_carriers(self, info: Info) -> list[MobileCarrier]:
        return catalogs.mobile_carriers(info)

    @strawberry.field(
        description=(
            'The seven forms of "Modificar información del uso" (§5.4), in that order, each with '
            "its fields: labels, required, editable, max length, pattern, catalog, dependencies "
            "and help, in the caller's language."
        )
    )
    def registration_types(self, info: Info) -> list[RegistrationType]:
        return forms.registration_types(info)

    @strawberry.field(
        description=(
            "One form of §5.4 with its fields (`Operator.registrationType.code` says which one a "
            "user fills)."
        )
    )
    def registration_type(
        self,
        info: Info,
        code: Annotated[
            RegistrationTypeCodeEnum,
            strawberry.argument(description="Which of the seven registration types."),
        ],
    ) -> RegistrationType | None:
        return forms.registration_type(info, code)

    @strawberry.field(
        description='The documents of "Doc. identificación": RUC, cédula and passport, with their formats.'
    )
    def identification_document_types(self, info: Info) -> list[IdentificationDocumentType]:
        return forms.identification_document_types(info)
