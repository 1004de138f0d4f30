"""Render: what keeps old links alive. Redirect pages, ``_redirects``, and the manifest of
published URLs.

- A redirect page for each older URL of an article (``aliases``, ``old_slugs``) and of an
  actor (``old_slugs``): a small page that works on any static host (a ``refresh`` to the new
  address and a visible link), ``noindex``, with a canonical link to where the page is now,
  so search engines move their record rather than list two pages.
- ``_redirects``: the same redirects in Netlify's syntax, as ``301!`` (forced, because the
  redirect page is a file at the old path and Netlify would otherwise serve it); written only
  when there are redirects.
- ``urls.json``: the manifest of every URL this build published for an article (its page and
  its redirects), each with the article's ``id``. The next build reads the one in the site it
  replaces (``output.manifest``) and warns when a URL it published would disappear.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Mapping
from dataclasses import dataclass

from generator.core.diagnostics import Diagnostic, warning
from generator.core.model import Article, OutputFile, Site
from generator.core.urls import absolute, output_file_for, site_path
from generator.render.engine import PageMeta, RenderContext, recorded_file, render_page

MANIFEST = "urls.json"
NETLIFY = "_redirects"
_MANIFEST_ORIGIN = "the manifest of published URLs (urls.json)"
_NETLIFY_ORIGIN = "the redirects (_redirects)"
MANIFEST_VERSION = 1


def redirect_page(ctx: RenderContext, path: str, title: str, target: str, origin: str,
                  lang: str = "") -> OutputFile:
    """The page at ``path`` that sends readers to ``target`` (both below the site root)."""
    meta = PageMeta(title=title, path=path, kind="redirect", lang=lang, canonical=False)
    return render_page(ctx, "redirect.html", meta, origin, target=ctx.url(target),
                       target_canonical=absolute(ctx.site.settings.base_url, target))


def alias_origin(article: Article, path: str) -> str:
    """How errors name the redirect page made for one older URL of ``article``."""
    return f"older URL `/{path}` of {article.rel}"


def article_redirects(ctx: RenderContext) -> list[OutputFile]:
    """A redirect page for every older URL of every article of the site."""
    return [redirect_page(ctx, path, article.title, article.url_path, alias_origin(article, path), article.lang)
            for article in ctx.site.articles for path in article.redirects]


def redirects(site: Site) -> dict[str, str]:
    """Every redirect of the site, old path -> new path (both below the site root), in order."""
    found = {path: article.url_path for article in site.articles for path in article.redirects}
    found |= {f"actors/{old}/": actor.url_path for actor in site.actors for old in actor.old_slugs}
    return dict(sorted(found.items()))


def redirect_files(ctx: RenderContext) -> list[OutputFile]:
    """The articles' redirect pages, ``_redirects`` and the manifest (actors' redirect pages
    are made with their other pages, see ``pages.actors``). The last two show the articles'
    URLs, ids and redirects only: a build whose site has the last one's shape takes them as
    recorded (see ``Reuse.shaped``)."""
    shaped = ctx.reuse is not None and ctx.reuse.shaped
    manifest = recorded_file(ctx.reuse, MANIFEST, _MANIFEST_ORIGIN) if shaped else None
    netlify = recorded_file(ctx.reuse, NETLIFY, _NETLIFY_ORIGIN) if shaped else None
    return [*article_redirects(ctx), *([netlify] if netlify is not None else netlify_redirects(ctx.site)),
            manifest if manifest is not None else manifest_file(ctx.site)]


def netlify_redirects(site: Site) -> list[OutputFile]:
    """``_redirects``, in Netlify's syntax: from, to, status; paths percent-encoded, as
    Netlify wants them. None when the site has no redirects."""
    base = site.settings.base_path
    lines = [f"{site_path(base, old)} {site_path(base, new)} 301!\n" for old, new in redirects(site).items()]
    if not lines:
        return []
    head = "# Written by mawjaz build: every older URL of the site and where it is now.\n"
    return [_recordable(NETLIFY, (head + "".join(lines)).encode("utf-8"), _NETLIFY_ORIGIN)]


def manifest(site: Site) -> dict[str, dict[str, str]]:
    """Every URL published for an article, ``/path/`` below the site's address -> its ``id``:
    ``articles`` are pages, ``redirects`` older URLs."""
    return {
        "articles": dict(sorted((f"/{a.url_path}", a.id) for a in site.articles)),
        "redirects": dict(sorted((f"/{path}", a.id) for a in site.articles for path in a.redirects)),
    }


def manifest_file(site: Site) -> OutputFile:
    """``urls.json``: one URL a line, sorted, so that a diff of two versions reads as a list
    of URLs added and removed."""
    data = {"version": MANIFEST_VERSION, **manifest(site)}
    return _recordable(MANIFEST, manifest_text(data).encode("utf-8"), _MANIFEST_ORIGIN)


def _recordable(path: str, data: bytes, origin: str) -> OutputFile:
    """A file keyed by its bytes: recorded with a key, a later build can take it as written
    (``recorded_file``) when the site's shape tells it is the same (see ``redirect_files``)."""
    return OutputFile(path, data, origin, key=hashlib.sha256(data).hexdigest())


def manifest_text(data: Mapping[str, object]) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)`` and a line break,
    for ``data`` of strings, integers and mappings of strings to strings (the manifest), each
    line written at once: with ``indent``, ``json`` encodes in Python, value by value, and a
    rebuild writes every URL of the archive again. tests/unit/pages/test_redirects.py holds
    the two equal."""
    quote = json.encoder.encode_basestring  # what ``json.dumps`` writes for a string without ``ensure_ascii``
    rows = []
    for name, value in sorted(data.items()):
        if isinstance(value, Mapping) and value:
            entries = ",\n".join(f"  {quote(k)}: {quote(v)}" for k, v in sorted(value.items()))
            rows.append(f" {quote(name)}: {{\n{entries}\n }}")
        else:
            rows.append(f" {quote(name)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(rows) + "\n}\n"


@dataclass(frozen=True, slots=True)
class Published:
    """A manifest as read back: ``urls`` every URL (pages and redirects) -> the article's id;
    ``where`` names the file in messages; ``lines`` the line of each URL in it."""

    urls: Mapping[str, str]
    where: str
    lines: Mapping[str, int]


def read_manifest(text: str, where: str) -> Published | None:
    """The URLs of a manifest's text; None when it is not one this version wrote."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    urls: dict[str, str] = {}
    for part in ("articles", "redirects"):
        entries = data.get(part, {})
        if not isinstance(entries, dict):
            return None
        for url, ident in entries.items():
            if not (isinstance(ident, str) and url.startswith("/")):
                return None
            urls.setdefault(url, ident)
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        head = line.strip().partition('": ')[0]
        if head.startswith('"/'):
            try:
                lines[json.loads(head + '"')] = number
            except ValueError:
                continue
    return Published(urls, where, lines)


def lost_urls(published: Published, site: Site, served: frozenset[str] | set[str]) -> list[Diagnostic]:
    """Warnings for the URLs ``published`` lists that this site would no longer serve
    (``served``: the paths of its files). An article still in the site is told the line that
    keeps its old URLs alive; an article gone from it is named once, at its manifest line."""
    by_id = {a.id: a for a in site.articles}
    pages = {a.url_path: a for a in site.articles}
    moved: dict[str, list[str]] = {}
    problems = []
    for url, ident in sorted(published.urls.items()):
        path = url.lstrip("/")
        now = by_id.get(ident)
        if output_file_for(path) in served:
            holder = pages.get(path)
            if now is not None and holder is not None and holder.id != ident:
                problems.append(warning(now.rel, 0, 0, "url-taken",
                                        f"`{url}` was this article's URL and now shows {holder.rel}; to give "
                                        f"it back, set another `slug:` in {holder.rel}"))
            continue
        if now is not None:
            moved.setdefault(ident, []).append(url)
            continue
        problems.append(warning(published.where, published.lines.get(url, 1), 1, "url-gone",
                                f"`{url}` (article `{ident}`) is no longer published (deleted, a draft, or "
                                "dated ahead) and its links will break; to send them to another article, "
                                f"add `{url}` to that article's `aliases:`"))
    for ident, urls in sorted(moved.items()):
        article = by_id[ident]
        listed = ", ".join(f"`{u}`" for u in urls)
        problems.append(warning(article.rel, 0, 0, "url-moved",
                                f"this article was published at {listed} and is now at `/{article.url_path}`; "
                                f"to keep the old links working, add `aliases: [{', '.join(urls)}]` "
                                "(or add them to its `aliases:` list)"))
    return problems
