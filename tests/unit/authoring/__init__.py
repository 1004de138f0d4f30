"""Unit tests of ``generator.authoring``."""
