"""The company's taxpayer state in the SRI's RUC registry (ESTADO_CONTRIBUYENTE).

Null for every existing company: no import read the column before, and a state guessed as
ACTIVE would let a suspended company sign the agreement. The next import of the registry fills
it. The CHECK goes with the column, so that SQLite gets it too without rebuilding the table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "companies",
        sa.Column(
            "taxpayer_status",
            sa.String(10),
            sa.CheckConstraint(
                "taxpayer_status IN ('ACTIVE', 'SUSPENDED', 'PASSIVE')",
                name="ck_companies_taxpayer_status",
            ),
            nullable=True,
        ),
    )


def downgrade() -> None:
    # The column's own CHECK goes with it, on PostgreSQL and SQLite alike.
    op.drop_column("companies", "taxpayer_status")
