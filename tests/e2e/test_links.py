"""Link check of the whole built site: every internal link, asset and #fragment resolves.

Works on the files, the way a static host maps URLs to them (``dir/`` serves
``dir/index.html``; percent-encoded Arabic paths are decoded to Unicode file names). The site
is checked as built for ``/`` and for ``/digest/``: under a sub-path a link that forgets the
base path points outside the site and is reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import pytest

from .conftest import ServedSite, html_pages

# (tag, attribute) pairs that name a URL the reader's browser will follow or fetch.
URL_ATTRS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
             ("source", "src"), ("video", "src"), ("audio", "src"), ("iframe", "src"),
             ("form", "action"), ("area", "href"), ("video", "poster")}
SRCSET_TAGS = {"img", "source"}
# Meta tags whose content is a URL of this site (Open Graph, Twitter cards).
META_URLS = {"og:url", "og:image", "twitter:image", "twitter:url"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class PageScan(HTMLParser):
    """Collects the URLs a page refers to and the fragment targets it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (what, url)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        for attr in ("href", "src", "action", "poster"):
            if (tag, attr) in URL_ATTRS and attr in values:
                self.links.append((f"<{tag} {attr}>", values[attr]))
        if tag in SRCSET_TAGS and "srcset" in values:
            for candidate in values["srcset"].split(","):
                if candidate.strip():
                    self.links.append((f"<{tag} srcset>", candidate.split()[0]))
        if tag == "meta" and values.get("property", values.get("name")) in META_URLS:
            self.links.append((f"<meta {values.get('property', values.get('name'))}>",
                               values.get("content", "")))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.links.append(("<meta refresh>", values.get("content", "").partition("url=")[2]))


@dataclass(frozen=True, slots=True)
class Broken:
    page: str
    what: str
    url: str
    why: str

    def __str__(self) -> str:
        return f"    {self.what} {self.url}: {self.why}"


class SiteFiles:
    """Maps the site's URLs to its files, as a plain static server does."""

    def __init__(self, site: ServedSite) -> None:
        self.site = site
        self.root = site.site_dir
        self.base_path = urlsplit(site.base_url).path
        self._anchors: dict[Path, set[str]] = {}

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https"} and \
            f"{parts.scheme}://{parts.netloc}" == self.site.origin

    def file_for(self, url: str) -> tuple[Path | None, str]:
        """The file serving ``url``, or None and the reason it would not be served."""
        path = unquote(urlsplit(url).path)
        base = unquote(self.base_path)
        if not path.startswith(base):
            return None, f"outside the site's base path {self.base_path}"
        rel = path[len(base):]
        target = self.root / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        elif target.is_dir():
            return None, "a folder without its trailing slash (many hosts answer 404 or 301)"
        try:
            target.resolve().relative_to(self.root.resolve())
        except ValueError:
            return None, "escapes the site folder"
        if not target.is_file():
            return None, f"no file {target.relative_to(self.root)}"
        return target, ""

    def anchors(self, page: Path) -> set[str]:
        if page not in self._anchors:
            scan = PageScan()
            scan.feed(page.read_text(encoding="utf-8"))
            self._anchors[page] = scan.anchors
        return self._anchors[page]

    def check(self, page_name: str, what: str, base: str, raw: str) -> Broken | None:
        raw = raw.strip()
        if not raw:
            return Broken(page_name, what, repr(raw), "empty URL")
        if raw.startswith(("mailto:", "tel:", "data:")):
            return None
        if raw.lower().startswith("javascript:"):
            return Broken(page_name, what, raw, "javascript: URL")
        url = urljoin(base, raw)
        if not self.is_internal(url):
            return None
        if any(ord(c) > 127 or c == " " for c in raw.split("#")[0]):
            return Broken(page_name, what, raw, "not percent-encoded")
        target, why = self.file_for(url)
        if target is None:
            return Broken(page_name, what, raw, why)
        fragment = unquote(urlsplit(url).fragment)
        if fragment and target.suffix == ".html" and fragment not in self.anchors(target):
            return Broken(page_name, what, raw,
                          f"no element with id {fragment!r} in {target.relative_to(self.root)}")
        return None


def broken_links(site: ServedSite) -> list[Broken]:
    files = SiteFiles(site)
    broken: list[Broken] = []
    for page in html_pages(site.site_dir):
        name = page.relative_to(site.site_dir).as_posix()
        scan = PageScan()
        scan.feed(page.read_text(encoding="utf-8"))
        base = site.page_url(page)
        for what, url in scan.links:
            if (b := files.check(name, what, base, url)) is not None:
                broken.append(b)
    for css in sorted(site.site_dir.rglob("*.css")):
        name = css.relative_to(site.site_dir).as_posix()
        base = urljoin(site.base_url, name)
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
            if (b := files.check(name, "url()", base, match.group(2))) is not None:
                broken.append(b)
    sitemap = site.site_dir / "sitemap.xml"
    if sitemap.is_file():
        for loc in ElementTree.parse(sitemap).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            url = (loc.text or "").strip()
            if not files.is_internal(url):
                broken.append(Broken("sitemap.xml", "<loc>", url, "not a URL of this site"))
            elif (b := files.check("sitemap.xml", "<loc>", site.base_url, url)) is not None:
                broken.append(b)
    return broken


def test_every_internal_link_resolves(served_site: ServedSite) -> None:
    broken = broken_links(served_site)
    grouped: dict[str, list[Broken]] = defaultdict(list)
    for b in broken:
        grouped[b.page].append(b)
    report = "\n".join(f"{page}:\n" + "\n".join(map(str, items))
                       for page, items in sorted(grouped.items()))
    assert not broken, (f"{len(broken)} broken link(s) in the site built for "
                        f"{served_site.base_url}, by page:\n{report}")


def test_archive_links_and_redirects_resolve(built_archive: Path) -> None:
    """The fixture archive: suffixed URLs linked everywhere, redirect pages (their refresh,
    link and canonical) and every line of ``_redirects`` lead to pages that exist."""
    site = ServedSite("archive", "http://127.0.0.1:8/digest/", built_archive)
    assert broken_links(site) == []
    files = SiteFiles(site)
    rules = (built_archive / "_redirects").read_text("utf-8").splitlines()[1:]
    assert len(rules) == 2
    for rule in rules:
        old, new, status = rule.split()
        assert status == "301!"
        assert files.file_for(site.origin + old)[0] is not None, f"no redirect page at {old}"
        target, why = files.file_for(site.origin + new)
        assert target is not None and "http-equiv=\"refresh\"" not in target.read_text("utf-8"), (new, why)


def test_checker_sees_pages_and_links(served_site: ServedSite) -> None:
    """Guards the check above against passing because it found nothing to check."""
    pages = html_pages(served_site.site_dir)
    assert len(pages) >= 3, f"only {len(pages)} pages built"
    scan = PageScan()
    scan.feed((served_site.site_dir / "index.html").read_text(encoding="utf-8"))
    internal = [u for _, u in scan.links
                if SiteFiles(served_site).is_internal(urljoin(served_site.base_url, u))]
    assert internal, "the home page links to nothing on the site"


@pytest.mark.parametrize("raw, why", [
    ("articles/missing/", "no file"),
    ("/elsewhere/", "outside"),
    ("#nowhere", "no element with id"),
    ("articles/غير-مرمز/", "not percent-encoded"),
])
def test_checker_catches_breakage(tmp_path: Path, raw: str, why: str) -> None:
    """The checker itself, on a two-page site, so a silent checker cannot pass the test."""
    site_dir = tmp_path / "digest"
    (site_dir / "articles" / "حرب").mkdir(parents=True)
    (site_dir / "index.html").write_text('<p id="top">x</p>', encoding="utf-8")
    (site_dir / "articles" / "حرب" / "index.html").write_text("<p>y</p>", encoding="utf-8")
    site = ServedSite("test", "http://127.0.0.1:9/digest/", site_dir)
    files = SiteFiles(site)
    good = "/digest/articles/%D8%AD%D8%B1%D8%A8/#"
    assert files.check("index.html", "<a href>", site.base_url, "/digest/#top") is None
    assert files.check("index.html", "<a href>", site.base_url, good.rstrip("#")) is None
    broken = files.check("index.html", "<a href>", site.base_url, raw)
    assert broken is not None and why in broken.why
