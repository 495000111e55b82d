"""Prefix search on references and postcodes served by their indexes on PostgreSQL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 01:30:00

The case search finds ``SP-2026-0086...`` and ``S60 2...`` as prefixes
(services/case_search.py). A btree index serves a prefix only when it orders
text byte by byte: under a database collation such as C.UTF-8 or en_GB.UTF-8,
PostgreSQL cannot use the plain index for ``LIKE 'x%'`` nor for a range, so
each search read every case (173 ms and 189 ms at a million cases, against
0.24 ms and 1.2 ms as an index range).

``cases.reference`` and ``cases.postcode`` take the "C" collation (byte order),
the order SQLite's BINARY gives them: their existing indexes are rebuilt in
that order and serve prefixes as ranges, equality, and the reference sort with
one index each (a second, pattern index would cost every insert). Both are
upper-case ASCII in fixed patterns, so the reference sort now matches SQLite's.
Nothing on SQLite, whose indexes already compare bytes.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, varchar length): frozen copies of the model's lengths.
COLUMNS = (('reference', 20), ('postcode', 8))


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Binary-compatible: the table is not rewritten, only the column's indexes rebuilt.
    op.execute("ALTER TABLE cases " + ", ".join(
        f'ALTER COLUMN {column} TYPE varchar({length}) COLLATE "{collation}"'
        for column, length in COLUMNS))


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
