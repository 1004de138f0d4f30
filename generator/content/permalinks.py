"""Where articles are published: their URLs, and the older URLs that send readers to them.

An article's URL comes from the digest's ``permalink`` pattern (``core.urls.permalink``), filled
in when the article is read. Real archives repeat titles all the time (daily columns, one
agency story printed twice, titles that differ only in tashkeel or punctuation), so two
articles may want one URL. A repeated title never stops a build: of the articles whose slug
was made from their title and that want one URL, the earliest by (date, id) keeps it, and each
other one gets a suffix made from its own ``id``. The suffix depends on nothing but that id,
so URLs stay the same whatever order files are read in, and an article added with a later date
never takes a URL from an older one (one added with an earlier date does: the manifest check,
``output.manifest``, says so). A ``slug:`` written in the
front matter is the curator's choice: when it wants a URL another article wants, that is an
error naming both files, never a silent suffix.

URLs are placed over every article read, drafts and articles dated ahead included, so that an
article's URL does not change on the day a draft beside it is published.

Older URLs (``aliases`` and ``old_slugs``) become redirect pages (``pages.redirects``); one that
is another article's URL, or another article's older URL, is an error naming both files.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote

from generator.core.config import SiteConfig
from generator.core.diagnostics import Diagnostic, error
from generator.core.model import Article, Site, frozen_map
from generator.core.urls import SITE_FOLDERS, permalink
from generator.text.slugs import MAX_BYTES, check_slug, fit_bytes

if TYPE_CHECKING:  # articles.py imports this module; only the name is needed here
    from generator.content.articles import Checked

SUFFIX_LENGTHS = (6, 12, 64)  # hex digits of the id's hash; a longer one only if a shorter is taken
MAX_ALIAS_SEGMENTS = 32
FILE_ENDINGS = (".html", ".htm")  # an alias for an old page file, not a folder


def article_path(config: SiteConfig, slug: str, ident: str, when: datetime) -> str:
    """The URL path (below the site root) the digest's pattern gives an article: the day in
    it is the article's date in the site's time zone."""
    return permalink(config.permalink, slug, ident, when.astimezone(config.tz))


def wanted_path(config: SiteConfig, article: Article) -> str:
    """The path ``article`` wants, before any suffix."""
    return article_path(config, article.slug, article.id, article.date)


def suffixed(slug: str, ident: str, length: int = SUFFIX_LENGTHS[0]) -> str:
    """``slug`` with a suffix made from ``ident`` alone (``-`` and the first ``length`` hex
    digits of its SHA-256), cut so that the whole stays within ``MAX_BYTES``."""
    tail = "-" + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:length]
    return fit_bytes(slug, MAX_BYTES - len(tail)) + tail


def url_key(path: str) -> str:
    """Two paths that are one folder on a case-insensitive file system (or to a reader)."""
    return unicodedata.normalize("NFC", path).casefold()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where each article goes. ``paths``: the articles (by file) that do not get the path
    they wanted; ``problems``: URLs two articles want that no suffix may settle."""

    paths: Mapping[str, str]
    problems: tuple[Diagnostic, ...]

    def apply(self, articles: Iterable[Article]) -> list[Article]:
        """``articles`` with their placed paths (most keep the one they were read with)."""
        return [replace(a, path=self.paths[a.rel]) if a.rel in self.paths else a for a in articles]


def place_articles(checked: Sequence[Checked], config: SiteConfig, chosen: Iterable[str] = ()) -> Placement:
    """Place every article read (``checked``), and check the older URLs of those this build
    publishes (``chosen``, by file)."""
    problems: list[Diagnostic] = []
    owners: dict[str, Article] = {}
    groups: dict[str, list[Article]] = {}
    for item in checked:
        groups.setdefault(url_key(item.article.url_path), []).append(item.article)
    field = "slug" if "{slug}" in config.permalink else "id"
    slug_lines = {item.article.rel: item.slug_line for item in checked}

    def taken(article: Article, holder: Article | None) -> Diagnostic:
        url, line = f"/{article.url_path}", slug_lines.get(article.rel, 0)
        if holder is None:
            return error(article.rel, line, 1, "duplicate-slug",
                         f"URL `{url}` is in a folder the site makes for its own pages; give this "
                         f"article another `{field}:`")
        return error(article.rel, line, 1, "duplicate-slug",
                     f"URL `{url}` is already used by {holder.rel}; give one of them another `{field}:`")

    waiting: list[Article] = []  # titles another article was first to: they get a suffix
    for key, group in groups.items():  # the outcome does not depend on this order
        if len(group) == 1 and not _site_owned(key):  # almost every URL: nothing to settle
            owners[key] = group[0]
            continue
        # A written slug is a choice only where the pattern shows the slug.
        given = sorted((a for a in group if a.slug_given and field == "slug"), key=lambda a: a.rel)
        made = sorted((a for a in group if not (a.slug_given and field == "slug")), key=_earliest)
        if _site_owned(key):
            problems += [taken(a, None) for a in given]
            waiting += made
        elif given:
            owners[key] = given[0]
            problems += [taken(a, given[0]) for a in (*given[1:], *made)]
        else:
            owners[key] = made[0]
            waiting += made[1:]
    paths: dict[str, str] = {}
    for article in sorted(waiting, key=_earliest):
        path = _free_path(config, article, owners)
        if path is None:
            problems.append(taken(article, owners.get(url_key(article.url_path))))
            continue
        owners[url_key(path)] = article
        paths[article.rel] = path
    problems += _redirect_problems(checked, owners, set(chosen))
    return Placement(frozen_map(paths), tuple(problems))


def _earliest(article: Article) -> tuple[float, str, str]:
    return (article.date.timestamp(), article.id.casefold(), article.rel)


def _site_owned(key: str) -> bool:
    """A path in a folder the site makes for its own pages (``feeds/``, ``actors/``...)."""
    return key.split("/", 1)[0] in SITE_FOLDERS


def _free_path(config: SiteConfig, article: Article, owners: Mapping[str, Article]) -> str | None:
    """The first suffixed path nobody owns; None when the pattern has no slug to suffix."""
    for length in SUFFIX_LENGTHS:
        path = article_path(config, suffixed(article.slug, article.id, length), article.id, article.date)
        if path == article.url_path:
            return None
        key = url_key(path)
        if key not in owners and not _site_owned(key):
            return path
    return None


def _redirect_problems(checked: Sequence[Checked], owners: Mapping[str, Article],
                       chosen: set[str]) -> list[Diagnostic]:
    """An older URL of a published article that is a page's URL, or another one's older URL."""
    problems = []
    seen: dict[str, str] = {}
    for item in sorted((c for c in checked if c.article.redirects), key=lambda c: c.article.rel):
        article = item.article
        if article.rel not in chosen:
            continue
        for path, (line, col) in zip(article.redirects, item.redirect_at, strict=True):
            key = url_key(path)
            owner = owners.get(key)
            if owner is not None or key.rstrip("/") in SITE_FOLDERS:
                whose = ("a folder the site makes for its own pages" if owner is None
                         else "this article's own URL" if owner.rel == article.rel
                         else f"the URL of {owner.rel}")
                problems.append(error(article.rel, line, col, "alias-taken",
                                      f"older URL `/{path}` is {whose}; a redirect cannot replace a page"))
            elif key in seen:
                problems.append(error(article.rel, line, col, "alias-taken",
                                      f"older URL `/{path}` already leads to {seen[key]}; "
                                      "one old URL can lead to one article only"))
            else:
                seen[key] = article.rel
    return problems


def suffixed_urls(site: Site) -> list[str]:
    """A note for each article of ``site`` that is not at the URL it wanted, naming the one
    that is (the notes ``--verbose`` prints; not diagnostics: a repeated title is no problem)."""
    config = site.config
    pages = {url_key(a.url_path): a for a in site.articles}
    notes = []
    for article in sorted(site.articles, key=lambda a: a.rel):
        wanted = wanted_path(config, article)
        if article.url_path == wanted:
            continue
        holder = pages.get(url_key(wanted))
        who = (f"the URL of {holder.rel}, which came first (by date, then id)" if holder is not None
               else "in a folder the site makes for its own pages" if _site_owned(url_key(wanted))
               else "the URL of an earlier article this build does not publish (a draft, or dated ahead)")
        notes.append(f"{article.rel}: note[url-suffix]: published at `/{article.url_path}`: "
                     f"`/{wanted}` is {who}")
    return notes


def alias_path(text: str) -> tuple[str, str | None]:
    """An ``aliases`` entry as a path below the site root (``2024/01/02/old-title/``, or
    ``news/123.html`` for an old page file), and the problem with it, if any. Written as a
    site path (``/2024/01/02/old-title/``, a leading ``/`` optional), percent-encoded or not."""
    value = unicodedata.normalize("NFC", unquote(text.strip()))
    example = "such as `/2024/01/02/old-title/`"
    if "://" in value or value.startswith("//"):
        return "", f"an alias is a path on this site, {example}, not a full URL"
    if "?" in value or "#" in value:
        return "", f"an alias is a path without `?` or `#` (a static host serves paths only), {example}"
    folder = value.endswith("/") or not value.lower().endswith(FILE_ENDINGS)
    segments = value.strip("/").split("/")
    if segments[-1].lower() in ("index.html", "index.htm"):
        segments, folder = segments[:-1], True
    if segments == [] or segments == [""]:
        return "", f"an alias cannot be the home page; give a path {example}"
    if len(segments) > MAX_ALIAS_SEGMENTS:
        return "", f"an alias may have at most {MAX_ALIAS_SEGMENTS} folders"
    for segment in segments:
        problem = check_slug(segment)
        if problem:
            return "", f"alias `{text.strip()}`: {problem.replace('a slug', 'each part of a path')}"
    return "/".join(segments) + ("/" if folder else ""), None
