"""An approved deregistration releases the e-mail address.

§5.5.1: to change the user ID one deregisters and registers anew; the new registration may use
the same personal address. The address stays unique among the operators that are not
deregistered (`deregistered_at` null); a deregistered operator keeps its address in its row, for
the history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "operators", sa.Column("deregistered_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.drop_index("uq_operators_email_lower", table_name="operators")
    op.create_index(
        "uq_operators_email_lower",
        "operators",
        [sa.text("lower(email)")],
        unique=True,
        postgresql_where=sa.text("deregistered_at IS NULL"),
        sqlite_where=sa.text("deregistered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_operators_email_lower", table_name="operators")
    op.create_index("uq_operators_email_lower", "operators", [sa.text("lower(email)")], unique=True)
    op.drop_column("operators", "deregistered_at")
