"""The signed electronic-channels agreement: a CMS detached signature over the exact text, by a
certificate of a trusted CA, valid now, made for signing, that names the user (issue 6)."""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.domain.certificate_holders import (
    CertificateKind,
    CertificateLayout,
    CertificationAuthority,
    configured_authorities,
)
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.signatures import SignatureEvidence, crlf_canonical, verify_agreement_signature
from api.domain.signing_rights import SigningCapacity, SigningParty, identification_names_user
from api.persistence.trust_store import load_trust_anchors
from tests.support.pki import (
    COMPANY_MEMBER_POLICY,
    LEGAL_REPRESENTATIVE_POLICY,
    NATURAL_PERSON_POLICY,
    Holder,
    KeyType,
    Layout,
    TestCA,
    TestSigner,
    make_ca,
)

TEXT = (
    "CONVENIO PARA LA UTILIZACIÓN DE CANALES ELECTRÓNICOS O TECNOLÓGICOS DEL SENAE\n\n"
    "PRIMERA. OBJETO. El usuario acepta las condiciones de uso del sistema Ecuapass.\n"
)
CEDULA = "0912345675"
RUC = "0912345675001"
NOW = datetime(2026, 1, 15, 15, 30, tzinfo=UTC)


@functools.cache
def _ca() -> TestCA:
    return make_ca("Test CA")


@functools.cache
def _signer() -> TestSigner:
    return _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ")


def _anchors(*cas: TestCA) -> tuple[bytes, ...]:
    return tuple(ca.certificate_pem.encode("ascii") for ca in (cas or (_ca(),)))


def _verify(
    *,
    signer: TestSigner | None = None,
    text: str = TEXT,
    signature: str | None = None,
    certificate: str | None = None,
    anchors: tuple[bytes, ...] | None = None,
    now: datetime = NOW,
    identification: str = CEDULA,
    party: SigningParty | None = None,
    authorities: tuple[CertificationAuthority, ...] | None = None,
) -> SignatureEvidence:
    signer = signer or _signer()
    return verify_agreement_signature(
        text=text,
        signature_b64=signer.sign(TEXT) if signature is None else signature,
        certificate_pem=signer.certificate_pem if certificate is None else certificate,
        trust_anchors=_anchors() if anchors is None else anchors,
        now=now,
        party=party or SigningParty(identification=identification),
        authorities=configured_authorities(()) if authorities is None else authorities,
    )


def _refusal(**arguments: Any) -> FieldError:
    with pytest.raises(DomainError) as caught:
        _verify(**arguments)
    assert len(caught.value.errors) == 1
    return caught.value.errors[0]


BAD_SIGNATURE = FieldError("signature", ErrorCode.BAD_SIGNATURE)
UNTRUSTED = FieldError("certificate", ErrorCode.UNTRUSTED_CERTIFICATE)
EXPIRED = FieldError("certificate", ErrorCode.CERTIFICATE_EXPIRED)
NOT_FOR_SIGNING = FieldError("certificate", ErrorCode.CERTIFICATE_NOT_FOR_SIGNING)
MISMATCH = FieldError("certificate", ErrorCode.SIGNER_MISMATCH)


def _with_signer_id(signature: str, sid: cms.SignerIdentifier) -> str:
    """The same CMS with another SignerInfo.sid (the sid is not covered by the signature)."""
    info = cms.ContentInfo.load(base64.b64decode(signature))
    info["content"]["signer_infos"][0]["sid"] = sid
    return base64.b64encode(info.dump(force=True)).decode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- A valid signature ---------------------------------------------------------------------------


def test_valid_signature_is_accepted_and_returns_the_evidence() -> None:
    signer = _signer()
    evidence = _verify()
    der = signer.certificate.public_bytes(serialization.Encoding.DER)
    assert evidence.certificate_sha256 == hashlib.sha256(der).hexdigest()
    assert evidence.subject_serial_number == CEDULA
    assert "serialNumber=0912345675" in evidence.subject
    assert "CN=JUAN PEREZ" in evidence.subject
    assert "CN=Test CA" in evidence.issuer
    assert evidence.not_before == signer.certificate.not_valid_before_utc
    assert evidence.not_after == signer.certificate.not_valid_after_utc
    assert evidence.signed_at is not None
    assert evidence.signed_at.tzinfo is not None


def test_signature_wrapped_in_lines_and_pem_armor_is_accepted() -> None:
    raw = _signer().sign(TEXT)
    lines = "\n".join(raw[i : i + 64] for i in range(0, len(raw), 64))
    assert _verify(signature=f"-----BEGIN PKCS7-----\n{lines}\n-----END PKCS7-----\n")


@pytest.mark.parametrize(
    ("key_type", "algorithm", "rsa_pss"),
    [
        ("ec", hashes.SHA256(), False),
        ("ec", hashes.SHA384(), False),
        ("ec", hashes.SHA512(), False),
        ("rsa", hashes.SHA256(), False),
        ("rsa", hashes.SHA512(), False),
        ("rsa", hashes.SHA256(), True),
    ],
    ids=["ecdsa-sha256", "ecdsa-sha384", "ecdsa-sha512", "rsa-sha256", "rsa-sha512", "rsa-pss"],
)
def test_rsa_and_ecdsa_signatures_with_sha2_are_accepted(
    key_type: KeyType, algorithm: pkcs7.PKCS7HashTypes, rsa_pss: bool
) -> None:
    signer = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ", key_type=key_type)
    signature = signer.sign(TEXT, hash_algorithm=algorithm, rsa_pss=rsa_pss)
    assert _verify(signer=signer, signature=signature).subject_serial_number == CEDULA


def test_signature_without_signed_attributes_is_verified_over_the_text() -> None:
    signature = _signer().sign(TEXT, signed_attributes=False)
    assert _verify(signature=signature).signed_at is None
    assert _refusal(signature=signature, text=TEXT + " ") == BAD_SIGNATURE


def test_attached_content_is_accepted_only_when_it_is_the_text() -> None:
    def attached(content: str) -> str:
        signer = _signer()
        der = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content.encode("utf-8"))
            .add_signer(signer.certificate, signer.private_key, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
        )
        return _b64(der)

    assert _verify(signature=attached(TEXT))
    assert _refusal(signature=attached("otro texto")) == BAD_SIGNATURE


def test_signer_identified_by_subject_key_identifier_is_accepted() -> None:
    signer = _signer()
    key_id = signer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    sid = cms.SignerIdentifier({"subject_key_identifier": key_id.value.digest})
    assert _verify(signature=_with_signer_id(signer.sign(TEXT), sid))


# --- Text mode: the CRLF-canonical form of the text -----------------------------------------------


def test_signature_in_smime_text_mode_with_crlf_line_ends_is_accepted() -> None:
    # cryptography's PKCS#7 builder without `Binary` signs the text with CR LF line ends.
    evidence = _verify(signature=_signer().sign(TEXT, binary=False))
    assert evidence.line_ends == "CRLF"
    assert _verify().line_ends == "AS_SERVED"


def test_signature_made_by_openssl_cms_sign_with_its_defaults_is_accepted() -> None:
    evidence = _verify(signature=_signer().sign_with_openssl(TEXT))
    assert evidence.line_ends == "CRLF"
    assert evidence.holder.identification == CEDULA


def test_signature_made_by_openssl_cms_sign_binary_is_accepted_as_served() -> None:
    signature = _signer().sign_with_openssl(TEXT, extra_arguments=("-binary",))
    assert _verify(signature=signature).line_ends == "AS_SERVED"


def test_text_mode_signature_without_signed_attributes_is_accepted() -> None:
    signature = _signer().sign(TEXT, binary=False, signed_attributes=False)
    assert _verify(signature=signature).line_ends == "CRLF"


def test_text_mode_signature_of_another_text_is_refused() -> None:
    signature = _signer().sign(TEXT.replace("PRIMERA", "SEGUNDA"), binary=False)
    assert _refusal(signature=signature) == BAD_SIGNATURE


def test_a_text_served_with_crlf_is_signed_as_is_in_either_mode() -> None:
    served = TEXT.replace("\n", "\r\n")
    for signature in (_signer().sign(served), _signer().sign(served, binary=False)):
        assert _verify(text=served, signature=signature).line_ends == "AS_SERVED"


def test_crlf_canonical_form_ends_every_line_with_cr_lf() -> None:
    assert crlf_canonical(b"a\nb\r\nc\n") == b"a\r\nb\r\nc\r\n"
    assert crlf_canonical("sin fin de línea".encode()) == "sin fin de línea".encode()


# --- openssl cms -sign -text: a MIME header block, then the CRLF-canonical text ------------------

TEXT_HEADER = b"Content-Type: text/plain\r\n\r\n"


def _signature_of(data: bytes, *, attached: bool = False) -> str:
    """A signature of exactly these bytes (no canonicalisation), detached or attached."""
    signer = _signer()
    options = [pkcs7.PKCS7Options.Binary]
    if not attached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(signer.certificate, signer.private_key, hashes.SHA256())
        .sign(serialization.Encoding.DER, options)
    )
    return _b64(der)


@pytest.mark.parametrize("attached", [False, True], ids=["detached", "attached"])
def test_signature_made_by_openssl_cms_sign_text_is_accepted(attached: bool) -> None:
    extra = ("-text", "-nodetach") if attached else ("-text",)
    signature = _signer().sign_with_openssl(TEXT, extra_arguments=extra)
    content = cms.ContentInfo.load(base64.b64decode(signature))["content"]["encap_content_info"]
    signed = content["content"].native
    assert (signed is not None) is attached
    if attached:
        assert signed == TEXT_HEADER + crlf_canonical(TEXT.encode("utf-8"))
    assert _verify(signature=signature).line_ends == "MIME_TEXT"


def test_the_text_header_before_the_canonical_text_is_accepted_detached_or_attached() -> None:
    signed = TEXT_HEADER + crlf_canonical(TEXT.encode("utf-8"))
    for attached in (False, True):
        assert _verify(signature=_signature_of(signed, attached=attached)).line_ends == "MIME_TEXT"


def test_the_text_header_before_a_text_without_line_ends_is_accepted() -> None:
    text = "CONVENIO DE USO DEL ECUAPASS"
    signature = _signature_of(TEXT_HEADER + text.encode("utf-8"))
    assert _verify(text=text, signature=signature).line_ends == "MIME_TEXT"


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n",
        b"Content-Type: text/html\r\n\r\n",
        b"content-type: text/plain\r\n\r\n",
        b"Content-Type: text/plain\n\n",
        b"Content-Type: text/plain\r\n",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        b"\r\n",
        b"Content-Type: text/plain\r\n\r\nContent-Type: text/plain\r\n\r\n",
    ],
    ids=[
        "with-charset",
        "another-type",
        "lower-case-name",
        "lf-line-ends",
        "no-blank-line",
        "another-header-too",
        "empty-header-block",
        "header-twice",
    ],
)
def test_any_other_header_block_before_the_text_is_refused(header: bytes) -> None:
    canonical = crlf_canonical(TEXT.encode("utf-8"))
    for attached in (False, True):
        signature = _signature_of(header + canonical, attached=attached)
        assert _refusal(signature=signature) == BAD_SIGNATURE


@pytest.mark.parametrize(
    "text",
    [
        TEXT.encode("utf-8"),  # the text as served (LF line ends): openssl canonicalises it
        crlf_canonical(TEXT.replace("PRIMERA", "SEGUNDA").encode("utf-8")),
        crlf_canonical(TEXT.encode("utf-8")) + b"\r\n",
        crlf_canonical(TEXT.encode("utf-8")) + b"x",
        crlf_canonical(TEXT.encode("utf-8"))[:-2],
    ],
    ids=["not-canonical", "another-text", "trailing-line", "trailing-garbage", "truncated"],
)
def test_the_text_header_before_anything_but_the_canonical_text_is_refused(text: bytes) -> None:
    for attached in (False, True):
        signature = _signature_of(TEXT_HEADER + text, attached=attached)
        assert _refusal(signature=signature) == BAD_SIGNATURE


def test_a_signature_of_the_text_header_alone_signs_no_agreement() -> None:
    for attached in (False, True):
        assert _refusal(signature=_signature_of(TEXT_HEADER, attached=attached)) == BAD_SIGNATURE


# --- BAD_SIGNATURE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        TEXT + "\n",
        TEXT.replace("PRIMERA", "SEGUNDA"),
        TEXT.replace("Ó", "O"),  # the same words, other bytes: the UTF-8 text is what is signed
        "",
    ],
)
def test_tampered_text_is_refused_as_bad_signature(text: str) -> None:
    assert _refusal(text=text) == BAD_SIGNATURE


def test_signature_by_another_certificate_than_the_one_given_is_refused() -> None:
    other = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    assert _refusal(signature=other.sign(TEXT)) == BAD_SIGNATURE


def test_signature_naming_the_certificate_but_made_with_another_key_is_refused() -> None:
    signer = _signer()
    other = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    certificate = asn1_x509.Certificate.load(
        signer.certificate.public_bytes(serialization.Encoding.DER)
    )
    sid = cms.SignerIdentifier(
        {
            "issuer_and_serial_number": {
                "issuer": certificate.issuer,
                "serial_number": certificate.serial_number,
            }
        }
    )
    assert _refusal(signature=_with_signer_id(other.sign(TEXT), sid)) == BAD_SIGNATURE


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "no es base64 !",
        "ñandú",
        _b64(b"not a CMS structure"),
        _b64(b"\x30\x03\x02\x01\x01"),
    ],
    ids=["empty", "not-base64", "non-ascii", "not-der", "not-content-info"],
)
def test_signature_that_is_not_a_base64_cms_is_refused(signature: str) -> None:
    assert _refusal(signature=signature) == BAD_SIGNATURE


def test_cms_that_is_not_signed_data_is_refused() -> None:
    data = cms.ContentInfo({"content_type": "data", "content": TEXT.encode("utf-8")})
    assert _refusal(signature=_b64(data.dump())) == BAD_SIGNATURE


def test_certificate_der_sent_as_signature_is_refused() -> None:
    der = _signer().certificate.public_bytes(serialization.Encoding.DER)
    assert _refusal(signature=_b64(der)) == BAD_SIGNATURE


def test_signature_with_a_digest_other_than_sha256_384_512_is_refused() -> None:
    assert _refusal(signature=_signer().sign(TEXT, hash_algorithm=hashes.SHA224())) == BAD_SIGNATURE


@pytest.mark.parametrize(
    "certificate",
    ["", "not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
)
def test_unreadable_certificate_is_refused_as_bad_signature(certificate: str) -> None:
    assert _refusal(certificate=certificate) == BAD_SIGNATURE


def test_oversized_inputs_are_refused_without_parsing() -> None:
    assert _refusal(signature="A" * 2_000_000) == BAD_SIGNATURE
    assert _refusal(certificate="A" * 2_000_000) == BAD_SIGNATURE


# --- UNTRUSTED_CERTIFICATE -----------------------------------------------------------------------


def test_certificate_of_an_untrusted_ca_is_refused() -> None:
    stranger = make_ca("Autoridad Desconocida").issue(serial_number=CEDULA, common_name="JUAN")
    assert _refusal(signer=stranger) == UNTRUSTED


def test_without_trust_anchors_every_certificate_is_untrusted() -> None:
    assert _refusal(anchors=()) == UNTRUSTED
    assert _refusal(anchors=(b"garbage",)) == UNTRUSTED


def test_trust_anchor_may_be_given_in_der() -> None:
    assert _verify(anchors=(_ca().certificate_der,))


def test_intermediate_ca_included_in_the_cms_chains_to_the_root() -> None:
    intermediate = _ca().intermediate("Subordinada")
    signer = intermediate.issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    assert _verify(signer=signer)


def test_intermediate_ca_after_the_signer_in_the_pem_chains_to_the_root() -> None:
    intermediate = _ca().intermediate("Subordinada")
    signer = intermediate.issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    signature = signer.sign(TEXT, include_chain=False)
    chain = signer.certificate_pem + intermediate.certificate_pem
    assert _verify(signer=signer, signature=signature, certificate=chain)


def test_intermediate_ca_missing_from_the_signature_is_untrusted() -> None:
    signer = _ca().intermediate("Subordinada").issue(serial_number=CEDULA, common_name="JUAN")
    assert _refusal(signer=signer, signature=signer.sign(TEXT, include_chain=False)) == UNTRUSTED


def test_certificate_issued_by_a_non_ca_certificate_is_untrusted() -> None:
    impostor = _ca().issue(serial_number="1714307103", common_name="NO ES CA")
    as_ca = TestCA(
        certificate=impostor.certificate,
        private_key=impostor.private_key,
        chain=(impostor.certificate,),
    )
    signer = as_ca.issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    assert _refusal(signer=signer) == UNTRUSTED


def test_certificate_under_an_expired_root_is_untrusted() -> None:
    root = make_ca("Raíz Vencida", not_after=NOW - timedelta(days=1))
    signer = root.issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    assert _refusal(signer=signer, anchors=_anchors(root)) == UNTRUSTED


# --- CERTIFICATE_EXPIRED -------------------------------------------------------------------------


def test_expired_certificate_is_refused() -> None:
    signer = _ca().issue(
        serial_number=CEDULA,
        common_name="JUAN PEREZ",
        not_before=NOW - timedelta(days=730),
        not_after=NOW - timedelta(seconds=1),
    )
    assert _refusal(signer=signer) == EXPIRED


def test_certificate_not_yet_valid_is_refused_as_expired() -> None:
    signer = _ca().issue(
        serial_number=CEDULA, common_name="JUAN PEREZ", not_before=NOW + timedelta(days=1)
    )
    assert _refusal(signer=signer) == EXPIRED


def test_certificate_is_valid_on_the_last_second_of_its_validity() -> None:
    signer = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ", not_after=NOW)
    assert _verify(signer=signer)


def test_naive_now_is_read_as_utc() -> None:
    signer = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ", not_after=NOW)
    assert _refusal(signer=signer, now=datetime(2026, 1, 15, 15, 31)) == EXPIRED


# --- CERTIFICATE_NOT_FOR_SIGNING -----------------------------------------------------------------


def test_key_usage_without_digital_signature_or_non_repudiation_is_refused() -> None:
    signer = _ca().issue(
        serial_number=CEDULA,
        common_name="JUAN PEREZ",
        key_usage_digital_signature=False,
        key_usage_non_repudiation=False,
    )
    assert _refusal(signer=signer) == NOT_FOR_SIGNING


@pytest.mark.parametrize(
    ("digital_signature", "non_repudiation", "key_usage"),
    [(True, False, True), (False, True, True), (False, False, False)],
    ids=["digital-signature-only", "non-repudiation-only", "no-key-usage-extension"],
)
def test_either_signing_key_usage_or_none_at_all_is_accepted(
    digital_signature: bool, non_repudiation: bool, key_usage: bool
) -> None:
    signer = _ca().issue(
        serial_number=CEDULA,
        common_name="JUAN PEREZ",
        key_usage_digital_signature=digital_signature,
        key_usage_non_repudiation=non_repudiation,
        key_usage=key_usage,
    )
    assert _verify(signer=signer)


def test_certificate_without_extended_key_usage_is_accepted() -> None:
    signer = _ca().issue(serial_number=CEDULA, common_name="JUAN PEREZ", extended_key_usage=())
    assert _verify(signer=signer)


# --- SIGNER_MISMATCH -----------------------------------------------------------------------------


def test_another_persons_certificate_is_refused() -> None:
    assert _refusal(identification="1714307103") == MISMATCH


def test_certificate_without_serial_number_attribute_is_refused() -> None:
    signer = _ca().issue(serial_number=None, common_name="JUAN PEREZ")
    assert _refusal(signer=signer) == MISMATCH


@pytest.mark.parametrize("serial_number", [CEDULA, f"IDCEC-{CEDULA}", f"PNOEC-{CEDULA}", RUC])
@pytest.mark.parametrize("identification", [CEDULA, RUC])
def test_cedula_and_natural_person_ruc_name_the_same_user(
    serial_number: str, identification: str
) -> None:
    signer = _ca().issue(serial_number=serial_number, common_name="JUAN PEREZ")
    evidence = _verify(signer=signer, identification=identification)
    assert evidence.subject_serial_number == serial_number


@pytest.mark.parametrize(
    ("serial_number", "identification", "names"),
    [
        (CEDULA, CEDULA, True),
        (f"IDCEC-{CEDULA}", CEDULA, True),
        (f"idcec-{CEDULA}", CEDULA, True),
        (f"{CEDULA[:9]}-{CEDULA[9]}", CEDULA, True),
        (CEDULA, RUC, True),
        (RUC, RUC, True),
        (RUC, CEDULA, True),
        (CEDULA, "0912345675 001", True),
        ("PASEC-A1234567", "a1234567", True),
        ("PASEC-AI234567", "AI234567", True),
        ("PASEC-aı234567", "AI234567", False),
        ("1714307103", CEDULA, False),
        ("0912345676", RUC, False),
        ("0912345675002", CEDULA, False),
        ("0912345675002", RUC, False),
        ("091234567", CEDULA, False),
        ("", CEDULA, False),
        ("", "", False),
        (CEDULA, "", False),
        (CEDULA, "A1234567", False),
        # Another establishment of the same taxpayer is another number.
        ("1792060346002", "1792060346001", False),
    ],
)
def test_serial_number_names_the_user_by_cedula_or_ruc(
    serial_number: str, identification: str, names: bool
) -> None:
    assert identification_names_user(named=serial_number, identification=identification) is names


# --- Companies: who signs for whom ----------------------------------------------------------------

COMPANY_RUC = "1790123456001"
REPRESENTATIVE = Holder(
    cedula="1710034065",
    given_names="MARIA JOSE",
    first_surname="ANDRADE",
    second_surname="PAZ",
    position="GERENTE GENERAL",
    company_ruc=COMPANY_RUC,
    company_name="IMPORTADORA ANDINA S.A.",
)
COMPANY = SigningParty(
    identification=COMPANY_RUC, company_ruc=COMPANY_RUC, legal_representative_cedula="1710034065"
)


@pytest.mark.parametrize("layout", ["subject", "extensions"])
@pytest.mark.parametrize(
    ("policy", "kind"),
    [
        (LEGAL_REPRESENTATIVE_POLICY, CertificateKind.LEGAL_REPRESENTATIVE),
        (COMPANY_MEMBER_POLICY, CertificateKind.COMPANY_MEMBER),
    ],
)
def test_a_company_signs_with_its_legal_representatives_or_members_token(
    layout: Layout, policy: str, kind: CertificateKind
) -> None:
    signer = _ca().issue_holder(REPRESENTATIVE, layout=layout, kind_policy=policy)
    evidence = _verify(signer=signer, party=COMPANY)
    assert evidence.capacity is SigningCapacity.FOR_ORGANIZATION
    assert evidence.holder.kind is kind
    assert evidence.holder.layout is CertificateLayout(layout.upper())
    assert evidence.holder.company_ruc == COMPANY_RUC


def test_a_company_certificate_with_another_ruc_is_refused() -> None:
    other = replace(REPRESENTATIVE, company_ruc="0990017514001")
    signer = _ca().issue_holder(other, kind_policy=LEGAL_REPRESENTATIVE_POLICY)
    assert _refusal(signer=signer, party=COMPANY) == MISMATCH


def test_the_registered_legal_representative_signs_for_the_company_as_a_natural_person() -> None:
    person = replace(REPRESENTATIVE, position=None, company_ruc=None, company_name=None)
    signer = _ca().issue_holder(person, kind_policy=NATURAL_PERSON_POLICY)
    evidence = _verify(signer=signer, party=COMPANY)
    assert evidence.capacity is SigningCapacity.REGISTERED_LEGAL_REPRESENTATIVE


def test_an_extension_layout_certificate_of_a_pen_not_configured_names_nobody() -> None:
    signer = _ca().issue_holder(
        REPRESENTATIVE, layout="extensions", pen="1.3.6.1.4.1.99999", kind_policy="2.3.1"
    )
    assert _refusal(signer=signer, party=COMPANY) == MISMATCH
    pens = configured_authorities(("1.3.6.1.4.1.99999",))
    evidence = _verify(signer=signer, party=COMPANY, authorities=pens)
    assert evidence.capacity is SigningCapacity.FOR_ORGANIZATION


# --- The order of the checks ---------------------------------------------------------------------


def test_bad_signature_is_reported_before_any_certificate_problem() -> None:
    stranger = make_ca("Otra").issue(
        serial_number="1714307103", common_name="OTRO", not_after=NOW - timedelta(days=1)
    )
    assert _refusal(signer=stranger, text="otro") == BAD_SIGNATURE


def test_expiry_is_reported_before_trust() -> None:
    stranger = make_ca("Otra").issue(
        serial_number=CEDULA, common_name="JUAN", not_after=NOW - timedelta(days=1)
    )
    assert _refusal(signer=stranger) == EXPIRED


def test_trust_is_reported_before_key_usage_and_identity() -> None:
    stranger = make_ca("Otra").issue(
        serial_number="1714307103",
        common_name="OTRO",
        key_usage_digital_signature=False,
        key_usage_non_repudiation=False,
    )
    assert _refusal(signer=stranger) == UNTRUSTED


def test_key_usage_is_reported_before_identity() -> None:
    signer = _ca().issue(
        serial_number="1714307103",
        common_name="OTRO",
        key_usage_digital_signature=False,
        key_usage_non_repudiation=False,
    )
    assert _refusal(signer=signer) == NOT_FOR_SIGNING


# --- No input raises anything but DomainError ----------------------------------------------------

GARBAGE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_domain_errors(**arguments: Any) -> None:
    """The call succeeds or refuses with one of the five signature errors; nothing else."""
    try:
        _verify(**arguments)
    except DomainError as error:
        errors = error.errors
    else:
        return
    assert len(errors) == 1
    assert errors[0] in (BAD_SIGNATURE, UNTRUSTED, EXPIRED, NOT_FOR_SIGNING, MISMATCH)


@GARBAGE
@given(st.text())
def test_any_text_raises_only_domain_error(text: str) -> None:
    _only_domain_errors(text=text)


@GARBAGE
@given(st.text())
def test_any_signature_string_raises_only_domain_error(signature: str) -> None:
    _only_domain_errors(signature=signature)


@GARBAGE
@given(st.text())
def test_any_certificate_string_raises_only_domain_error(certificate: str) -> None:
    _only_domain_errors(certificate=certificate)


@GARBAGE
@given(st.text())
def test_any_identification_raises_only_domain_error(identification: str) -> None:
    _only_domain_errors(identification=identification)


@GARBAGE
@given(st.binary(max_size=4096))
def test_any_der_bytes_as_signature_raise_only_domain_error(der: bytes) -> None:
    _only_domain_errors(signature=_b64(der))


@functools.cache
def _valid_der() -> bytes:
    intermediate = _ca().intermediate("Subordinada")
    return intermediate.issue(serial_number=CEDULA, common_name="JUAN").sign_der(
        TEXT.encode("utf-8")
    )


@GARBAGE
@given(st.data())
def test_corrupted_signature_bytes_raise_only_domain_error(data: st.DataObject) -> None:
    der = bytearray(_valid_der())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        index = data.draw(st.integers(min_value=0, max_value=len(der) - 1))
        der[index] = data.draw(st.integers(min_value=0, max_value=255))
    _only_domain_errors(signature=_b64(bytes(der)))


@GARBAGE
@given(st.lists(st.binary(max_size=512), max_size=3))
def test_any_trust_anchor_bytes_raise_only_domain_error(anchors: list[bytes]) -> None:
    _only_domain_errors(anchors=tuple(anchors))


# --- The trust store (SIGNATURE_CA_DIR) ----------------------------------------------------------


def test_trust_store_splits_bundles_and_reads_der_files(tmp_path: Path) -> None:
    first, second, third = make_ca("Uno"), make_ca("Dos"), make_ca("Tres")
    (tmp_path / "bundle.pem").write_text(first.certificate_pem + "\n" + second.certificate_pem)
    (tmp_path / "tercera.crt").write_bytes(third.certificate_der)
    (tmp_path / "notes.txt").write_text(make_ca("Ignorada").certificate_pem)
    anchors = load_trust_anchors(tmp_path)
    assert len(anchors) == 3
    assert anchors[2] == third.certificate_der
    signer = second.issue(serial_number=CEDULA, common_name="JUAN PEREZ")
    assert _verify(signer=signer, anchors=anchors)


def test_trust_store_without_its_folder_trusts_nobody(tmp_path: Path) -> None:
    anchors = load_trust_anchors(tmp_path / "missing")
    assert anchors == ()
    assert _refusal(anchors=anchors) == UNTRUSTED


def test_trust_store_sees_a_ca_added_to_its_folder(tmp_path: Path) -> None:
    assert load_trust_anchors(tmp_path) == ()
    (tmp_path / "ca.pem").write_text(_ca().certificate_pem)
    assert load_trust_anchors(tmp_path) == (_ca().certificate_pem.encode("ascii"),)
    assert load_trust_anchors(tmp_path) is load_trust_anchors(tmp_path)
