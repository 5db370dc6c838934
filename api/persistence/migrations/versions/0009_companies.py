"""The company as the SRI registers it, stored once per RUC and referenced by its operators.

The SRI's RUC registry ("Catastro RUC") is kept per company, so `companies` is keyed by the RUC:
razón social, legal representative's name and identification, who wrote them last. Operators
keep `company_ruc`, now a reference to it; the razón social they carried moves into `companies`.

How existing rows move (tests/api/test_migrations_with_data.py):
- a blank company RUC or name (the code before kept a blank option as '') is no value;
- a representative (Comercio Exterior, Entidades Públicas) registered with its RUC but without
  a company RUC gets its own RUC as its company, as registrations do from now on, so that the
  razón social it carried is kept;
- one row per RUC: the razón social of the operator registered with that RUC (the company
  itself) wins, else the one registered first;
- an operator whose form showed a razón social it no longer shows (another operator's wins, or
  it has no RUC to file it under) gets a COMPANY_UPDATED entry in its history with the old
  value, since that value has nowhere else to live once `company_name` is dropped.

These data steps were added after the migration was first written: a database that had already
run it keeps what it got (the names dropped then are gone; 0013 links its representatives), and
one that had not, or whose run stopped on a blank RUC, now loses nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOREIGN_KEY = "fk_operators_company_ruc"
_AUDIT_ENTRIES = sa.table(
    "audit_entries",
    sa.column("operator_id", sa.Integer()),
    sa.column("actor_kind", sa.String()),
    sa.column("actor_user_id", sa.String()),
    sa.column("operation", sa.String()),
    sa.column("changes", sa.JSON().with_variant(JSONB(), "postgresql")),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
)


def _record_names_no_longer_shown() -> None:
    """A COMPANY_UPDATED history entry for each operator whose razón social is not the one its
    company keeps, as services.companies records a company change (without an event: nothing
    changed in the registry, only where its data is kept)."""
    shown = op.get_bind().execute(
        sa.text(
            """
            SELECT o.id, o.company_name, c.name
              FROM operators AS o LEFT JOIN companies AS c ON c.ruc = o.company_ruc
             WHERE o.company_name IS NOT NULL AND (c.name IS NULL OR c.name <> o.company_name)
             ORDER BY o.id
            """
        )
    )
    now = datetime.now(UTC)
    entries = [
        {
            "operator_id": operator_id,
            "actor_kind": "SYSTEM",
            "actor_user_id": None,
            "operation": "COMPANY_UPDATED",
            "changes": [{"field": "companyName", "old": carried, "new": kept}],
            "occurred_at": now,
        }
        for operator_id, carried, kept in shown
    ]
    if entries:
        op.bulk_insert(_AUDIT_ENTRIES, entries)


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
    op.execute("UPDATE operators SET company_ruc = NULL WHERE trim(company_ruc) = ''")
    op.execute("UPDATE operators SET company_name = NULL WHERE trim(company_name) = ''")
    # The types registered with their company's own RUC (api/domain/companies.py, OWN_RUC_TYPES).
    op.execute(
        """
        UPDATE operators SET company_ruc = identification_number
         WHERE company_ruc IS NULL AND identification_type = 'RUC'
           AND length(identification_number) = 13
           AND registration_type IN ('FOREIGN_TRADE_REPRESENTATIVE', 'PUBLIC_ENTITY_REPRESENTATIVE')
        """
    )
    op.execute(
        """
        INSERT INTO companies (ruc, name, source, updated_at)
        SELECT o.company_ruc,
               (SELECT first.company_name FROM operators AS first
                 WHERE first.company_ruc = o.company_ruc AND first.company_name IS NOT NULL
                 ORDER BY CASE WHEN first.identification_number = first.company_ruc
                               THEN 0 ELSE 1 END,
                          first.id
                 LIMIT 1),
               'REGISTRATION',
               min(o.created_at)
          FROM operators AS o
         WHERE o.company_ruc IS NOT NULL
         GROUP BY o.company_ruc
        """
    )
    _record_names_no_longer_shown()
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
