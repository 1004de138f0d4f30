"""Clean: turn a ``RawArticle`` into a validated ``Article``.

Front matter is checked field by field and every problem is returned at once, each at the
line of the key in the file. The body goes through the boilerplate cleaner before Markdown,
so a pasted article with a web page's tail still builds clean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from generator.content.cleanup import WordForms, clean_text
from generator.content.markup import MarkupError, first_paragraph, render_body
from generator.content.permalinks import alias_path, article_path, url_key
from generator.core.config import SiteConfig
from generator.core.dates import parse_when
from generator.core.diagnostics import Diagnostic, did_you_mean, error, warning
from generator.core.model import Article, RawArticle, Source, html_bytes, made_from_fields
from generator.text.slugs import check_slug, make_slug

# The sentences `mawjaz new` writes where the curator's own text goes (the example article of a
# new digest, the body of a new article): an article still holding one is published with a
# warning, so a placeholder never goes out unnoticed. authoring/scaffold.py writes these.
PLACEHOLDERS = ("هذا خبر تجريبي يمكنك تعديله أو حذفه.", "اكتب نص الخبر هنا.")

FIELDS = ("title", "date", "published", "updated", "lang", "actors", "source", "summary",
          "slug", "draft", "id", "keep", "byline", "topics", "tags", "aliases", "old_slugs",
          "translation_of")
# ``tags:`` is another name for ``topics:`` (what other generators and WordPress call them);
# an article may give both, and its topics are then those of ``topics:`` and then ``tags:``.
TOPIC_FIELDS = ("topics", "tags")
SOURCE_FIELDS = ("name", "url")
MAX_LANGUAGE_TAG = 35  # BCP 47's own advice for the longest tag worth keeping
# Unicode's control characters (general category Cc) are exactly these two ranges; one regex
# search finds them where a test of each character's category cost a tenth of checking an
# article's front matter (tests/unit/content/test_articles.py holds the ranges to Cc).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Checked:
    """A validated article with the 1-based lines of its ``actors`` items, the (line, column)
    where each of its ``redirects`` was written, the line of its ``slug:`` (0 without one:
    the whole file) and of its ``date:``, for later stages; and the warnings its file gave
    (``notes``), which do not stop a build."""

    article: Article
    actor_lines: tuple[int, ...]
    redirect_at: tuple[tuple[int, int], ...] = ()
    slug_line: int = 0
    date_at: tuple[int, int] = (0, 0)
    notes: tuple[Diagnostic, ...] = ()
    translation_line: tuple[int, int] = (0, 0)  # where ``translation_of:`` is, for its diagnostic

    def __reduce__(self) -> tuple[Any, ...]:
        return (checked_from_fields, (self.article, self.actor_lines, self.redirect_at, self.slug_line, self.date_at,
                          self.notes, self.translation_line))


# What a pickled ``Checked`` is made again by: a rebuild loads one for every article.
checked_from_fields = made_from_fields(Checked, "checked_from_fields")


def build_article(raw: RawArticle, config: SiteConfig, words: WordForms | None = None,
                  ) -> Checked | list[Diagnostic]:
    """The checked article, or every problem of its front matter. ``words``: the cleaner's
    word forms, shared by the articles of one build (see ``cleanup.WordForms``)."""
    problems: list[Diagnostic] = []
    rel = raw.source.rel

    def report(key: str, code: str, message: str) -> None:
        # ``source.url`` of ``source: https://…`` has no line of its own: it is ``source``'s.
        line, col = raw.lines.get(key) or raw.lines.get(key.partition(".")[0], (0, 0))
        problems.append(error(rel, line, col, code, message))

    for key in raw.meta:
        if key not in FIELDS:
            report(str(key), "frontmatter-unknown-key",
                   f"unknown front-matter key `{key}`{did_you_mean(str(key), FIELDS)}")
    values = {name: check(raw.meta, name, report, config) for name, check in _CHECKS.items()}
    for required in ("title", "date"):
        if raw.meta.get(required) is None:  # absent, or `date:` with nothing after it
            problems.append(error(rel, 0, 0, "frontmatter-missing-key",
                                  f"`{required}` is required in the front matter"))
    ident = values["id"] or PurePosixPath(rel).stem
    if "{id}" in config.permalink and (values["id"] or raw.meta.get("id") is None):
        problem = check_slug(ident)
        if problem:  # the id is a folder name in this digest's URLs
            where = "`id`" if values["id"] else f"the file name `{ident}` (the default `id`)"
            report("id", "frontmatter-id", f"{where} is part of this digest's URLs (`permalink`), "
                                           f"so {problem.replace('a slug', 'it')}")
    title = values["title"]
    slug = values["slug"] or make_slug(title, config.slug_policy)
    path = article_path(config, slug, ident, values["date"]) if values["date"] else ""
    redirects = _redirects(raw, values, config, ident, path, report)
    if problems:
        return problems
    cleaned = clean_text(raw.body, keep=values["keep"], words=words)
    try:
        body_html = render_body(cleaned.text)
    except MarkupError as exc:
        return [error(rel, raw.body_line, 1, "body-markdown", str(exc))]
    article = Article(
        rel=rel,
        id=ident,
        slug=slug,
        title=title,
        date=values["date"],
        lang=values["lang"] or config.language,
        body=html_bytes(body_html),
        summary=values["summary"] or first_paragraph(body_html),
        published=values["published"],
        updated=values["updated"],
        actors=values["actors"],
        source=values["source"],
        draft=values["draft"],
        byline=values["byline"],
        topics=tuple(dict.fromkeys(t for name in TOPIC_FIELDS for t in values[name])),
        source_digest=raw.source.digest,
        translation_of=values["translation_of"],
        removed_lines=tuple(f"{raw.body_line + r.line - 1}: [{r.rule}] {r.text}"
                            for r in cleaned.removed),
        path=path,
        slug_given=bool(values["slug"]),
        redirects=tuple(redirects),
    )
    lines = tuple(_line(raw, "actors", i) for i in range(len(article.actors)))
    notes = () if article.draft else placeholder_warnings(rel, raw.body, raw.body_line)
    return Checked(article, lines, tuple(redirects.values()), raw.lines.get("slug", (0, 0))[0],
                   raw.lines.get("date", (0, 0)), notes, raw.lines.get("translation_of", (0, 0)))


def placeholder_warnings(rel: str, body: str, body_line: int) -> tuple[Diagnostic, ...]:
    """A warning at each ``mawjaz new`` placeholder sentence still in the body."""
    found = []
    for number, text in enumerate(body.split("\n")):
        for sentence in PLACEHOLDERS:
            if sentence in text:
                found.append(warning(rel, body_line + number, text.index(sentence) + 1, "article-placeholder",
                                     f"still holds the text `mawjaz new` wrote (`{sentence}`): write the "
                                     "article, or make it a draft (`draft: true`) or delete the file"))
    return tuple(found)


def check_translations(checked: Sequence[Checked]) -> list[Diagnostic]:
    """``translation_of:`` must name another article of the digest (drafts count: a draft
    original still has an id), at the key's line."""
    ids = {item.article.id for item in checked}
    problems = []
    for item in sorted(checked, key=lambda c: c.article.rel):
        article = item.article
        target = article.translation_of
        if not target:
            continue
        line, col = item.translation_line
        if target == article.id:
            problems.append(error(article.rel, line, col, "translation-of-itself",
                                  f"`translation_of: {target}` names this article itself"))
        elif target not in ids:
            hint = did_you_mean(target, sorted(ids))
            problems.append(error(article.rel, line, col, "translation-unknown",
                                  f"`translation_of: {target}`: no article has that id{hint}"))
    return problems


def _line(raw: RawArticle, key: str, index: int) -> int:
    """The line of item ``index`` of the list ``key`` (of the key, for a one-line list)."""
    return raw.lines.get(f"{key}.{index}", raw.lines.get(key, (0, 0)))[0]


def _redirects(raw: RawArticle, values: Mapping[str, Any], config: SiteConfig, ident: str, path: str,
               report: Report) -> dict[str, tuple[int, int]]:
    """The article's older URLs (``aliases`` as written, ``old_slugs`` through the digest's
    pattern) as paths below the site root, each with where it was written; one that is the
    article's own URL is left out (an old slug that came back)."""
    found: dict[str, tuple[int, int]] = {}
    seen = {url_key(path)}
    for key in ("aliases", "old_slugs"):
        for index, text in enumerate(values[key]):
            item = f"{key}.{index}"
            at = raw.lines.get(item, raw.lines.get(key, (0, 0)))
            if key == "aliases":
                old, problem = alias_path(text)
            else:
                text = unicodedata.normalize("NFC", text)
                problem = check_slug(text)
                old = "" if problem or not path else article_path(config, text, ident, values["date"])
            if problem:
                report(item if item in raw.lines else key, "frontmatter-alias",
                       f"`{key}`: {problem}" if key == "old_slugs" else problem)
                continue
            if old and url_key(old) not in seen:
                seen.add(url_key(old))
                found[old] = at
    return found


Report = Callable[[str, str, str], None]


def _text(meta: Mapping[str, Any], key: str, report: Report, required: bool = False) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        hint = ""
        if isinstance(value, list | dict):  # `title: [عاجل]`, `title: {…}`, or `- ` lines under the key
            hint = ("; in YAML, a value in `[ ]` or on `- ` lines is a list and one in `{ }` a mapping: "
                    "put the text in quotes")
        report(key, "frontmatter-type", f"`{key}` must be text, not {_kind(value)}{hint}")
        return ""
    text = " ".join(str(value).split())
    if required and not text:
        report(key, "frontmatter-empty", f"`{key}` must not be empty")
    found = _CONTROL.search(text)
    control = found.group() if found else None
    if control is not None:
        # Invisible, meaningless in a title, and impossible in XML: a feed could not be written.
        report(key, "frontmatter-control",
               f"`{key}` contains the control character U+{ord(control):04X}; remove it")
        return ""
    return text


def _title(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> str:
    return _text(meta, key, report, required=True)


def _plain(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> str:
    return _text(meta, key, report)


def _when(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig):
    if meta.get(key) is None:
        return None
    when = parse_when(meta[key], config.tz)
    if isinstance(when, str):
        report(key, "frontmatter-date", f"`{key}`: {when}")
        return None
    return when


def _lang(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> str:
    lang = _text(meta, key, report)
    if lang and not _is_language_tag(lang):
        shown = f"one of {len(lang)} characters" if len(lang) > MAX_LANGUAGE_TAG else f"`{lang}`"
        report(key, "frontmatter-lang", f"`lang` must be a language tag such as `ar` or `en`, not {shown}")
        return ""
    return lang


def _slug(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> str:
    # NFC first: two spellings of one slug that look the same (a precomposed letter or a base
    # letter and a combining mark) must be one folder, and be found as duplicates.
    slug = unicodedata.normalize("NFC", _text(meta, key, report))
    problem = check_slug(slug) if key in meta else None
    if problem:
        report(key, "frontmatter-slug", problem)
        return ""
    return slug


def _strings(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        report(key, "frontmatter-type", f"`{key}` must be a list of names")
        return ()
    return tuple(dict.fromkeys(" ".join(i.split()) for i in items))


def _topics(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> tuple[str, ...]:
    """Names as ``_strings`` checks them, in NFC (two encodings of one spelling are one
    topic, as slugs are), without the control characters no feed could carry."""
    names = tuple(dict.fromkeys(unicodedata.normalize("NFC", n) for n in _strings(meta, key, report, config)))
    found = next((m for m in map(_CONTROL.search, names) if m), None)
    control = found.group() if found else None
    if control is not None:
        report(key, "frontmatter-control",
               f"`{key}` contains the control character U+{ord(control):04X}; remove it")
        return ()
    return names


def _paths(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        what = "paths such as `/2024/01/02/old-title/`" if key == "aliases" else "slugs"
        report(key, "frontmatter-type", f"`{key}` must be a list of {what}")
        return ()
    return tuple(i.strip() for i in items)


def _draft(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> bool:
    value = meta.get(key, False)
    if not isinstance(value, bool):
        report(key, "frontmatter-type", f"`draft` must be true or false, not {_kind(value)}")
        return False
    return value


def _source(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> Source | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = {"url": value} if value.startswith(("http://", "https://")) else {"name": value}
    if not isinstance(value, Mapping):
        report(key, "frontmatter-type", "`source` must be a name, a URL, or `name:` and `url:`")
        return None
    for sub in value:
        if sub not in SOURCE_FIELDS:
            report(f"source.{sub}", "frontmatter-unknown-key",
                   f"unknown key `source.{sub}`{did_you_mean(str(sub), SOURCE_FIELDS)}")
    name = _text(value, "name", lambda k, c, m: report(f"source.{k}", c, m))
    url = _text(value, "url", lambda k, c, m: report(f"source.{k}", c, m))
    if url and not _is_web_url(url):
        report("source.url", "frontmatter-url", f"`source.url` must be an http(s) URL, not `{url}`")
        return None
    if not name and not url:
        return None
    return Source(name=name or (urlsplit(url).hostname or url), url=url or None)


def _id(meta: Mapping[str, Any], key: str, report: Report, config: SiteConfig) -> str:
    ident = _text(meta, key, report)
    if ident and any(ch.isspace() or ch in "/\\:<>\"'" for ch in ident):
        report(key, "frontmatter-id", f"`{key}` may hold letters, digits, `-`, `_` and `.` only")
        return ""
    return ident


_CHECKS: Mapping[str, Callable[..., Any]] = MappingProxyType({
    "title": _title, "date": _when, "published": _when, "updated": _when, "lang": _lang,
    "actors": _strings, "keep": _strings, "source": _source, "summary": _plain,
    "slug": _slug, "draft": _draft, "id": _id, "byline": _plain, "topics": _topics,
    "tags": _topics, "aliases": _paths, "old_slugs": _paths, "translation_of": _id,
})


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[::1/": an unclosed IPv6 bracket or a bad port
        return False
    # A control character has no place in a URL and cannot be written to XML at all (feeds).
    return (parts.scheme in ("http", "https") and bool(parts.netloc)
            and not _CONTROL.search(url))


def _is_language_tag(tag: str) -> bool:
    parts = tag.split("-")
    # A language names a feed folder (``feeds/<lang>/``): its length is bounded too.
    return (len(tag) <= MAX_LANGUAGE_TAG and parts[0].isascii() and parts[0].isalpha()
            and 2 <= len(parts[0]) <= 3
            and all(p.isascii() and p.isalnum() and 1 <= len(p) <= 8 for p in parts[1:]))


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)
