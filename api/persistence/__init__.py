"""SQLModel tables, repositories, Redis stores and migrations."""
