"""Operators keep the latest year of their annual update, for staff's DUE list.

Listing who still owes this year's update looked, operator after operator in registration order,
for the absence of a row in annual_updates: when few are left (the end of January) a page of 20
read thousands of operators, and the whole table when nobody was due. `annual_update_year` on
operators, with an index on it, turns that into a range of the index. A trigger keeps it, so it
is right whoever inserts the row (the application, a script, a restore).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEEP_LATEST = """
    UPDATE operators SET annual_update_year = NEW.year
    WHERE id = NEW.operator_id
      AND (annual_update_year IS NULL OR annual_update_year < NEW.year)
"""


def upgrade() -> None:
    op.add_column("operators", sa.Column("annual_update_year", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE operators SET annual_update_year = "
        "(SELECT max(year) FROM annual_updates WHERE operator_id = operators.id)"
    )
    op.create_index(
        "ix_operators_annual_update_year",
        "operators",
        [sa.text("coalesce(annual_update_year, 0)"), "id"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION keep_annual_update_year() RETURNS trigger AS $$ BEGIN"
            f"{_KEEP_LATEST}; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER annual_update_year_kept AFTER INSERT ON annual_updates "
            "FOR EACH ROW EXECUTE FUNCTION keep_annual_update_year()"
        )
    else:
        op.execute(
            "CREATE TRIGGER annual_update_year_kept AFTER INSERT ON annual_updates "
            f"FOR EACH ROW BEGIN {_KEEP_LATEST}; END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER annual_update_year_kept" + (" ON annual_updates" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION keep_annual_update_year()")
    op.drop_index("ix_operators_annual_update_year", table_name="operators")
    op.drop_column("operators", "annual_update_year")
