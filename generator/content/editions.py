"""Editions: the digest as readers meet it, one issue per day (or per ISO week).

An article belongs to the edition of the day it entered the digest *in the site's time zone*:
an article added at 23:30 in Damascus is in that evening's edition even though UTC already
says tomorrow. Weekly editions are named after their Monday (ISO weeks start on Monday).

A curator may add a note per edition, ``content/editions/<YYYY-MM-DD>.md``: optional front
matter (``title``, ``order`` = article ids or slugs to show first, in that order) and a
Markdown body. Notes are checked like articles: unknown keys and wrong types are errors at
their line; a note for a day without articles, or an ``order`` entry that is not in the
edition, is a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.content.frontmatter import FENCE, parse_article
from generator.content.markup import MarkupError, render_body
from generator.content.source import discover, read_source
from generator.core.config import SiteConfig
from generator.core.dates import format_day
from generator.core.diagnostics import Diagnostic, did_you_mean, error, warning
from generator.core.labels import phrases
from generator.core.model import Actor, Article, Site, frozen_map, newest_first

NOTES_DIR = "content/editions"
NOTE_KEYS = ("order", "title")
OTHER = ""  # the group key of articles without a known actor


@dataclass(frozen=True, slots=True)
class EditionNote:
    """The curator's note for one edition; ``order_lines`` are the file lines of ``order``."""

    rel: str
    key: str
    title: str
    order: tuple[str, ...]
    order_lines: tuple[int, ...]
    body_html: str


@dataclass(frozen=True, slots=True)
class Edition:
    """One edition: its day (a Monday for weekly editions) and its articles, newest first."""

    day: date
    articles: tuple[Article, ...]

    @property
    def key(self) -> str:
        return self.day.isoformat()

    @property
    def url_path(self) -> str:
        return f"editions/{self.key}/"


def edition_day(when: datetime, tz: ZoneInfo, mode: str) -> date:
    """The edition ``when`` belongs to: the local calendar day, or its ISO week's Monday."""
    day = when.astimezone(tz).date()
    return day - timedelta(days=day.weekday()) if mode == "weekly" else day


def edition_start(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight at the start of an edition (for feeds and date formatting)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def group_editions(articles: Sequence[Article], tz: ZoneInfo, mode: str) -> tuple[Edition, ...]:
    """Editions newest first; inside one, articles newest first (ties by slug): sorted once,
    then dealt out to their days in that order."""
    if mode not in ("daily", "weekly"):
        return ()
    days: dict[date, list[Article]] = {}
    for article in newest_first(articles):
        days.setdefault(edition_day(article.date, tz, mode), []).append(article)
    return tuple(Edition(day, tuple(items)) for day, items in sorted(days.items(), reverse=True))


def site_editions(site: Site) -> tuple[Edition, ...]:
    """The site's editions; the home page, the editions pages and the feed all ask, and
    grouping 10,000 articles each time was a measurable share of a rebuild, so the build
    groups them once into ``site.editions`` (a site made without them is grouped here)."""
    if site.editions is not None:
        return site.editions
    return group_editions(site.articles, site.config.tz, site.config.editions)


def edition_title(site: Site, edition: Edition) -> str:
    """The note's title, else "عدد الأحد، 29 نوفمبر 2026" / "Week of Monday, November 23, 2026"."""
    note = site.notes.get(edition.key)
    if note is not None and note.title:
        return str(note.title)
    c = site.config
    day = format_day(edition_start(edition.day, c.tz), c.language, c.month_names, c.digits)
    return phrases(c.language, "edition.title")[c.editions].format(day=day)


def ordered(edition: Edition, note: EditionNote | None) -> tuple[Article, ...]:
    """The curator's ``order`` first (ids or slugs), then the rest newest first."""
    if note is None or not note.order:
        return edition.articles
    chosen: list[Article] = []
    for name in note.order:
        found = _find(edition, name)
        if found is not None and found not in chosen:
            chosen.append(found)
    return (*chosen, *(a for a in edition.articles if a not in chosen))


def actor_groups(articles: Sequence[Article], site: Site
                 ) -> tuple[tuple[Actor | None, tuple[Article, ...]], ...]:
    """Articles under their first known actor; bigger groups first, then by first appearance
    (so by recency); articles without a known actor last, in one group (actor ``None``)."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        first = next((i for i in article.actors if site.actor(i) is not None), OTHER)
        groups.setdefault(first, []).append(article)
    order = list(groups)
    keys = sorted((k for k in order if k != OTHER), key=lambda k: (-len(groups[k]), order.index(k)))
    result: list[tuple[Actor | None, tuple[Article, ...]]] = [
        (site.actor(k), tuple(groups[k])) for k in keys]
    if OTHER in groups:
        result.append((None, tuple(groups[OTHER])))
    return tuple(result)


def _find(edition: Edition, name: str) -> Article | None:
    wanted = name.casefold()
    return next((a for a in edition.articles
                 if a.id.casefold() == wanted or a.slug.casefold() == wanted), None)


# --- notes -----------------------------------------------------------------------------------

def load_notes(root: Path, config: SiteConfig, articles: Sequence[Article]
               ) -> tuple[Mapping[str, EditionNote], list[Diagnostic]]:
    """Read and check every note; ``articles`` are the ones this build publishes."""
    notes: dict[str, EditionNote] = {}
    problems: list[Diagnostic] = []
    found = list(discover(root, NOTES_DIR))
    problems.extend(f for f in found if isinstance(f, Diagnostic))
    paths = [f for f in found if not isinstance(f, Diagnostic)]
    if not paths:
        return frozen_map(), problems
    if config.editions == "none":
        return frozen_map(), [warning(p.relative_to(root).as_posix(), 0, 0, "edition-off",
                                      'editions are off (`editions = "none"`); this note is not used')
                              for p in paths]
    editions = {e.key: e for e in group_editions(articles, config.tz, config.editions)}
    for path in paths:
        note = _read_note(root, path, config, problems)
        if note is None:
            continue
        edition = editions.get(note.key)
        if edition is None:
            problems.append(warning(note.rel, 0, 0, "edition-empty",
                                    f"no article is in the edition of {note.key}; this note is not shown"))
            continue
        problems.extend(_check_order(note, edition))
        notes[note.key] = note
    return frozen_map(notes), problems


def _read_note(root: Path, path: Path, config: SiteConfig, problems: list[Diagnostic]) -> EditionNote | None:
    source = read_source(root, path, config.max_file_size)
    if isinstance(source, Diagnostic):
        problems.append(source)
        return None
    rel = source.rel
    key = _note_day(path.stem)
    if key is None:
        problems.append(error(rel, 0, 0, "edition-note-name",
                              "an edition note is named after its day: `YYYY-MM-DD.md`"))
        return None
    if config.editions == "weekly" and key.weekday() != 0:
        monday = key - timedelta(days=key.weekday())
        problems.append(error(rel, 0, 0, "edition-note-week",
                              f"weekly editions are named after their Monday: rename to `{monday}.md`"))
        return None
    meta: Mapping[str, Any] = {}
    lines: Mapping[str, tuple[int, int]] = {}
    body, body_line = source.text, 1
    if source.text.startswith(FENCE):
        raw = parse_article(source)
        if isinstance(raw, Diagnostic):
            problems.append(raw)
            return None
        meta, lines, body, body_line = raw.meta, raw.lines, raw.body, raw.body_line
    found: list[Diagnostic] = []
    title, order, order_lines = "", [], []
    for name, value in meta.items():
        line, col = lines.get(str(name), (0, 0))
        if name not in NOTE_KEYS:
            hint = did_you_mean(str(name), NOTE_KEYS) or f" (an edition note knows {', '.join(NOTE_KEYS)})"
            found.append(error(rel, line, col, "edition-unknown-key",
                               f"unknown key `{name}` in an edition note{hint}"))
        elif name == "title":
            if not isinstance(value, str) or not value.strip():
                found.append(error(rel, line, col, "edition-type", "`title` must be a line of text"))
            else:
                title = value.strip()
        elif not isinstance(value, list):
            found.append(error(rel, line, col, "edition-type",
                               "`order` must be a list of article ids or slugs (`- some-id`)"))
        else:
            for index, item in enumerate(value):
                item_line, item_col = lines.get(f"order.{index}", (line, col))
                if isinstance(item, bool) or not isinstance(item, str | int):
                    found.append(error(rel, item_line, item_col, "edition-type",
                                       "each `order` entry is an article id or slug"))
                else:
                    order.append(str(item))
                    order_lines.append(item_line)
    body_html = ""
    if body.strip():
        try:
            body_html = render_body(body)
        except MarkupError as exc:
            found.append(error(rel, body_line, 1, "body-markdown", str(exc)))
    problems.extend(found)
    if found:
        return None
    return EditionNote(rel=rel, key=key.isoformat(), title=title, order=tuple(order),
                       order_lines=tuple(order_lines), body_html=body_html)


def _note_day(stem: str) -> date | None:
    try:
        day = date.fromisoformat(stem)
    except ValueError:
        return None
    return day if day.isoformat() == stem else None


def _check_order(note: EditionNote, edition: Edition) -> list[Diagnostic]:
    problems = []
    seen: set[str] = set()
    names = [a.id for a in edition.articles]
    for name, line in zip(note.order, note.order_lines, strict=True):
        if name.casefold() in seen:
            problems.append(warning(note.rel, line, 1, "edition-order-repeated",
                                    f"`{name}` is listed twice in `order`"))
        elif _find(edition, name) is None:
            problems.append(warning(note.rel, line, 1, "edition-order-unknown",
                                    f"`{name}` is not an article of the edition of {note.key}"
                                    f"{did_you_mean(name, names)}"))
        seen.add(name.casefold())
    return problems
