"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from generator.cache.key import KEY_DIR_ENV

# Property tests never race the clock: Hypothesis's default 200 ms deadline per example and
# its "too slow" health check (data generation timed on the clock) fail honest examples on a
# loaded machine. Hangs are caught by hang nets on CPU time instead (hostile.support.time_limit).
# A test's own ``@settings`` changes only what it names and keeps these.
settings.register_profile("mawjaz", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mawjaz")


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
