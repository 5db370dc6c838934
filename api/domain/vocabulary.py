"""The closed vocabularies of the registration: codes shared by the domain, the tables and the schema."""

from __future__ import annotations

from enum import StrEnum


class RegistrationTypeCode(StrEnum):
    """The seven forms of "Modificar información del uso" (SENAE-ISEE-3-2-010 §5.4), in that order."""

    FOREIGN_TRADE_REPRESENTATIVE = "FOREIGN_TRADE_REPRESENTATIVE"
    EMPLOYEE = "EMPLOYEE"
    GENERAL_USER = "GENERAL_USER"
    PUBLIC_ENTITY_REPRESENTATIVE = "PUBLIC_ENTITY_REPRESENTATIVE"
    PUBLIC_ENTITY_OFFICIAL = "PUBLIC_ENTITY_OFFICIAL"
    INTERNATIONAL_ORGANIZATION = "INTERNATIONAL_ORGANIZATION"
    PERSON_WITH_DISABILITY = "PERSON_WITH_DISABILITY"


class IdentificationType(StrEnum):
    """The identification documents of "Doc. identificación"."""

    RUC = "RUC"
    CEDULA = "CEDULA"
    PASSPORT = "PASSPORT"


class Role(StrEnum):
    USER = "USER"
    STAFF = "STAFF"


class OperatorStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class MobileCarrierCode(StrEnum):
    """The mobile carriers of the "Celular" field (§5.5.1)."""

    CLARO = "CLARO"
    MOVISTAR = "MOVISTAR"
    CNT = "CNT"
    TUENTI = "TUENTI"
    OTROS = "OTROS"


class Locale(StrEnum):
    ES = "es"
    EN = "en"
