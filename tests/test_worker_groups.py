"""The worker groups of ``tests/conftest.py`` name test modules that exist: a module renamed
without its entry would lose its group silently (its costly fixture made on every worker)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import WORKER_GROUPS

REPO = Path(__file__).resolve().parent.parent


def test_every_grouped_module_exists() -> None:
    assert [module for module in WORKER_GROUPS if not (REPO / module).is_file()] == []
