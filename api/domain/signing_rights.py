"""Who may sign the electronic-channels agreement for whom.

The guide's step 6 has each user sign the *Convenio* with its TOKEN. A natural person signs for
itself; a company (a Representante de Comercio Exterior registered with the company's RUC) has no
TOKEN of its own and signs with the TOKEN of a person who may bind it: its legal representative or
a member of the company, whose certificate names the person's cédula *and* the company's RUC
(`data/ec-signing-certificates/`, "What follows for the agreement signature"). The legal
representative registered for the company (SPEC §2, company data as the SRI registers it) may also
sign with a natural-person certificate of its own.

`signing_capacity` is that rule, over a small description of the operator (`SigningParty`) and the
certificate's holder (`api.domain.certificate_holders.CertificateHolder`). Pure, no I/O.

`require_active_organization` comes before it: an operator registered as its company signs for
the company, and a company whose RUC the SRI's registry shows SUSPENDIDO or PASIVO is refused
whoever signs (an interpretation: the seeds say nothing of it; README, "A company whose RUC is
not active"). The agreement is what lets the company act through SENAE's electronic channels,
and a taxpayer whose activities stand suspended or ended has nothing to act for; the refusal
names the RUC and its state, so the user knows to settle it with the SRI. A state not known yet
(the registry not imported) does not refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from api.domain.certificate_holders import ORGANIZATION_KINDS, CertificateHolder, CertificateKind
from api.domain.companies import SRI_TAXPAYER_STATUS_WORDS, TaxpayerStatus
from api.domain.errors import DomainError, ErrorCode
from api.domain.identification import cedula_of

_ETSI_PREFIX: Final = re.compile(r"^[A-Za-z]{3}[A-Za-z]{2}-")
_NOT_DIGIT: Final = re.compile(r"[^0-9]")
_SEPARATORS: Final = re.compile(r"[\s\-]+")
_ASCII_ALPHANUMERIC: Final = re.compile(r"[A-Za-z0-9]+")
_CEDULA_LENGTH: Final = 10
_RUC_LENGTH: Final = 13
_MAIN_ESTABLISHMENT: Final = "001"
# The SRI's third digit of a RUC: 6 a public institution, 9 a private company (a legal person);
# below 6 the RUC is a natural person's, its cédula followed by the establishment.
_ORGANIZATION_THIRD_DIGITS: Final = frozenset("69")
# Kinds whose key a natural person holds in its own name (a seal's key is nobody's).
_PERSONAL_KINDS: Final = frozenset(CertificateKind) - {CertificateKind.ELECTRONIC_SEAL}
_NATURAL_PERSON_KINDS: Final = frozenset(
    {CertificateKind.NATURAL_PERSON, CertificateKind.UNSPECIFIED}
)


class SigningCapacity(StrEnum):
    """In what capacity the certificate's holder signed for the operator."""

    HOLDER_ITSELF = "HOLDER_ITSELF"
    """The certificate names the operator itself (its cédula, its RUC = cédula + 001, its
    passport)."""
    FOR_ORGANIZATION = "FOR_ORGANIZATION"
    """A legal representative's, company member's (or older persona jurídica's, public
    official's) certificate naming the RUC the operator is registered with."""
    REGISTERED_LEGAL_REPRESENTATIVE = "REGISTERED_LEGAL_REPRESENTATIVE"
    """A natural-person certificate of the legal representative registered for the company."""


@dataclass(frozen=True, slots=True)
class SigningParty:
    """The operator the agreement binds, as far as the signing rule needs it."""

    identification: str
    """The cédula, RUC or passport the operator is registered with."""
    company_ruc: str | None = None
    """The RUC of the company registered with the operator (company types), when stored."""
    legal_representative_cedula: str | None = None
    """The cédula of the company's legal representative as the SRI registers it, when stored."""
    company_taxpayer_status: TaxpayerStatus | None = None
    """The stored company's ESTADO_CONTRIBUYENTE in the SRI's registry, when an import gave it."""

    @property
    def organization_ruc(self) -> str | None:
        """The organisation's RUC when the operator is registered as the organisation itself: its
        identification is the stored company RUC, or is a RUC of a legal person or public
        institution (third digit 9 or 6)."""
        own = _digits_only(self.identification)
        if own is None or len(own) != _RUC_LENGTH:
            return None
        if self.company_ruc is not None and _digits_only(self.company_ruc) == own:
            return own
        return own if own[2] in _ORGANIZATION_THIRD_DIGITS else None


# Glosses for the English message; the registry's own word stays, as the user will meet it there.
_STATUS_GLOSS_EN: Final = {
    TaxpayerStatus.ACTIVE: "active",
    TaxpayerStatus.SUSPENDED: "suspended",
    TaxpayerStatus.PASSIVE: "passive",
}


def require_active_organization(party: SigningParty) -> None:
    """DomainError RUC_NOT_ACTIVE (no field: the whole operation) when the operator is registered
    as its company and the SRI's registry shows that company's RUC not active."""
    status = party.company_taxpayer_status
    if status is None or status is TaxpayerStatus.ACTIVE or party.company_ruc is None:
        return
    organization = party.organization_ruc
    if organization is None or _digits_only(party.company_ruc) != organization:
        # An employee, official or organisation's delegate signs as itself, not as the company.
        return
    word = SRI_TAXPAYER_STATUS_WORDS[status]
    raise DomainError.single(
        None,
        ErrorCode.RUC_NOT_ACTIVE,
        ruc=organization,
        status=word,
        status_en=f"{word} ({_STATUS_GLOSS_EN[status]})",
    )


def signing_capacity(*, holder: CertificateHolder, party: SigningParty) -> SigningCapacity | None:
    """In what capacity `holder` may sign the agreement for `party`; None when it may not."""
    if (
        holder.kind in _PERSONAL_KINDS
        and holder.identification is not None
        and identification_names_user(
            named=holder.identification, identification=party.identification
        )
    ):
        return SigningCapacity.HOLDER_ITSELF
    organization = party.organization_ruc
    if organization is None:
        return None
    if (
        holder.kind in ORGANIZATION_KINDS
        and holder.identification is not None
        and _digits_only(holder.company_ruc or "") == organization
    ):
        return SigningCapacity.FOR_ORGANIZATION
    representative = party.legal_representative_cedula
    if (
        representative
        and holder.kind in _NATURAL_PERSON_KINDS
        and holder.identification is not None
        and identification_names_user(named=holder.identification, identification=representative)
    ):
        return SigningCapacity.REGISTERED_LEGAL_REPRESENTATIVE
    return None


def identification_names_user(*, named: str, identification: str) -> bool:
    """Whether an identification a certificate names (subject serialNumber or the CA's cédula
    extension) names the user registered with `identification`.

    Ecuadorian CAs (Banco Central, Security Data, ANF) put the cédula in serialNumber, sometimes
    after an ETSI semantics prefix ("IDCEC-0912345675", "PNOEC-…"), and some put the RUC. A
    natural person's RUC is its cédula followed by the main establishment "001", so:
    - a user registered with a cédula is named by that cédula or by the RUC cédula + "001";
    - a user registered with a natural person's RUC is named by that RUC or by its cédula (a
      company's RUC only by itself: its first ten digits are nobody's cédula);
    - a user registered with a passport is named by that passport number (letters and digits,
      case-insensitive, after the ETSI prefix, e.g. "PASEC-…").
    """
    own = _SEPARATORS.sub("", identification)
    if not own.isascii():
        return False
    value = _ETSI_PREFIX.sub("", named.strip(), count=1)
    if own.isdigit() and len(own) in (_CEDULA_LENGTH, _RUC_LENGTH):
        digits = _NOT_DIGIT.sub("", value)
        if len(own) == _CEDULA_LENGTH:
            return digits in (own, own + _MAIN_ESTABLISHMENT)
        return digits in (own, cedula_of(own))
    passport = _ASCII_ALPHANUMERIC.fullmatch(own)
    # ASCII only: `str.upper` turns some non-ASCII letters into ASCII ones ("ı" -> "I").
    return passport is not None and value.isascii() and value.upper() == own.upper()


def _digits_only(value: str) -> str | None:
    clean = _SEPARATORS.sub("", value.strip())
    return clean if clean.isdigit() else None
