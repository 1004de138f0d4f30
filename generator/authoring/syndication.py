"""Read an RSS or Atom feed for ``mawjaz import``: one entry, one article.

Feeds come in many dialects (RSS 0.9x, 1.0 as RDF, 2.0 with ``content:encoded``, Atom 0.3
and 1.0, each with its own date formats, escaping rules and a long tail of broken
publishers), so the parsing is feedparser's: it has read the web's feeds for two decades,
recovers from feeds that are not well-formed, and resolves relative links. It is given the
bytes already read (a file, or a URL fetched by :mod:`generator.authoring.fetch`), never an
address: feedparser's own fetching follows any redirect, and a string it is given may be
read as a file name. Its XML parser resolves no external entities and expat refuses
exponential entity expansion.

What an entry gives: its full text when the feed carries it (``content:encoded``, Atom
``<content>``), else its summary; its link, date, author and categories; the feed's title
as the source's name, unless the entry names its own source (an aggregator's feed).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from generator.core.dates import out_of_range

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as the feed states it; bodies are HTML whatever type the feed declared."""

    number: int  # 1-based position in the feed
    title: str | None
    link: str | None
    published: datetime | None
    content: str | None  # the full text, when the feed carries it
    summary: str | None
    author: str | None
    topics: tuple[str, ...]
    source_name: str | None  # the source the entry itself names, else the feed's title


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    entries: tuple[Entry, ...]
    problem: str | None = None  # why the feed was read leniently (it is not well-formed XML)


class NotAFeed(Exception):
    """The bytes hold no feed entries; the message says what feedparser found instead."""


def parse_feed(data: bytes, base_url: str | None = None) -> Feed:
    """The feed's entries. ``base_url`` (where the feed was fetched from) resolves relative
    links in it."""
    import feedparser  # imported here: it takes a while, and only bulk imports need it

    headers = {"content-location": base_url} if base_url else {}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
    problem = _problem(parsed) if parsed.get("bozo") else None
    if not parsed.entries and (problem or not parsed.get("version")):
        raise NotAFeed(f"not a feed that can be read ({problem or 'no RSS or Atom found'})")
    title = _plain(parsed.feed.get("title"), parsed.feed.get("title_detail")) or None
    entries = tuple(_entry(number, entry, title)
                    for number, entry in enumerate(parsed.entries, start=1))
    return Feed(title, entries, problem)


def _problem(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = " ".join(str(exc).split()) if exc is not None else "not well-formed"
    return text[:200]


def _entry(number: int, entry: Any, feed_title: str | None) -> Entry:
    content = None
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        if value.strip():
            content = _as_html(value, part.get("type"))
            if (part.get("type") or "") in _HTML_TYPES:
                break  # a feed offering several, the HTML one keeps the most
    summary_text = entry.get("summary") or ""
    summary = _as_html(summary_text, (entry.get("summary_detail") or {}).get("type")) \
        if summary_text.strip() else None
    link = (entry.get("link") or "").strip()
    author = _plain((entry.get("author_detail") or {}).get("name") or entry.get("author"), None)
    source = entry.get("source") or {}
    topics: dict[str, str] = {}
    for tag in entry.get("tags") or ():
        name = " ".join((tag.get("label") or tag.get("term") or "").split())
        if name:
            topics.setdefault(name.casefold(), name)
    return Entry(
        number=number,
        title=_plain(entry.get("title"), entry.get("title_detail")) or None,
        link=link if re.match(r"(?i)https?://\S+$", link) else None,
        published=_date(*_stated(entry, "published")) or _date(*_stated(entry, "updated")),
        content=content,
        summary=summary,
        author=author or None,
        topics=tuple(topics.values()),
        source_name=_plain(source.get("title"), None) or feed_title,
    )


def _stated(entry: Any, key: str) -> tuple[Any, Any]:
    """A date as written and as feedparser parsed it, read past feedparser's own lookup,
    which answers ``updated`` with ``published`` (and warns) when the entry has no ``updated``."""
    return dict.get(entry, key), dict.get(entry, f"{key}_parsed")


def _as_html(value: str, kind: str | None) -> str:
    """HTML as it is; plain text escaped, a blank line starting a paragraph. RSS calls every
    description HTML, so one without a single tag is taken for the text it is."""
    if (kind or "text/html") in _HTML_TYPES:
        if re.search(r"<[A-Za-z/!]", value):
            return value
        value = html.unescape(value)
    paragraphs = re.split(r"\n\s*\n", value.strip())
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())


def _plain(value: str | None, detail: Any) -> str:
    """A title or name as plain text: feedparser keeps the markup of an HTML title."""
    text = value or ""
    if detail and (detail.get("type") or "") in _HTML_TYPES:
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return " ".join(text.split())


def _date(raw: str | None, parsed: Any) -> datetime | None:
    """The date as the feed wrote it, offset included (feedparser's own parse is in UTC);
    its parse when the text is in one of the rarer formats it knows."""
    text = (raw or "").strip()
    when: datetime | None = None
    if text:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            if re.search(r"\d\s+[A-Za-z]{3}\s+\d{4}\s", text):
                try:
                    when = parsedate_to_datetime(text)
                except (TypeError, ValueError, IndexError):
                    when = None
    if when is None and parsed:
        when = datetime(*parsed[:6], tzinfo=UTC)
    if when is None or out_of_range(when):
        return None
    if when.tzinfo is None:  # a feed date without an offset: UTC, as feeds are meant to be
        when = when.replace(tzinfo=UTC)
    return when.replace(microsecond=0)
