"""Sessions die with the account: a per-operator session epoch kept by the database.

A session records the epoch its operator had when it was opened, and is honoured only while the
operator is active and still has that epoch. A trigger moves the epoch on whenever the password
or the status changes, in the same transaction as the change, whoever writes it (a password
change, a deregistration approval, the yearly enforcement, a script). So a sign-in that races
such a change, or a Redis that fails right after it, cannot leave a session alive: Redis only
holds the sessions, the database says which still count.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "operators",
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION move_session_epoch() RETURNS trigger AS $$ BEGIN "
            "IF NEW.password_hash IS DISTINCT FROM OLD.password_hash "
            "OR NEW.status IS DISTINCT FROM OLD.status THEN "
            "NEW.session_epoch := OLD.session_epoch + 1; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER session_epoch_moved BEFORE UPDATE ON operators "
            "FOR EACH ROW EXECUTE FUNCTION move_session_epoch()"
        )
    else:
        op.execute(
            "CREATE TRIGGER session_epoch_moved AFTER UPDATE OF password_hash, status "
            "ON operators FOR EACH ROW "
            "WHEN NEW.password_hash IS NOT OLD.password_hash OR NEW.status IS NOT OLD.status "
            "BEGIN UPDATE operators SET session_epoch = OLD.session_epoch + 1 "
            "WHERE id = NEW.id; END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER session_epoch_moved" + (" ON operators" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION move_session_epoch()")
    op.drop_column("operators", "session_epoch")
