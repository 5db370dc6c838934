"""The database tables. Constraints live here and in the migrations, not only in Python.

Enumerated columns are VARCHAR with CHECK constraints rather than native enum types: a new code
is then one migration that rewrites a CHECK, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship
from sqlmodel import Column, Field, Relationship, SQLModel

from api.domain.companies import Company, TaxpayerStatus, company_for
from api.domain.vocabulary import (
    IdentificationType,
    MobileCarrierCode,
    OperatorStatus,
    RegistrationTypeCode,
    Role,
)

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: type[Any]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _timestamp(*, nullable: bool = False) -> Any:
    return Field(sa_column=Column(sa.DateTime(timezone=True), nullable=nullable))


class OperatorBase(SQLModel):
    """The registration fields of §5.5, shared by the table and the services."""

    user_id: str = Field(max_length=30)
    identification_type: str = Field(max_length=10)
    identification_number: str = Field(max_length=20)
    registration_type: str = Field(max_length=40)
    role: str = Field(default=Role.USER.value, max_length=10)
    name: str = Field(max_length=150)
    # The contact fields of the form are empty until the operator first completes "Modificar"
    # when its registration was created by staff (`create-user` takes only identity fields).
    country_code: str | None = Field(default=None, max_length=2)
    province_code: str | None = Field(default=None, max_length=2)
    city_code: str | None = Field(default=None, max_length=4)
    address: str | None = Field(default=None, max_length=250)
    phone1: str | None = Field(default=None, max_length=14)
    phone2: str | None = Field(default=None, max_length=14)
    mobile_carrier: str | None = Field(default=None, max_length=10)
    mobile_number: str | None = Field(default=None, max_length=14)
    fax: str | None = Field(default=None, max_length=14)
    email: str = Field(max_length=254)
    # The company (representatives, employees), public entity (its representatives and officials)
    # or international organisation, as registered with the SRI: its data lives in `companies`.
    company_ruc: str | None = Field(default=None, foreign_key="companies.ruc", max_length=13)


class CompanyRow(SQLModel, table=True):
    """One RUC of the SRI's registry (migration 0009): the razón social and the legal
    representative, shared by every operator of the company."""

    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint("length(ruc) = 13", name="ck_companies_ruc_length"),
        sa.CheckConstraint(
            "source IN ('SRI_IMPORT', 'STAFF', 'REGISTRATION')", name="ck_companies_source"
        ),
        sa.CheckConstraint(
            _in("taxpayer_status", TaxpayerStatus), name="ck_companies_taxpayer_status"
        ),
    )

    ruc: str = Field(primary_key=True, max_length=13)
    # Null while only the RUC is known (given at registration, before the registry's import).
    name: str | None = Field(default=None, max_length=300)
    legal_representative_name: str | None = Field(default=None, max_length=150)
    legal_representative_identification: str | None = Field(default=None, max_length=20)
    # ESTADO_CONTRIBUYENTE of the registry (migration 0012); null until an import says it.
    taxpayer_status: str | None = Field(default=None, max_length=10)
    # Who wrote the data last: the SRI registry's import, customs staff, or a registration.
    source: str = Field(max_length=12)
    updated_at: datetime = _timestamp()


class OperatorRow(OperatorBase, table=True):
    """An operator's registration. `password_hash` and `version` never leave the server."""

    __tablename__ = "operators"
    __table_args__ = (
        # Case-insensitive uniqueness, enforced by the database itself.
        sa.Index("uq_operators_user_id_lower", sa.func.lower(sa.column("user_id")), unique=True),
        # Unique among the operators not deregistered: an approved deregistration releases the
        # address (migration 0008).
        sa.Index(
            "uq_operators_email_lower",
            sa.func.lower(sa.column("email")),
            unique=True,
            postgresql_where=sa.text("deregistered_at IS NULL"),
            sqlite_where=sa.text("deregistered_at IS NULL"),
        ),
        sa.Index("ix_operators_identification", "identification_number"),
        # The employees and officials of a company (the agreement's signers, the SRI import).
        sa.Index("ix_operators_company_ruc", "company_ruc"),
        # Staff's DUE list: the operators whose last annual update is older than this year, in
        # registration order (api/services/annual_update.py).
        sa.Index(
            "ix_operators_annual_update_year",
            sa.func.coalesce(sa.column("annual_update_year"), 0),
            "id",
        ),
        sa.CheckConstraint(
            _in("identification_type", IdentificationType), name="ck_operators_identification_type"
        ),
        sa.CheckConstraint(
            _in("registration_type", RegistrationTypeCode), name="ck_operators_registration_type"
        ),
        sa.CheckConstraint(_in("role", Role), name="ck_operators_role"),
        sa.CheckConstraint(_in("status", OperatorStatus), name="ck_operators_status"),
        sa.CheckConstraint(_in("mobile_carrier", MobileCarrierCode), name="ck_operators_carrier"),
        sa.CheckConstraint("version >= 1", name="ck_operators_version_positive"),
        sa.CheckConstraint("length(trim(user_id)) > 0", name="ck_operators_user_id_not_blank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    status: str = Field(default=OperatorStatus.ACTIVE.value, max_length=10)
    version: int = Field(default=1)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    # The last successful "Modificar"; the agreement must be signed after it.
    last_update_at: datetime | None = _timestamp(nullable=True)
    # The agreement version last signed, and when (the evidence is in agreement_signatures).
    agreement_version: str | None = Field(default=None, max_length=20)
    agreement_signed_at: datetime | None = _timestamp(nullable=True)
    # SENAE-ISEE-3-2-013: an employee may use "Modificar" only with its company's permission.
    employee_permission: bool = Field(default=False)
    status_reason: str | None = Field(default=None, max_length=500)
    # The latest year whose annual update is done (null: none), kept by the database itself: a
    # trigger on annual_updates (migration 0005), whoever inserts the row. The DUE list reads it
    # through an index instead of looking for the absence of a row, operator after operator.
    annual_update_year: int | None = Field(default=None)
    # Moved on by the database whenever the password or the status changes (migration 0006): a
    # session opened under another epoch no longer counts (api/services/auth.py).
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The TOTP secret of the second factor, sealed with SECRET_KEY (api/services/second_factor.py);
    # null: signs in with the password alone.
    totp_secret: str | None = Field(default=None, max_length=255)
    # When an approved deregistration ended this registration; its address is free again.
    deregistered_at: datetime | None = _timestamp(nullable=True)
    # "Nombre usuario" as registered (migration 0010): every later name must still be a
    # correction of it (api/domain/names.py), so corrections cannot add up to another person.
    registered_name: str = Field(max_length=150)
    # Loaded with the operator (one more statement per query, none when no operator read has a
    # company; not a join, so `FOR UPDATE` on operators stays possible), read-only from here:
    # the company is written through api/persistence/companies.py.
    company_row: CompanyRow | None = Relationship(
        # Given as a relationship() because the annotation is a string here (postponed
        # annotations), which SQLModel cannot turn into the target class.
        sa_relationship=relationship("CompanyRow", lazy="selectin", viewonly=True)
    )

    @property
    def company(self) -> Company | None:
        """The operator's company as its registration type shows it; None without a RUC."""
        if self.company_ruc is None:
            return None
        stored = self.company_row
        return stored_company(
            registration_type=self.registration_type,
            ruc=self.company_ruc,
            name=stored.name if stored else None,
            legal_representative_name=stored.legal_representative_name if stored else None,
            legal_representative_identification=(
                stored.legal_representative_identification if stored else None
            ),
            taxpayer_status=stored.taxpayer_status if stored else None,
        )


def stored_company(
    *,
    registration_type: str,
    ruc: str,
    name: str | None,
    legal_representative_name: str | None,
    legal_representative_identification: str | None,
    taxpayer_status: str | None,
) -> Company:
    """The company as the `companies` row stores it, as an operator of `registration_type` sees
    it: from the ORM row (`OperatorRow.company`) or the Core read (api/persistence/
    operator_records.py)."""
    return company_for(
        registration_type=RegistrationTypeCode(registration_type),
        ruc=ruc,
        name=name,
        legal_representative_name=legal_representative_name,
        legal_representative_identification=legal_representative_identification,
        taxpayer_status=TaxpayerStatus(taxpayer_status) if taxpayer_status else None,
    )


class AuditEntryRow(SQLModel, table=True):
    """One line of an operator's history: who did what, and which fields changed (old, new)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_operator_time", "operator_id", "occurred_at"),
        sa.CheckConstraint("actor_kind IN ('USER', 'STAFF', 'SYSTEM')", name="ck_audit_actor_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE")
    actor_kind: str = Field(max_length=10)
    actor_user_id: str | None = Field(default=None, max_length=30)
    operation: str = Field(max_length=40)
    # [{"field": ..., "old": ..., "new": ...}]; secrets appear only as "changed".
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON_DOCUMENT, nullable=False)
    )
    occurred_at: datetime = _timestamp()


class OutboxEventRow(SQLModel, table=True):
    """An event written in the same transaction as the change it reports (the outbox).

    `sequence` orders events for partners; a relay publishes committed rows to Redis.
    """

    __tablename__ = "outbox_events"

    sequence: int | None = Field(
        default=None,
        sa_column=Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    )
    event_id: str = Field(max_length=36, unique=True)
    event_type: str = Field(max_length=40)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE", index=True)
    user_id: str = Field(max_length=30)
    actor: str = Field(max_length=40)
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON_DOCUMENT, nullable=False)
    )
    occurred_at: datetime = _timestamp()


class DeregistrationRequestRow(SQLModel, table=True):
    """A "Solicitud de baja" (§5.8): at most one PENDING per operator (a partial unique index)."""

    __tablename__ = "deregistration_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')",
            name="ck_deregistration_status",
        ),
        sa.Index(
            "uq_deregistration_one_pending",
            "operator_id",
            unique=True,
            postgresql_where=sa.text("status = 'PENDING'"),
            sqlite_where=sa.text("status = 'PENDING'"),
        ),
        sa.Index("ix_deregistration_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE")
    reason: str = Field(max_length=500)
    status: str = Field(default="PENDING", max_length=10)
    created_at: datetime = _timestamp()
    decided_at: datetime | None = _timestamp(nullable=True)
    decided_by: str | None = Field(default=None, max_length=30)
    decision_reason: str | None = Field(default=None, max_length=500)


class AgreementVersionRow(SQLModel, table=True):
    """A published text of the *Convenio para la utilización de canales electrónicos*."""

    __tablename__ = "agreement_versions"

    version: str = Field(primary_key=True, max_length=20)
    text: str = Field(sa_column=Column(sa.Text(), nullable=False))
    sha256: str = Field(max_length=64)
    published_at: datetime = _timestamp()
    published_by: str | None = Field(default=None, max_length=30)


class AgreementSignatureRow(SQLModel, table=True):
    """The evidence of a signed agreement: the CMS signature, the certificate, its fingerprint."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (sa.Index("ix_agreement_signatures_operator", "operator_id", "signed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE")
    version: str = Field(foreign_key="agreement_versions.version", max_length=20)
    signed_at: datetime = _timestamp()
    signature: str = Field(sa_column=Column(sa.Text(), nullable=False))
    certificate_pem: str = Field(sa_column=Column(sa.Text(), nullable=False))
    certificate_sha256: str = Field(max_length=64)
    certificate_subject: str = Field(max_length=500)


class AnnualUpdateRow(SQLModel, table=True):
    """A completed yearly update (resolution SENAE-DGN-2016-0364-RE): one per operator and year."""

    __tablename__ = "annual_updates"
    __table_args__ = (sa.UniqueConstraint("operator_id", "year", name="uq_annual_updates_year"),)

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE")
    year: int
    completed_at: datetime = _timestamp()


class AnnualReminderRow(SQLModel, table=True):
    """The one reminder mail per operator and year."""

    __tablename__ = "annual_update_reminders"
    __table_args__ = (sa.UniqueConstraint("operator_id", "year", name="uq_annual_reminders_year"),)

    id: int | None = Field(default=None, primary_key=True)
    operator_id: int = Field(foreign_key="operators.id", ondelete="CASCADE")
    year: int
    sent_at: datetime = _timestamp()


class PartnerKeyRow(SQLModel, table=True):
    """An API key of a partner system. Only the SHA-256 of the key is stored."""

    __tablename__ = "partner_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    key_prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(max_length=200)
    created_at: datetime = _timestamp()
    created_by: str | None = Field(default=None, max_length=30)
    revoked_at: datetime | None = _timestamp(nullable=True)


class PendingMailRow(SQLModel, table=True):
    """A notice that can wait (old-address notice, deregistration mails, yearly reminders): queued
    in the transaction of the change it reports and delivered, with retries, by a worker."""

    __tablename__ = "pending_mail"
    __table_args__ = (sa.Index("ix_pending_mail_due", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    text: str = Field(sa_column=Column(sa.Text(), nullable=False))
    html: str | None = Field(default=None, sa_column=Column(sa.Text(), nullable=True))
    created_at: datetime = _timestamp()
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _timestamp()
    sent_at: datetime | None = _timestamp(nullable=True)
    last_error: str | None = Field(default=None, max_length=200)


class WebhookRow(SQLModel, table=True):
    """A partner key's webhook. `secret` signs deliveries (the worker needs it in clear; the API
    shows it once). `cursor` is the last outbox sequence turned into deliveries."""

    __tablename__ = "webhooks"
    __table_args__ = (
        sa.CheckConstraint("status IN ('ACTIVE', 'PAUSED')", name="ck_webhooks_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partner_key_id: int = Field(foreign_key="partner_keys.id", ondelete="CASCADE", index=True)
    url: str = Field(max_length=2000)
    # Comma-separated event types; NULL: every type.
    event_types: str | None = Field(default=None, max_length=500)
    document: str | None = Field(default=None, sa_column=Column(sa.Text(), nullable=True))
    secret: str = Field(max_length=100)
    status: str = Field(default="ACTIVE", max_length=10)
    cursor: int = Field(sa_column=Column(sa.BigInteger(), nullable=False))
    created_at: datetime = _timestamp()


class WebhookDeliveryRow(SQLModel, table=True):
    """One event for one webhook, from its first attempt to its delivery or its dead letter."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('PENDING', 'DELIVERED', 'DEAD')", name="ck_webhook_deliveries_status"
        ),
        sa.UniqueConstraint("webhook_id", "sequence", name="uq_webhook_deliveries_event"),
        # The head of each operator's queue: its oldest pending delivery.
        sa.Index("ix_webhook_deliveries_queue", "webhook_id", "operator_id", "status", "sequence"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    )
    webhook_id: int = Field(foreign_key="webhooks.id", ondelete="CASCADE")
    sequence: int = Field(
        sa_column=Column(
            sa.BigInteger(),
            sa.ForeignKey("outbox_events.sequence", ondelete="CASCADE"),
            nullable=False,
        )
    )
    operator_id: int
    status: str = Field(default="PENDING", max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _timestamp()
    first_attempt_at: datetime | None = _timestamp(nullable=True)
    last_attempt_at: datetime | None = _timestamp(nullable=True)
    delivered_at: datetime | None = _timestamp(nullable=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=200)


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for statements that need no ORM (SQLModel's classes
    carry it untyped)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


OPERATORS = table_of(OperatorRow)
COMPANIES = table_of(CompanyRow)
