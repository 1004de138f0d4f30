"""Search on a static host: a Pagefind index made of shards, and a ``/search/`` page.

Pagefind's Arabic stemmer finds الائتلاف for ائتلاف but not الصحة for صحة, والتعليم for
تعليم or الوزير for وزير: attached conjunctions, prepositions and the article defeat it. So
every record Pagefind indexes ends with the extra forms a reader might type, after the word
``SENTINEL``: each word's match form (``generator.text.normalize``) and that form with و ف /
ب ل ك / ال peeled off (``generator.text.arabic.unprefixed``). The search page normalises the
query with the same rules (static/js/search.js, whose rule block is generated from
``generator.text.arabic``) and builds every excerpt from the words before ``SENTINEL``, so
readers see the article's own words, never the index-only forms.

Pagefind stems every word it indexes and every word a reader types, so a form it would find
the page by anyway only makes its run longer. So a record keeps only the forms whose
Pagefind term is not the term of one of its own words (``index_forms``): الحكومة gives حكومه
nothing to add (both are indexed as حكوم), الأجور gives اجور nothing (Pagefind drops the
hamza itself), while صحه stays beside الصحة (indexed as الصح) and وزير beside الوزير (وزير is
indexed as زير, the و taken for a conjunction). On a 300-article shard of the benchmark
corpus that leaves out 63% of the forms (68,412 to 25,549; they were 36% of what Pagefind
reads, now 18%), and Pagefind's run takes 0.63 s of CPU instead of 0.74 s (0.53 s with no
forms at all); making the forms takes 0.19 s instead of 0.11 s, and is kept in the cache.

That rests on mawjaz's terms being Pagefind's own, which is not assumed but checked:
``generator.pages.pagefind_terms`` cuts and stems the text as Pagefind 1.5 does (with the same
Snowball stemmers, through PyStemmer), and tests/unit/pages/test_pagefind_terms.py runs the
installed Pagefind on thousands of real words, the forms made of them, every character of the
Unicode blocks trusted and real records, and reads its index back to compare term by term;
tests/e2e/test_search.py searches for every form left out, in a browser. Wherever the terms
could differ (a language whose stemmer was not checked, an unchecked Pagefind release, an
unusual character or tag) the form is kept, as a form written as is on the page was before.

An archive is indexed in **shards**, so that an edit re-indexes a few hundred articles, not
the archive: articles are grouped by language (each group indexed with its own stemmer and
searched with it), and a group is cut into a power of two of shards by a stable hash of the
article's id, at most ``SHARD_CAPACITY`` articles each on average. A shard's files carry a key
made of what it holds; a rebuild keeps every shard whose key and files are as the last build
left them (the writer links them) and runs Pagefind only for the others, a few at a time.
Which shard an article is in depends only on its id and the number of articles in its
language, so an incremental build writes the same bytes as a clean one. The browser merges
the shards with Pagefind's ``mergeIndex`` (see ``pagefind/index.json``, made by
``search_manifest``); merged shards use the first shard's WebAssembly, hence one bundle per
language.

Pagefind reads minimal pages made for it (title, summary, body and the index-only forms, the
date as metadata), written to a temporary folder (in memory where the system has one), not
the rendered site: it indexes only what search needs, and the article pages carry nothing for
it. Making the index-only forms is most of what a record costs, so each shard's forms are
kept in the build cache (``shard_forms``): re-indexing a shard makes those of the articles
that changed only, and the processes that read those articles make them as they read each
(``IndexTexts``, given to ``content.ingest``; the site holds them as ``Site.index_forms``).
The kept forms, and each shard's key, name the rule they were made by (``forms_rule``: the
stemmer's release), and the cache file's signature binds mawjaz's code, so forms made
otherwise are never reused. Pagefind holds ~100 MB per shard while it runs;
``PagefindGate`` keeps it from running beside the forked render workers of a build that
indexes many shards. A build that re-indexes one or two (an edit) starts them before
rendering instead (``search_started``).

Chromium refuses WebAssembly on a page whose policy lacks ``'wasm-unsafe-eval'``. Pagefind
compiles its WebAssembly in a same-origin dedicated worker (``pagefind-worker.js``), which
takes its policy from its own response, not from the page's ``<meta>``; but Pagefind 1.5 falls
back to the page when its worker has not started within 5 s, and a host that sends the policy
as a *header* applies it to the worker too. So the search page, and it alone, carries
``SEARCH_CSP``: the site's policy with ``'wasm-unsafe-eval'`` (CSP Level 3) in ``script-src``;
the header recipe in docs/netlify.toml has it too (checked in a browser in
tests/e2e/test_publishing_headers.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from itertools import chain, compress, filterfalse, islice
from operator import not_
from pathlib import Path
from typing import IO, Any, Protocol

from generator.actors.tagging import matching_text
from generator.cache.store import CACHE_DIR, key, load_signed, save_signed
from generator.content.markup import first_paragraph
from generator.core.config import CONFIG_NAME, BuildSettings, SiteConfig
from generator.core.dates import format_day, numbering_system
from generator.core.diagnostics import BuildFailed, Diagnostic, error, warning
from generator.core.labels import catalogue, phrase, plural_forms
from generator.core.launcher import Launched, Launcher
from generator.core.model import Article, OutputFile, Site, body_bytes
from generator.core.urls import output_file_for
from generator.pages.pagefind_terms import (
    STEMMERS,
    PagefindTerms,
    pagefind_terms,
    pagefind_verified,
    stemmer_version,
)
from generator.render.engine import SEARCH_CSP, PageMeta, RenderContext, Reuse, render_page, reused_files
from generator.text.arabic import unprefixed
from generator.text.matcher import forms_of_word, raw_words

SENTINEL = "mawjazindexforms"
# Articles per shard, on average at most. Pagefind holds about 350 KB per news article while
# it indexes and takes a millisecond or two for each, so an edit waits well under a second
# for its shard, and two shards indexed side by side stay within a few hundred MB. The
# browser fetches a little from every shard of a language per query (128 shards at 50,000
# articles), so shards are not made smaller.
SHARD_CAPACITY = 512
ROOT = "pagefind/"
MANIFEST = f"{ROOT}index.json"
_WORK = ".search"  # Pagefind's own output, below the spill folder, before the kept files move out
_PAGEFIND_TIMEOUT = 900  # seconds for one shard: a hung indexer must not hang the build
# Each shard's index forms, kept in the build cache for the next time the shard is indexed:
# an edit then makes the forms of the one article it changed, not of the shard's hundreds.
FORMS_CACHE = "search-forms-{}-{}-{}.pickle"  # language, shard count, shard number
_FORMS_GLOB = "search-forms-*.pickle"
# What a shard keeps of Pagefind's output: the index itself, and, in a language's first
# shard, the script, its worker and the WebAssembly the page loads. Pagefind's own UIs, its
# highlighter and its stylesheet are left out (the theme has its own search page).
_INDEX_FILES = re.compile(r"pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta|(index|fragment|filter)/[^/]+")
_BUNDLE_FILES = re.compile(r"pagefind\.js|pagefind-worker\.js")


def index_forms(texts: Iterable[str], memo: FormsMemo | None = None,
                indexed: AbstractSet[str] | None = None) -> str:
    """The index-only text of a page: forms a normalised query may use that Pagefind would not
    find the page by, in first-seen order, after ``SENTINEL``. ``indexed``: the Pagefind terms
    of the page's own words (``PagefindTerms.of_record``), and a form whose term is among them
    is left out (Pagefind finds the page by it anyway; a form whose term the memo does not
    know is kept); without it, the forms written as is on the page are left out. ``memo``
    carries word forms across the pages of one shard (a news archive repeats its words)."""
    memo = FormsMemo() if memo is None else memo
    words = _distinct_words(texts)
    extra = _candidates(words, memo)
    if indexed is not None:
        return _forms_text(list(compress(extra, map(not_, map(indexed.__contains__, extra.values())))))
    entries = memo.entries
    written = {word.casefold() for word in words if entries[word]}
    return _forms_text(list(filterfalse(written.__contains__, extra)))


def _distinct_words(texts: Iterable[str]) -> dict[str, None]:
    """The raw words of ``texts``, each once, in first-seen order: a word said again adds no
    form."""
    return dict.fromkeys(chain.from_iterable(map(raw_words, texts)))


def _candidates(words: Iterable[str], memo: FormsMemo) -> dict[str, str | None]:
    """The forms of ``words`` in order, each followed by its readings unless it came already
    (as a form or as a reading), with Pagefind's term of each (None: not known). Read from
    the memo's entries, made once per raw word (the forms of a cold build's articles are a
    fifth of its CPU with search on; this way, a sixth less than made word by word through a
    generator, their terms looked up again afterwards)."""
    entries = memo.entries
    for word in list(filterfalse(entries.__contains__, words)):
        entries[word] = _word_entry(word, memo.terms)
    extra: dict[str, str | None] = {}
    for word in words:
        for form, term, readings in entries[word]:
            if form not in extra:
                extra[form] = term
                if readings:
                    extra.update(readings)
    return extra


def _forms_text(forms: list[str]) -> str:
    return f"{SENTINEL} {' '.join(forms)}" if forms else ""


# What a raw word adds to a page's forms: each of its normalised forms with its Pagefind term
# and its readings without prefixes (``unprefixed``), each with its term (None when there are
# none); no forms at all for a word that has none.
WordEntry = tuple[tuple[str, str | None, dict[str, str | None] | None], ...]


def _word_entry(word: str, terms: PagefindTerms | None) -> WordEntry:
    term_of = terms.of_word if terms is not None else _no_term
    return tuple((form, term_of(form), {r: term_of(r) for r in readings} if (readings := unprefixed(form)) else None)
                 for form in forms_of_word(word))


def _no_term(_form: str) -> None:
    """Pagefind's terms in a language whose stemmer was not checked: not known."""
    return None


@dataclass(slots=True)
class FormsMemo:
    """What the raw words seen so far add to a page's forms (``WordEntry``), for one batch of
    pages of one language; ``terms``: Pagefind's terms in that language, when they are known
    (``forms_terms``), which also remembers them."""

    terms: PagefindTerms | None = None
    entries: dict[str, WordEntry] = field(default_factory=dict)

    def trim(self, words: int) -> None:
        """Keep the entries of the first ``words`` raw words learned, and as many terms."""
        self.entries = dict(islice(self.entries.items(), words))
        if self.terms is not None:
            self.terms.trim(words)


def forms_terms(language: str) -> PagefindTerms | None:
    """Pagefind's terms in ``language`` (a Pagefind language code) when this module may rely on
    them: its stemmer, and the Pagefind release installed, were checked (see ``pagefind_terms``)."""
    return pagefind_terms(language) if _checked_release() else None


def forms_rule(language: str) -> str:
    """What decides which forms a language's records carry: part of each shard's key and of its
    kept forms, since another stemmer or Pagefind release gives other records."""
    if language in STEMMERS and _checked_release():
        return f"pagefind-terms {STEMMERS[language]} {stemmer_version()}"
    return "written"


def _checked_release() -> bool:
    return pagefind_verified(pagefind_version().rpartition(" ")[2])


def article_index_text(article: Article, memo: FormsMemo | None = None) -> str:
    """The index-only text of ``article``'s record; ``memo`` is for its language. With
    Pagefind's terms known, a form is left out when its term is one of the record's own."""
    if memo is None:
        memo = FormsMemo(terms=forms_terms(pagefind_language(article.lang)))
    body = article.body_html
    summary = record_summary(article, body)
    indexed = None if memo.terms is None else memo.terms.of_record(article.title, summary, body)
    return index_forms((article.title, summary, matching_text(body)), memo, indexed)


# Words an ``IndexTexts`` remembers: a process reading thousands of articles would otherwise
# remember every word of them (a few hundred bytes each, their terms included).
_INDEX_MEMO_WORDS = 1 << 16


class IndexTexts:
    """``article_index_text`` of article after article, with one memo for them (see
    ``FormsMemo``), each packed (``packed_forms``). What a build gives the processes that read
    its articles (``content.ingest``): each forked one makes the forms of the articles it
    reads, with its own copy of the memo. Once the memo holds ``_INDEX_MEMO_WORDS`` words, it
    keeps the half it learned first and forgets the rest (``FormsMemo.trim``): a language's
    common words come early and recur, and most words learned late are seen once. Started
    again from nothing, it learned every common word anew (50 words to make per article of
    the realistic benchmark corpus instead of 40)."""

    __slots__ = ("_memos",)

    def __init__(self) -> None:
        # One memo per Pagefind language: a memo carries that language's terms (``forms_terms``),
        # which decide the forms exactly as ``shard_forms`` would.
        self._memos: dict[str, FormsMemo] = {}

    def __call__(self, article: Article) -> bytes:
        language = pagefind_language(article.lang)
        memo = self._memos.get(language)
        if memo is None:
            memo = self._memos[language] = FormsMemo(terms=forms_terms(language))
        elif len(memo.entries) > _INDEX_MEMO_WORDS:
            memo.trim(_INDEX_MEMO_WORDS // 2)
        return packed_forms(article_index_text(article, memo))


def packed_forms(forms: str) -> bytes:
    """``forms`` as the site holds them until its shards are indexed (``Site.index_forms``):
    compressed, two fifths of their size. Held for every article from reading to indexing, and
    in each forked render worker's share of memory, plain they were 2.5 KB an article,
    125 MB at 50,000 articles."""
    return zlib.compress(forms.encode("utf-8", "surrogatepass"), 1)


def unpacked_forms(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass")


def search_page(ctx: RenderContext) -> list[OutputFile]:
    """``/search/`` (only when ``search = true``): the form and the empty result list that
    static/js/search.js fills from the index. Counts are made in the browser, so the page
    carries what ``plural`` would use here: every form of the count message, the language
    whose CLDR rule picks one, and the digits numbers take on the page."""
    if not ctx.site.settings.search:
        return []
    config = ctx.site.config
    lang = config.language
    meta = PageMeta(title=phrase(lang, "labels.search"), path="search/", kind="search", noindex=True)
    return [render_page(ctx, "search.html", meta, "the search page", csp=SEARCH_CSP,
                        count_forms=plural_forms(lang, "plural.search_results"),
                        plural_lang=catalogue(lang).lang,
                        digits=numbering_system(lang, config.digits))]


def _shipped() -> Any:
    for name in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_search(config: SiteConfig) -> tuple[bool, list[Diagnostic]]:
    """Whether search can run where ``config`` asks for it. ``search = true`` without Pagefind
    installed (it is a dependency of mawjaz, so only a broken or hand-made environment lacks
    it) is a warning, and the site is built without search (no page that cannot work); the
    config itself stays as read."""
    if not config.search or _shipped() is not None:
        return True, []
    return False, [warning(
        CONFIG_NAME, 0, 0, "search-missing",
        "`search = true` needs Pagefind, which mawjaz depends on but is missing here "
        "(pip install 'pagefind[extended]'); building without search")]


def _count_done(pending: list[Future[list[OutputFile]]], progress: Callable[[int, int], None] | None,
                early: int = 0) -> Callable[[], None]:
    """Tell ``progress`` (shards indexed, shards to index) as each shard's Pagefind ends;
    ``early``: the runs begun before the pages, each told by a call of the function returned
    as the caller takes its files."""
    total = len(pending) + early
    lock = threading.Lock()
    done = [0]

    def one_more() -> None:
        if progress is None:
            return
        with lock:
            done[0] += 1
            progress(done[0], total)

    if progress is not None and total:
        progress(0, total)
        for job in pending:
            job.add_done_callback(lambda _job: one_more())
    return one_more


def pagefind_executable() -> Path:
    """The binary shipped by the PyPI package ``pagefind[extended]`` (a dependency of mawjaz)."""
    shipped = _shipped()
    if shipped is None:
        raise BuildFailed([error(CONFIG_NAME, 0, 0, "search-missing",
                                 "`search = true` needs Pagefind: pip install 'pagefind[extended]'")])
    return Path(shipped.get_executable())


def pagefind_version() -> str:
    """Part of every shard's key: another Pagefind writes another index format."""
    shipped = _shipped()
    name = getattr(shipped, "__name__", "")
    try:
        return f"{name} {metadata.version(name)}" if name else ""
    except metadata.PackageNotFoundError:
        return name


# --------------------------------------------------------------------------- shards


class Indexed(Protocol):
    """What the search index is made of: the published articles, placed (their URLs known),
    the settings, and the index forms made as they were read. A ``Site`` is one; so is an
    ``IndexedArticles``, known before the site's actors, outlets and topics are worked out:
    nothing in a record or a shard's key depends on them."""

    @property
    def config(self) -> SiteConfig: ...
    @property
    def settings(self) -> BuildSettings: ...
    @property
    def articles(self) -> Sequence[Article]: ...
    @property
    def index_forms(self) -> Mapping[str, bytes]: ...


@dataclass(frozen=True, slots=True)
class IndexedArticles:
    """An ``Indexed`` made of the articles as placed, so that an edit's shard starts Pagefind
    before tagging and filing, which take half a second at 10,000 articles and two at 50,000
    (see ``search_started``)."""

    config: SiteConfig
    settings: BuildSettings
    articles: Sequence[Article]
    index_forms: Mapping[str, bytes]


@dataclass(frozen=True, slots=True)
class Shard:
    """Articles indexed together: ``number`` of ``count`` shards of one ``language``. A
    language's first shard that holds articles is its ``bundle``: the one the page loads,
    with Pagefind's script and WebAssembly (Pagefind makes no index of nothing)."""

    language: str
    number: int
    count: int
    articles: tuple[Article, ...]
    key: str
    bundle: bool = False

    @property
    def folder(self) -> str:
        """Where its files go: the bundle in the language's folder, the others below it."""
        return f"{ROOT}{self.language}/" if self.bundle else f"{ROOT}{self.language}/{self.number}/"


def pagefind_language(lang: str) -> str:
    """Pagefind's language code: the primary subtag, lower case (``ar-SY`` → ``ar``)."""
    code = lang.split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,8}", code) else "unknown"


def shard_count(articles: int) -> int:
    """A power of two, so that growing the archive re-cuts the shards rarely (at every
    doubling) and a re-cut is a pure function of the archive, as a clean build makes it."""
    count = 1
    while articles > count * SHARD_CAPACITY:
        count *= 2
    return count


def shard_of(article: Article, count: int) -> int:
    """Stable across runs and machines, and across edits of title, slug or date."""
    return zlib.crc32(article.id.encode("utf-8", "surrogatepass")) % count


def plan_shards(site: Indexed) -> tuple[Shard, ...]:
    """Every shard, the site's language first, each with the key of what it holds. Ordered
    by URL, then source path (only articles whose URLs collide share one), so that the plan
    does not depend on the order the articles come in: placed or newest first. Each shard is
    sorted apart (a few hundred articles, not the archive), and its key hashes its articles'
    fields joined by NUL, which none of them holds. Sorting the whole archive and hashing five
    fields of each article apart, this took 0.29 s of CPU of every rebuild at 50,000 articles
    (0.21 s now, the collector off as in a build)."""
    groups: dict[str, list[Article]] = {}
    codes: dict[str, str] = {}  # an article's language -> Pagefind's: a few for the whole archive
    for article in site.articles:
        code = codes.get(article.lang)
        if code is None:
            code = codes[article.lang] = pagefind_language(article.lang)
        groups.setdefault(code, []).append(article)
    first = pagefind_language(site.config.language)
    order = sorted(groups, key=lambda lang: (lang != first, lang))
    salt = plan_salt(site)
    shards = []
    for lang in order:
        rule = forms_rule(lang)
        count = shard_count(len(groups[lang]))
        members: list[list[tuple[str, str, Article]]] = [[] for _ in range(count)]
        for article in groups[lang]:
            members[shard_of(article, count)].append((article.url_path, article.rel, article))
        # (URL, source path) never ties (a source path is one article's), so no article is compared.
        filled = [(number, sorted(chosen)) for number, chosen in enumerate(members) if chosen]
        for number, chosen in filled:
            bundle = number == filled[0][0]
            held = tuple(a for _url, _rel, a in chosen)
            shards.append(Shard(lang, number, count, held, shard_key(salt, lang, rule, number, count, bundle, held),
                                bundle))
    return tuple(shards)


def plan_salt(site: Indexed) -> str:
    """What every shard's key starts from: Pagefind's release, the settings as read and
    this build's own."""
    return key("search", pagefind_version(), repr(site.config), repr(site.settings))


def shard_key(salt: str, lang: str, rule: str, number: int, count: int, bundle: bool,
              articles: Sequence[Article]) -> str:
    """The key of a shard of ``articles`` (in the plan's order): their fields joined by NUL,
    which none of them holds, hashed once."""
    fields = "\0".join(f"{a.url_path}\0{a.rel}\0{a.source_digest}\0{a.date.isoformat()}\0{a.scheduled}"
                        for a in articles)
    return key(salt, lang, rule, str(number), str(count), str(bundle), fields)


def search_manifest(shards: Sequence[Shard]) -> OutputFile:
    """``pagefind/index.json``: per language, the bundle to load and the shards to merge
    (paths relative to the manifest), what static/js/search.js reads first."""
    groups = []
    for shard in shards:
        folder = shard.folder[len(ROOT):]
        if shard.bundle:
            groups.append({"language": shard.language, "dir": _direction(shard),
                           "bundle": folder, "shards": []})
        else:
            groups[-1]["shards"].append(folder)
    data = json.dumps({"version": 1, "sentinel": SENTINEL, "groups": groups},
                      ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return OutputFile(MANIFEST, data, "the search index (Pagefind)")


def _direction(shard: Shard) -> str:
    return shard.articles[0].dir if shard.articles else "ltr"


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """Every shard, and which of them the last build made from the same key (``same``)."""

    shards: tuple[Shard, ...]
    same: tuple[bool, ...]
    previous: Mapping[str, tuple[str, ...]]

    @property
    def fresh(self) -> list[Shard]:
        """The shards Pagefind must index: their key is not the one their files were made from."""
        return [s for s, kept_key in zip(self.shards, self.same, strict=True) if not kept_key]

    @property
    def kept(self) -> list[Shard]:
        return [s for s, kept_key in zip(self.shards, self.same, strict=True) if kept_key]


def plan_search(site: Indexed, pages: Mapping[str, tuple[str, int, int, int]] | None,
                cache_root: Path | None, planned: tuple[Shard, ...] | None = None) -> SearchPlan:
    """The shards (``planned``: as the caller has them, or as ``plan_shards`` makes them),
    checked against ``pages`` (the last build's files and their keys; None without a cache);
    the kept forms of shards this build does not have are dropped."""
    shards = plan_shards(site) if planned is None else planned
    if cache_root is not None:
        _drop_stale_forms(cache_root, shards)
    previous = _previous_files(pages)
    same = tuple(_same_key(pages, previous.get(s.folder, ()), s.key) for s in shards)
    return SearchPlan(shards, same, previous)


@dataclass(frozen=True, slots=True)
class EarlySearch:
    """A rebuild's search index begun before its pages: the plan, and the Pagefind runs of
    the few shards it re-indexes, already started (see ``search_started``)."""

    plan: SearchPlan
    runs: tuple[PagefindRun, ...]
    launcher: Launcher | None = None


def search_started(site: Indexed, pages: Mapping[str, tuple[str, int, int, int]] | None, workers: int,
                   cache_root: Path | None, launcher: Launcher | None,
                   on_exit: Callable[[Callable[[], None]], object],
                   planned: tuple[Shard, ...] | None = None) -> EarlySearch | None:
    """Start Pagefind for the shards an edit or an addition changed as soon as the articles
    are placed (``site`` may be an ``IndexedArticles``), before actors and outlets are worked
    out and anything is rendered: the shard's run (~0.6 s of CPU for 300 records) is then done
    while the rest of the site is made, instead of being what the build waits for last. Only
    when few shards changed (at most ``workers``): a first build's shards wait for the pages
    (see ``PagefindGate``). No threads here: Pagefind runs as child processes, so the render
    workers forked after this inherit no lock. ``on_exit`` (an ``ExitStack``'s ``callback``)
    is given each run's ``stop`` as soon as the run starts, so that a build failing or
    interrupted later, or while it starts the next, stops it (stopping a collected run is
    harmless). The caller gives the
    plan the site's own articles once it has them (``rebound``) and passes it to
    ``search_ahead``. ``launcher``: what starts every Pagefind of the build (see
    ``start_shard``; None: this process does). ``planned``: the shards, when the caller
    has them (see ``plan_search``). None when search is off."""
    if not site.settings.search:
        return None
    plan = plan_search(site, pages, cache_root, planned)
    fresh = plan.fresh
    runs: list[PagefindRun] = []
    if 0 < len(fresh) <= max(1, workers):
        executable = pagefind_executable()
        for shard in fresh:
            runs.append(start_shard(site, shard, executable, cache_root, launcher))
            on_exit(runs[-1].stop)
    return EarlySearch(plan, tuple(runs), launcher)


def rebound(early: EarlySearch | None, site: Site) -> EarlySearch | None:
    """``early`` with its plan's shards holding ``site``'s articles (the same ones, filed),
    so that the articles as placed, a second copy of the archive, are not kept through the
    render and in the workers forked for it (at 50,000 articles, a hundred MB or more)."""
    if early is None:
        return None
    filed = {article.rel: article for article in site.articles}
    shards = tuple(dataclasses.replace(shard, articles=tuple(filed[a.rel] for a in shard.articles))
                   for shard in early.plan.shards)
    return dataclasses.replace(early, plan=dataclasses.replace(early.plan, shards=shards))


@contextlib.contextmanager
def search_ahead(site: Site, reuse: Reuse | None, spill: str, workers: int,
                 progress: Callable[[int, int], None] | None = None,
                 cache_root: Path | None = None,
                 early: EarlySearch | None = None) -> Iterator[Callable[[], list[OutputFile]]]:
    """The search index made on threads while the caller renders (Pagefind runs as a
    separate process, so the threads mostly wait); the yielded function waits for its files.
    Shards whose files the last build left as they are are kept without running Pagefind.
    ``cache_root``: the digest whose build cache keeps each shard's index forms (None: no
    cache). ``early``: the plan and runs ``search_started`` began (made here without it).
    Start it after any ``fork``: a process forked while these threads run could inherit a
    lock one of them holds."""
    if not site.settings.search:
        yield list
        return
    plan = early.plan if early is not None else plan_search(site, reuse.pages if reuse else None, cache_root)
    runs = early.runs if early is not None else ()
    launcher = early.launcher if early is not None else None
    started = {(run.shard.language, run.shard.number) for run in runs}
    # Shards made from another key go to Pagefind first, before the files of the others are
    # looked at one by one (ten thousand at 10,000 articles): the Pagefind run of an edited
    # shard is what a rebuild waits for last, so it starts as early as it can.
    fresh = plan.fresh
    later = [s for s in fresh if (s.language, s.number) not in started]
    executable = pagefind_executable() if later else None
    gate = PagefindGate(1 if len(fresh) <= workers else 0, workers)
    kept: list[OutputFile] = []
    try:
        # One thread more than Pagefinds may run at once: it writes the next shard's records.
        with ThreadPoolExecutor(max_workers=max(1, min(workers + 1, len(fresh) or 1)),
                                thread_name_prefix="mawjaz-search") as pool:
            pending = [pool.submit(index_shard, site, shard, executable, spill, gate, cache_root, launcher)
                       for shard in later]
            for shard in plan.kept:
                files = reused_files(reuse, plan.previous[shard.folder], shard.key, _origin(shard))
                if files is None:  # same key, but a file of it was changed or removed
                    executable = executable or pagefind_executable()
                    pending.append(pool.submit(index_shard, site, shard, executable, spill, gate, cache_root,
                                                   launcher))
                else:
                    kept += files
            taken = _count_done(pending, progress, len(runs))
            def collect() -> list[OutputFile]:
                gate.open()  # the caller's pages are made: Pagefind may use every core now
                return [*kept, *_finished(runs, spill, taken), *(f for job in pending for f in job.result()),
                        search_manifest(plan.shards)]

            try:
                yield collect
            finally:
                for job in pending:
                    job.cancel()
                gate.abandon()  # when the index was collected, nothing waits there any more
    finally:
        if spill:
            shutil.rmtree(os.path.join(spill, _WORK), ignore_errors=True)


def _finished(runs: Sequence[PagefindRun], spill: str, taken: Callable[[], None]) -> list[OutputFile]:
    """The files of the runs ``search_started`` began, waited for and taken on the caller's
    thread once its pages are made, not on a thread of their own while it renders: taking
    a shard's 350 files is a system call or two each, and a thread that gives up the
    interpreter lock for each waits up to the switch interval (5 ms) to get it back from a
    thread that renders. Taken beside the render, one shard's files took 2.4 s of a
    one-article edit at 50,000 articles; here, a few hundredths of a second."""
    files = []
    for run in runs:
        files += run.finish(spill)
        taken()
    return files


class PagefindGate:
    """How many Pagefind processes may run at once: ``first`` while the caller's pages are
    made, ``workers`` once it waits for the index (``open``).

    Pagefind holds about 350 KB per record while it indexes, ~100 MB for a shard. A build
    that indexes many shards (a first one) also renders most pages, on forked workers: two
    Pagefinds beside them put the process tree's peak at 580 MB at 10,000 articles, one at
    510 MB, so there Pagefind waits for the pages (the cores are busy with them anyway)
    while the records of the first shards are written. A build that indexes a shard or two
    (an edit) runs them at once: they are what it waits for last."""

    def __init__(self, first: int, workers: int) -> None:
        self._slots = threading.Semaphore(first)
        self._more = max(0, max(1, workers) - first)
        self._lock = threading.Lock()
        self._abandoned = False

    def open(self) -> None:
        with self._lock:
            more, self._more = self._more, 0
        if more:
            self._slots.release(more)

    def abandon(self) -> None:
        """The build stops (an error while pages were made): shards waiting to run Pagefind
        end at once rather than keep the build from ending."""
        self._abandoned = True
        self.open()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._slots:
            if self._abandoned:
                raise _Abandoned
            yield


class _Abandoned(Exception):
    """A shard left unindexed because the build stopped before it ran."""


def _drop_stale_forms(root: Path, shards: Sequence[Shard]) -> None:
    """Remove the kept forms of shards this build does not have (a language gone, or its
    shards cut again as the archive doubled)."""
    wanted = {FORMS_CACHE.format(s.language, s.count, s.number) for s in shards}
    for path in (root / CACHE_DIR).glob(_FORMS_GLOB):
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def _same_key(pages: Mapping[str, tuple[str, int, int, int]] | None, paths: Sequence[str],
              shard_key: str) -> bool:
    """Whether the last build made every one of ``paths`` from ``shard_key``."""
    if pages is None or not paths:
        return False
    known = pages.get
    return all((k := known(p)) is not None and k[0] == shard_key for p in paths)


def _previous_files(pages: Mapping[str, object] | None) -> Mapping[str, tuple[str, ...]]:
    """The last build's search files by shard folder."""
    found: dict[str, list[str]] = {}
    if pages is None:
        return found
    for path in pages:
        if not path.startswith(ROOT) or path == MANIFEST:
            continue
        parts = path[len(ROOT):].split("/")
        folder = f"{ROOT}{parts[0]}/"
        if len(parts) > 2 and parts[1].isdigit():
            folder += f"{parts[1]}/"
        found.setdefault(folder, []).append(path)
    return {folder: tuple(paths) for folder, paths in found.items()}


def _origin(shard: Shard) -> str:
    return f"the search index (Pagefind, {shard.language} shard {shard.number})"


def index_shard(site: Site, shard: Shard, executable: Path | None, spill: str,
                gate: PagefindGate | None = None, cache_root: Path | None = None,
                launcher: Launcher | None = None) -> list[OutputFile]:
    """Run Pagefind over one shard's records; its files, on disk in ``spill`` when given.
    ``gate``: when Pagefind may start; ``cache_root``: whose cache keeps the index forms.
    The records are written before the shard waits for its turn (``search_ahead`` keeps one
    thread more than Pagefinds run at once), so that each Pagefind starts as another ends:
    written in its turn, a shard's records (~40 ms) left a core without a Pagefind, 32
    times in a first build of 10,000 articles."""
    assert executable is not None
    folder = shard_records(site, shard, cache_root)
    try:
        with gate.slot() if gate is not None else contextlib.nullcontext():
            return launched(shard, folder, executable, launcher).finish(spill)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # gone already when it ran (``PagefindRun.stop``)


def start_shard(site: Indexed, shard: Shard, executable: Path, cache_root: Path | None = None,
                launcher: Launcher | None = None) -> PagefindRun:
    """Write one shard's records and start Pagefind on them, without waiting for it."""
    return launched(shard, shard_records(site, shard, cache_root), executable, launcher)


def shard_records(site: Indexed, shard: Shard, cache_root: Path | None = None) -> Path:
    """A temporary folder holding the shard's records under ``records/`` (see
    ``_records_written``); the caller removes it, or ``launched`` hands it to the run."""
    records = [(output_file_for(article.url_path), record_page(site, article, forms))
               for article, forms in zip(shard.articles, shard_forms(shard, cache_root, site.index_forms),
                                         strict=True)]
    return _records_written(records)


def launched(shard: Shard, folder: Path, executable: Path, launcher: Launcher | None = None) -> PagefindRun:
    """Pagefind started on the records in ``folder``, which the run now owns (removed by its
    ``stop``, or here when it cannot start). Pagefind writes to a folder beside the records,
    and only what the shard keeps is taken from it (``PagefindRun.finish``). ``launcher``:
    what starts it, when the build has one: started from this process, Pagefind would first
    be a clone of it (see ``generator.core.launcher``), as large as the site it holds."""
    try:
        out = folder / "bundle"
        log = open(folder / "log", "w+b")  # noqa: SIM115 -- closed by ``stop``
        argv = [str(executable), "--site", str(folder / "records"), "--output-path", str(out),
                "--force-language", shard.language, "--silent"]
        try:
            process = _started(argv, log, launcher)
        except OSError as exc:
            log.close()
            raise _failed(shard, str(exc)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return PagefindRun(shard, process, folder, out, log)


def _started(argv: list[str], log: IO[bytes], launcher: Launcher | None) -> subprocess.Popen[bytes] | Launched:
    """Pagefind started, writing to ``log`` (the launcher opens it again by its name)."""
    if launcher is not None:
        return launcher.start(argv, os.fspath(log.name))
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


@dataclass(frozen=True, slots=True)
class PagefindRun:
    """One shard's Pagefind, started: its process, and the folder of its records, its
    output (``out``) and its ``log``; removed by ``stop``."""

    shard: Shard
    process: subprocess.Popen[bytes] | Launched
    folder: Path
    out: Path
    log: IO[bytes]

    def finish(self, spill: str) -> list[OutputFile]:
        """Wait for Pagefind; the files the shard keeps, moved below ``spill`` when given."""
        try:
            try:
                status = self.process.wait(timeout=_PAGEFIND_TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                raise _failed(self.shard, str(exc)) from None
            if status != 0:
                self.log.seek(0)
                said = self.log.read().decode("utf-8", "replace").strip()[:2000]
                raise _failed(self.shard, f"status {status}: {said}")
            return _collect(self.shard, self.out, spill)
        finally:
            self.stop()

    def stop(self) -> None:
        """End Pagefind if it still runs, and remove its folder (again: harmless)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _records_written(records: Sequence[tuple[str, bytes]]) -> Path:
    """A temporary folder whose ``records/`` holds the records (path, bytes), in the order
    given (Pagefind numbers pages in the order the folder lists them): in memory
    (``_scratch``) unless that cannot take them (a container's small /dev/shm), then in the
    default temporary folder. The caller removes it."""
    for where in (_scratch(), None):
        folder = ""
        try:
            folder = tempfile.mkdtemp(prefix="mawjaz-search-", dir=where)
            for rel, data in records:
                target = os.path.join(folder, "records", rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(data)
        except OSError:
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
            if where is None:
                raise
            continue
        return Path(folder)
    raise AssertionError("unreachable: the last place either returns or raises")


def _scratch() -> str | None:
    """Where a shard's records go for Pagefind to read: a folder in memory where the system
    has one (``/dev/shm`` on Linux), else the default temporary folder. A record is a folder
    and a file per article (Pagefind takes its URL from the path), read once: on a disk that
    other work keeps busy, making and removing 300 folders took over a second of an edit."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _failed(shard: Shard, why: str) -> BuildFailed:
    return BuildFailed([error(CONFIG_NAME, 0, 0, "search-index",
                              f"Pagefind failed on the {shard.language} search shard {shard.number}: {why}")])


def _collect(shard: Shard, out: Path, spill: str) -> list[OutputFile]:
    """The files the shard keeps of Pagefind's output in ``out``: read, or moved to their
    place below ``spill``."""
    wasm = _wasm_name(out) if shard.bundle else None
    files = []
    origin, top = _origin(shard), os.fspath(out)
    folders: set[str] = set()  # made below ``spill``: a shard's few hundred files share a few
    for rel in sorted(_files_below(top)):
        bundle = shard.bundle and (_BUNDLE_FILES.fullmatch(rel) or rel == wasm)
        if not (_INDEX_FILES.fullmatch(rel) or bundle):
            continue
        site_path, path = f"{shard.folder}{rel}", os.path.join(top, rel)
        if not spill:
            with open(path, "rb") as handle:
                files.append(OutputFile(site_path, handle.read(), origin, key=shard.key))
            continue
        stored = os.path.join(spill, site_path)
        folder = os.path.dirname(stored)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        try:
            os.rename(path, stored)
        except OSError:  # a run begun in memory (``search_started``): its folder goes with it
            shutil.copyfile(path, stored)
        files.append(OutputFile(site_path, b"", origin, key=shard.key, stored=stored))
    return files


def _files_below(top: str, prefix: str = "") -> Iterator[str]:
    """The plain files below ``top``, as paths relative to it with ``/``; links are neither
    followed nor listed (Pagefind writes none). Plain strings from ``os.scandir``: a shard's
    output is hundreds of files, and a ``Path`` of each cost more than moving it."""
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_below(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield f"{prefix}{entry.name}"


def _wasm_name(out: Path) -> str:
    """The WebAssembly file the bundle's entry names for its language."""
    try:
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
        language = next(iter(entry["languages"].values()))
        return f"wasm.{language['wasm']}.pagefind"
    except (OSError, ValueError, KeyError, StopIteration, TypeError):
        return ""


def shard_forms(shard: Shard, cache_root: Path | None, ready: Mapping[str, bytes] | None = None) -> list[str]:
    """The index forms of each of the shard's articles: those the cache kept for the same
    title, summary and body, made by the same rule (``forms_rule``; the cache file's signature
    binds the code that made them), those this build made as it read the articles (``ready``,
    by source path, packed: see ``Site.index_forms``; made by ``IndexTexts`` with the same
    rule), the others made now; what the shard has now is kept for its next indexing."""
    ready = ready or {}
    name = FORMS_CACHE.format(shard.language, shard.count, shard.number)
    rule = forms_rule(shard.language)
    stored = load_signed(cache_root, name) if cache_root is not None else None
    known: dict[bytes, str] = {}
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == rule and isinstance(stored[1], dict):
        known = stored[1]
    memo = FormsMemo(terms=forms_terms(shard.language))
    keys = [forms_key(article) for article in shard.articles]
    made: dict[bytes, str] = {}
    for article, text_key in zip(shard.articles, keys, strict=True):
        forms = known.get(text_key)
        if forms is None and article.rel in ready:
            forms = unpacked_forms(ready[article.rel])
        made[text_key] = article_index_text(article, memo) if forms is None else forms
    if cache_root is not None and made != known:
        save_signed(cache_root, name, (rule, made))
    return [made[text_key] for text_key in keys]


def forms_key(article: Article) -> bytes:
    """What an article's index forms are made from: its title, summary and body."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (article.title.encode("utf-8", "surrogatepass"),
                 article.summary.encode("utf-8", "surrogatepass"), body_bytes(article.body)):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


def record_summary(article: Article, body_html: str | None = None) -> str:
    """The summary a record says before the body: none when it was made from the first
    paragraph (no ``summary:`` given), which the body says anyway. In the record it only
    doubled the lede's words for Pagefind to index and store (a fourteenth of a record of the
    realistic corpus; 7% of Pagefind's CPU), and excerpts skipped it. ``body_html``: the
    article's, when the caller has it (read from the cache's body file at each ask)."""
    body = article.body_html if body_html is None else body_html
    return "" if article.summary == first_paragraph(body) else article.summary


def record_page(site: Indexed, article: Article, forms: str | None = None) -> bytes:
    """The page Pagefind reads for ``article``: what a result shows (title, date, language as
    metadata) and what a query may match (title, summary unless made from the body, body,
    index-only ``forms``, made here when not given)."""
    config = site.config
    escape = html.escape
    when = format_day(article.date.astimezone(config.tz), article.lang, config.month_names, config.digits)
    body = article.body_html
    if forms is None:
        forms = article_index_text(article)
    summary = record_summary(article, body)
    summary = f"<p>{escape(summary)}</p>" if summary else ""
    head = "".join(f'<meta data-pagefind-meta="{name}[content]" content="{escape(value)}">'
                   for name, value in (("date", when), ("datetime", article.date.isoformat()),
                                       ("lang", article.lang)))
    text = (f'<!DOCTYPE html><html lang="{escape(article.lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(article.title)}</title>{head}</head><body><main data-pagefind-body>"
            f"<h1>{escape(article.title)}</h1>{summary}\n{body}\n"
            f"<p>{escape(forms)}</p></main></body></html>\n")
    return text.encode("utf-8", "surrogatepass")
