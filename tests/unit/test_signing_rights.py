"""Who may sign the agreement for whom (`signing_capacity`): a person for itself, a company
through its legal representative or a member, or through its registered legal representative's
own certificate."""

from __future__ import annotations

import pytest

from api.domain.certificate_holders import CertificateHolder, CertificateKind, CertificateLayout
from api.domain.signing_rights import (
    SigningCapacity,
    SigningParty,
    identification_names_user,
    signing_capacity,
)

CEDULA = "1710034065"
OTHER_CEDULA = "1714307103"
COMPANY_RUC = "1790123456001"
OTHER_COMPANY_RUC = "0990017514001"
PUBLIC_ENTITY_RUC = "1760001550001"
COMPANY = SigningParty(
    identification=COMPANY_RUC, company_ruc=COMPANY_RUC, legal_representative_cedula=CEDULA
)


def _holder(
    kind: CertificateKind,
    *,
    identification: str | None = CEDULA,
    company_ruc: str | None = None,
) -> CertificateHolder:
    return CertificateHolder(
        layout=CertificateLayout.SUBJECT,
        kind=kind,
        certification_authority="Security Data",
        pen="1.3.6.1.4.1.37746",
        identification=identification,
        name="MARIA JOSE ANDRADE PAZ",
        position=None,
        company_ruc=company_ruc,
        company_name=None,
    )


@pytest.mark.parametrize("identification", [CEDULA, f"{CEDULA}001"])
def test_a_natural_person_signs_for_itself_by_cedula_or_its_ruc(identification: str) -> None:
    party = SigningParty(identification=identification)
    capacity = signing_capacity(holder=_holder(CertificateKind.NATURAL_PERSON), party=party)
    assert capacity is SigningCapacity.HOLDER_ITSELF


def test_a_passport_holder_signs_with_the_passport_its_certificate_names() -> None:
    holder = _holder(CertificateKind.NATURAL_PERSON, identification="A1234567")
    party = SigningParty(identification="a1234567")
    assert signing_capacity(holder=holder, party=party) is SigningCapacity.HOLDER_ITSELF


def test_another_persons_certificate_signs_for_nobody() -> None:
    holder = _holder(CertificateKind.NATURAL_PERSON, identification=OTHER_CEDULA)
    assert signing_capacity(holder=holder, party=SigningParty(identification=CEDULA)) is None


@pytest.mark.parametrize(
    "kind",
    [
        CertificateKind.LEGAL_REPRESENTATIVE,
        CertificateKind.COMPANY_MEMBER,
        CertificateKind.LEGAL_ENTITY,
        CertificateKind.PUBLIC_OFFICIAL,
    ],
)
def test_a_company_signs_with_a_company_certificate_naming_its_ruc(
    kind: CertificateKind,
) -> None:
    holder = _holder(kind, identification=OTHER_CEDULA, company_ruc=COMPANY_RUC)
    assert signing_capacity(holder=holder, party=COMPANY) is SigningCapacity.FOR_ORGANIZATION


def test_a_company_certificate_of_another_company_is_refused() -> None:
    holder = _holder(CertificateKind.LEGAL_REPRESENTATIVE, company_ruc=OTHER_COMPANY_RUC)
    party = SigningParty(identification=COMPANY_RUC, company_ruc=COMPANY_RUC)
    assert signing_capacity(holder=holder, party=party) is None


def test_a_natural_person_certificate_naming_a_company_ruc_does_not_sign_for_it() -> None:
    holder = _holder(
        CertificateKind.NATURAL_PERSON, identification=OTHER_CEDULA, company_ruc=COMPANY_RUC
    )
    assert signing_capacity(holder=holder, party=COMPANY) is None


def test_the_first_ten_digits_of_a_company_ruc_name_nobody() -> None:
    holder = _holder(CertificateKind.NATURAL_PERSON, identification=COMPANY_RUC[:10])
    assert signing_capacity(holder=holder, party=SigningParty(identification=COMPANY_RUC)) is None
    # A natural person's RUC is named by its cédula.
    assert identification_names_user(named=CEDULA, identification=f"{CEDULA}001")
    assert not identification_names_user(named=COMPANY_RUC[:10], identification=COMPANY_RUC)


def test_the_registered_legal_representative_signs_with_its_natural_person_certificate() -> None:
    holder = _holder(CertificateKind.NATURAL_PERSON, identification=CEDULA)
    capacity = signing_capacity(holder=holder, party=COMPANY)
    assert capacity is SigningCapacity.REGISTERED_LEGAL_REPRESENTATIVE


def test_a_natural_person_who_is_not_the_registered_legal_representative_is_refused() -> None:
    holder = _holder(CertificateKind.NATURAL_PERSON, identification=OTHER_CEDULA)
    assert signing_capacity(holder=holder, party=COMPANY) is None


def test_without_a_registered_legal_representative_only_company_certificates_sign() -> None:
    party = SigningParty(identification=COMPANY_RUC, company_ruc=COMPANY_RUC)
    person = _holder(CertificateKind.NATURAL_PERSON)
    member = _holder(CertificateKind.COMPANY_MEMBER, company_ruc=COMPANY_RUC)
    assert signing_capacity(holder=person, party=party) is None
    assert signing_capacity(holder=member, party=party) is SigningCapacity.FOR_ORGANIZATION


def test_an_electronic_seal_signs_for_nobody() -> None:
    seal = _holder(
        CertificateKind.ELECTRONIC_SEAL, identification=COMPANY_RUC, company_ruc=COMPANY_RUC
    )
    assert signing_capacity(holder=seal, party=COMPANY) is None
    assert signing_capacity(holder=seal, party=SigningParty(identification=COMPANY_RUC)) is None


def test_a_certificate_without_a_cedula_signs_for_nobody() -> None:
    holder = _holder(
        CertificateKind.LEGAL_REPRESENTATIVE, identification=None, company_ruc=COMPANY_RUC
    )
    assert signing_capacity(holder=holder, party=COMPANY) is None


def test_an_employee_with_its_own_cedula_does_not_sign_for_its_company() -> None:
    # An employee is registered with its cédula; its company's RUC is only its employer's.
    employee = SigningParty(identification=OTHER_CEDULA, company_ruc=COMPANY_RUC)
    member = _holder(CertificateKind.COMPANY_MEMBER, identification=CEDULA, company_ruc=COMPANY_RUC)
    assert signing_capacity(holder=member, party=employee) is None


@pytest.mark.parametrize(
    ("identification", "company_ruc", "organization"),
    [
        (COMPANY_RUC, COMPANY_RUC, COMPANY_RUC),
        # A legal person's or public institution's RUC names an organisation by itself.
        (COMPANY_RUC, None, COMPANY_RUC),
        (PUBLIC_ENTITY_RUC, None, PUBLIC_ENTITY_RUC),
        # A natural person's RUC (third digit below 6) is the person's.
        (f"{CEDULA}001", None, None),
        (f"{CEDULA}001", f"{CEDULA}001", f"{CEDULA}001"),
        (CEDULA, COMPANY_RUC, None),
        ("A1234567", None, None),
    ],
)
def test_an_operator_is_an_organisation_when_registered_with_its_ruc(
    identification: str, company_ruc: str | None, organization: str | None
) -> None:
    party = SigningParty(identification=identification, company_ruc=company_ruc)
    assert party.organization_ruc == organization
