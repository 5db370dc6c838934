"""A second factor for sign-in: the TOTP secret of whoever enrolled, sealed with SECRET_KEY.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("operators", sa.Column("totp_secret", sa.String(255), nullable=True))


def downgrade() -> None:
    op.drop_column("operators", "totp_secret")
