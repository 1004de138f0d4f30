"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from generator.cache.key import KEY_DIR_ENV


@pytest.fixture(autouse=True, scope="session")
def _cache_key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The build cache's signing key (see ``generator.cache.key``) is made in a folder of the
    test session's, not in the home of whoever runs the tests; subprocesses inherit it. Tests
    about the key itself point ``MAWJAZ_CACHE_KEY_DIR`` elsewhere with ``monkeypatch``."""
    before = os.environ.get(KEY_DIR_ENV)
    os.environ[KEY_DIR_ENV] = str(tmp_path_factory.mktemp("cache-key"))
    yield
    if before is None:
        os.environ.pop(KEY_DIR_ENV, None)
    else:
        os.environ[KEY_DIR_ENV] = before
