"""ContactDesk core: domain rules, services, persistence and the command line.

This package never imports PySide6 or the ``ui`` package: the desktop front end
depends on it, never the other way round.
"""

__version__ = "0.1.0"
