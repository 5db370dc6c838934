"""Reading who holds a certificate, in both layouts of Ecuador's accredited CAs
(`data/ec-signing-certificates/`): the subject of ARCOTEL-2024-0176 and the private extensions
under each CA's PEN, with the kind each CA marks in its policies."""

from __future__ import annotations

import functools

import pytest
from asn1crypto import core
from cryptography import x509

from api.domain.certificate_holders import (
    ACCREDITED_CAS,
    CertificateHolder,
    CertificateKind,
    CertificateLayout,
    configured_authorities,
    extension_text,
    read_certificate_holder,
)
from tests.support.pki import (
    ARGOS_DATA_PEN,
    BANCO_CENTRAL_PEN,
    COMPANY_MEMBER_POLICY,
    CONSEJO_JUDICATURA_PEN,
    LEGAL_REPRESENTATIVE_POLICY,
    NATURAL_PERSON_POLICY,
    SECURITY_DATA_PEN,
    Holder,
    Layout,
    TestCA,
    make_ca,
)

CEDULA = "1710034065"
COMPANY_RUC = "1790123456001"
PERSON = Holder(
    cedula=CEDULA, given_names="MARIA JOSE", first_surname="ANDRADE", second_surname="PAZ"
)
REPRESENTATIVE = Holder(
    cedula=CEDULA,
    given_names="MARIA JOSE",
    first_surname="ANDRADE",
    second_surname="PAZ",
    position="GERENTE GENERAL",
    company_ruc=COMPANY_RUC,
    company_name="IMPORTADORA ANDINA S.A.",
)
DEFAULT = configured_authorities(())


@functools.cache
def _ca() -> TestCA:
    return make_ca("AC Pruebas")


def _holder(certificate: x509.Certificate, pens: tuple[str, ...] = ()) -> CertificateHolder:
    return read_certificate_holder(certificate, authorities=configured_authorities(pens))


@pytest.mark.parametrize("layout", ["subject", "extensions"])
def test_a_natural_persons_cedula_and_name_are_read_in_either_layout(layout: Layout) -> None:
    signer = _ca().issue_holder(PERSON, layout=layout)
    holder = _holder(signer.certificate)
    assert holder.identification == CEDULA
    assert holder.name == "MARIA JOSE ANDRADE PAZ"
    assert holder.kind is CertificateKind.NATURAL_PERSON
    assert holder.layout is CertificateLayout(layout.upper())
    assert holder.certification_authority == "Security Data"
    assert holder.company_ruc is None


@pytest.mark.parametrize("layout", ["subject", "extensions"])
def test_a_company_certificate_names_the_person_and_the_companys_ruc(layout: Layout) -> None:
    policy = LEGAL_REPRESENTATIVE_POLICY if layout == "subject" else "2.9"
    signer = _ca().issue_holder(REPRESENTATIVE, layout=layout, kind_policy=policy)
    holder = _holder(signer.certificate)
    assert holder.kind is CertificateKind.LEGAL_REPRESENTATIVE
    assert holder.identification == CEDULA
    assert holder.company_ruc == COMPANY_RUC
    assert holder.company_name == "IMPORTADORA ANDINA S.A."
    assert holder.position == "GERENTE GENERAL"


@pytest.mark.parametrize(
    ("pen", "policy", "kind"),
    [
        # ARCOTEL-2024-0176's kinds under Security Data's PEN.
        (SECURITY_DATA_PEN, NATURAL_PERSON_POLICY, CertificateKind.NATURAL_PERSON),
        (SECURITY_DATA_PEN, COMPANY_MEMBER_POLICY, CertificateKind.COMPANY_MEMBER),
        (SECURITY_DATA_PEN, LEGAL_REPRESENTATIVE_POLICY, CertificateKind.LEGAL_REPRESENTATIVE),
        (SECURITY_DATA_PEN, "102.2.4.1", CertificateKind.ELECTRONIC_SEAL),
        # Security Data's older extension-layout kinds.
        (SECURITY_DATA_PEN, "2.10", CertificateKind.COMPANY_MEMBER),
        (SECURITY_DATA_PEN, "2.8", CertificateKind.LEGAL_ENTITY),
        # Banco Central's: .2.2.1 is its persona jurídica, .2.3.1 its public official.
        (BANCO_CENTRAL_PEN, "2.2.1", CertificateKind.LEGAL_ENTITY),
        (BANCO_CENTRAL_PEN, "2.3.1", CertificateKind.PUBLIC_OFFICIAL),
        # Argos Data's .2.2.1 is a legal representative, not a member of a company.
        (ARGOS_DATA_PEN, "2.2.1", CertificateKind.LEGAL_REPRESENTATIVE),
        # A policy the CA does not list marks no kind.
        (SECURITY_DATA_PEN, "2.99.1", CertificateKind.UNSPECIFIED),
    ],
)
def test_each_ca_marks_the_kind_with_its_own_policies(
    pen: str, policy: str, kind: CertificateKind
) -> None:
    signer = _ca().issue_holder(REPRESENTATIVE, layout="subject", pen=pen, kind_policy=policy)
    assert _holder(signer.certificate).kind is kind


def test_the_extension_layout_is_read_before_the_subjects_serial_number() -> None:
    # Banco Central's older certificates carry a number of the CA's own in serialNumber.
    signer = _ca().issue_holder(
        REPRESENTATIVE, layout="extensions", pen=BANCO_CENTRAL_PEN, kind_policy="2.2.1"
    )
    holder = _holder(signer.certificate)
    assert holder.layout is CertificateLayout.EXTENSIONS
    assert holder.identification == CEDULA
    assert holder.certification_authority == "Banco Central del Ecuador"
    assert holder.pen == BANCO_CENTRAL_PEN


def test_the_consejo_de_la_judicatura_numbers_its_fields_under_pen_1_3() -> None:
    signer = _ca().issue_holder(
        REPRESENTATIVE,
        layout="extensions",
        pen=CONSEJO_JUDICATURA_PEN,
        field_arc="1.3",
        kind_policy="1.2.1.4",
    )
    holder = _holder(signer.certificate)
    assert (holder.identification, holder.company_ruc) == (CEDULA, COMPANY_RUC)
    assert holder.kind is CertificateKind.COMPANY_MEMBER
    assert holder.certification_authority == "Consejo de la Judicatura"


def test_a_configured_pen_not_listed_is_read_with_the_generic_numbering() -> None:
    pen = "1.3.6.1.4.1.99999"
    signer = _ca().issue_holder(
        REPRESENTATIVE, layout="extensions", pen=pen, kind_policy=LEGAL_REPRESENTATIVE_POLICY
    )
    holder = _holder(signer.certificate, pens=(pen,))
    assert holder.layout is CertificateLayout.EXTENSIONS
    assert holder.kind is CertificateKind.LEGAL_REPRESENTATIVE
    assert (holder.identification, holder.company_ruc) == (CEDULA, COMPANY_RUC)
    # A CA not listed is named by its certificate's issuer.
    assert holder.certification_authority == "Pruebas Ecuapass"


def test_the_extensions_of_a_pen_not_configured_are_not_read() -> None:
    signer = _ca().issue_holder(REPRESENTATIVE, layout="extensions", pen="1.3.6.1.4.1.99999")
    holder = _holder(signer.certificate)
    assert holder.layout is CertificateLayout.SUBJECT
    assert holder.identification == "0000071234"
    assert holder.kind is CertificateKind.UNSPECIFIED
    assert holder.company_ruc is None


def test_configuring_a_further_pen_keeps_the_accredited_cas_read() -> None:
    signer = _ca().issue_holder(PERSON, layout="extensions", pen=BANCO_CENTRAL_PEN)
    holder = _holder(signer.certificate, pens=("1.3.6.1.4.1.99999",))
    assert holder.layout is CertificateLayout.EXTENSIONS
    assert holder.identification == PERSON.cedula


def test_a_certificate_of_no_known_ca_is_read_from_its_subject() -> None:
    signer = _ca().issue(serial_number=f"IDCEC-{CEDULA}", common_name="MARIA ANDRADE")
    holder = _holder(signer.certificate)
    assert holder.identification == CEDULA
    assert holder.name == "MARIA ANDRADE"
    assert holder.kind is CertificateKind.UNSPECIFIED
    assert holder.pen is None


def test_every_accredited_ca_listed_in_the_shared_page_is_configured_by_default() -> None:
    assert {
        "1.3.6.1.4.1.37947",
        "1.3.6.1.4.1.37746",
        "1.3.6.1.4.1.18332",
        "1.3.6.1.4.1.37442",
    } <= {ca.pen for ca in DEFAULT}
    assert DEFAULT == ACCREDITED_CAS


def test_configured_pens_are_deduplicated_and_trimmed() -> None:
    authorities = configured_authorities(
        [" 1.3.6.1.4.1.99999 ", "1.3.6.1.4.1.99999.", "", ACCREDITED_CAS[0].pen]
    )
    assert [ca.pen for ca in authorities] == [
        *(ca.pen for ca in ACCREDITED_CAS),
        "1.3.6.1.4.1.99999",
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (core.UTF8String("JOSÉ  PÉREZ ").dump(), "JOSÉ PÉREZ"),
        (core.PrintableString("1710034065").dump(), "1710034065"),
        (core.IA5String("GERENTE").dump(), "GERENTE"),
        (core.BMPString("QUITO").dump(), "QUITO"),
        # Some older certificates carry the bare UTF-8 bytes.
        (b"1710034065", "1710034065"),
        ("PEÑA".encode(), "PEÑA"),
        (core.Integer(5).dump(), None),
        (b"\xff\xfe\x00", None),
        (core.UTF8String("A\x00B").dump(), None),
        (b"", None),
    ],
)
def test_a_private_extension_reads_as_text_only_when_it_holds_a_string(
    data: bytes, text: str | None
) -> None:
    assert extension_text(data) == text
