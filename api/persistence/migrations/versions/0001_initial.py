"""Operators, audit trail and outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.String(30), nullable=False),
        sa.Column("identification_type", sa.String(10), nullable=False),
        sa.Column("identification_number", sa.String(20), nullable=False),
        sa.Column("registration_type", sa.String(40), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("country_code", sa.String(2), nullable=True),
        sa.Column("province_code", sa.String(2), nullable=True),
        sa.Column("city_code", sa.String(4), nullable=True),
        sa.Column("address", sa.String(250), nullable=True),
        sa.Column("phone1", sa.String(14), nullable=True),
        sa.Column("phone2", sa.String(14), nullable=True),
        sa.Column("mobile_carrier", sa.String(10), nullable=True),
        sa.Column("mobile_number", sa.String(14), nullable=True),
        sa.Column("fax", sa.String(14), nullable=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("company_ruc", sa.String(13), nullable=True),
        sa.Column("company_name", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("last_update_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "identification_type IN ('RUC', 'CEDULA', 'PASSPORT')",
            name="ck_operators_identification_type",
        ),
        sa.CheckConstraint(
            "registration_type IN ('FOREIGN_TRADE_REPRESENTATIVE', 'EMPLOYEE', 'GENERAL_USER', "
            "'PUBLIC_ENTITY_REPRESENTATIVE', 'PUBLIC_ENTITY_OFFICIAL', "
            "'INTERNATIONAL_ORGANIZATION', 'PERSON_WITH_DISABILITY')",
            name="ck_operators_registration_type",
        ),
        sa.CheckConstraint("role IN ('USER', 'STAFF')", name="ck_operators_role"),
        sa.CheckConstraint("status IN ('ACTIVE', 'DISABLED')", name="ck_operators_status"),
        sa.CheckConstraint(
            "mobile_carrier IN ('CLARO', 'MOVISTAR', 'CNT', 'TUENTI', 'OTROS')",
            name="ck_operators_carrier",
        ),
        sa.CheckConstraint("version >= 1", name="ck_operators_version_positive"),
        sa.CheckConstraint("length(trim(user_id)) > 0", name="ck_operators_user_id_not_blank"),
    )
    op.create_index(
        "uq_operators_user_id_lower", "operators", [sa.text("lower(user_id)")], unique=True
    )
    op.create_index("uq_operators_email_lower", "operators", [sa.text("lower(email)")], unique=True)
    op.create_index("ix_operators_identification", "operators", ["identification_number"])

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "operator_id",
            sa.Integer(),
            sa.ForeignKey("operators.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("actor_kind", sa.String(10), nullable=False),
        sa.Column("actor_user_id", sa.String(30), nullable=True),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("changes", JSON_DOCUMENT, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "actor_kind IN ('USER', 'STAFF', 'SYSTEM')", name="ck_audit_actor_kind"
        ),
    )
    op.create_index("ix_audit_entries_operator_time", "audit_entries", ["operator_id", "occurred_at"])

    op.create_table(
        "outbox_events",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column(
            "operator_id",
            sa.Integer(),
            sa.ForeignKey("operators.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("changes", JSON_DOCUMENT, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_outbox_events_operator_id", "outbox_events", ["operator_id"])


def downgrade() -> None:
    op.drop_table("outbox_events")
    op.drop_table("audit_entries")
    op.drop_index("uq_operators_email_lower", table_name="operators")
    op.drop_index("uq_operators_user_id_lower", table_name="operators")
    op.drop_table("operators")
