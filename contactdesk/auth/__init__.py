"""Local sign-in: password hashing."""
