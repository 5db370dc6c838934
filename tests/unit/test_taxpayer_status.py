"""The taxpayer's state in the SRI's RUC registry (ESTADO_CONTRIBUYENTE): read from the registry's
rows, and a company whose RUC is not active does not sign the agreement."""

from __future__ import annotations

import pytest

from api.domain.companies import TaxpayerStatus
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.signing_rights import SigningParty, require_active_organization
from api.domain.sri_registry import read_registry_row
from api.domain.vocabulary import Locale

RUC = "1790123456001"
ROW = {"NUMERO_RUC": RUC, "RAZON_SOCIAL": "IMPORTADORA ANDINA S.A."}


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("ACTIVO", TaxpayerStatus.ACTIVE),
        ("SUSPENDIDO", TaxpayerStatus.SUSPENDED),
        ("PASIVO", TaxpayerStatus.PASSIVE),
        (" pasivo ", TaxpayerStatus.PASSIVE),
    ],
)
def test_each_state_of_the_registry_is_read_from_its_own_word(
    word: str, status: TaxpayerStatus
) -> None:
    assert read_registry_row({**ROW, "ESTADO_CONTRIBUYENTE": word}).taxpayer_status is status


@pytest.mark.parametrize(
    "row", [ROW, {**ROW, "ESTADO_CONTRIBUYENTE": "  "}], ids=["no-column", "blank"]
)
def test_a_row_without_the_state_says_nothing_of_it(row: dict[str, str]) -> None:
    assert read_registry_row(row).taxpayer_status is None


@pytest.mark.parametrize("word", ["ACTIVA", "CANCELADO", "A", "SUSPENDIDO TEMPORAL"])
def test_a_state_the_registry_does_not_have_is_refused_under_its_column(word: str) -> None:
    with pytest.raises(DomainError) as refused:
        read_registry_row({**ROW, "ESTADO_CONTRIBUYENTE": word})
    assert refused.value.errors == (FieldError("ESTADO_CONTRIBUYENTE", ErrorCode.INVALID_CHOICE),)


def test_a_bad_state_is_reported_with_the_rows_other_errors() -> None:
    with pytest.raises(DomainError) as refused:
        read_registry_row({"NUMERO_RUC": RUC, "RAZON_SOCIAL": "", "ESTADO_CONTRIBUYENTE": "X"})
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("RAZON_SOCIAL", ErrorCode.REQUIRED),
        ("ESTADO_CONTRIBUYENTE", ErrorCode.INVALID_CHOICE),
    ]


def _representative(status: TaxpayerStatus | None) -> SigningParty:
    """A Representante de Comercio Exterior, registered with its company's RUC."""
    return SigningParty(identification=RUC, company_ruc=RUC, company_taxpayer_status=status)


@pytest.mark.parametrize(
    ("status", "word"),
    [(TaxpayerStatus.SUSPENDED, "SUSPENDIDO"), (TaxpayerStatus.PASSIVE, "PASIVO")],
)
def test_a_company_whose_ruc_is_not_active_may_not_sign(status: TaxpayerStatus, word: str) -> None:
    with pytest.raises(DomainError) as refused:
        require_active_organization(_representative(status))
    [error] = refused.value.errors
    assert (error.field, error.code) == (None, ErrorCode.RUC_NOT_ACTIVE)
    spanish = error_message(error)
    assert RUC in spanish
    assert word in spanish
    assert "SRI" in spanish
    assert f"{word} (" in error_message(error, Locale.EN)


@pytest.mark.parametrize("status", [TaxpayerStatus.ACTIVE, None], ids=["active", "not-known"])
def test_an_active_company_or_one_whose_state_is_not_known_yet_may_sign(
    status: TaxpayerStatus | None,
) -> None:
    require_active_organization(_representative(status))


def test_an_employee_of_a_suspended_company_signs_as_itself_and_is_not_refused() -> None:
    employee = SigningParty(
        identification="1704567898",
        company_ruc=RUC,
        company_taxpayer_status=TaxpayerStatus.SUSPENDED,
    )
    require_active_organization(employee)


def test_the_state_of_another_company_than_the_operators_own_ruc_does_not_refuse() -> None:
    # An operator registered with a company RUC whose stored company is another one (data from
    # before the rule that a representative's company is its own RUC).
    party = SigningParty(
        identification=RUC,
        company_ruc="1760001200001",
        company_taxpayer_status=TaxpayerStatus.PASSIVE,
    )
    require_active_organization(party)
