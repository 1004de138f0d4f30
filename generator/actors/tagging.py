"""Tagging articles with actors: resolving what the curator wrote, finding what the text names.

``tag_articles`` does both in one pass. The ``auto_actors`` setting decides what automatic
finding does: ``add`` puts the actors found in the title and body on the article; ``suggest``
leaves articles as the curator tagged them, and ``suggest_actors`` reports what it would add
(returned as ``Suggestion`` values, not diagnostics, so that ``--strict`` does not turn a
hint into a failure); ``off`` only resolves the front matter.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from generator.actors.registry import ActorRegistry, Claim, nearest, resolve
from generator.core.config import SiteConfig
from generator.core.diagnostics import Diagnostic, error, warning
from generator.core.model import Article, evolve, frozen_map, newest_first
from generator.text.matcher import HARD_BREAK, alias_key

_BLOCK = re.compile(
    r"<\s*/?\s*(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|br|hr|tr|td|th|table|thead|tbody|"
    r"pre|figure|figcaption|section|article|aside|header|footer|nav|details|summary|img)\b[^>]*>",
    re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def matching_text(body_html: str) -> str:
    """The readable text of sanitised HTML for finding names and search forms: block boundaries
    become hard breaks (a name never spans two paragraphs), inline tags vanish (a name may be
    half bold), entities decoded. Not ``content.markup.plain_text``, which is for reading
    (summaries) and joins blocks with plain spaces."""
    text = _BLOCK.sub(f" {HARD_BREAK} ", body_html)
    return html.unescape(_TAG.sub("", text))


def tagging_text(article: Article) -> str:
    """What automatic tagging reads: the title, a hard break, the body text."""
    return f"{article.title} {HARD_BREAK} {matching_text(article.body_html)}"


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A shared alias (عمان: the city or the state) used where nothing in the article
    chooses between the actors that share it: the curator decides."""

    alias: str
    actor_ids: tuple[str, ...]

    def format(self) -> str:
        return f"`{self.alias}` ({' or '.join(self.actor_ids)}?)"


@dataclass(frozen=True, slots=True)
class Mentions:
    """What a text names: actor positions in the order found (repeats kept), and the shared
    aliases left to the curator."""

    positions: tuple[int, ...]
    ambiguous: tuple[Ambiguous, ...] = ()


def mentions(registry: ActorRegistry, text: str,
             memo: dict[str, tuple[str, ...]] | None = None) -> Mentions:
    """Every actor ``text`` names, with each alias's conditions applied (``registry``'s
    docstring): a match right after one of its ``not_after`` words does not count, a nisba
    counts only right after a head word, and a shared alias names the actor its ``when``
    picks (ambiguous when nothing does)."""
    plain: list[int] = []
    shared: list[Claim] = []
    claims = registry.claims
    for claim_id, before in registry.index.find_with_context(text, memo):
        claim = claims[claim_id]
        if before in claim.not_after or (claim.after is not None and before not in claim.after):
            continue
        if len(claim.actors) == 1:
            plain.append(claim.actors[0])
        else:
            shared.append(claim)
    if not shared:
        return Mentions(tuple(plain))
    named = {registry.actors[p].id for p in plain}
    padded = f" {alias_key(text)} "
    ambiguous: dict[str, Ambiguous] = {}
    for claim in shared:
        chosen = [p for p, (ids, words) in zip(claim.actors, claim.when, strict=True)
                  if ids & named or any(f" {w} " in padded for w in words)]
        if len(chosen) != 1:
            usual = [p for p, (ids, words) in zip(claim.actors, claim.when, strict=True)
                     if not ids and not words]
            chosen = usual if not chosen and len(usual) == 1 else []
        if chosen:
            plain.append(chosen[0])
        else:
            ids = tuple(registry.actors[p].id for p in claim.actors)
            ambiguous.setdefault(claim.alias, Ambiguous(claim.alias, ids))
    return Mentions(tuple(plain), tuple(ambiguous.values()))


def find_actors(registry: ActorRegistry, text: str,
                memo: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Ids of the actors named in ``text``, in registry order, without repeats. Without a
    ``memo``, normal forms come from the registry's index, whose bounded memo lasts as long as
    the registry (what the batch functions below rely on: a memo of their own would grow
    with every article)."""
    found = set(mentions(registry, text, memo).positions)
    return tuple(registry.actors[p].id for p in sorted(found))


def count_mentions(registry: ActorRegistry, text: str,
                   memo: dict[str, tuple[str, ...]] | None = None) -> Mapping[str, int]:
    """How often each actor is named in ``text`` (for listings and the suggestion report)."""
    counts: dict[str, int] = {}
    for position in mentions(registry, text, memo).positions:
        actor_id = registry.actors[position].id
        counts[actor_id] = counts.get(actor_id, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Actors found in an article's text that its front matter does not list, and the shared
    aliases in it that the curator must decide."""

    rel: str
    actor_ids: tuple[str, ...]
    ambiguous: tuple[Ambiguous, ...] = ()

    def format(self) -> str:
        parts = []
        if self.actor_ids:
            parts.append(f"found in the text: {', '.join(self.actor_ids)}")
        if self.ambiguous:
            parts.append("ambiguous, add the right actor to `actors:`: "
                         + ", ".join(a.format() for a in self.ambiguous))
        return f"{self.rel}: {'; '.join(parts)}"


def tag_articles(articles: Sequence[Article], registry: ActorRegistry, config: SiteConfig,
                 actor_lines: Mapping[str, Sequence[int]] | None = None,
                 strict: bool = False, found: Mapping[str, tuple[str, ...]] | None = None,
                 ) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """Resolve each article's ``actors`` to ids and, under ``auto_actors = "add"``, add the
    actors its title and body name. Unknown names are ``actor-unknown`` warnings (errors when
    ``strict``) at the line of the item when ``actor_lines[rel][i]`` is known. ``found`` holds
    what ``find_actors`` already returned for an article (computed in parallel, or cached)."""
    ids, problems = actor_ids(articles, registry, config, actor_lines, strict, found)
    return tuple(evolve(a, actors=ids[a.rel]) if a.rel in ids else a for a in articles), problems


def actor_ids(articles: Sequence[Article], registry: ActorRegistry, config: SiteConfig,
              actor_lines: Mapping[str, Sequence[int]] | None = None,
              strict: bool = False, found: Mapping[str, tuple[str, ...]] | None = None,
              ) -> tuple[Mapping[str, tuple[str, ...]], tuple[Diagnostic, ...]]:
    """What ``tag_articles`` does, as the actor ids of each article whose ``actors`` they
    change (by file), without making the changed articles: the build gives them to
    ``taxa.file_articles``, which makes each article once with its actors, outlet and
    topics (a copy of every article per stage was a tenth of an edit's build)."""
    found = found or {}
    mode = config.auto_actors
    problems: list[Diagnostic] = []
    changed: dict[str, tuple[str, ...]] = {}
    resolved: dict[str, str | None] = {}  # the same few hundred names, on 10,000s of articles
    for article in articles:
        ids = _resolve_listed(article, registry, actor_lines, strict, problems, resolved)
        if mode == "add":
            in_text = found.get(article.rel)
            if in_text is None:
                in_text = find_actors(registry, tagging_text(article))
            ids = (*ids, *(i for i in in_text if i not in ids))
        if ids != article.actors:
            changed[article.rel] = ids
    return frozen_map(changed), tuple(problems)


def suggest_actors(articles: Sequence[Article], registry: ActorRegistry) -> tuple[Suggestion, ...]:
    """For ``auto_actors = "suggest"``: per article, the actors found in the text that are not
    already on it (pass articles whose ``actors`` are resolved ids)."""
    result = []
    for article in articles:
        found = mentions(registry, tagging_text(article))
        ids = tuple(registry.actors[p].id for p in sorted(set(found.positions)))
        extra = tuple(i for i in ids if i not in article.actors)
        undecided = tuple(a for a in found.ambiguous
                          if not any(i in article.actors for i in a.actor_ids))
        if extra or undecided:
            result.append(Suggestion(article.rel, extra, undecided))
    return tuple(result)


def ambiguous_mentions(articles: Sequence[Article], registry: ActorRegistry
                       ) -> tuple[tuple[str, Ambiguous], ...]:
    """(article, alias) for every shared alias an article uses where nothing chooses its
    actor and the front matter names none of them (``mawjaz actors`` lists them)."""
    if not any(len(claim.actors) > 1 for claim in registry.claims):
        return ()
    result = []
    for article in articles:
        for item in mentions(registry, tagging_text(article)).ambiguous:
            if not any(i in article.actors for i in item.actor_ids):
                result.append((article.rel, item))
    return tuple(result)


def _resolve_listed(article: Article, registry: ActorRegistry,
                    actor_lines: Mapping[str, Sequence[int]] | None, strict: bool,
                    problems: list[Diagnostic], resolved: dict[str, str | None]) -> tuple[str, ...]:
    ids: list[str] = []
    for i, name in enumerate(article.actors):
        if name in resolved:
            actor_id = resolved[name]
        else:
            actor = resolve(registry, name)
            actor_id = resolved[name] = None if actor is None else actor.id
        if actor_id is not None:
            if actor_id not in ids:
                ids.append(actor_id)
            continue
        lines = (actor_lines or {}).get(article.rel, ())
        line = lines[i] if i < len(lines) else 0
        close = nearest(registry, name)
        hint = (" (nearest: " + ", ".join(f"`{a.id}` ({a.name('ar')})" for a in close) + ")"
                if close else "")
        make = error if strict else warning
        problems.append(make(article.rel, line, 1 if line else 0, "actor-unknown",
                             f"unknown actor `{name}`; add it to content/actors.yaml{hint}"))
    return tuple(ids)


def articles_by_actor(articles: Sequence[Article], registry: ActorRegistry
                      ) -> Mapping[str, tuple[Article, ...]]:
    """Every registry actor's articles, newest first (ties by file, for stable output); actors
    no article names map to an empty tuple. ``articles`` must carry resolved ids."""
    buckets: dict[str, list[Article]] = {actor.id: [] for actor in registry.actors}
    for article in newest_first(articles, ties="rel"):  # sorted once, dealt out in order
        for actor_id in article.actors:
            if actor_id in buckets:
                buckets[actor_id].append(article)
    return frozen_map({actor_id: tuple(items) for actor_id, items in buckets.items()})


_ACTORS = attrgetter("actors")


def co_actors(by_actor: Mapping[str, Sequence[Article]], actor_id: str, limit: int = 8
              ) -> tuple[tuple[str, int], ...]:
    """Actors who most often share an article with ``actor_id``: (id, articles together).
    Counted in C (``Counter`` over every article's actors, the actor's own dropped after): a
    rebuild counts this for each actor of an edited article, thousands of articles for a
    busy one, and a loop over them was a twentieth of an edit at 50,000 articles."""
    counts = Counter(chain.from_iterable(map(_ACTORS, by_actor.get(actor_id, ()))))
    counts.pop(actor_id, None)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ranked[:limit])
