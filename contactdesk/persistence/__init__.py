"""Persistence: the SQLAlchemy models, engine set-up, migrations and unit of work.

Only ``contactdesk`` services import this package; the UI never does.
"""
