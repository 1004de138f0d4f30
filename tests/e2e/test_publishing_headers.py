"""Search on a site served exactly as docs/netlify.toml publishes it: every response carries
the recipe's headers, read from the recipe itself, and a reader's query must find articles in
Chromium. The search page fetches its index's JSON files, which the policy allows by
``connect-src 'self'``: the second test serves the recipe with that directive taken out (so
``default-src 'none'`` governs the fetches) and expects search to fail with a reported
violation, which shows the first test can fail.
"""

from __future__ import annotations

import fnmatch
import functools
import threading
import tomllib
from collections.abc import Callable, Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

from .conftest import REPO, copy_digest, run_build

pytestmark = pytest.mark.browser

RECIPE = REPO / "docs" / "netlify.toml"
QUERY = "الائتلاف"  # in the sample's Arabic article (title and text)

HeaderRules = tuple[tuple[str, Mapping[str, str]], ...]


def recipe_headers(edit: Callable[[str, str], str] = lambda _name, value: value) -> HeaderRules:
    """The recipe's ``[[headers]]`` rules as (path pattern, headers), each value through
    ``edit(name, value)``."""
    config = tomllib.loads(RECIPE.read_text("utf-8"))
    return tuple((rule["for"], {name: edit(name, value) for name, value in rule["values"].items()})
                 for rule in config["headers"])


class _HeaderHandler(SimpleHTTPRequestHandler):
    """A static server adding the headers of every rule whose pattern matches the path, as
    Netlify does (``*`` matches the rest of the path; the site is at the root of the host)."""

    rules: HeaderRules = ()

    def end_headers(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for pattern, values in self.rules:
            if fnmatch.fnmatchcase(path, pattern):
                for name, value in values.items():
                    self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ThreadingHTTPServer]]:
    """The sample digest (search on), built for the root of a local server's address."""
    source = copy_digest(REPO, tmp_path_factory.mktemp("netlify") / "digest")
    site = tmp_path_factory.mktemp("netlify-site") / "site"
    handler = functools.partial(_HeaderHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    try:
        run_build(source, site, f"http://127.0.0.1:{server.server_address[1]}/")
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="http-netlify")
        thread.start()
        yield site, server
        server.shutdown()
    finally:
        server.server_close()


def search_with(browser: Any, served: tuple[Path, ThreadingHTTPServer], rules: HeaderRules
                ) -> tuple[str, int, list[str]]:
    """Serve with ``rules``, ask the search page for ``QUERY``; return the page's final state
    ("done" or "failed"), the number of results and the CSP violations reported."""
    site, server = served
    handler = type("RecipeHandler", (_HeaderHandler,), {"rules": rules})
    server.RequestHandlerClass = functools.partial(handler, directory=str(site))  # type: ignore[assignment]
    context = browser.new_context()
    violations: list[str] = []
    context.expose_binding("__reportCsp", lambda _source, text: violations.append(text))
    context.add_init_script("document.addEventListener('securitypolicyviolation', e =>"
                            " window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));")
    try:
        tab = context.new_page()
        tab.set_default_timeout(120_000)  # a guard against hanging on a loaded machine, not a measure
        response = tab.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={quote(QUERY)}")
        assert response is not None
        assert response.headers.get("content-security-policy") == dict(rules[0][1])["Content-Security-Policy"]
        tab.wait_for_function("() => ['done', 'failed'].includes(document.getElementById('search').dataset.state)")
        state = tab.eval_on_selector("#search", "e => e.dataset.state")
        return state, tab.locator(".search-result").count(), violations
    finally:
        context.close()


def test_search_answers_under_the_recipes_headers(browser: Any, built: tuple[Path, ThreadingHTTPServer]) -> None:
    rules = recipe_headers()
    assert rules[0][0] == "/*", "the first rule covers every file"
    state, found, violations = search_with(browser, built, rules)
    assert (state, violations) == ("done", [])
    assert found >= 1


def test_without_connect_src_in_the_header_search_fails(browser: Any, built: tuple[Path, ThreadingHTTPServer]) -> None:
    strict = recipe_headers(lambda name, value: value.replace(" connect-src 'self';", "")
                            if name == "Content-Security-Policy" else value)
    assert strict != recipe_headers()
    state, found, violations = search_with(browser, built, strict)
    # The page's fetch of the index is refused; the page reports the index as unusable.
    assert (state, found) == ("failed", 0)
    assert any(v.startswith("connect-src") for v in violations), violations
