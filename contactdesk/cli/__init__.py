"""The ``contactdesk`` command line."""
