"""The company as the SRI registers it, stored once per RUC and referenced by its operators.

The SRI's RUC registry ("Catastro RUC") is kept per company, so `companies` is keyed by the RUC:
razón social, legal representative's name and identification, who wrote them last. Operators
keep `company_ruc`, now a reference to it; the razón social they carried moves into `companies`
(one row per RUC: the name of the operator registered first wins, as it was the one the form
showed).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOREIGN_KEY = "fk_operators_company_ruc"


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("ruc", sa.String(13), primary_key=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("legal_representative_name", sa.String(150), nullable=True),
        sa.Column("legal_representative_identification", sa.String(20), nullable=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(ruc) = 13", name="ck_companies_ruc_length"),
        sa.CheckConstraint(
            "source IN ('SRI_IMPORT', 'STAFF', 'REGISTRATION')", name="ck_companies_source"
        ),
    )
    op.execute(
        """
        INSERT INTO companies (ruc, name, source, updated_at)
        SELECT o.company_ruc,
               (SELECT first.company_name FROM operators AS first
                 WHERE first.company_ruc = o.company_ruc AND first.company_name IS NOT NULL
                 ORDER BY first.id LIMIT 1),
               'REGISTRATION',
               min(o.created_at)
          FROM operators AS o
         WHERE o.company_ruc IS NOT NULL
         GROUP BY o.company_ruc
        """
    )
    op.create_index("ix_operators_company_ruc", "operators", ["company_ruc"])
    # SQLite would need the whole table rebuilt to add a constraint, and does not enforce
    # foreign keys unless asked per connection; the zero-setup mode does without it.
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(_FOREIGN_KEY, "operators", "companies", ["company_ruc"], ["ruc"])
    op.drop_column("operators", "company_name")


def downgrade() -> None:
    op.add_column("operators", sa.Column("company_name", sa.String(200), nullable=True))
    op.execute(
        """
        UPDATE operators SET company_name =
               (SELECT substr(c.name, 1, 200) FROM companies AS c WHERE c.ruc = operators.company_ruc)
         WHERE company_ruc IS NOT NULL
        """
    )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_FOREIGN_KEY, "operators", type_="foreignkey")
    op.drop_index("ix_operators_company_ruc", table_name="operators")
    op.drop_table("companies")
