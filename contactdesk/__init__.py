"""ContactDesk core: domain rules, services, persistence and the command line.

This package never imports PySide6 or the ``ui`` package: the desktop front end
depends on it, never the other way round.
"""

from importlib.metadata import PackageNotFoundError, version

try:  # one source of truth: the version in pyproject.toml, as installed
    __version__ = version("contactdesk")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
