"""Unit tests of ``generator.build``."""
