"""Unit tests of ``generator.core``."""
