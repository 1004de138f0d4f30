"""Unit tests, one folder per package of ``generator`` (see ARCHITECTURE.md)."""
