"""Registering users: `create-user`, and the demo data."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.registration import NewOperator, validate_new_operator
from api.persistence.companies import CompanyRepository
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.tables import OperatorRow
from api.services.container import Services
from api.services.passwords import hash_password

REGISTERED = EventType.OPERATOR_REGISTERED


@dataclass(frozen=True, slots=True)
class ContactData:
    """The form's contact fields, when they are known at registration (the demo data)."""

    country_code: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    address: str | None = None
    phone1: str | None = None
    phone2: str | None = None
    mobile_carrier: str | None = None
    mobile_number: str | None = None
    fax: str | None = None


@dataclass(frozen=True, slots=True)
class Registration:
    new: NewOperator
    contact: ContactData = field(default_factory=ContactData)


async def create_operator(
    services: Services, registration: Registration, *, actor: Actor
) -> OperatorRow:
    clean = validate_new_operator(registration.new)
    password_hash = await hash_password(registration.new.password)
    now = services.clock.now()
    async with services.transaction() as session:
        repository = OperatorRepository(session)
        errors: list[FieldError] = []
        if await repository.user_id_exists(clean.user_id):
            errors.append(FieldError("userId", ErrorCode.USER_ID_TAKEN))
        if await repository.email_owner(clean.email) is not None:
            errors.append(FieldError("email", ErrorCode.EMAIL_TAKEN))
        if errors:
            raise DomainError(errors)
        if clean.company is not None:
            # The data given completes what is known of the company; what the SRI's registry or
            # staff set stays (staff correct it with setOperatorCompany).
            await CompanyRepository(session).write(
                clean.company, at=now, source="REGISTRATION", fill_only=True
            )
        contact = registration.contact
        row = OperatorRow(
            user_id=clean.user_id,
            identification_type=clean.identification_type.value,
            identification_number=clean.identification_number,
            registration_type=clean.registration_type.value,
            role=clean.role.value,
            name=clean.name,
            registered_name=clean.name,
            email=clean.email,
            company_ruc=clean.company_ruc,
            country_code=contact.country_code,
            province_code=contact.province_code,
            city_code=contact.city_code,
            address=contact.address,
            phone1=contact.phone1,
            phone2=contact.phone2,
            mobile_carrier=contact.mobile_carrier,
            mobile_number=contact.mobile_number,
            fax=contact.fax,
            password_hash=password_hash,
            created_at=now,
            updated_at=now,
        )
        repository.add(row)
        # A concurrent registration of the same user ID or e-mail loses here, on the unique index.
        await repository.flush_unique()
        await session.refresh(row, ["company_row"])
        changes = [
            Change(name, None, value)
            for name, value in (
                ("userId", row.user_id),
                ("registrationType", row.registration_type),
                ("identification", row.identification_number),
                ("name", row.name),
                ("email", row.email),
                ("role", row.role),
            )
        ]
        await record_change(
            session,
            operator=row,
            actor=actor,
            operation="REGISTER",
            event_type=REGISTERED,
            changes=changes,
            at=now,
        )
    return row
