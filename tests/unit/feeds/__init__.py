"""Unit tests of ``generator.feeds``."""
