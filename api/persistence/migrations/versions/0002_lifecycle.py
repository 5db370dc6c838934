"""Lifecycle: deregistration requests, the electronic-channels agreement, the yearly update,
the employee permission.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
FIRST_AGREEMENT = "2026-01"
FIRST_AGREEMENT_FILE = (
    Path(__file__).resolve().parents[2] / "data" / f"convenio_canales_electronicos_{FIRST_AGREEMENT}.txt"
)


def upgrade() -> None:
    # Plain ADD COLUMN (not batch mode): SQLite's batch mode rebuilds the table and would lose the
    # expression indexes that keep user IDs and e-mails unique in any case.
    op.add_column("operators", sa.Column("agreement_version", sa.String(20), nullable=True))
    op.add_column("operators", sa.Column("agreement_signed_at", TIMESTAMP, nullable=True))
    op.add_column(
        "operators",
        sa.Column("employee_permission", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("operators", sa.Column("status_reason", sa.String(500), nullable=True))

    op.create_table(
        "deregistration_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "operator_id", sa.Integer(), sa.ForeignKey("operators.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("decided_by", sa.String(30), nullable=True),
        sa.Column("decision_reason", sa.String(500), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN')",
            name="ck_deregistration_status",
        ),
    )
    op.create_index(
        "uq_deregistration_one_pending",
        "deregistration_requests",
        ["operator_id"],
        unique=True,
        postgresql_where=sa.text("status = 'PENDING'"),
        sqlite_where=sa.text("status = 'PENDING'"),
    )
    op.create_index(
        "ix_deregistration_status_created", "deregistration_requests", ["status", "created_at"]
    )

    versions = op.create_table(
        "agreement_versions",
        sa.Column("version", sa.String(20), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=False),
        sa.Column("published_by", sa.String(30), nullable=True),
    )
    text = FIRST_AGREEMENT_FILE.read_text(encoding="utf-8")
    op.bulk_insert(
        versions,
        [
            {
                "version": FIRST_AGREEMENT,
                "text": text,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "published_at": datetime(2026, 1, 1, 5, 0, tzinfo=UTC),
                "published_by": None,
            }
        ],
    )

    op.create_table(
        "agreement_signatures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "operator_id", sa.Integer(), sa.ForeignKey("operators.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "version", sa.String(20), sa.ForeignKey("agreement_versions.version"), nullable=False
        ),
        sa.Column("signed_at", TIMESTAMP, nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("certificate_subject", sa.String(500), nullable=False),
    )
    op.create_index(
        "ix_agreement_signatures_operator", "agreement_signatures", ["operator_id", "signed_at"]
    )

    for table, time_column, constraint in (
        ("annual_updates", "completed_at", "uq_annual_updates_year"),
        ("annual_update_reminders", "sent_at", "uq_annual_reminders_year"),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column(
                "operator_id",
                sa.Integer(),
                sa.ForeignKey("operators.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column(time_column, TIMESTAMP, nullable=False),
            sa.UniqueConstraint("operator_id", "year", name=constraint),
        )


def downgrade() -> None:
    op.drop_table("annual_update_reminders")
    op.drop_table("annual_updates")
    op.drop_table("agreement_signatures")
    op.drop_table("agreement_versions")
    op.drop_table("deregistration_requests")
    for column in ("status_reason", "employee_permission", "agreement_signed_at", "agreement_version"):
        op.drop_column("operators", column)
