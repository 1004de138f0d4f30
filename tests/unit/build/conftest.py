"""The digest the pipeline's tests build: ``test_pipeline.SITE``, every input dated long ago."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.build.test_pipeline import SITE, settle, write


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    root = write(tmp_path / "digest", SITE)
    settle(root)
    return root
