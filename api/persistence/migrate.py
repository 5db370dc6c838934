"""Apply the Alembic migrations programmatically (`python -m api migrate`, and at start-up in the
zero-setup mode)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade_to_head(database_url: str) -> None:
    """Blocking; Alembic's env runs its own event loop, so call it from a worker thread when a
    loop is already running."""
    command.upgrade(alembic_config(database_url), "head")
