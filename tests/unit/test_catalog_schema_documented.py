"""GraphiQL is the front-end's documentation: every catalog and form type, field, argument and enum
value of the schema carries a description."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLObjectType, build_schema

from api.graphql.caching import public_root_fields
from api.graphql.schema import schema

# The schema as clients see it (its SDL, descriptions included).
SERVED = build_schema(schema.as_str())

CATALOG_TYPES = [
    "Country",
    "Province",
    "City",
    "Parish",
    "MobileCarrier",
    "RegistrationType",
    "FieldSpec",
    "FieldDependency",
    "IdentificationDocumentType",
    "CityMatch",
]
CATALOG_ENUMS = [
    "FieldKind",
    "RegistrationTypeCode",
    "IdentificationType",
    "MobileCarrierCode",
    "PlaceNameKind",
]


def test_every_catalog_query_and_argument_is_described() -> None:
    query = SERVED.query_type
    assert query is not None
    catalog_queries = public_root_fields(schema.config.name_converter) - {"__typename"}
    assert catalog_queries == {
        "countries",
        "provinces",
        "cities",
        "searchCities",
        "mobileCarriers",
        "registrationTypes",
        "registrationType",
        "identificationDocumentTypes",
    }
    for name in catalog_queries:
        field = query.fields[name]
        assert field.description, name
        for argument_name, argument in field.args.items():
            assert argument.description, f"{name}({argument_name})"


def test_every_catalog_type_and_field_is_described() -> None:
    for type_name in CATALOG_TYPES:
        graphql_type = SERVED.get_type(type_name)
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        assert graphql_type.description, type_name
        for field_name, field in graphql_type.fields.items():
            assert field.description, f"{type_name}.{field_name}"


def test_every_catalog_enum_value_is_described() -> None:
    for enum_name in CATALOG_ENUMS:
        graphql_enum = SERVED.get_type(enum_name)
        assert isinstance(graphql_enum, GraphQLEnumType), enum_name
        assert graphql_enum.description, enum_name
        for value_name, value in graphql_enum.values.items():
            assert value.description, f"{enum_name}.{value_name}"
