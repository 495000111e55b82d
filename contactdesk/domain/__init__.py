"""Domain rules in plain Python: no database, no Qt."""
