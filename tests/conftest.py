"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

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


# Test modules whose tests share a costly module- or session-scoped fixture (a site built and
# served, a generated digest, a running server), by group. With pytest-xdist (``-n auto
# --dist loadgroup`` in pyproject.toml) a group's tests all go to one worker, which makes the
# fixture once; every other test is handed out on its own. A table here rather than
# ``xdist_group`` marks: pytest 9.2's node ids no longer carry the group xdist 3.8 writes
# into them, so those marks are silently ignored.
WORKER_GROUPS = MappingProxyType({
    "tests/e2e/test_browser.py": "e2e-sites",  # the sample and large digests, served
    "tests/e2e/test_links.py": "e2e-sites",
    "tests/e2e/test_html_validity.py": "e2e-sites",
    "tests/e2e/test_no_script_no_boilerplate.py": "e2e-hostile",  # the hostile digests
    "tests/e2e/test_search.py": "e2e-search",
    "tests/e2e/test_email.py": "e2e-email",  # one digest built for its emails
    "tests/e2e/test_publishing_headers.py": "e2e-headers",  # the sample, served with headers
    "tests/hostile/test_interrupts.py": "interrupts",  # a digest of 3,000 articles
    "tests/hostile/test_serve_requests.py": "serve-requests",  # one running server
    "tests/test_cli_terminal.py": "cli-terminal",
})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` with the groups of ``WORKER_GROUPS``."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Grouped(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = WORKER_GROUPS.get(nodeid.split("::", 1)[0])
            return f"group {group}" if group else super()._split_scope(nodeid)

    return Grouped(config, log)
