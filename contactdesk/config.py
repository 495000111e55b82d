"""Where the database is: --db, then CONTACTDESK_DATABASE_URL, then a file in the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

ENV_DATABASE_URL = "CONTACTDESK_DATABASE_URL"
APP_NAME = "ContactDesk"


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "contactdesk.sqlite3"


def drafts_dir() -> Path:
    """Where each person's unsaved work is kept between autosaves (their own data folder)."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "drafts"


def outbox_dir() -> Path:
    """Where calls taken while the database was unreachable wait to be sent."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "outbox"


def resolve_database_url(cli_value: str | None) -> tuple[str, bool]:
    """The database URL to use, and whether it is the default local file."""
    if cli_value:
        return cli_value, False
    from_env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if from_env:
        return from_env, False
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", True


def describe_database(url: str) -> str:
    """The URL for people to read: the file path for SQLite, any password hidden otherwise."""
    import re

    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)
