"""Edition emails in headless Chromium: at 360 px (a phone) and 600 px (the layout's width),
styled and with every style removed (what strict clients do), nothing is wider than the
window and right-to-left text starts at the right (its boxes, not only its CSS); light and
dark colours both keep text readable. Screenshots go to tests/artifacts/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS, REPO, run_build
from .test_browser import browser_page

pytestmark = pytest.mark.browser

EDITION = "2026-11-28"  # Arabic articles and one in English
SCREENSHOTS = ARTIFACTS / "screenshots"
LONG = "---\ntitle: \"{title}\"\ndate: 2026-11-28T18:00:00+03:00\nsummary: \"{summary}\"\n---\n\nنص.\n"

# Every element wider than the window, or sticking out of it on either side.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push(`document ${document.documentElement.scrollWidth}`);
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).display === 'none') continue;
    if (el.closest('.preheader')) continue;
    if (box.left < -1 || box.right > width + 1) out.push(`${el.tagName}.${el.className} [${box.left}..${box.right}]`);
  }
  return out;
}"""

# For each block of text: its direction, and where its first line starts against its box.
ALIGNMENT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('h1, h2, h3, p')) {
    if (el.closest('.preheader') || !el.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    // the first line: every box on it (a line of mixed directions is several boxes)
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    const top = Math.min(...rects.map(r => r.top));
    const first = rects.filter(r => r.top < top + 4);
    const line = {left: Math.min(...first.map(r => r.left)), right: Math.max(...first.map(r => r.right))};
    line.width = line.right - line.left;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const inner = {left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)};
    found.push({text: el.textContent.trim().slice(0, 40), direction: style.direction,
                lang: el.closest('[lang]').getAttribute('lang'), align: style.textAlign,
                toRight: inner.right - line.right, toLeft: line.left - inner.left,
                width: line.width, room: inner.right - inner.left});
  }
  return found;
}"""

STRIP = """() => {
  for (const el of document.querySelectorAll('style')) el.remove();
  for (const el of document.querySelectorAll('[style]')) el.removeAttribute('style');
}"""

# WCAG contrast of each text block's colour against the background it is painted on.
CONTRAST = """() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
    if (rgb(c).length < 4 || rgb(c)[3] > 0) return c; } return 'rgb(255, 255, 255)'; };
  const out = [];
  for (const el of document.querySelectorAll('h1, h2, h3 a, p, td.top a, .footer a')) {
    if (el.closest('.preheader') || !el.textContent.trim()) continue;
    const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
    out.push({text: el.textContent.trim().slice(0, 30), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def email_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``digest`` fixture with one more article of long words and a long English title,
    built by the command line."""
    root = tmp_path_factory.mktemp("email") / "digest"
    shutil.copytree(REPO / "tests/sites/digest", root)
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace("search = true", "search = false"), "utf-8")
    word = "استئنافالمفاوضاتالدستورية" * 4
    (root / "content/articles/2026-11-28-long.md").write_text(
        LONG.format(title=f"عنوان طويل جداً {word}", summary=f"ملخص فيه كلمة طويلة {word} ثم نص عادي."), "utf-8")
    site = run_build(root, tmp_path_factory.mktemp("email-site") / "site")
    return site / "editions" / EDITION / "email.html"


def check_layout(page: Any, width: int, styled: bool) -> None:
    assert page.evaluate(OVERFLOW) == [], (width, styled)
    blocks = page.evaluate(ALIGNMENT)
    arabic = [b for b in blocks if b["lang"] == "ar"]
    english = [b for b in blocks if b["lang"] == "en"]
    assert len(arabic) > 5 and english, blocks
    for block in arabic:
        assert block["direction"] == "rtl", block
        assert abs(block["toRight"]) <= 2, block  # starts at the right edge of its box
        if styled:
            assert block["align"] == "right", block
    for block in english:
        assert block["direction"] == "ltr", block
        assert abs(block["toLeft"]) <= 2, block


@pytest.mark.parametrize("width", [360, 600])
def test_email_fits_and_reads_right_to_left(browser: Any, email_file: Path, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page(browser, width, java_script_enabled=True) as page:
        page.goto(email_file.as_uri(), wait_until="load")
        check_layout(page, width, styled=True)
        if width == 600:  # the layout's own width is its maximum: nothing wider at 600 px
            container = page.eval_on_selector("table.container", "t => t.getBoundingClientRect().width")
            assert container <= 600
        page.screenshot(path=str(SCREENSHOTS / f"email-{width}.png"), full_page=True)
        page.evaluate(STRIP)
        check_layout(page, width, styled=False)
        page.screenshot(path=str(SCREENSHOTS / f"email-unstyled-{width}.png"), full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_light_and_dark_colours_are_readable(browser: Any, email_file: Path, scheme: str) -> None:
    with browser_page(browser, 600, color_scheme=scheme) as page:
        page.goto(email_file.as_uri(), wait_until="load")
        found = page.evaluate(CONTRAST)
        assert len(found) > 5
        weak = [f for f in found if f["ratio"] < 4.5]
        assert weak == [], weak
        body = page.eval_on_selector("table.container", "t => getComputedStyle(t).backgroundColor")
        assert body == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(27, 30, 34)")
        page.screenshot(path=str(SCREENSHOTS / f"email-{scheme}-600.png"), full_page=True)
