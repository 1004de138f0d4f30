"""Unit tests of ``generator.actors``."""
