"""Yearly-update completion and the name as originally registered.

`operators.registered_name` keeps the "Nombre usuario" as it was registered: every later change
of the name must still be a correction of it (SENAE-ISEE-3-2-010 §5.5.1), so that corrections
cannot add up, one update at a time, to another person's name. Existing registrations did not
keep it: their current name is the best record there is, and is taken as registered.

A late but complete yearly update needs no new column: `annual_updates.completed_at` after the
end of its January (Ecuador time) is what makes it late (api/domain/lifecycle.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("operators", sa.Column("registered_name", sa.String(150), nullable=True))
    op.execute("UPDATE operators SET registered_name = name WHERE registered_name IS NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("operators", "registered_name", nullable=False)
    # SQLite cannot add NOT NULL to an existing column without rebuilding the table (and its
    # expression indexes); the zero-setup database keeps it nullable, the application always
    # writes it.


def downgrade() -> None:
    op.drop_column("operators", "registered_name")
