"""Registration types and identification documents: the domain's form specs in GraphQL shapes.

The specs are fixed for the life of the process; each shape is built once per language, so a
request costs no conversion and no query.
"""

from __future__ import annotations

from functools import cache

from api.domain import forms as domain
from api.domain.identification import IDENTIFICATION_DOCUMENTS, IdentificationDocument
from api.domain.vocabulary import Locale, RegistrationTypeCode
from api.resolvers.context import Info
from api.schema.enums import FieldKindEnum, IdentificationTypeEnum, RegistrationTypeCodeEnum
from api.schema.forms import (
    FieldDependency,
    FieldSpec,
    IdentificationDocumentType,
    RegistrationType,
)


def _pick(locale: Locale, es: str, en: str) -> str:
    return en if locale is Locale.EN else es


def _pick_optional(locale: Locale, es: str | None, en: str | None) -> str | None:
    return en if locale is Locale.EN else es


def dependency_shape(dependency: domain.FieldDependency, locale: Locale) -> FieldDependency:
    return FieldDependency(
        field=dependency.field,
        equals=dependency.equals,
        reason=_pick(locale, dependency.reason_es, dependency.reason_en),
    )


def field_shape(spec: domain.FieldSpec, locale: Locale) -> FieldSpec:
    return FieldSpec(
        name=spec.name,
        label=_pick(locale, spec.label_es, spec.label_en),
        kind=FieldKindEnum[spec.kind.name],
        required=spec.required,
        editable=spec.editable,
        max_length=spec.max_length,
        pattern=spec.pattern,
        format_hint=spec.format_hint,
        catalog=spec.catalog,
        search=spec.search,
        depends_on=dependency_shape(spec.depends_on, locale) if spec.depends_on else None,
        default=spec.default,
        help=_pick_optional(locale, spec.help_es, spec.help_en),
        value_path=spec.value_path,
    )


def document_shape(document: IdentificationDocument, locale: Locale) -> IdentificationDocumentType:
    return IdentificationDocumentType(
        code=IdentificationTypeEnum[document.code.name],
        name=_pick(locale, document.name_es, document.name_en),
        description=_pick(locale, document.description_es, document.description_en),
        pattern=document.pattern,
        max_length=document.max_length,
    )


@cache
def _documents(locale: Locale) -> dict[str, IdentificationDocumentType]:
    return {
        document.code.value: document_shape(document, locale)
        for document in IDENTIFICATION_DOCUMENTS
    }


@cache
def _registration_types(locale: Locale) -> dict[RegistrationTypeCode, RegistrationType]:
    documents = _documents(locale)
    return {
        spec.code: RegistrationType(
            code=RegistrationTypeCodeEnum[spec.code.name],
            name=_pick(locale, spec.name_es, spec.name_en),
            description=_pick(locale, spec.description_es, spec.description_en),
            accepted_documents=[documents[code.value] for code in spec.accepted_documents],
            fields=[field_shape(field, locale) for field in spec.fields],
            notes=_pick_optional(locale, spec.notes_es, spec.notes_en),
            requires_company_permission=spec.requires_company_permission,
        )
        for spec in domain.REGISTRATION_TYPES
    }


def registration_types(info: Info) -> list[RegistrationType]:
    return list(_registration_types(info.context.locale).values())


def registration_type(info: Info, code: RegistrationTypeCodeEnum) -> RegistrationType | None:
    return _registration_types(info.context.locale).get(RegistrationTypeCode(code.value))


def identification_document_types(info: Info) -> list[IdentificationDocumentType]:
    return list(_documents(info.context.locale).values())
