"""Case search: indexes for keyset paging, and word tables for name and street search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 08:30:00.000000

The case list pages through a million cases by keyset (services/case_search.py):
the due time and status sorts get indexes ending in the id (the others have
theirs), "my cases" gets indexes on who created and last updated a case, and
categories get an index on their name for the sort by category.

Finding a case by a word of its location ("wellgate") or of its caller's name
("jones") needs an index of words: a LIKE '%wellgate%' has to read every case
(about 80 ms for the location column alone at a million cases on SQLite, before
sorting), which misses the 100 ms the search has as the agent types. SQLite's
FTS5 would do it, but only on SQLite, and its virtual and shadow tables are
tables Alembic cannot describe, so the models and the migrations would no longer
agree. Two plain tables hold the words instead, the same on both databases:
``case_location_words`` and ``caller_name_words``, one row per distinct word,
keyed by owner and word, with an index on (word, owner) for prefix searches.

Database triggers keep them in step with ``cases.location`` and
``callers.name`` on every insert and update, whoever writes (the app, the demo
data, an importer or psql); deleting a case or caller cascades. The word rules
are the same in SQLite, in PostgreSQL and in ``case_search.search_words``:
ASCII letters folded to lower case, ASCII punctuation and control characters
are separators, words cut to 40 characters, other letters kept as they are
(lower() folds all of Unicode in PostgreSQL and in SQLite with ICU, only ASCII
in SQLite without it, so it is used only on text of printable ASCII). No
extension is needed (no pg_trgm); PL/pgSQL ships with every PostgreSQL.

Warning for later migrations: on SQLite, a batch_alter_table that recreates the
cases or callers table ("move and copy") drops these triggers with the old
table; such a migration must create them again (see ``_create_triggers``). The
case search tests fail if they go missing.
"""
from collections.abc import Sequence
from string import ascii_uppercase, punctuation

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the word rules (migrations never import app code that may change).
WORD_LENGTH = 40
SEPARATORS = punctuation + "".join(chr(n) for n in range(1, 32)) + chr(127)

# (word table, owner column, source table, source column)
WORD_TABLES = (
    ('case_location_words', 'case_id', 'cases', 'location'),
    ('caller_name_words', 'caller_id', 'callers', 'name'),
)


def _sqlite_char(ch: str) -> str:
    return "'" + ch.replace("'", "''") + "'" if ch.isprintable() else f"char({ord(ch)})"


def _sqlite_glob_class(chars: str) -> str:
    """A GLOB pattern matching text that holds any of ``chars``."""
    special = "]^-"
    inside = ("]" if "]" in chars else "") + "".join(c for c in chars if c not in special)
    inside += ("^" if "^" in chars else "") + ("-" if "-" in chars else "")
    printable = "".join(c for c in inside if c.isprintable()).replace("'", "''")
    controls = [str(ord(c)) for c in inside if not c.isprintable()]
    if controls:
        return f"'*[{printable}' || char({', '.join(controls)}) || ']*'"
    return f"'*[{printable}]*'"


# Separators typed in nearly every address and name. Text of printable ASCII with no
# other separator (nearly all text) is folded by lower() and five replace() calls; the
# rest by ninety replace() calls, since lower() folds more than A-Z where SQLite has ICU.
COMMON_SEPARATORS = ",.'-/"
RARE_SEPARATORS = "".join(ch for ch in punctuation if ch not in COMMON_SEPARATORS)
NOT_PRINTABLE_ASCII = "'*[^ -~]*'"  # a GLOB: any character but space to tilde


def _sqlite_plain(column: str) -> str:
    """SQL: ``column`` is text that the short fold handles."""
    return (f"{column} NOT GLOB {NOT_PRINTABLE_ASCII} "
            f"AND {column} NOT GLOB {_sqlite_glob_class(RARE_SEPARATORS)}")


def _sqlite_split(owner: str, column: str, source: str = "") -> str:
    """SELECT (owner, word) for every distinct non-empty word of the folded ``column``.

    Plain text takes the short fold, the rest the long one: a chain of CTEs each
    fifteen replace() calls deep (ninety nested calls would overflow SQLite's parser
    stack), each naming the text once (or flattening would copy it exponentially).
    """
    plain = f"lower({column})"
    for ch in COMMON_SEPARATORS:
        plain = f"replace({plain}, {_sqlite_char(ch)}, ' ')"
    replacements = [(_sqlite_char(ch), "' '") for ch in SEPARATORS]
    replacements += [(f"'{ch}'", f"'{ch.lower()}'") for ch in ascii_uppercase]
    present = f"{column} IS NOT NULL"
    steps = [f"plain(owner, src_text) AS (SELECT {owner}, {plain} {source} "
             f"WHERE {present} AND {_sqlite_plain(column)})",
             f"long0(owner, src_text) AS (SELECT {owner}, {column} {source} "
             f"WHERE {present} AND NOT ({_sqlite_plain(column)}))"]
    for n, start in enumerate(range(0, len(replacements), 15), start=1):
        expression = "src_text"
        for old, new in replacements[start:start + 15]:
            expression = f"replace({expression}, {old}, {new})"
        steps.append(f"long{n}(owner, src_text) AS (SELECT owner, {expression} FROM long{n - 1})")
    last = f"long{len(steps) - 2}"
    return f"""
        WITH RECURSIVE {", ".join(steps)},
        split(owner, word, rest) AS (
            SELECT owner, '', src_text || ' ' FROM plain
            UNION ALL
            SELECT owner, '', src_text || ' ' FROM {last}
            UNION ALL
            SELECT owner, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
            FROM split WHERE rest <> ''
        )
        SELECT DISTINCT owner, substr(word, 1, {WORD_LENGTH}) FROM split WHERE word <> ''"""


def _postgres_translate(expression: str) -> str:
    chars = " || ".join(f"chr({ord(ch)})" for ch in SEPARATORS)
    return (f"translate({expression}, '{ascii_uppercase}' || {chars}, "
            f"'{ascii_uppercase.lower()}' || repeat(' ', {len(SEPARATORS)}))")


def _postgres_words(owner: str, text: str, source: str = "") -> str:
    """SELECT (owner, word) for every non-empty word of the folded text (per row of source)."""
    return (f"SELECT DISTINCT {owner}, left(w, {WORD_LENGTH}) "
            f"FROM {source}regexp_split_to_table({_postgres_translate(text)}, ' ') AS w "
            f"WHERE w <> ''")


def _create_triggers(dialect: str) -> None:
    for words, owner, table, column in WORD_TABLES:
        if dialect == 'sqlite':
            # Trigger bodies cannot start with WITH, but a subquery inside them can.
            fill = (f"INSERT OR IGNORE INTO {words} ({owner}, word) SELECT * FROM ("
                    f"{_sqlite_split('NEW.id', f'NEW.{column}')});")
            op.execute(f"CREATE TRIGGER {words}_insert AFTER INSERT ON {table} "
                       f"WHEN NEW.{column} IS NOT NULL BEGIN {fill} END")
            op.execute(f"CREATE TRIGGER {words}_update AFTER UPDATE OF {column} ON {table} "
                       f"BEGIN DELETE FROM {words} WHERE {owner} = OLD.id; {fill} END")
        else:
            op.execute(f"""
                CREATE FUNCTION {words}_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' THEN
                        DELETE FROM {words} WHERE {owner} = OLD.id;
                    END IF;
                    INSERT INTO {words} ({owner}, word) {_postgres_words('NEW.id', f'NEW.{column}')}
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $$""")
            op.execute(f"CREATE TRIGGER {words}_refresh AFTER INSERT OR UPDATE OF {column} "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION {words}_refresh()")


def _fill_word_tables(dialect: str) -> None:
    for words, owner, table, column in WORD_TABLES:
        if dialect == 'sqlite':
            op.execute(f"INSERT OR IGNORE INTO {words} ({owner}, word) "
                       f"{_sqlite_split('id', column, f'FROM {table}')}")
        else:
            op.execute(f"INSERT INTO {words} ({owner}, word) "
                       f"{_postgres_words('t.id', f't.{column}', f'{table} AS t, ')} "
                       "ON CONFLICT DO NOTHING")


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table('caller_name_words',
    sa.Column('caller_id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.CheckConstraint('length(word) <= 40', name=op.f('ck_caller_name_words_word_length')),
    sa.ForeignKeyConstraint(['caller_id'], ['callers.id'], name=op.f('fk_caller_name_words_caller_id_callers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('caller_id', 'word', name=op.f('pk_caller_name_words')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('caller_name_words', schema=None) as batch_op:
        batch_op.create_index('ix_caller_name_words_word', ['word', 'caller_id'], unique=False, postgresql_ops={'word': 'varchar_pattern_ops'})

    op.create_table('case_location_words',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.CheckConstraint('length(word) <= 40', name=op.f('ck_case_location_words_word_length')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_location_words_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'word', name=op.f('pk_case_location_words')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('case_location_words', schema=None) as batch_op:
        batch_op.create_index('ix_case_location_words_word', ['word', 'case_id'], unique=False, postgresql_ops={'word': 'varchar_pattern_ops'})

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_by_id', ['created_by_id'], unique=False)
        batch_op.create_index('ix_cases_due_at_id', ['due_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_cases_updated_by_id', ['updated_by_id'], unique=False)

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index('ix_categories_name', ['name'], unique=False)

    dialect = op.get_bind().dialect.name
    _create_triggers(dialect)
    _fill_word_tables(dialect)


def downgrade() -> None:
    """Downgrade schema."""

    dialect = op.get_bind().dialect.name
    for words, _owner, table, _column in WORD_TABLES:
        if dialect == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS {words}_insert")
            op.execute(f"DROP TRIGGER IF EXISTS {words}_update")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {words}_refresh ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {words}_refresh()")

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index('ix_categories_name')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_updated_by_id')
        batch_op.drop_index('ix_cases_status_id')
        batch_op.drop_index('ix_cases_due_at_id')
        batch_op.drop_index('ix_cases_created_by_id')

    with op.batch_alter_table('case_location_words', schema=None) as batch_op:
        batch_op.drop_index('ix_case_location_words_word')

    op.drop_table('case_location_words')
    with op.batch_alter_table('caller_name_words', schema=None) as batch_op:
        batch_op.drop_index('ix_caller_name_words_word')

    op.drop_table('caller_name_words')
