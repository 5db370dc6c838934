"""Every representative's company is the one of its own RUC, also where 0009 left none.

A Representante de Comercio Exterior or de Entidades Públicas is registered with its company's
RUC, and registrations give it that company (api/domain/companies.py, `default_company_ruc`).
Migration 0009 as first written moved only the operators that also carried a `company_ruc`, so a
database that ran it then may hold representatives without a company: their form shows none,
the SRI registry's import never reaches them, and the taxpayer state does not bind them. This
links them, adding the company row (RUC only, as a registration does) where none exists. On a
database that ran 0009 as it reads now there is nothing left to link.

Nothing to undo on the way down: the link is what the registration would have written, and 0009's
downgrade gives each linked operator its company's razón social back.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The types registered with their company's own RUC: api/domain/companies.py, OWN_RUC_TYPES.
    op.get_bind().execute(
        sa.text(
            """
            INSERT INTO companies (ruc, source, updated_at)
            SELECT DISTINCT identification_number, 'REGISTRATION', :now FROM operators
             WHERE company_ruc IS NULL AND identification_type = 'RUC'
               AND length(identification_number) = 13
               AND registration_type IN ('FOREIGN_TRADE_REPRESENTATIVE',
                                         'PUBLIC_ENTITY_REPRESENTATIVE')
               AND identification_number NOT IN (SELECT ruc FROM companies)
            """
        ).bindparams(sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True)))
    )
    op.execute(
        """
        UPDATE operators SET company_ruc = identification_number
         WHERE company_ruc IS NULL AND identification_type = 'RUC'
           AND length(identification_number) = 13
           AND registration_type IN ('FOREIGN_TRADE_REPRESENTATIVE', 'PUBLIC_ENTITY_REPRESENTATIVE')
        """
    )


def downgrade() -> None:
    pass
