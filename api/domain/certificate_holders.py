"""Who holds a signing certificate issued by one of Ecuador's accredited certification authorities.

Ecuadorian certificates name their holder in one of two layouts (the facts come from FirmaEC's
certificate library, `ec.gob.firmadigital.libreria.certificate.ec`, one sub-package per CA):

- **Subject layout** (resolution ARCOTEL-2024-0176, newer certificates): the subject's standard
  attributes: serialNumber (2.5.4.5) the cédula or passport, organizationIdentifier (2.5.4.97) the
  company's RUC, organizationName (2.5.4.10) its razón social, title (2.5.4.12) the position,
  givenName (2.5.4.42), surname (2.5.4.4), commonName (2.5.4.3).
- **Extension layout** (older certificates, valid for years still): non-critical extensions under
  the CA's private enterprise number (PEN): `PEN.3.1` cédula or passport, `.3.2` given names,
  `.3.3` and `.3.4` surnames, `.3.5` position, `.3.6` institution, `.3.10` company legal name,
  `.3.11` company RUC. The Consejo de la Judicatura numbers the same fields under `PEN.1.3`.

The certificate's kind is a certificate policy under the CA's arc, and every CA numbers its kinds
its own way (Argos Data's `.2.2.1` is a legal representative where ARCOTEL's layout has a member
of a company): `ACCREDITED_CAS` lists each CA's policies as its library class does. A CA whose PEN
is configured but not listed is read with the generic numbering (fields under `PEN.3`, kinds
`PEN.2.1.*` natural person, `PEN.2.2.*` member of a company, `PEN.2.3.*` legal representative, the
numbering every subject-layout CA in the library uses).

Pure: no I/O, and for any parseable certificate no exception (unreadable values are left out).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from asn1crypto import core
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

_PRIVATE_ENTERPRISE_ARC: Final = "1.3.6.1.4.1."
_ORGANIZATION_IDENTIFIER: Final = x509.ObjectIdentifier("2.5.4.97")
# ETSI EN 319 412-1 §5.1.3/§5.1.4 semantics identifier ("IDCEC-", "PASEC-", "VATEC-", "NTREC-").
_ETSI_PREFIX: Final = re.compile(r"^[A-Za-z]{3}[A-Za-z]{2}[:\-]")
_SEPARATORS: Final = re.compile(r"[\s\-]+")
_BLANKS: Final = re.compile(r"\s+")
# An extension value longer than this is not a name, a number or a position.
_MAX_VALUE_CHARS: Final = 300


class CertificateKind(StrEnum):
    """What the CA certifies about the holder, read from the certificate policies."""

    NATURAL_PERSON = "NATURAL_PERSON"
    """Persona natural: the person alone."""
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    """Representante legal: the person as its company's legal representative."""
    COMPANY_MEMBER = "COMPANY_MEMBER"
    """Miembro de empresa: the person as a member (employee, partner) of its company."""
    LEGAL_ENTITY = "LEGAL_ENTITY"
    """Persona jurídica (older extension-layout certificates): a person acting for its company,
    with the company's RUC and the person's position; the newer layout splits it into the two
    kinds above."""
    PUBLIC_OFFICIAL = "PUBLIC_OFFICIAL"
    """Funcionario público: a person acting for a public institution (its RUC, its position)."""
    ELECTRONIC_SEAL = "ELECTRONIC_SEAL"
    """Sello electrónico or time stamping: an organisation's or a system's key, no person's."""
    UNSPECIFIED = "UNSPECIFIED"
    """No policy of a known CA: taken only as the person its cédula names."""


class CertificateLayout(StrEnum):
    """Where the certificate names its holder."""

    SUBJECT = "SUBJECT"
    EXTENSIONS = "EXTENSIONS"


# Kinds that certify a person acting for an organisation named by its RUC.
ORGANIZATION_KINDS: Final = frozenset(
    {
        CertificateKind.LEGAL_REPRESENTATIVE,
        CertificateKind.COMPANY_MEMBER,
        CertificateKind.LEGAL_ENTITY,
        CertificateKind.PUBLIC_OFFICIAL,
    }
)


@dataclass(frozen=True, slots=True)
class CertificationAuthority:
    """An accredited CA as its certificates show it: its PEN, where its extension-layout fields
    are numbered, and its policies for each kind (suffixes after the PEN)."""

    name: str
    pen: str
    field_arc: str = "3"
    policies: Mapping[str, CertificateKind] = field(default_factory=dict)

    def field_oid(self, number: int) -> str:
        return f"{self.pen}.{self.field_arc}.{number}"

    def kind_of(self, policy: str) -> CertificateKind | None:
        """The kind a policy OID marks, by this CA's own table, else by the generic numbering."""
        if not policy.startswith(self.pen + "."):
            return None
        suffix = policy[len(self.pen) + 1 :]
        if suffix in self.policies:
            return self.policies[suffix]
        if self.policies:
            return None
        return _GENERIC_KINDS.get(suffix.rsplit(".", 1)[0]) if suffix.count(".") == 2 else None


_GENERIC_KINDS: Final = {
    "2.1": CertificateKind.NATURAL_PERSON,
    "2.2": CertificateKind.COMPANY_MEMBER,
    "2.3": CertificateKind.LEGAL_REPRESENTATIVE,
}

_NP = CertificateKind.NATURAL_PERSON
_LR = CertificateKind.LEGAL_REPRESENTATIVE
_MEMBER = CertificateKind.COMPANY_MEMBER
_ENTITY = CertificateKind.LEGAL_ENTITY
_OFFICIAL = CertificateKind.PUBLIC_OFFICIAL
_SEAL = CertificateKind.ELECTRONIC_SEAL
# ARCOTEL-2024-0176's kinds, as Security Data, ANF (37442), Alpha Technologies and AppFirmas
# number them under their own PENs.
_ARCOTEL = {"2.1.1": _NP, "2.2.1": _MEMBER, "2.3.1": _LR}

ACCREDITED_CAS: Final = (
    CertificationAuthority(
        "Banco Central del Ecuador",
        "1.3.6.1.4.1.37947",
        policies={"2.1.1": _NP, "2.2.1": _ENTITY, "2.3.1": _OFFICIAL, "4.1": _SEAL},
    ),
    CertificationAuthority(
        "Security Data",
        "1.3.6.1.4.1.37746",
        policies={
            **_ARCOTEL,
            "2.1.2": _NP,
            "2.2.2": _MEMBER,
            "2.3.2": _LR,
            "102.2.4.1": _SEAL,
            "102.2.4.2": _SEAL,
            "102.2.5.1": _SEAL,
            # The extension layout's kinds.
            "2.7": _NP,
            "2.8": _ENTITY,
            "2.9": _LR,
            "2.10": _MEMBER,
            "2.11": _OFFICIAL,
            "2.15": _NP,
            "3.28": _SEAL,
        },
    ),
    CertificationAuthority(
        "ANF AC Ecuador",
        "1.3.6.1.4.1.18332",
        policies={"3.4.1.2.22": _NP, "2.5.1.3": _ENTITY, "4.1.3.22": _OFFICIAL},
    ),
    CertificationAuthority(
        "ANF AC Ecuador",
        "1.3.6.1.4.1.37442",
        policies={
            **_ARCOTEL,
            "3.4.1.2.22": _NP,
            "3.4.1.4.22": _NP,
            "2.5.1.3": _ENTITY,
            "2.5.1.10": _ENTITY,
            "4.1.3.22": _OFFICIAL,
            "15.1": _SEAL,
        },
    ),
    CertificationAuthority(
        "Consejo de la Judicatura",
        "1.3.6.1.4.1.43745",
        field_arc="1.3",
        policies={
            "1.2.1.1": _NP,
            "1.2.1.2": _ENTITY,
            "1.2.1.3": _ENTITY,
            "1.2.1.4": _MEMBER,
            "1.2.2.1": _SEAL,
            "1.2.3.1": _SEAL,
            "1.2.4.1": _SEAL,
        },
    ),
    CertificationAuthority(
        "Argos Data", "1.3.6.1.4.1.59198", policies={"2.1.1": _NP, "2.2.1": _LR}
    ),
    CertificationAuthority(
        "Alpha Technologies",
        "1.3.6.1.4.1.56105",
        policies={**_ARCOTEL, "2.1": _NP, "2.2": _ENTITY, "2.3": _MEMBER},
    ),
    CertificationAuthority("AppFirmas", "1.3.6.1.4.1.62431", policies=dict(_ARCOTEL)),
)


@dataclass(frozen=True, slots=True)
class CertificateHolder:
    """The holder of a certificate as the CA names it: the evidence of who signed."""

    layout: CertificateLayout
    kind: CertificateKind
    certification_authority: str
    """The accredited CA's name, or the issuer's organizationName for a CA not listed."""
    pen: str | None
    """The PEN whose policies or extensions named the holder, when any."""
    identification: str | None
    """The cédula or passport of the person holding the key (ETSI prefix removed)."""
    name: str | None
    position: str | None
    company_ruc: str | None
    company_name: str | None


def configured_authorities(pens: Iterable[str]) -> tuple[CertificationAuthority, ...]:
    """The accredited CAs, then the CA of each further configured PEN, read with the generic
    numbering. Reading a CA's extensions grants nothing (whom a signature binds depends on the
    trusted CAs), so the accredited ones are always read: a setting adds, it never removes."""
    known = {ca.pen: ca for ca in ACCREDITED_CAS}
    found: dict[str, CertificationAuthority] = dict(known)
    for pen in pens:
        clean = pen.strip().strip(".")
        if clean and clean not in found:
            found[clean] = known.get(clean) or CertificationAuthority(name="", pen=clean)
    return tuple(found.values())


def read_certificate_holder(
    certificate: x509.Certificate, *, authorities: Iterable[CertificationAuthority]
) -> CertificateHolder:
    """The holder of `certificate`, in whichever layout it is written: the extension layout of
    the first configured CA whose cédula extension it carries, else the subject layout."""
    policies = _policies(certificate)
    extensions = _private_extension_values(certificate)
    candidates = tuple(authorities)
    by_extension = next(
        (ca for ca in candidates if ca.field_oid(1) in extensions),
        None,
    )
    authority = by_extension or next(
        (ca for ca in candidates for policy in policies if ca.kind_of(policy) is not None),
        None,
    )
    kind = _kind(authority, policies)
    ca_name = (authority.name if authority is not None else "") or _issuer_name(certificate)
    if by_extension is not None:
        ca = by_extension

        def value(number: int) -> str | None:
            return extensions.get(ca.field_oid(number))

        return CertificateHolder(
            layout=CertificateLayout.EXTENSIONS,
            kind=kind,
            certification_authority=ca_name,
            pen=ca.pen,
            identification=_identification(value(1)),
            name=_joined(value(2), value(3), value(4)),
            position=value(5),
            company_ruc=_ruc(value(11)),
            company_name=value(10) or value(6),
        )
    subject = certificate.subject
    return CertificateHolder(
        layout=CertificateLayout.SUBJECT,
        kind=kind,
        certification_authority=ca_name,
        pen=authority.pen if authority is not None else None,
        identification=_identification(_attribute(subject, NameOID.SERIAL_NUMBER)),
        name=_joined(_attribute(subject, NameOID.GIVEN_NAME), _attribute(subject, NameOID.SURNAME))
        or _attribute(subject, NameOID.COMMON_NAME),
        position=_attribute(subject, NameOID.TITLE),
        company_ruc=_ruc(_attribute(subject, _ORGANIZATION_IDENTIFIER)),
        company_name=_attribute(subject, NameOID.ORGANIZATION_NAME),
    )


def _kind(authority: CertificationAuthority | None, policies: tuple[str, ...]) -> CertificateKind:
    if authority is None:
        return CertificateKind.UNSPECIFIED
    for policy in policies:
        kind = authority.kind_of(policy)
        if kind is not None:
            return kind
    return CertificateKind.UNSPECIFIED


def _policies(certificate: x509.Certificate) -> tuple[str, ...]:
    try:
        extension = certificate.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES)
    except x509.ExtensionNotFound:
        return ()
    value = extension.value
    if not isinstance(value, x509.CertificatePolicies):
        return ()
    return tuple(policy.policy_identifier.dotted_string for policy in value)


def _private_extension_values(certificate: x509.Certificate) -> dict[str, str]:
    """Each extension under a private enterprise number whose value reads as text."""
    found: dict[str, str] = {}
    for extension in certificate.extensions:
        oid = extension.oid.dotted_string
        if not oid.startswith(_PRIVATE_ENTERPRISE_ARC):
            continue
        if isinstance(extension.value, x509.UnrecognizedExtension):
            text = extension_text(extension.value.value)
            if text:
                found[oid] = text
    return found


def extension_text(data: bytes) -> str | None:
    """The text of a private extension: an ASN.1 string (usually UTF8String) as the CAs write
    it, or, as some older certificates do, the bare UTF-8 bytes."""
    text: str | None = None
    try:
        parsed = core.load(data, strict=True)
        if isinstance(parsed, core.AbstractString):
            text = str(parsed.native)
    except Exception:  # not DER: asn1crypto raises ValueError, TypeError, ...
        parsed = None
    if text is None and parsed is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if text is None or not text.isprintable():
        return None
    clean = _BLANKS.sub(" ", text).strip()
    return clean[:_MAX_VALUE_CHARS] or None


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    for attribute in name.get_attributes_for_oid(oid):
        if isinstance(attribute.value, str):
            clean = _BLANKS.sub(" ", attribute.value).strip()
            if clean:
                return clean[:_MAX_VALUE_CHARS]
    return None


def _identification(value: str | None) -> str | None:
    if value is None:
        return None
    clean = _SEPARATORS.sub("", _ETSI_PREFIX.sub("", value.strip(), count=1))
    return clean.upper() or None


def _ruc(value: str | None) -> str | None:
    """A RUC as written after an ETSI prefix ("VATEC-1790012345001"), digits only."""
    if value is None:
        return None
    digits = re.sub(r"[^0-9]", "", _ETSI_PREFIX.sub("", value.strip(), count=1))
    return digits or None


def _joined(*parts: str | None) -> str | None:
    words = " ".join(part for part in parts if part)
    return words or None


def _issuer_name(certificate: x509.Certificate) -> str:
    return (
        _attribute(certificate.issuer, NameOID.ORGANIZATION_NAME)
        or _attribute(certificate.issuer, NameOID.COMMON_NAME)
        or ""
    )
