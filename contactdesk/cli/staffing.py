"""`contactdesk staffing`: agents needed for a call volume, by Erlang C."""

from __future__ import annotations


def register(sub) -> None:
    """Add the staffing command to the CLI's subcommands."""
