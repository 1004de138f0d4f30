"""Unit tests of ``generator.cli``."""
