"""Issuing, listing and revoking partners' API keys (CLI and staff through GraphQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail
from api.domain.partners import (
    DISPLAY_PREFIX_LENGTH,
    Scope,
    clean_partner_name,
    granted_scopes,
    hash_partner_key,
    is_partner_key,
    new_partner_key,
    parse_scopes,
)
from api.persistence.partner_keys import PartnerKeyRepository
from api.persistence.tables import PartnerKeyRow
from api.services.container import Services


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str  # shown once, never stored
    row: PartnerKeyRow


@dataclass(frozen=True, slots=True)
class PartnerIdentity:
    key_id: int
    name: str
    scopes: frozenset[Scope]


async def create_partner_key(
    services: Services, *, name: str, scopes: str | list[str], created_by: str | None
) -> IssuedKey:
    clean_name = clean_partner_name(name)
    scope_set = parse_scopes(scopes)
    key = new_partner_key()
    row = PartnerKeyRow(
        name=clean_name,
        key_prefix=key[:DISPLAY_PREFIX_LENGTH],
        key_hash=hash_partner_key(key),
        scopes=",".join(sorted(scope_set)),
        created_at=services.clock.now(),
        created_by=created_by,
    )
    async with services.transaction() as session:
        session.add(row)
    return IssuedKey(key=key, row=row)


async def list_partner_keys(services: Services) -> Sequence[PartnerKeyRow]:
    async with services.reading() as session:
        return await PartnerKeyRepository(session).all()


async def partner_key(services: Services, key_id: int) -> PartnerKeyRow | None:
    async with services.reading() as session:
        return await PartnerKeyRepository(session).by_id(key_id)


async def revoke_partner_key(services: Services, *, key_id: int) -> None:
    async with services.transaction() as session:
        if not await PartnerKeyRepository(session).revoke(key_id, at=services.clock.now()):
            raise DomainError.single("id", ErrorCode.NOT_FOUND, what=Detail.PARTNER_KEY)


async def identify_partner(services: Services, credential: str) -> PartnerIdentity | None:
    if not is_partner_key(credential):
        return None
    async with services.reading() as session:
        row = await PartnerKeyRepository(session).active_by_hash(hash_partner_key(credential))
    if row is None or row.id is None:
        return None
    return PartnerIdentity(key_id=row.id, name=row.name, scopes=granted_scopes(row.scopes))


async def still_active(services: Services, key_id: int) -> bool:
    async with services.reading() as session:
        return await PartnerKeyRepository(session).is_active(key_id)
