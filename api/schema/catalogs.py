"""Reference catalogs: the options of the form's lists (§5.5.1), read-only."""

from __future__ import annotations

import strawberry

from api.schema.enums import MobileCarrierCodeEnum, PlaceNameKindEnum


@strawberry.type(description='A country of ISO 3166-1 (the "País" list).')
class Country:
    code: str = strawberry.field(description='ISO 3166-1 alpha-2 code, e.g. "EC".')
    name: str = strawberry.field(description="Name in the caller's language (Spanish by default).")


@strawberry.type(description="A parish (parroquia) of a canton, with its INEC six-digit code.")
class Parish:
    code: str = strawberry.field(description='INEC six-digit code, e.g. "090150".')
    name: str = strawberry.field(description="Name as people write it.")


@strawberry.type(
    description='A canton of Ecuador (the "Ciudad" list), with its INEC four-digit code.'
)
class City:
    code: str = strawberry.field(description='INEC four-digit code, e.g. "0901" (Guayaquil).')
    name: str = strawberry.field(description="Name as people write it, in Spanish.")
    province_code: str = strawberry.field(description="INEC code of its province.")
    parishes: list[Parish] = strawberry.field(description="Its parishes, by code.")


@strawberry.type(
    description=(
        "A canton found by one of its names (`searchCities`): choose `city.code` as the form's "
        '"Ciudad"; `matchedName` is the place the user looked for.'
    )
)
class CityMatch:
    city: City = strawberry.field(description="The canton: its code is what `modify` takes.")
    matched_name: str = strawberry.field(
        description='The name that matched, as INEC writes it (e.g. "Eloy Alfaro (Durán)").'
    )
    kind: PlaceNameKindEnum = strawberry.field(
        description="Whether the canton's own name or one of its parishes matched."
    )


@strawberry.type(description='A province of Ecuador (the "Provincia" list).')
class Province:
    code: str = strawberry.field(description='INEC two-digit code, e.g. "09" (Guayas).')
    iso_code: str = strawberry.field(description='ISO 3166-2 code, e.g. "EC-G".')
    name: str = strawberry.field(description="Name as people write it, in Spanish.")
    cities: list[City] = strawberry.field(description="Its cantons, by code.")


@strawberry.type(description='A mobile carrier of the "Celular" field.')
class MobileCarrier:
    code: MobileCarrierCodeEnum = strawberry.field(description="Stable code.")
    name: str = strawberry.field(description="Display name.")
