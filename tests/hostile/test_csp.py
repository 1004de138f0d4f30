"""The security policy: every page carries the Content-Security-Policy, the policy is strict,
the theme never needs what it forbids, loads nothing from another host, and the README shows
the same policy for servers that can send it as a header.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from generator.pages.newsletter import EMAIL_CSP
from generator.render.engine import CSP
from tests.hostile.support import REPO, article_text, build_in_memory, write_digest

SITE_HOST = "example.org"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.csp: list[tuple[str, bool]] = []  # (content, inside <head>)
        self.loads: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        if tag == "body":
            self.in_head = False
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append((values.get("content", ""), self.in_head))
        # A JSON-LD block is data that no browser executes (the policy does not apply to it);
        # any other script without src would be inline code.
        data_block = tag == "script" and values.get("type") == "application/ld+json"
        if (tag == "script" and not values.get("src") and not data_block) or tag == "style" or "style" in values:
            self.inline.append(tag)
        for name in ("src", "srcset", "poster", "data"):  # script src included
            if name in values:
                self.loads.append((tag, name, values[name]))
        if tag == "link" and set(values.get("rel", "").split()) & {
                "stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}:
            self.loads.append((tag, "href", values.get("href", "")))


@pytest.fixture(scope="module")
def sample_files():
    return build_in_memory(REPO)


def _pages(files):
    """The site's pages; edition emails are HTML for mail clients (see ``test_emails_*``)."""
    return [f for f in files if f.path.endswith(".html") and not f.path.endswith("/email.html")]


def _parse(page) -> _Page:
    parser = _Page()
    parser.feed(page.content.decode("utf-8"))
    return parser


def test_policy_is_strict() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";") if part.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] in ("'self'", "'none'")
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] in ("'none'", "'self'")  # the 404 page's search goes to /search/
    assert "object-src" not in directives or directives["object-src"] == "'none'"
    for value in directives.values():
        assert "'unsafe-inline'" not in value and "'unsafe-eval'" not in value, value
        assert "*" not in value.split() and "http:" not in value.split()


def test_every_page_carries_the_policy(sample_files) -> None:
    """The same policy on every page, the search page included: its script only fetches the
    index's JSON (connect-src 'self') and compiles nothing (no WebAssembly any more)."""
    pages = _pages(sample_files)
    assert len(pages) > 5
    assert "search/index.html" in {p.path for p in pages}
    for page in pages:
        parsed = _parse(page)
        assert parsed.csp == [(CSP, True)], page.path


def test_redirect_and_actor_pages_carry_it_too(tmp_path) -> None:
    actors = ("- id: france\n  kind: state\n  names: {ar: فرنسا, en: France}\n"
              "  old_slugs: [faransa, la-france]\n")
    root = write_digest(tmp_path, {"a.md": article_text(title="فرنسا تستقبل الوفد")},
                        actors=actors)
    pages = _pages(build_in_memory(root))
    assert any(p.path == "actors/faransa/index.html" for p in pages)
    for page in pages:
        assert _parse(page).csp == [(CSP, True)], page.path


def test_the_theme_needs_nothing_the_policy_forbids(sample_files) -> None:
    """No inline script or style (the policy would block them) on any page."""
    for page in _pages(sample_files):
        assert _parse(page).inline == [], page.path


def test_emails_have_their_own_policy_run_nothing_and_load_only_images(sample_files) -> None:
    """Mail clients read only inline styles, so an email's policy allows those and nothing
    else a page's forbids: no script, no form, nothing loaded but images over https."""
    emails = [f for f in sample_files if f.path.endswith("/email.html")]
    assert emails
    for email in emails:
        parsed = _parse(email)
        assert parsed.csp == [(EMAIL_CSP, True)], email.path
        assert "script" not in parsed.inline, email.path
        assert all(tag == "img" and url.startswith("https://") for tag, _a, url in parsed.loads), email.path
    directives = dict(part.strip().split(" ", 1) for part in EMAIL_CSP.split(";") if part.strip())
    assert directives == {"default-src": "'none'", "style-src": "'unsafe-inline'", "img-src": "https: data:",
                          "base-uri": "'none'", "form-action": "'none'"}


def _is_own(url: str) -> bool:
    parts = urlsplit(url)
    if url.startswith("//"):
        return False
    return not parts.scheme or (parts.scheme == "https" and parts.hostname == SITE_HOST)


def test_pages_load_nothing_from_other_hosts(sample_files) -> None:
    """What the theme loads (styles, fonts, icons, scripts): article images may come from
    https hosts by design (img-src), so content images are left out of this check."""
    for page in _pages(sample_files):
        for tag, attribute, url in _parse(page).loads:
            if tag == "img":
                continue
            assert _is_own(url), (page.path, tag, attribute, url)


def test_theme_sources_reference_no_other_host() -> None:
    """The templates and the CSS, read as text: no absolute or protocol-relative URL that a
    browser would fetch (links in <a href> to other sites would be fine; there are none)."""
    fetch = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?\s*(?:https?:)?//""",
                       re.IGNORECASE)
    for path in sorted((REPO / "templates").rglob("*.html")):
        text = path.read_text("utf-8")
        assert not fetch.findall(text), path.name
        for script in re.findall(r"<script\b[^>]*>", text, re.IGNORECASE):
            if script == '<script type="application/ld+json">':  # data, made by pages.metadata
                continue
            assert re.search(r"""src=["']\{\{ url\(""", script), (path.name, script)
    for path in sorted((REPO / "static").rglob("*.css")):
        text = path.read_text("utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert _is_own(url) and not url.startswith("data:"), (path.name, url)
        assert "@import" not in text, path.name


def test_readme_documents_the_same_policy() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert "## Security" in readme
    assert CSP in readme, "the README's header example matches the meta policy"


def test_static_folder_has_no_scripts_from_elsewhere() -> None:
    for path in (REPO / "static").rglob("*.js"):
        text = path.read_text("utf-8", errors="replace")
        assert not re.search(r"https?://(?!example\.)", text), path
