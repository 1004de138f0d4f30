"""Live reload in a real headless Chromium: the page reloads itself after an edit, shows the
overlay for a broken edit and recovers after the fix, all under the theme's
Content-Security-Policy (which would block an inline script)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli.main import main

from ..serving import Server

pytestmark = pytest.mark.browser
WAIT_MS = 60_000  # a hang net for each step, far above any honest wait on a busy machine


@pytest.fixture()
def chromium_page(browser: Any) -> Iterator[Any]:
    """A fresh page of the session's Chromium (Playwright allows one instance per thread)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        yield page
    finally:
        context.close()


def test_reload_overlay_and_recovery_in_a_browser(tmp_path: Path, chromium_page: Any) -> None:
    root = tmp_path / "digest"
    assert main(["new", str(root), "--quiet"]) == 0
    article = next((root / "content" / "articles").glob("*.md"))
    good = article.read_text("utf-8")
    server = Server(root)
    page = chromium_page
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    try:
        url = f"http://127.0.0.1:{server.port}/"
        with page.expect_response(lambda r: "/__mawjaz/status" in r.url):
            page.goto(url)

        with page.expect_event("load"):
            article.write_text(good.replace("هذا خبر تجريبي", "تعديل ظهر وحده"), "utf-8")
        assert "تعديل ظهر وحده" in page.inner_text("main")

        article.write_text(good.replace("title:", "titel:", 1), "utf-8")
        overlay = page.wait_for_selector(".mawjaz-overlay")
        assert overlay is not None
        assert "frontmatter-unknown-key" in overlay.inner_text()
        assert overlay.get_attribute("role") == "alert"
        # An Arabic digest (what `mawjaz new` makes) gets its overlay in Arabic, right to left;
        # the diagnostics themselves stay as the terminal prints them.
        assert (overlay.get_attribute("lang"), overlay.get_attribute("dir")) == ("ar", "rtl")
        assert "التعديل الأخير لا يُبنى" in overlay.inner_text()
        assert overlay.eval_on_selector("pre", "e => e.dir") == "ltr"
        assert "تعديل ظهر وحده" in page.inner_text("main"), "the last good page stays under it"

        with page.expect_event("load"):
            article.write_text(good.replace("هذا خبر تجريبي", "بعد الإصلاح"), "utf-8")
        assert "بعد الإصلاح" in page.inner_text("main")
        assert page.query_selector(".mawjaz-overlay") is None
        violations = [line for line in console if "Content Security Policy" in line]
        assert not violations, violations
    finally:
        assert server.stop() == 0
