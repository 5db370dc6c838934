"""The signed *Convenio para la utilización de canales electrónicos o tecnológicos del SENAE*.

After an update the user signs the agreement with its TOKEN (the guide, step 6). The client sends
a CMS/PKCS#7 detached SignedData (RFC 5652) over the exact UTF-8 text of the agreement version,
base64-encoded, and the signer's X.509 certificate in PEM. `verify_agreement_signature` decides
whether that signature binds the user to that text, and returns the evidence to keep.

The checks run in this order, and the first failure is the answer (one error, one code):

1. Parse — BAD_SIGNATURE on "signature": the base64, the CMS SignedData (eContentType id-data,
   detached, or an attached content identical to the text), and the PEM certificate. An
   unreadable certificate is reported here too: it cannot be the signer of anything.
2. Signature math — BAD_SIGNATURE on "signature": a SignerInfo names the given certificate (issuer
   and serial number, or its subjectKeyIdentifier); its algorithms are supported (SHA-256/384/512
   with RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA); with signed attributes (the usual case), the
   messageDigest attribute equals the digest of the text, the contentType attribute is id-data
   and the signature verifies over the DER SET OF the signed attributes; without them, the
   signature verifies over the text itself.
3. Validity — CERTIFICATE_EXPIRED on "certificate": `now` lies within notBefore..notAfter.
4. Trust — UNTRUSTED_CERTIFICATE on "certificate": the certificate chains to one of the trust
   anchors; intermediate CAs may come in the CMS `certificates` set or after the signer's
   certificate in the PEM. A CA certificate in the path that has expired also lands here.
5. Key usage — CERTIFICATE_NOT_FOR_SIGNING on "certificate": a keyUsage extension, when present,
   asserts digitalSignature or nonRepudiation (contentCommitment).
6. Identity — SIGNER_MISMATCH on "certificate": the certificate's holder, read in either layout
   of Ecuador's CAs (`api.domain.certificate_holders`), may sign for the user
   (`api.domain.signing_rights.signing_capacity`): the user itself, or, for a company registered
   with its RUC, a legal representative or member of that company, or its registered legal
   representative.

The text that is signed: the exact UTF-8 bytes of the agreement, or their CRLF-canonical form (every
line end CR LF). Signing tools canonicalise text unless told to sign binary content (OpenSSL's
`cms -sign` without `-binary`, `cryptography`'s PKCS#7 builder without `Binary`, S/MIME text
mode), and OpenSSL's own verifier accepts both forms; so does this one. Both forms say the same
words, so accepting either binds the user to the same text. A third form is what `openssl cms
-sign -text` signs: the MIME header block `Content-Type: text/plain` CR LF CR LF, then the
CRLF-canonical text. The header adds no word to the agreement, it only labels the rest as plain
text (OpenSSL's own verifier, with `-text`, removes it before handing the text over), so this
one accepts exactly those header bytes before exactly the canonical text, and nothing looser:
another header (a charset, another type, other line ends), another text or any byte after it
is a signature of something else than the agreement as served.

Why this order: what can be checked from the request alone comes first, and the cheapest proof
that the bytes were tampered with or belong to someone else (1, 2) outranks facts about the
certificate; validity comes before trust so that an expired but otherwise trusted certificate is
told "expired", which the user can act on (renew the TOKEN), instead of "untrusted"; who the
signer is matters only once the certificate is known to be a trusted signing certificate.

The path is validated by `cryptography.x509.verification` (the validator of the `cryptography`
project, RFC 5280 path building with the CA/Browser Forum's algorithm and key-size rules). Its
Web PKI defaults are written for TLS, so two extension policies are relaxed, on purpose:
- the end-entity policy is `ExtensionPolicy.permit_all()`: the client verifier otherwise demands
  a subjectAltName and an extendedKeyUsage of clientAuth, which Ecuadorian signing certificates
  (EKU emailProtection or none, no SAN) do not have. Step 5 checks what matters for signing.
- the CA policy keeps RFC 5280's essentials — basicConstraints present with cA asserted, and
  keyCertSign when a keyUsage is present; the verifier itself enforces pathLenConstraint — but
  not the Web PKI's extras (basicConstraints critical, keyUsage present), which some accredited
  CAs' older roots do not meet.

The module is pure: no file or network I/O, no clock (the trust anchors and `now` are passed in),
and for any input it raises nothing but `DomainError`. `cryptography` and `asn1crypto` parse
lazily and may fail with many exception types on hostile bytes, so each parsing step turns any
failure of theirs into the step's refusal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from api.domain.certificate_holders import (
    CertificateHolder,
    CertificationAuthority,
    configured_authorities,
    read_certificate_holder,
)
from api.domain.errors import DomainError, ErrorCode
from api.domain.signing_rights import SigningCapacity, SigningParty, signing_capacity

SIGNATURE_FIELD: Final = "signature"
CERTIFICATE_FIELD: Final = "certificate"

# Bounds on what a client may send: a CMS with a signer certificate and a few CA certificates is
# a few kilobytes; anything this large is refused before any parsing.
MAX_SIGNATURE_CHARS: Final = 256 * 1024
MAX_CERTIFICATE_CHARS: Final = 64 * 1024
# At most this many certificates (CMS set plus PEM) are offered to the path builder.
MAX_INTERMEDIATES: Final = 16
# At most this many SignerInfos are looked at (a TOKEN produces one).
MAX_SIGNER_INFOS: Final = 8

_HASHES: Final[dict[str, Callable[[], hashes.HashAlgorithm]]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_RSA_PKCS1: Final = "rsassa_pkcs1v15"
_RSA_PSS: Final = "rsassa_pss"
_ECDSA: Final = "ecdsa"

_PEM_ARMOR: Final = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]{1,40}-----")
_WHITESPACE: Final = re.compile(r"\s+")
_LINE_END: Final = re.compile(r"\r?\n")
# The MIME header block `openssl cms -sign -text` writes before the text it signs, as it writes it.
MIME_TEXT_HEADER: Final = b"Content-Type: text/plain\r\n\r\n"
_DEFAULT_AUTHORITIES: Final = configured_authorities(())

# RFC 4514 names for the evidence: cryptography prints serialNumber as its dotted OID otherwise.
_NAME_OVERRIDES: Final = {NameOID.SERIAL_NUMBER: "serialNumber"}


@dataclass(frozen=True, slots=True)
class SignatureEvidence:
    """What a verified signature proves, kept with the signature as evidence."""

    certificate_sha256: str
    """Hex SHA-256 fingerprint of the signer certificate (DER)."""
    subject: str
    """RFC 4514 string of the certificate's subject."""
    subject_serial_number: str | None
    """The subject's serialNumber attribute (OID 2.5.4.5) as written, when it has one."""
    issuer: str
    """RFC 4514 string of the certificate's issuer."""
    not_before: datetime
    not_after: datetime
    signed_at: datetime | None
    """The signingTime signed attribute, when the signature carries one."""
    holder: CertificateHolder
    """Who signed, as the certificate names the holder."""
    capacity: SigningCapacity
    """In what capacity the holder signed for the user."""
    line_ends: str
    """"AS_SERVED" when the exact text was signed, "CRLF" for its CRLF-canonical form,
    "MIME_TEXT" for that form after `openssl cms -sign -text`'s MIME header."""


@dataclass(frozen=True, slots=True)
class _SignerInfo:
    """One SignerInfo of the CMS, read into plain values."""

    issuer_der: bytes | None
    serial_number: int | None
    key_identifier: bytes | None
    digest_algorithm: str
    signature_algorithm: str
    signature_hash: str | None  # a hash named by the signature algorithm itself (sha256_ecdsa)
    pss: tuple[str, str, int] | None  # (hash, MGF1 hash, salt length)
    signed_attributes_der: bytes | None  # the DER SET OF, as signed; None without attributes
    content_type: str | None
    message_digest: bytes | None
    signing_time: datetime | None
    signature: bytes


@dataclass(frozen=True, slots=True)
class _SignedData:
    content: bytes | None  # an attached content; None when detached
    signers: tuple[_SignerInfo, ...]
    certificates: tuple[bytes, ...]  # DER of the `certificates` set


@dataclass(frozen=True, slots=True)
class _Certificate:
    """The signer certificate, read once into the values the checks need."""

    certificate: x509.Certificate
    issuer_der: bytes
    serial_number: int
    key_identifier: bytes
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey | None
    not_before: datetime
    not_after: datetime
    allows_signing: bool
    subject_serial_number: str | None
    holder: CertificateHolder
    subject: str
    issuer: str
    sha256: str


def verify_agreement_signature(
    *,
    text: str,
    signature_b64: str,
    certificate_pem: str,
    trust_anchors: Sequence[bytes],
    now: datetime,
    party: SigningParty,
    authorities: Sequence[CertificationAuthority] = _DEFAULT_AUTHORITIES,
) -> SignatureEvidence:
    """Verify that `signature_b64` is a signature of `text` binding `party`; see the module
    docstring for the checks and their order. `trust_anchors` are CA certificates (PEM or DER);
    `now` is an aware instant (a naive one is read as UTC); `party` is the user the agreement
    binds; `authorities` the CAs whose extension layout and kinds are read (the configured PENs,
    `configured_authorities`)."""
    moment = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    content = _text_bytes(text)
    signed_data = _parse_signed_data(signature_b64)
    certificate, extra_certificates = _parse_certificate(certificate_pem, authorities)

    signer = _signer_of(signed_data, certificate)
    line_ends = _verify_either_form(
        content=content, signed_data=signed_data, signer=signer, cert=certificate
    )

    if not certificate.not_before <= moment <= certificate.not_after:
        raise DomainError.single(CERTIFICATE_FIELD, ErrorCode.CERTIFICATE_EXPIRED)
    intermediates = [*extra_certificates, *_load_all(signed_data.certificates)]
    if not _chains_to_anchor(
        certificate.certificate,
        intermediates=intermediates[:MAX_INTERMEDIATES],
        trust_anchors=trust_anchors,
        moment=moment,
    ):
        raise DomainError.single(CERTIFICATE_FIELD, ErrorCode.UNTRUSTED_CERTIFICATE)
    if not certificate.allows_signing:
        raise DomainError.single(CERTIFICATE_FIELD, ErrorCode.CERTIFICATE_NOT_FOR_SIGNING)
    capacity = signing_capacity(holder=certificate.holder, party=party)
    if capacity is None:
        raise DomainError.single(CERTIFICATE_FIELD, ErrorCode.SIGNER_MISMATCH)

    return SignatureEvidence(
        certificate_sha256=certificate.sha256,
        subject=certificate.subject,
        subject_serial_number=certificate.subject_serial_number,
        issuer=certificate.issuer,
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        signed_at=signer.signing_time,
        holder=certificate.holder,
        capacity=capacity,
        line_ends=line_ends,
    )


# --- 1. Parsing ----------------------------------------------------------------------------------


def _bad_signature() -> DomainError:
    return DomainError.single(SIGNATURE_FIELD, ErrorCode.BAD_SIGNATURE)


def _text_bytes(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate has no UTF-8 form: no signature can be over such a text.
        raise _bad_signature() from None


def _decode_base64(value: str) -> bytes:
    if len(value) > MAX_SIGNATURE_CHARS:
        raise _bad_signature()
    # TOKEN tools wrap base64 in lines and some add PEM armor ("-----BEGIN PKCS7-----").
    compact = _WHITESPACE.sub("", _PEM_ARMOR.sub("", value))
    try:
        return base64.b64decode(compact, validate=True)
    except ValueError:  # binascii.Error, and non-ASCII input
        raise _bad_signature() from None


def _parse_signed_data(signature_b64: str) -> _SignedData:
    der = _decode_base64(signature_b64)
    try:
        return _read_signed_data(der)
    except DomainError:
        raise
    except Exception:  # asn1crypto parses lazily and fails with many types on hostile bytes
        raise _bad_signature() from None


def _read_signed_data(der: bytes) -> _SignedData:
    info = cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise _bad_signature()
    signed = info["content"]
    encapsulated = signed["encap_content_info"]
    if encapsulated["content_type"].native != "data":
        raise _bad_signature()
    content = encapsulated["content"]
    attached = None if isinstance(content, core.Void) else bytes(content.native)
    signer_infos = signed["signer_infos"]
    if not 1 <= len(signer_infos) <= MAX_SIGNER_INFOS:
        raise _bad_signature()
    certificates = signed["certificates"]
    embedded = (
        ()
        if isinstance(certificates, core.Void)
        else tuple(choice.chosen.dump() for choice in certificates if choice.name == "certificate")
    )
    return _SignedData(
        content=attached,
        signers=tuple(_read_signer_info(item) for item in signer_infos),
        certificates=embedded[:MAX_INTERMEDIATES],
    )


def _read_signer_info(info: cms.SignerInfo) -> _SignerInfo:
    sid = info["sid"]
    issuer_der: bytes | None = None
    serial_number: int | None = None
    key_identifier: bytes | None = None
    if sid.name == "issuer_and_serial_number":
        issuer_der = bytes(sid.chosen["issuer"].dump())
        serial_number = int(sid.chosen["serial_number"].native)
    else:
        key_identifier = bytes(sid.chosen.native)

    algorithm = info["signature_algorithm"]
    signature_algorithm = str(algorithm.signature_algo)
    try:
        signature_hash: str | None = str(algorithm.hash_algo)
    except ValueError:  # "rsaEncryption" and "id-ecPublicKey" name no hash
        signature_hash = None
    pss: tuple[str, str, int] | None = None
    if signature_algorithm == _RSA_PSS:
        params = algorithm["parameters"]
        mask = params["mask_gen_algorithm"]
        if mask["algorithm"].native != "mgf1" or params["trailer_field"].native != (
            "trailer_field_bc"
        ):
            raise _bad_signature()
        pss = (
            str(params["hash_algorithm"]["algorithm"].native),
            str(mask["parameters"]["algorithm"].native),
            int(params["salt_length"].native),
        )

    attributes = info["signed_attrs"]
    signed_attributes_der: bytes | None = None
    content_type: str | None = None
    message_digest: bytes | None = None
    signing_time: datetime | None = None
    if not isinstance(attributes, core.Void):
        # The signature covers the attributes' DER as a SET OF (RFC 5652 §5.4), not as the [0]
        # IMPLICIT field they are carried in; `untag` keeps the original encoding of the values.
        signed_attributes_der = bytes(attributes.untag().dump())
        found = _single_attribute_values(attributes)
        content_type = _optional_str(found.get("content_type"))
        digest = found.get("message_digest")
        message_digest = digest if isinstance(digest, bytes) else None
        time = found.get("signing_time")
        signing_time = time.astimezone(UTC) if isinstance(time, datetime) else None

    return _SignerInfo(
        issuer_der=issuer_der,
        serial_number=serial_number,
        key_identifier=key_identifier,
        digest_algorithm=str(info["digest_algorithm"]["algorithm"].native),
        signature_algorithm=signature_algorithm,
        signature_hash=signature_hash,
        pss=pss,
        signed_attributes_der=signed_attributes_der,
        content_type=content_type,
        message_digest=message_digest,
        signing_time=signing_time,
        signature=bytes(info["signature"].native),
    )


def _single_attribute_values(attributes: cms.CMSAttributes) -> dict[str, object]:
    """The native value of each signed attribute; RFC 5652 §11 allows each of contentType,
    messageDigest and signingTime once, with one value."""
    if len(attributes) == 0:
        raise _bad_signature()
    found: dict[str, object] = {}
    for attribute in attributes:
        name = str(attribute["type"].native)
        if name in ("content_type", "message_digest", "signing_time"):
            values = attribute["values"]
            if name in found or len(values) != 1:
                raise _bad_signature()
            found[name] = values[0].native
    return found


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _parse_certificate(
    certificate_pem: str, authorities: Sequence[CertificationAuthority]
) -> tuple[_Certificate, list[x509.Certificate]]:
    """The signer certificate (the first PEM block) and any further blocks, offered to the path
    builder as intermediates."""
    if len(certificate_pem) > MAX_CERTIFICATE_CHARS:
        raise _bad_signature()
    try:
        loaded = x509.load_pem_x509_certificates(certificate_pem.encode("utf-8"))
        return _read_certificate(loaded[0], authorities), loaded[1:MAX_INTERMEDIATES]
    except Exception:  # cryptography reads extensions and names lazily; any failure = unreadable
        raise _bad_signature() from None


def _read_certificate(
    certificate: x509.Certificate, authorities: Sequence[CertificationAuthority]
) -> _Certificate:
    extensions = certificate.extensions
    try:
        key_identifier = extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        key_identifier = x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
        allows_signing = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        allows_signing = True
    public_key = certificate.public_key()
    return _Certificate(
        certificate=certificate,
        issuer_der=certificate.issuer.public_bytes(),
        serial_number=certificate.serial_number,
        key_identifier=key_identifier,
        public_key=(
            public_key
            if isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
            else None
        ),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        allows_signing=allows_signing,
        subject_serial_number=next(
            (
                attribute.value
                for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
                if isinstance(attribute.value, str)
            ),
            None,
        ),
        holder=read_certificate_holder(certificate, authorities=authorities),
        subject=certificate.subject.rfc4514_string(_NAME_OVERRIDES),
        issuer=certificate.issuer.rfc4514_string(_NAME_OVERRIDES),
        sha256=certificate.fingerprint(hashes.SHA256()).hex(),
    )


# --- 2. Signature math ---------------------------------------------------------------------------


def _signer_of(signed_data: _SignedData, certificate: _Certificate) -> _SignerInfo:
    """The SignerInfo whose sid names the given certificate (RFC 5652 §5.3)."""
    for signer in signed_data.signers:
        if signer.key_identifier is not None:
            if hmac.compare_digest(signer.key_identifier, certificate.key_identifier):
                return signer
        elif signer.serial_number == certificate.serial_number and _same_name(
            signer.issuer_der, certificate.issuer_der
        ):
            return signer
    raise _bad_signature()


def _same_name(first: bytes | None, second: bytes) -> bool:
    """Name equality as RFC 5280 §7.1 defines it (asn1crypto's comparison)."""
    if first is None:
        return False
    if first == second:
        return True
    try:
        return bool(asn1_x509.Name.load(first) == asn1_x509.Name.load(second))
    except Exception:  # an unreadable name names nobody
        return False


def crlf_canonical(content: bytes) -> bytes:
    """The S/MIME canonical form of a text (RFC 5751 §3.1.1): every line end CR LF."""
    return _LINE_END.sub("\r\n", content.decode("utf-8")).encode("utf-8")


def signed_forms(content: bytes) -> tuple[tuple[str, bytes], ...]:
    """The byte strings a signature of the text may cover, each with its name (the evidence's
    `line_ends`), in the order they are tried."""
    canonical = crlf_canonical(content)
    return (
        ("AS_SERVED", content),
        *((("CRLF", canonical),) if canonical != content else ()),
        ("MIME_TEXT", MIME_TEXT_HEADER + canonical),
    )


def _verify_either_form(
    *, content: bytes, signed_data: _SignedData, signer: _SignerInfo, cert: _Certificate
) -> str:
    """The form of the text the signature covers (`signed_forms`)."""
    for name, form in signed_forms(content):
        try:
            _verify_signature(content=form, signed_data=signed_data, signer=signer, cert=cert)
        except DomainError:
            continue
        return name
    raise _bad_signature()


def _verify_signature(
    *, content: bytes, signed_data: _SignedData, signer: _SignerInfo, cert: _Certificate
) -> None:
    if signed_data.content is not None and signed_data.content != content:
        raise _bad_signature()
    digest_algorithm = signer.digest_algorithm
    if digest_algorithm not in _HASHES:
        raise _bad_signature()
    if signer.signature_hash is not None and signer.signature_hash != digest_algorithm:
        raise _bad_signature()

    if signer.signed_attributes_der is None:
        signed_bytes = content
    else:
        digest = hashlib.new(digest_algorithm, content).digest()
        if (
            signer.content_type != "data"
            or signer.message_digest is None
            or not hmac.compare_digest(signer.message_digest, digest)
        ):
            raise _bad_signature()
        signed_bytes = signer.signed_attributes_der

    hash_algorithm = _HASHES[digest_algorithm]()
    key = cert.public_key
    try:
        if isinstance(key, rsa.RSAPublicKey) and signer.signature_algorithm == _RSA_PKCS1:
            key.verify(signer.signature, signed_bytes, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(key, rsa.RSAPublicKey) and signer.pss is not None:
            pss_hash, mgf_hash, salt_length = signer.pss
            if pss_hash != digest_algorithm or mgf_hash not in _HASHES:
                raise _bad_signature()
            pss = padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=salt_length)
            key.verify(signer.signature, signed_bytes, pss, hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and signer.signature_algorithm == _ECDSA:
            key.verify(signer.signature, signed_bytes, ec.ECDSA(hash_algorithm))
        else:
            raise _bad_signature()
    except (InvalidSignature, ValueError, TypeError):
        raise _bad_signature() from None


# --- 4. Trust ------------------------------------------------------------------------------------


def _load_all(ders: Sequence[bytes]) -> list[x509.Certificate]:
    """The certificates of the CMS `certificates` set; an unreadable one is not offered."""
    return [certificate for der in ders for certificate in _certificates_in(der)]


def _anchors(trust_anchors: Sequence[bytes]) -> list[x509.Certificate]:
    """The trust anchors, PEM (one or several per item) or DER; unreadable ones are skipped."""
    return [certificate for item in trust_anchors for certificate in _certificates_in(item)]


def _certificates_in(data: bytes) -> list[x509.Certificate]:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except Exception:  # ValueError, InvalidVersion, ...: not a certificate
        return []


def _require_ca(
    policy: Policy, certificate: x509.Certificate, value: x509.BasicConstraints
) -> None:
    if not value.ca:
        raise ValueError("basicConstraints must assert cA in a CA certificate")


def _require_cert_sign(
    policy: Policy, certificate: x509.Certificate, value: x509.KeyUsage | None
) -> None:
    if value is not None and not value.key_cert_sign:
        raise ValueError("keyUsage of a CA certificate must assert keyCertSign")


def _ca_policy() -> ExtensionPolicy:
    return (
        ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, _require_ca)
        .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, _require_cert_sign)
    )


def _chains_to_anchor(
    certificate: x509.Certificate,
    *,
    intermediates: list[x509.Certificate],
    trust_anchors: Sequence[bytes],
    moment: datetime,
) -> bool:
    anchors = _anchors(trust_anchors)
    if not anchors:
        return False
    try:
        verifier = (
            PolicyBuilder()
            .store(Store(anchors))
            .time(moment)
            .extension_policies(ca_policy=_ca_policy(), ee_policy=ExtensionPolicy.permit_all())
            .build_client_verifier()
        )
        verifier.verify(certificate, intermediates)
    except VerificationError:
        return False
    except Exception:  # a hostile certificate that fails to parse lazily builds no path
        return False
    return True
