"""ContactDesk's PySide6 desktop front end. Talks to contactdesk services only."""
