"""Unit tests of ``generator.output``."""
