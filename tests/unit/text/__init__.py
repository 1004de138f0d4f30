"""Unit tests of ``generator.text``."""
