"""Test helpers shared by the ContactDesk test suite."""
