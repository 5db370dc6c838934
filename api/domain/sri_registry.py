"""Rows of the SRI's RUC registry ("Catastro RUC"), as its open data publishes it.

The SRI publishes the registry per province (`SRI_RUC_<Provincia>.csv`): one row per
*establishment*, fields separated by `|`, the header naming them:

    NUMERO_RUC|RAZON_SOCIAL|CODIGO_JURISDICCION|ESTADO_CONTRIBUYENTE|CLASE_CONTRIBUYENTE|
    FECHA_INICIO_ACTIVIDADES|FECHA_ACTUALIZACION|FECHA_SUSPENSION_DEFINITIVA|
    FECHA_REINICIO_ACTIVIDADES|OBLIGADO|TIPO_CONTRIBUYENTE|NUMERO_ESTABLECIMIENTO|
    NOMBRE_FANTASIA_COMERCIAL|ESTADO_ESTABLECIMIENTO|DESCRIPCION_PROVINCIA_EST|
    DESCRIPCION_CANTON_EST|DESCRIPCION_PARROQUIA_EST|CODIGO_CIIU|ACTIVIDAD_ECONOMICA|
    AGENTE_RETENCION|ESPECIAL

Only NUMERO_RUC and RAZON_SOCIAL are needed; the razón social is the company's, so only the main
establishment (NUMERO_ESTABLECIMIENTO 1, when the column is there) is read and the others are
skipped. The open data does not carry the legal representative (the SRI shows it in its RUC
consultation), so two more columns are accepted when a file has them:
REPRESENTANTE_LEGAL and IDENTIFICACION_REPRESENTANTE_LEGAL; a row without them keeps what is
stored. ESTADO_CONTRIBUYENTE, the taxpayer's state (ACTIVO, SUSPENDIDO or PASIVO), is kept with
the company: a company whose RUC is not active does not sign the agreement
(`api.domain.signing_rights`). A row or file without it keeps the stored state; any other word
is refused, since a state misread as active would let such a company sign. Other columns are
ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Final

from api.domain.companies import (
    SRI_TAXPAYER_STATUS_WORDS,
    CleanCompanyData,
    CompanyData,
    TaxpayerStatus,
    validate_company_data,
)
from api.domain.errors import DomainError, ErrorCode, FieldError

RUC_COLUMN: Final = "NUMERO_RUC"
NAME_COLUMN: Final = "RAZON_SOCIAL"
ESTABLISHMENT_COLUMN: Final = "NUMERO_ESTABLECIMIENTO"
REPRESENTATIVE_COLUMN: Final = "REPRESENTANTE_LEGAL"
REPRESENTATIVE_ID_COLUMN: Final = "IDENTIFICACION_REPRESENTANTE_LEGAL"
STATUS_COLUMN: Final = "ESTADO_CONTRIBUYENTE"
REQUIRED_COLUMNS: Final = (RUC_COLUMN, NAME_COLUMN)
DELIMITERS: Final = "|,;\t"

# The company fields of api/domain/companies.py, named as the file's columns.
_COLUMN_OF_FIELD: Final = {
    "companyRuc": RUC_COLUMN,
    "companyName": NAME_COLUMN,
    "legalRepresentativeName": REPRESENTATIVE_COLUMN,
    "legalRepresentativeIdentification": REPRESENTATIVE_ID_COLUMN,
}


def delimiter_of(header_line: str) -> str:
    """The published files use `|`; a file re-saved by a spreadsheet may use `,` `;` or a tab.
    The header decides: the delimiter that splits off NUMERO_RUC."""
    line = header_line.lstrip("\ufeff").strip()
    for delimiter in DELIMITERS:
        if RUC_COLUMN in (column.strip().strip('"').upper() for column in line.split(delimiter)):
            return delimiter
    return DELIMITERS[0]


def header_errors(columns: Sequence[str]) -> list[FieldError]:
    """REQUIRED for each needed column the header lacks."""
    present = {normalize_column(column) for column in columns}
    return [
        FieldError(column, ErrorCode.REQUIRED)
        for column in REQUIRED_COLUMNS
        if column not in present
    ]


def normalize_column(column: str) -> str:
    return column.lstrip("\ufeff").strip().upper()


def is_main_establishment(row: Mapping[str, str | None]) -> bool:
    """Whether the row is the company's main establishment (or the file has one row per RUC)."""
    number = (row.get(ESTABLISHMENT_COLUMN) or "").strip()
    return not number or number.lstrip("0") == "1"


_STATUS_OF_WORD: Final = {word: status for status, word in SRI_TAXPAYER_STATUS_WORDS.items()}


def taxpayer_status_of(word: str | None) -> TaxpayerStatus | None:
    """The state an ESTADO_CONTRIBUYENTE cell names (None for an empty cell), or DomainError
    INVALID_CHOICE."""
    if word is None or not word.strip():
        return None
    status = _STATUS_OF_WORD.get(word.strip().upper())
    if status is None:
        raise DomainError.single(STATUS_COLUMN, ErrorCode.INVALID_CHOICE)
    return status


def read_registry_row(row: Mapping[str, str | None]) -> CleanCompanyData:
    """The company of one row (keys: normalised column names), or DomainError naming the
    columns at fault. The razón social is required; the legal representative and the
    taxpayer's state are optional."""

    def cell(column: str) -> str | None:
        value = row.get(column)
        return value.strip() or None if value is not None else None

    errors: list[FieldError] = []
    company: CleanCompanyData | None = None
    try:
        company = validate_company_data(
            CompanyData(
                ruc=cell(RUC_COLUMN) or "",
                name=cell(NAME_COLUMN),
                legal_representative_name=cell(REPRESENTATIVE_COLUMN),
                legal_representative_identification=cell(REPRESENTATIVE_ID_COLUMN),
            ),
            require_name=True,
        )
    except DomainError as error:
        errors.extend(
            FieldError(_COLUMN_OF_FIELD.get(e.field or "", e.field), e.code, e.params)
            for e in error.errors
        )
    status: TaxpayerStatus | None = None
    try:
        status = taxpayer_status_of(cell(STATUS_COLUMN))
    except DomainError as error:
        errors.extend(error.errors)
    if errors or company is None:
        raise DomainError(errors)
    return dataclasses.replace(company, taxpayer_status=status)
