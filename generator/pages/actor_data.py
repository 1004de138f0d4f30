"""An actor's record over time: month counts for the timeline on the actor page, and the same
data as ``actors/<slug>/index.json`` for anyone who wants to build on the digest.

The JSON shape (documented in README, "Actor data as JSON") is versioned by ``"version": 1``;
keys are written in a fixed order with ``ensure_ascii=False`` so that rebuilds are
byte-identical and Arabic stays readable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.actors.tagging import co_actors
from generator.core.dates import format_month, format_number
from generator.core.model import Actor, Article, OutputFile, Site
from generator.core.urls import absolute

LEVELS = 10  # bar lengths are classes (tl-1 .. tl-10): the CSP forbids inline styles
MAX_SPAN = 24  # longer spans list only the months with articles


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # "2026-11"
    label: str  # "تشرين الثاني 2026"
    count: int
    count_text: str
    level: int  # 0 (none) .. LEVELS, relative to the busiest month


def month_counts(site: Site, articles: Sequence[Article]) -> tuple[tuple[str, int], ...]:
    """("YYYY-MM", articles) oldest first, by the site's time zone; empty months inside a
    span of at most ``MAX_SPAN`` months are kept so the timeline shows the gaps."""
    counts: dict[str, int] = {}
    for article in articles:
        local = article.date.astimezone(site.config.tz)
        key = f"{local.year:04d}-{local.month:02d}"
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    months = _span(first, last)
    if len(months) > MAX_SPAN:
        months = sorted(counts)
    return tuple((m, counts.get(m, 0)) for m in months)


def _span(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def timeline(site: Site, articles: Sequence[Article]) -> tuple[MonthCount, ...]:
    c = site.config
    lang = c.language
    counts = month_counts(site, articles)
    busiest = max((n for _, n in counts), default=0)
    return tuple(
        MonthCount(month=m, label=format_month(date(int(m[:4]), int(m[5:]), 1), lang, c.month_names, c.digits),
                   count=n, count_text=format_number(n, lang, c.digits),
                   level=0 if n == 0 else max(1, round(LEVELS * n / busiest)))
        for m, n in counts)


def actor_json(site: Site, actor: Actor) -> dict[str, Any]:
    c = site.config
    articles = site.by_actor.get(actor.id, ())
    together = []
    for other_id, count in co_actors(site.by_actor, actor.id, limit=len(site.actors)):
        other = site.actor(other_id)
        if other is not None:
            together.append({"id": other.id, "slug": other.slug, "name": other.name(c.language),
                             "url": absolute(site.settings.base_url, other.url_path), "count": count})
    return {
        "version": 1,
        "actor": {
            "id": actor.id,
            "slug": actor.slug,
            "kind": actor.kind,
            "names": dict(actor.names),
            "url": absolute(site.settings.base_url, actor.url_path),
        },
        "count": len(articles),
        "months": [{"month": m, "count": n} for m, n in month_counts(site, articles)],
        "articles": [{"id": a.id, "title": a.title, "url": absolute(site.settings.base_url, a.url_path),
                      "date": a.date.isoformat(), "lang": a.lang} for a in articles],
        "co_actors": together,
    }


def actor_json_file(site: Site, actor: Actor) -> OutputFile:
    # Compact: a busy actor lists thousands of articles, and only the compact form has
    # Python's C encoder (0.2 s for the busiest actor of a 10,000-article digest, indented).
    text = json.dumps(actor_json(site, actor), ensure_ascii=False, separators=(",", ":")) + "\n"
    return OutputFile(f"{actor.url_path}index.json", text.encode("utf-8"),
                      f"actor `{actor.id}` (content/actors.yaml)")
