"""The *Convenio para la utilización de canales electrónicos o tecnológicos del SENAE*: published
by staff in versions, signed by each user with its TOKEN after every update (the guide, step 6).
A signature in January after a January update completes that year's update."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.certificate_holders import configured_authorities
from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode
from api.domain.lifecycle import (
    SigningOutcome,
    agreement_digest,
    agreement_pending,
    already_signed_outcome,
    clean_agreement_text,
    completed_year,
    next_agreement_version,
    signing_outcome,
)
from api.domain.signatures import SignatureEvidence, verify_agreement_signature
from api.domain.signing_rights import SigningParty, require_active_organization
from api.persistence.lifecycle import AgreementRepository, AnnualUpdateRepository
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.tables import AgreementSignatureRow, AgreementVersionRow, OperatorRow
from api.persistence.trust_store import load_trust_anchors
from api.services.annual_update import state_of
from api.services.container import Services

SIGN_OPERATION = "SIGN_AGREEMENT"
# The change of a signature's history entry that carries who signed (`signer_evidence`).
SIGNER_FIELD = "signer"


@dataclass(frozen=True, slots=True)
class Signed:
    operator: OperatorRow
    already_signed: bool
    completed_year: int | None
    # What the signature leaves the yearly update at, for its answer.
    outcome: SigningOutcome


async def current_agreement(services: Services) -> AgreementVersionRow | None:
    async with services.reading() as session:
        return await AgreementRepository(session).current()


async def agreement_version(services: Services, version: str) -> AgreementVersionRow | None:
    """A published version, current or earlier (its text stays what its signers signed)."""
    async with services.reading() as session:
        return await AgreementRepository(session).by_version(version)


async def publish_agreement(
    services: Services, *, text: str, staff_user_id: str
) -> AgreementVersionRow:
    clean = clean_agreement_text(text)
    now = services.clock.now()
    digest = agreement_digest(clean)
    async with services.transaction() as session:
        repository = AgreementRepository(session)
        await repository.lock_for_publication()
        current = await repository.current()
        if current is not None and current.sha256 == digest:
            raise DomainError.single("text", ErrorCode.ALREADY_PUBLISHED, version=current.version)
        version = next_agreement_version(await repository.versions(), now=now)
        row = AgreementVersionRow(
            version=version,
            text=clean,
            sha256=digest,
            published_at=now,
            published_by=staff_user_id,
        )
        session.add(row)
    return row


def signing_party(operator: OperatorRow) -> SigningParty:
    """The operator as the signing rule sees it: its identification and, for the company types,
    the company's RUC, legal representative and taxpayer state as the SRI registers them."""
    company = operator.company
    return SigningParty(
        identification=operator.identification_number,
        company_ruc=company.ruc if company is not None else None,
        legal_representative_cedula=(
            company.legal_representative_identification if company is not None else None
        ),
        company_taxpayer_status=company.taxpayer_status if company is not None else None,
    )


def signer_evidence(evidence: SignatureEvidence) -> dict[str, str | None]:
    """Who signed, kept in the signature's history entry (`HistoryEntry.signer`)."""
    holder = evidence.holder
    return {
        "identification": holder.identification,
        "name": holder.name,
        "position": holder.position,
        "companyRuc": holder.company_ruc,
        "companyName": holder.company_name,
        "certificateKind": holder.kind.value,
        "certificationAuthority": holder.certification_authority,
        "layout": holder.layout.value,
        "capacity": evidence.capacity.value,
        "lineEnds": evidence.line_ends,
    }


async def _already_signed(
    services: Services, session: AsyncSession, operator: OperatorRow
) -> Signed:
    """Nothing to record; the answer still says what this year's update misses (read in
    `session`: inside the signing transaction, its own rather than a second connection)."""
    assert operator.id is not None
    completions = await AnnualUpdateRepository(session).completions([operator.id])
    state = state_of(services, operator, completions[operator.id])
    return Signed(
        operator=operator,
        already_signed=True,
        completed_year=None,
        outcome=already_signed_outcome(state),
    )


def _trust_anchors(services: Services) -> tuple[bytes, ...]:
    directory = services.settings.signature_ca_dir
    return load_trust_anchors(directory) if directory is not None else ()


async def sign_agreement(
    services: Services, *, operator_id: int, version: str, signature: str, certificate: str
) -> Signed:
    now = services.clock.now()
    async with services.reading() as session:
        current = await AgreementRepository(session).current()
        operator = await OperatorRepository(session).by_id(operator_id)
    assert operator is not None
    if current is None or version.strip() != current.version:
        raise DomainError.single("version", ErrorCode.UNKNOWN_VERSION)
    party = signing_party(operator)
    # Before the signature is looked at: no certificate can sign for such a company, and the
    # user can act on this refusal (settle the RUC with the SRI), not on a certificate's.
    require_active_organization(party)
    evidence = verify_agreement_signature(
        text=current.text,
        signature_b64=signature,
        certificate_pem=certificate,
        trust_anchors=_trust_anchors(services),
        now=now,
        party=party,
        authorities=configured_authorities(services.settings.signature_ca_pens),
    )
    if not agreement_pending(
        signed_version=operator.agreement_version,
        signed_at=operator.agreement_signed_at,
        current_version=current.version,
        last_update_at=operator.last_update_at,
    ):
        # Signing again what is already signed changes nothing.
        async with services.reading() as session:
            return await _already_signed(services, session, operator)

    year = completed_year(last_update_at=operator.last_update_at, signed_at=now)
    # Pending because of a "Modificar" since the last signature, rather than a new version.
    followed_an_update = operator.last_update_at is not None and (
        operator.agreement_signed_at is None
        or operator.agreement_signed_at < operator.last_update_at
    )
    async with services.transaction() as session:
        # Parallel signatures of one pending agreement: the row lock lets one through; the
        # others then find it signed and change nothing.
        locked = await OperatorRepository(session).lock(operator_id)
        assert locked is not None
        if not agreement_pending(
            signed_version=locked.agreement_version,
            signed_at=locked.agreement_signed_at,
            current_version=current.version,
            last_update_at=locked.last_update_at,
        ):
            return await _already_signed(services, session, locked)
        session.add(
            AgreementSignatureRow(
                operator_id=operator_id,
                version=current.version,
                signed_at=now,
                signature=signature.strip(),
                certificate_pem=certificate.strip(),
                certificate_sha256=evidence.certificate_sha256,
                certificate_subject=evidence.subject[:500],
            )
        )
        await session.exec(
            update(OperatorRow)
            .where(col(OperatorRow.id) == operator_id)
            .values(agreement_version=current.version, agreement_signed_at=now)
        )
        changes = [
            Change("agreementVersion", operator.agreement_version, current.version),
            Change("certificateSha256", None, evidence.certificate_sha256),
            Change(SIGNER_FIELD, None, signer_evidence(evidence)),
        ]
        if year is not None and await AnnualUpdateRepository(session).record_completion(
            operator_id=operator_id, year=year, at=now
        ):
            changes.append(Change("annualUpdateCompleted", None, year))
        await record_change(
            session,
            operator=operator,
            actor=Actor(kind="USER", user_id=operator.user_id),
            operation=SIGN_OPERATION,
            event_type=EventType.AGREEMENT_SIGNED,
            changes=changes,
            at=now,
        )
        fresh = await OperatorRepository(session).by_id_fresh(operator_id)
        assert fresh is not None
        completions = await AnnualUpdateRepository(session).completions([operator_id])
    state = state_of(services, fresh, completions[operator_id])
    return Signed(
        operator=fresh,
        already_signed=False,
        completed_year=year,
        outcome=signing_outcome(state, followed_an_update=followed_an_update),
    )
