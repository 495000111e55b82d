"""Alembic environment: runs on the connection ContactDesk hands over.

Used through ``contactdesk.persistence.migrations``; the connection (and so
the database URL) always comes from the app's own settings.
"""

from alembic import context

from contactdesk.persistence.base import UTCDateTime
from contactdesk.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = config.attributes.get("engine")
        if engine is None:
            raise RuntimeError("run migrations through `contactdesk db upgrade`")
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _render_item(type_, obj, autogen_context):
    # Migrations must not import app code that changes later: render the
    # UTC wrapper as the plain column type it stores.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline SQL generation is not supported; run `contactdesk db upgrade`")
run_migrations_online()
