"""Redirect pages, ``_redirects`` and the manifest of published URLs, and the warnings for
URLs a new build would drop."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.core.model import OutputFile, Site
from generator.pages.redirects import (
    MANIFEST,
    MANIFEST_VERSION,
    NETLIFY,
    Published,
    lost_urls,
    manifest_text,
    read_manifest,
)
from generator.render.theme import find_theme

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
SITE = {
    "mawjaz.toml": 'title = "موجز"\nbase_url = "https://example.org/digest/"\ntimezone = "Asia/Damascus"\n'
                   'permalink = "/{year}/{month}/{day}/{slug}/"\neditions = "none"\n',
    "content/actors.yaml": "- id: council\n  kind: organisation\n  names: {ar: المجلس المحلي}\n"
                           "  old_slugs: [old-council]\n",
    "content/articles/renamed.md": "---\ntitle: العنوان الجديد\ndate: 2026-11-27\n"
                                   "aliases: [/articles/العنوان-القديم/, /news/17.html]\n"
                                   "old_slugs: [العنوان-الأول]\n---\nنص.\n",
    "content/articles/english.md": "---\ntitle: A report\ndate: 2026-11-28\nlang: en\nid: report\n"
                                   "aliases: [/articles/a-report/]\n---\nText.\n",
    "content/articles/plain.md": "---\ntitle: خبر\ndate: 2026-11-28\n---\nنص.\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def built(root: Path) -> tuple[Site, dict[str, OutputFile]]:
    site, diagnostics = load_site(root, BuildOptions(now=NOW))
    assert diagnostics == ()
    return site, {f.path: f for f in render_site(site, find_theme(root))}


@pytest.fixture()
def site_files(tmp_path: Path) -> tuple[Site, dict[str, OutputFile]]:
    return built(write(tmp_path / "d", SITE))


def test_a_redirect_page_works_on_any_host_and_is_not_indexed(site_files) -> None:
    _, files = site_files
    page = files["articles/العنوان-القديم/index.html"].content.decode()
    target = "/digest/2026/11/27/%D8%A7%D9%84%D8%B9%D9%86%D9%88%D8%A7%D9%86-%D8%A7%D9%84%D8%AC%D8%AF%D9%8A%D8%AF/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
    assert f'<link rel="canonical" href="https://example.org{target}">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;' in page
    assert f'<p>نُقلت هذه الصفحة إلى <a href="{target}"><bdi>العنوان الجديد</bdi></a></p>' in page
    assert '<html lang="ar" dir="rtl">' in page


def test_old_slugs_go_through_the_pattern_and_file_aliases_stay_files(site_files) -> None:
    _, files = site_files
    assert "2026/11/27/العنوان-الأول/index.html" in files
    assert "news/17.html" in files
    english = files["articles/a-report/index.html"].content.decode()
    assert '<html lang="en" dir="ltr">' in english and "This page has moved to" in english


def test_redirects_stay_out_of_the_sitemap(site_files) -> None:
    _, files = site_files
    sitemap = files["sitemap.xml"].content.decode()
    assert "2026/11/27/" in sitemap and "a-report" in sitemap  # the page itself, at its new URL
    assert "/articles/" not in sitemap and "17.html" not in sitemap and "old-council" not in sitemap


def test_netlify_redirects_list_every_redirect_forced_and_encoded(site_files) -> None:
    _, files = site_files
    lines = files[NETLIFY].content.decode().splitlines()
    assert lines[0].startswith("# ")
    new = quote("/digest/2026/11/27/العنوان-الجديد/")
    assert lines[1:] == [
        f"{quote('/digest/2026/11/27/العنوان-الأول/')} {new} 301!",
        "/digest/actors/old-council/ /digest/actors/council/ 301!",
        "/digest/articles/a-report/ /digest/2026/11/28/a-report/ 301!",
        f"{quote('/digest/articles/العنوان-القديم/')} {new} 301!",
        f"/digest/news/17.html {new} 301!",
    ]
    assert new.startswith("/digest/2026/11/27/%D8%A7%D9%84")


def test_no_redirects_no_file(tmp_path: Path) -> None:
    files = {k: v for k, v in SITE.items() if k != "content/articles/renamed.md" and k != "content/articles/english.md"}
    files["content/actors.yaml"] = "[]\n"
    _, out = built(write(tmp_path / "d", files))
    assert NETLIFY not in out and MANIFEST in out


def test_the_manifest_lists_every_published_url_with_its_id(site_files) -> None:
    _, files = site_files
    text = files[MANIFEST].content.decode()
    assert json.loads(text) == {
        "version": 1,
        "articles": {"/2026/11/27/العنوان-الجديد/": "renamed", "/2026/11/28/a-report/": "report",
                     "/2026/11/28/خبر/": "plain"},
        "redirects": {"/2026/11/27/العنوان-الأول/": "renamed", "/articles/a-report/": "report",
                      "/articles/العنوان-القديم/": "renamed", "/news/17.html": "renamed"},
    }
    assert text.splitlines()[2] == '  "/2026/11/27/العنوان-الجديد/": "renamed",', "one URL a line"
    published = read_manifest(text, "site/urls.json")
    assert published is not None and published.lines["/2026/11/28/خبر/"] == 5
    assert published.urls["/news/17.html"] == "renamed"


@pytest.mark.parametrize("text", ["", "[]", '{"version": 2}', '{"version": 1, "articles": []}',
                                  '{"version": 1, "articles": {"x/": "a"}}', '{"version": 1, "articles": {"/x/": 3}}'])
def test_a_manifest_of_another_shape_is_not_read(text: str) -> None:
    assert read_manifest(text, "site/urls.json") is None


def lost(site: Site, files: dict[str, OutputFile], urls: dict[str, str]) -> list[str]:
    published = Published(urls, "site/urls.json", {url: n for n, url in enumerate(urls, 3)})
    return [d.format() for d in lost_urls(published, site, set(files))]


def test_nothing_lost_nothing_said(site_files) -> None:
    site, files = site_files
    assert lost(site, files, read_manifest(files[MANIFEST].content.decode(), "m").urls) == []


def test_a_moved_article_is_told_the_aliases_line(site_files) -> None:
    site, files = site_files
    assert lost(site, files, {"/2026/11/28/خبر-قديم/": "plain", "/old/خبر/": "plain"}) == [
        "content/articles/plain.md: warning[url-moved]: this article was published at `/2026/11/28/خبر-قديم/`, "
        "`/old/خبر/` and is now at `/2026/11/28/خبر/`; to keep the old links working, add "
        "`aliases: [/2026/11/28/خبر-قديم/, /old/خبر/]` (or add them to its `aliases:` list)"]


def test_a_gone_article_is_named_once_at_its_manifest_line(site_files) -> None:
    site, files = site_files
    assert lost(site, files, {"/2026/01/01/x/": "deleted", "/2026/11/28/خبر/": "plain"}) == [
        "site/urls.json:3:1: warning[url-gone]: `/2026/01/01/x/` (article `deleted`) is no longer published "
        "(deleted, a draft, or dated ahead) and its links will break; to send them to another article, add "
        "`/2026/01/01/x/` to that article's `aliases:`"]


def test_a_url_another_article_took_is_said(site_files) -> None:
    site, files = site_files
    assert lost(site, files, {"/2026/11/28/خبر/": "report"}) == [
        "content/articles/english.md: warning[url-taken]: `/2026/11/28/خبر/` was this article's URL and now "
        "shows content/articles/plain.md; to give it back, set another `slug:` in content/articles/plain.md"]


@pytest.mark.parametrize("seed", range(5))
def test_the_manifest_is_written_as_json_would_write_it(seed: int) -> None:
    rng = random.Random(seed)
    letters = 'aZ/-_.\\"\'\x00\x1f\x7f\u2028\ufeff ع\U0001f600'

    def text() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(0, 12)))

    data = {"version": MANIFEST_VERSION,
            "articles": {text(): text() for _ in range(rng.randint(0, 30))},
            "redirects": {text(): text() for _ in range(rng.randint(0, 3))}}
    assert manifest_text(data) == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
