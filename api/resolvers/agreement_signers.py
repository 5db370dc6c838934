"""The signer of an agreement signature's history entry, from the evidence its audit entry keeps
(`api.services.agreement.signer_evidence`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from api.schema.agreement_signer import AgreementSigner
from api.schema.enums import CertificateKindEnum, CertificateLayoutEnum, SigningCapacityEnum
from api.services.agreement import SIGN_OPERATION, SIGNER_FIELD


def agreement_signer(
    *, operation: str, changes: Sequence[Mapping[str, Any]]
) -> AgreementSigner | None:
    """Who signed, for a SIGN_AGREEMENT entry that kept it; None for any other entry (and for
    signatures recorded before the signer was kept)."""
    if operation != SIGN_OPERATION:
        return None
    evidence = next(
        (change.get("new") for change in changes if change.get("field") == SIGNER_FIELD), None
    )
    if not isinstance(evidence, Mapping):
        return None
    try:
        kind = CertificateKindEnum[str(evidence["certificateKind"])]
        layout = CertificateLayoutEnum[str(evidence["layout"])]
        capacity = SigningCapacityEnum[str(evidence["capacity"])]
    except KeyError:
        return None
    return AgreementSigner(
        identification=_text(evidence.get("identification")),
        name=_text(evidence.get("name")),
        position=_text(evidence.get("position")),
        company_ruc=_text(evidence.get("companyRuc")),
        company_name=_text(evidence.get("companyName")),
        certificate_kind=kind,
        certification_authority=_text(evidence.get("certificationAuthority")) or "",
        layout=layout,
        capacity=capacity,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
