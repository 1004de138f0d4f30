"""Sources and topics: the other two ways readers browse a digest, beside actors.

Every article with a source is filed under one outlet (``outlets`` says which), and under
each of its ``topics:``. Both are grouped across articles, so what the site shows of a group
is decided here, once, for all its articles:

- **Grouping.** Topics are grouped by their match form (``text.normalize``: NFC, case,
  tashkeel, hamza seats, ة/ه, ى/ي folded), so "أخبار", "اخبار" and "أخبارٌ" are one topic, and
  "Economy" and "economy" another. An outlet the registry does not know is grouped the same
  way by its name; a source given only as a URL joins the outlet that other articles from the
  same host name (by their most common name), else it is an outlet of its own, named after
  the host without ``www.``.
- **Display.** A group shows its most common spelling (on a tie, the one used first), in the
  language of its articles when its script agrees ("und" otherwise). A source given as a URL
  only is then named after its outlet ("رويترز", not ``uk.reuters.com``).
- **Addresses.** A group's slug is made from the spelling its oldest article uses, so it
  does not move as the digest grows or as the favourite spelling changes. When two groups
  want one slug, the older one keeps it and the other gets a short hash of its key
  (``economy-3f2a1c``): deterministic, and independent of what else collides. Registered
  outlets keep the slugs the registry gives them.

Everything is a pure function of the articles (newest first, as ``Site.articles``) and the
registry: no clock, sorted iteration, ties broken by age and then by key.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from generator.actors.outlets import OutletRegistry, SourceNames, outlet_named, shown_host
from generator.core.model import (
    SOURCE,
    TOPIC,
    Article,
    Outlet,
    Source,
    Taxa,
    Term,
    direction_of,
    evolve,
    frozen_map,
    replacing,
)
from generator.text.normalize import match_form
from generator.text.slugs import MAX_BYTES, fit_bytes, make_slug

UNKNOWN_LANGUAGE = "und"  # BCP 47: a name whose language we cannot tell (a host name)
HASH_LENGTH = 6  # hex digits added to a slug another group already has
NAME, HOST = "name:", "host:"  # the keys of outlets the registry does not know: by name or by host


def topic_key(text: str) -> str:
    """What every spelling of one topic has in common (see the module's docstring)."""
    return match_form(unicodedata.normalize("NFC", text)) or text.casefold()


@dataclass(slots=True)
class _Group:
    """One outlet or topic while articles are gathered into it (local to ``file_articles``)."""

    key: str
    age: int  # its oldest article's place, oldest first
    first: str  # the spelling that article uses
    spellings: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)  # the languages of its articles
    firsts: dict[str, int] = field(default_factory=dict)  # spelling -> when first used

    def add(self, spelling: str, lang: str, age: int) -> None:
        self.spellings[spelling] += 1
        self.langs[lang] += 1
        self.firsts.setdefault(spelling, age)

    @property
    def name(self) -> str:
        return min(self.spellings, key=lambda s: (-self.spellings[s], self.firsts[s], s))

    @property
    def lang(self) -> str:
        return UNKNOWN_LANGUAGE if self.key.startswith(HOST) else name_language(self.name, self.langs)


def name_language(name: str, langs: Counter[str]) -> str:
    """The language of ``name``: the most common of ``langs`` (the languages of the articles
    filed under it) whose direction is that of the name's first strong letter, else "und"
    ("Economy" on Arabic articles only is not Arabic)."""
    strong = next((unicodedata.bidirectional(ch) for ch in name
                   if unicodedata.bidirectional(ch) in ("L", "R", "AL")), "")
    wanted = "rtl" if strong in ("R", "AL") else "ltr" if strong == "L" else ""
    fitting = [lang for lang in langs if direction_of(lang) == wanted]
    return min(fitting, key=lambda lang: (-langs[lang], lang)) if fitting else UNKNOWN_LANGUAGE


def file_articles(registry: OutletRegistry, articles: Sequence[Article], slug_policy: str,
                  actors: Mapping[str, tuple[str, ...]] | None = None) -> tuple[Taxa, tuple[Article, ...]]:
    """The site's outlets and topics, and ``articles`` (newest first) each with its ``terms``.
    ``actors``: the actor ids of the articles whose tagging changes them (by file, see
    ``tagging.actor_ids``), given to each in the one copy that files it: filing reads no
    actors, and a copy of every article per stage was a tenth of an edit's build."""
    actors = actors or {}
    oldest_first = list(reversed(articles))
    names = SourceNames()
    outlet_of, outlets = _outlets(registry, oldest_first, slug_policy, names)
    topics_of, topics = _topics(oldest_first, slug_policy)
    filed = []
    outlet_terms: dict[tuple[str, str], Term] = {}
    for article in articles:
        terms: list[Term] = []
        source = article.source
        outlet = outlet_of.get(article.rel)
        if outlet is not None:
            term = _outlet_term(outlet_terms, outlet, article.lang)
            terms.append(term)
            if source is not None and not names.given_name(source):
                # A source given as a URL only is named after its outlet, not its host.
                source = Source(term.name, source.url)
        terms += topics_of.get(article.rel, ())
        filed_terms = tuple(terms) if terms or article.terms else article.terms
        ids = actors.get(article.rel, article.actors)
        if source is not article.source:
            filed.append(evolve(article, source=source, terms=filed_terms, actors=ids))
        elif filed_terms is not article.terms or ids is not article.actors:
            filed.append(_filed(article, ids, filed_terms))
        else:
            filed.append(article)
    by_outlet: dict[str, list[Article]] = {}
    by_topic: dict[str, list[Article]] = {}
    for article in filed:
        for term in article.terms:
            (by_outlet if term.kind == SOURCE else by_topic).setdefault(term.id, []).append(article)
    used = sorted((o for o in outlets if o.id in by_outlet), key=lambda o: (o.slug, o.id))
    return Taxa(
        registry=registry.outlets,
        outlets=tuple(used),
        by_outlet=frozen_map({key: tuple(items) for key, items in sorted(by_outlet.items())}),
        topics=tuple(sorted(topics, key=lambda t: (t.slug, t.id))),
        by_topic=frozen_map({key: tuple(items) for key, items in sorted(by_topic.items())}),
    ), tuple(filed)


# An article as filed: with its actors (see ``file_articles``) and its outlet and topics.
_filed = replacing(Article, ("actors", "terms"), "_filed")


def _outlet_term(made: dict[tuple[str, str], Term], outlet: Outlet, lang: str) -> Term:
    """The term of ``outlet`` as an article in ``lang`` shows it, made once per outlet and
    language (``made``: the filing's own) and shared by its articles: 50,000 articles held
    50,000 equal terms."""
    term = made.get((outlet.id, lang))
    if term is None:
        term = made[outlet.id, lang] = Term(SOURCE, outlet.id, outlet.slug, outlet.name(lang), outlet.name_lang(lang))
    return term


def _outlets(registry: OutletRegistry, oldest_first: Sequence[Article], slug_policy: str, names: SourceNames
             ) -> tuple[dict[str, Outlet], list[Outlet]]:
    """Article rel -> its outlet, and every outlet (registered ones first)."""
    chosen: dict[str, Outlet | str] = {}  # rel -> registered outlet, or an unregistered group key
    groups: dict[str, _Group] = {}
    host_names: dict[str, Counter[str]] = {}  # host -> name keys of articles naming their source
    host_only: list[tuple[int, Article, str]] = []
    for age, article in enumerate(oldest_first):
        source = article.source
        if source is None:
            continue
        name, host = names.given_name(source), names.url_host(source.url)
        outlet = outlet_named(registry, name, host, names)
        if outlet is not None:
            chosen[article.rel] = outlet
            continue
        if name:
            key = NAME + names.name_key(name)
            _group(groups, key, name, age).add(name, article.lang, age)
            chosen[article.rel] = key
            if host:  # a Counter made only for a new host, not for every article
                counts = host_names.get(host)
                if counts is None:
                    counts = host_names[host] = Counter()
                counts[key] += 1
        elif host:
            host_only.append((age, article, host))
    for age, article, host in host_only:
        named = host_names.get(host)
        if named:
            key = min(named, key=lambda k: (-named[k], groups[k].age, k))
        else:
            key = HOST + host
            spelling = shown_host(article.source.url or "")  # type: ignore[union-attr]
            _group(groups, key, spelling, age).add(spelling, article.lang, age)
        chosen[article.rel] = key
    taken = {text.casefold() for outlet in registry.outlets for text in (outlet.slug, outlet.id)}
    made: dict[str, Outlet] = {}
    for group in sorted(groups.values(), key=lambda g: (g.age, g.key)):
        slug = _free_slug(make_slug(group.first, slug_policy), group.key, taken)
        hosts = sorted(h for h, named in host_names.items() if group.key in named)
        if group.key.startswith(HOST):
            hosts.append(group.key.removeprefix(HOST))
        made[group.key] = Outlet(id=slug, slug=slug, names=frozen_map({group.lang: group.name}),
                                 hosts=tuple(hosts))
    outlet_of = {rel: value if isinstance(value, Outlet) else made[value] for rel, value in chosen.items()}
    return outlet_of, [*registry.outlets, *made.values()]


def _topics(oldest_first: Sequence[Article], slug_policy: str
            ) -> tuple[dict[str, tuple[Term, ...]], list[Term]]:
    """Article rel -> its topics (in the article's order, one per group), and every topic."""
    groups: dict[str, _Group] = {}
    keys_of: dict[str, list[str]] = {}
    for age, article in enumerate(oldest_first):
        mine: list[str] = []
        for text in article.topics:
            key = topic_key(text)
            if key in mine:
                continue
            mine.append(key)
            _group(groups, key, text, age).add(text, article.lang, age)
        if mine:
            keys_of[article.rel] = mine
    taken: set[str] = set()
    terms: dict[str, Term] = {}
    for group in sorted(groups.values(), key=lambda g: (g.age, g.key)):
        slug = _free_slug(make_slug(group.first, slug_policy), group.key, taken)
        terms[group.key] = Term(TOPIC, group.key, slug, group.name, group.lang)
    return {rel: tuple(terms[key] for key in keys) for rel, keys in keys_of.items()}, list(terms.values())


def shown(key: str, uses: Iterable[tuple[int, str, str]]) -> tuple[int, str, str, str]:
    """How filing shows the group ``key`` of an outlet named, or of a topic, by ``uses``:
    (age, spelling, language) of each article it files there (ages as ``file_articles``
    counts them, oldest 0). Its (age, first spelling, name, language): what a build that
    adds an article to a group checks is the same (``build.recipe.grown``)."""
    group: _Group | None = None
    for age, spelling, lang in sorted(uses):
        group = group or _Group(key, age, spelling)
        group.add(spelling, lang, age)
    if group is None:
        raise ValueError(f"no article in the group {key!r}")
    return group.age, group.first, group.name, group.lang


def _group(groups: dict[str, _Group], key: str, spelling: str, age: int) -> _Group:
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(key, age, spelling)
    return group


def _free_slug(base: str, key: str, taken: set[str]) -> str:
    """``base``, or when another group has it (compared without case, as file systems may),
    ``base`` with a hash of ``key``; the slug is then taken."""
    slug = base
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    length = HASH_LENGTH
    while slug.casefold() in taken:
        slug = f"{fit_bytes(base, MAX_BYTES - length - 1)}-{digest[:length]}"
        length += 2
    taken.add(slug.casefold())
    return slug

