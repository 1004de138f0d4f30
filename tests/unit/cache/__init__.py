"""Unit tests of ``generator.cache``."""
