"""Alembic environment and versions for the ContactDesk schema (linear, one head)."""
