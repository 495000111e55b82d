"""Service operations: each takes primitives, runs one unit of work, returns frozen dataclasses."""
