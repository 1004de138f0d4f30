"""Search on a static host: mawjaz's own index, made of shards, and a ``/search/`` page.

The index is written here, in Python, in a format made for a static host and for rebuilds
that follow the change (see README, "Search"): per shard, 256 *bucket* files holding the
postings of the keys whose CRC-32 falls in them, and small files with what a result shows
(``RECORDS`` articles each). The search page (static/js/search.js) fetches, for each word
of a query, one bucket from each shard, scores the articles that have every word (BM25),
and fetches the records of the results it shows. Pagefind, which this replaced, took ~3 ms of CPU per
article (an edit waited a second for its shard; a cold build of 10,000 articles spent more
CPU in it than in all the rest) and the browser fetched ~34 KB per shard for each query word
(4 MB at 50,000 articles); a bucket is ~9 KB before compression.

**Keys.** A reader types الحكومة, حكومة, والحكومات or للحكومة for one word, English readers
"election" for "elections". Each word of an article is indexed under the light stems
(``generator.text.stemming``: Larkey et al.'s Arabic suffixes, Porter's step 1 for English)
of its match form and of that form with و ف / ب ل ك / ال peeled off
(``generator.text.arabic.unprefixed``); a query word is looked up by the stem of its match
form. The browser makes the same keys with the same rules (search.js carries them; the
tests run both sides on thousands of words), so there is nothing index-only in what a reader
sees: an excerpt is the article's own words, a word marked when one of its keys matched.

**Shards.** An archive is indexed in shards, so that an edit re-indexes a few hundred
articles, not the archive: articles are grouped by language, and a group is cut into a power
of two of shards by a stable hash of the article's id, at most ``SHARD_CAPACITY`` articles
each on average. A shard's files carry a key made of what it holds; a rebuild keeps every
shard whose key and files are as the last build left them (the writer links them) and
indexes the others. Which shard an article is in depends only on its id and the number of
articles in its language, so an incremental build writes the same bytes as a clean one. A
bucket starts with its shard's article and word counts, so the browser has the figures BM25
needs from the buckets it fetched anyway.

Making an article's keys is most of what indexing costs, so the processes that read the
articles make them as they read each (``IndexEntries``, given to ``content.ingest``; the
site holds them as ``Site.index_forms``), and each shard's are kept in the build cache
(``shard_entries``): re-indexing a shard makes those of the articles that changed only. The
kept keys, and each shard's key, name the rule they were made by (``KEYS_RULE``), and the
cache file's signature binds mawjaz's code, so keys made otherwise are never reused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import marshal
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Protocol

import zstandard

import generator.text.stemming as stemming
from generator.cache.store import CACHE_DIR, key, load_signed, save_signed
from generator.content.markup import first_paragraph, plain_text
from generator.core.config import BuildSettings, SiteConfig
from generator.core.dates import format_day, numbering_system
from generator.core.labels import catalogue, phrase, plural_forms
from generator.core.model import Article, BodyUnreadable, OutputFile, Site, StoredBody, body_bytes
from generator.core.site_files import Kept
from generator.core.urls import site_path
from generator.render.engine import PageMeta, RenderContext, Reuse, emit, kept_run, render_page, reused_files

# Articles per shard, on average at most. Re-indexing a shard takes a few hundredths of a
# second; the browser fetches one bucket of every shard of every language per query word,
# so shards are not made smaller.
SHARD_CAPACITY = 512
BUCKETS = 256  # bucket files per shard: a query word fetches one of them (~9 KB) from each shard
# Records (what a result shows) per file: a file per article was 50,000 of a 50,000-article
# site's 162,000 files, each listed, linked, keyed and recorded by every rebuild; a group of 8
# is ~25 KB (~8 KB compressed) for the one result a reader wants of it.
RECORDS = 8
TITLE_WEIGHT = 2  # what a word of the title counts beyond its one occurrence
ROOT = "search-index/"
MANIFEST = f"{ROOT}index.json"
FORMAT = 3  # the manifest's ``version``: what static/js/search.js reads
_AT_ONCE = 2  # shards a build indexes before its pages rather than on a thread beside them
# What decides an article's keys and a shard's files: part of each shard's key and of the
# keys kept in the cache (whose signature, like every key, binds mawjaz's code as well).
KEYS_RULE = f"mawjaz-search {FORMAT}"
# Each shard's articles' keys, kept in the build cache for the next time the shard is
# indexed: an edit then makes the keys of the one article it changed, not of the shard's.
ENTRIES_CACHE = "search-keys-{}-{}-{}.pickle"  # language, shard count, shard number
_ENTRIES_GLOB = "search-keys-*.pickle"
_OLD_GLOB = "search-forms-*.pickle"  # what the cache held for Pagefind's index (until December 2026)


# --------------------------------------------------------------------------- articles


def record_summary(article: Article, body_html: str | None = None) -> str:
    """The summary a record says before the body: none when it was made from the first
    paragraph (no ``summary:`` given), which the body says anyway: it would only double the
    lede's words in the index, and an excerpt would say them twice. ``body_html``: the
    article's, when the caller has it (read from the cache's body file at each ask)."""
    body = article.body_html if body_html is None else body_html
    return "" if article.summary == first_paragraph(body) else article.summary


def spaced(text: str) -> str:
    """``text``'s words joined by single spaces: what Python and the browser both split the
    same way (U+FEFF, which only JavaScript takes for a space, goes)."""
    return " ".join(text.replace("\ufeff", "").split())


def record_content(article: Article, body_html: str | None = None) -> str:
    """What a result shows and a query matches: title, summary (see ``record_summary``),
    body text; words at the positions the keys were counted at."""
    body = article.body_html if body_html is None else body_html
    return spaced(f"{article.title} {record_summary(article, body)} {plain_text(body)}")


# An article's index entry: its content (``record_content``) as a JSON string, its length in
# words, and for each bucket its keys are in, the bucket's number and the keys with their
# weights as the bucket file writes them (``"key",weight,...``, keys sorted; a weight is the
# number of words having the key, plus ``TITLE_WEIGHT`` for each of them in the title), as
# UTF-8. Made where the article is read (in parallel, see ``IndexEntries``), so that indexing
# a shard only joins bytes: an edit unpacks its shard's 300 entries, and bytes need no
# decoding (as text, unpacking was a fifth of an edit's indexing).
Entry = tuple[bytes, int, tuple[tuple[int, bytes], ...]]


class KeysMemo:
    """The keys of words seen before, each after its bucket as one character (``chr(bucket)``:
    a string's hash is kept, a tuple's is made at every count, and sorting the keys sorts
    them by bucket). A news archive repeats its words, but not all of them: 2,000 articles of
    the benchmark corpus say 116,000 distinct words, so what a new word costs matters too.
    Words are remembered as written, as bare forms (الحكومة، and «الحكومة» are one) and as
    readings (the stem of حكومة serves الحكومة, والحكومة, بالحكومة…). Once it holds ``limit``
    words, it keeps the half it learned first: common words come early and recur."""

    __slots__ = ("_forms", "_known", "_limit", "_stems")

    def __init__(self, limit: int = 1 << 17) -> None:
        self._known: dict[str, tuple[str, ...]] = {}  # a word as written -> its keys
        self._forms: dict[str, tuple[str, ...]] = {}  # a bare form -> its keys
        self._stems: dict[str, str] = {}  # a reading -> its key
        self._limit = limit

    def keys_of(self, words: Sequence[str]) -> Iterator[str]:
        """The keys of each of ``words`` (repeated as they are): learned as a set first, then
        looked up with the dictionary's own methods, not a call per word."""
        known = self._known
        missing = set(words).difference(known)
        if missing and len(known) + len(missing) > self._limit:
            self._trim()
            known = self._known
            missing = set(words).difference(known)
        forms, learn, bare = self._forms, self._learn, stemming.bare
        for word in missing:
            form = bare(word)
            found = forms.get(form)
            known[word] = learn(form) if found is None else found
        return chain.from_iterable(map(known.__getitem__, words))

    def _learn(self, form: str) -> tuple[str, ...]:
        """The keys of a bare form (``stemming.form_keys``), each reading's looked up first."""
        made = self._forms[form] = stemming.form_keys(form, self._key_of)
        return made

    def _key_of(self, reading: str) -> str:
        found = self._stems.get(reading)
        if found is None:
            index_key = stemming.stem(reading)
            found = self._stems[reading] = chr(bucket_of(index_key)) + index_key
        return found

    def _trim(self) -> None:
        half = self._limit // 2
        self._known = dict(islice(self._known.items(), half))
        self._forms = dict(islice(self._forms.items(), half))
        self._stems = dict(islice(self._stems.items(), half))


def article_entry(article: Article, memo: KeysMemo | None = None, content: str | None = None) -> Entry:
    """``article``'s entry (see ``Entry``); ``content``: its ``record_content``, when known.
    Keys are JSON-safe as they are: made of letters and digits only (``stemming.bare``). The
    keys of each word are counted apart (a word that has a key twice, as a form and peeled,
    counts once), in C: 2.6 ms an article in a Python loop."""
    keys_of = (KeysMemo() if memo is None else memo).keys_of
    text = record_content(article) if content is None else content
    words = text.split(" ") if text else []
    title = spaced(article.title).split(" ")[:len(words)] if words else []
    weights = Counter(keys_of(words))
    weights.update(keys_of(title * TITLE_WEIGHT))
    parts: list[tuple[int, bytes]] = []
    bucket, written = -1, []
    for index_key in sorted(weights):  # the keys alone: a tenth faster than sorting (key, weight) pairs
        mark = ord(index_key[0])
        if mark != bucket:
            if written:
                parts.append((bucket, ",".join(written).encode()))
            bucket, written = mark, []
        written.append(f'"{index_key[1:]}",{weights[index_key]}')
    if written:
        parts.append((bucket, ",".join(written).encode()))
    return _json(text), len(words), tuple(parts)


def packed_entry(entry: Entry, packer: zstandard.ZstdCompressor | None = None) -> bytes:
    """``entry`` as it waits for its shard to be indexed (``Site.index_forms``: spooled with
    the bodies in the cache folder, or held without a cache) and as the cache keeps it:
    compressed, since a first build has one for every article between reading and indexing.
    Zstandard at its fastest level: 60 µs an entry where zlib's fastest took 160 µs, 4.2 KB
    of the 11 KB marshal writes where zlib left 4.6 KB, and read back in a third of the
    time. ``packer``: a compressor the caller keeps for its entries (making one for each
    entry would cost a fifth as much again)."""
    return (packer or _packer()).compress(marshal.dumps(entry))


def unpacked_entry(packed: bytes, unpacker: zstandard.ZstdDecompressor | None = None) -> Entry:
    """``packed_entry`` undone (made by this build, or read from a signed cache file)."""
    return marshal.loads((unpacker or zstandard.ZstdDecompressor()).decompress(packed))


def _packer() -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=1)


class IndexEntries:
    """``article_entry`` of article after article, packed, with one memo for them: what a
    build gives the processes that read its articles (``content.ingest``), each forked one
    making the entries of the articles it reads with its own copy of the memo (and of the
    compressor)."""

    __slots__ = ("_memo", "_packer")

    def __init__(self) -> None:
        self._memo = KeysMemo()
        self._packer = _packer()

    def __call__(self, article: Article) -> bytes:
        return packed_entry(article_entry(article, self._memo), self._packer)


def entry_key(article: Article, salt: str = "") -> bytes:
    """What an article's entry is made from: the bytes of its file (``source_digest``) read
    with this build's settings and code (``salt``: ``plan_salt``), or, for an article with no
    file behind it, its title, summary and body. Not the body where the file will do: a
    shard's hundreds of bodies are read back from the cache's body files, which at 50,000
    articles the system has often let go of (1.2 s of an edit's indexing, read from disk)."""
    digest = hashlib.blake2b(digest_size=16)
    if article.source_digest and salt:
        parts: tuple[bytes, ...] = (salt.encode(), article.source_digest.encode())
    else:
        parts = (article.title.encode("utf-8", "surrogatepass"), article.summary.encode("utf-8", "surrogatepass"),
                 body_bytes(article.body))
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


# --------------------------------------------------------------------------- the page


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
    return [render_page(ctx, "search.html", meta, "the search page",
                        count_forms=plural_forms(lang, "plural.search_results"),
                        plural_lang=catalogue(lang).lang,
                        digits=numbering_system(lang, config.digits))]


def _count_done(pending: Sequence[Future[list[OutputFile]]], progress: Callable[[int, int], None] | None) -> None:
    """Tell ``progress`` (shards indexed, shards to index) as each shard is indexed."""
    if progress is None or not pending:
        return
    lock = threading.Lock()
    done = [0]

    def one_more(_job: Future[list[OutputFile]]) -> None:
        with lock:
            done[0] += 1
            progress(done[0], len(pending))

    progress(0, len(pending))
    for job in pending:
        job.add_done_callback(one_more)


# --------------------------------------------------------------------------- shards


class Indexed(Protocol):
    """What the search index is made of: the published articles, placed (their URLs known),
    the settings, and the index entries made as they were read. A ``Site`` is one; so is an
    ``IndexedArticles``, known before the site's actors, outlets and topics are worked out:
    nothing in a record or a shard's key depends on them."""

    @property
    def config(self) -> SiteConfig: ...
    @property
    def settings(self) -> BuildSettings: ...
    @property
    def articles(self) -> Sequence[Article]: ...
    @property
    def index_forms(self) -> Mapping[str, bytes | StoredBody]: ...


@dataclass(frozen=True, slots=True)
class IndexedArticles:
    """An ``Indexed`` made of the articles as placed, so that an edit's shards are planned
    before tagging and filing, which take half a second at 10,000 articles and two at 50,000
    (see ``search_started``)."""

    config: SiteConfig
    settings: BuildSettings
    articles: Sequence[Article]
    index_forms: Mapping[str, bytes | StoredBody]


@dataclass(frozen=True, slots=True)
class Shard:
    """Articles indexed together: ``number`` of ``count`` shards of one ``language``.
    ``bundle``: the language's first shard that holds articles (the browser takes the
    language's direction from it)."""

    language: str
    number: int
    count: int
    articles: tuple[Article, ...]
    key: str
    bundle: bool = False

    @property
    def folder(self) -> str:
        return f"{ROOT}{self.language}/{self.number}/"


def index_language(lang: str) -> str:
    """The group an article is indexed in: its language's primary subtag, lower case
    (``ar-SY`` → ``ar``)."""
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
    codes: dict[str, str] = {}  # an article's language -> its group: a few for the whole archive
    for article in site.articles:
        code = codes.get(article.lang)
        if code is None:
            code = codes[article.lang] = index_language(article.lang)
        groups.setdefault(code, []).append(article)
    first = index_language(site.config.language)
    order = sorted(groups, key=lambda lang: (lang != first, lang))
    salt = plan_salt(site)
    shards = []
    for lang in order:
        count = shard_count(len(groups[lang]))
        members: list[list[tuple[str, str, Article]]] = [[] for _ in range(count)]
        for article in groups[lang]:
            members[shard_of(article, count)].append((article.url_path, article.rel, article))
        # (URL, source path) never ties (a source path is one article's), so no article is compared.
        filled = [(number, sorted(chosen)) for number, chosen in enumerate(members) if chosen]
        for number, chosen in filled:
            bundle = number == filled[0][0]
            held = tuple(a for _url, _rel, a in chosen)
            shards.append(Shard(lang, number, count, held,
                                shard_key(salt, lang, KEYS_RULE, number, count, bundle, held), bundle))
    return tuple(shards)


def plan_salt(site: Indexed) -> str:
    """What every shard's key starts from: the index's rule, the settings as read and this
    build's own."""
    return key("search", KEYS_RULE, repr(site.config), repr(site.settings))


def shard_key(salt: str, lang: str, rule: str, number: int, count: int, bundle: bool,
              articles: Sequence[Article]) -> str:
    """The key of a shard of ``articles`` (in the plan's order): their fields joined by NUL,
    which none of them holds, hashed once."""
    fields = "\0".join(f"{a.url_path}\0{a.rel}\0{a.source_digest}\0{a.date.isoformat()}\0{a.scheduled}"
                        for a in articles)
    return key(salt, lang, rule, str(number), str(count), str(bundle), fields)


def search_manifest(shards: Sequence[Shard]) -> OutputFile:
    """``search-index/index.json``: the index's format, bucket count and records per file,
    and per language its direction and its shards (paths relative to the manifest), what
    static/js/search.js reads first."""
    groups: list[dict[str, object]] = []
    for shard in shards:
        if shard.bundle:
            groups.append({"language": shard.language, "dir": _direction(shard), "shards": []})
        shards_of = groups[-1]["shards"]
        assert isinstance(shards_of, list)
        shards_of.append(shard.folder[len(ROOT):])
    data = json.dumps({"version": FORMAT, "buckets": BUCKETS, "records": RECORDS, "groups": groups},
                      ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return OutputFile(MANIFEST, data, "the search index")


def _direction(shard: Shard) -> str:
    return shard.articles[0].dir if shard.articles else "ltr"


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """Every shard, and which of them the last build made from the same key (``same``)."""

    shards: tuple[Shard, ...]
    same: tuple[bool, ...]

    @property
    def fresh(self) -> list[Shard]:
        """The shards to index: their key is not the one their files were made from."""
        return [s for s, kept_key in zip(self.shards, self.same, strict=True) if not kept_key]

    @property
    def kept(self) -> list[Shard]:
        return [s for s, kept_key in zip(self.shards, self.same, strict=True) if kept_key]


def plan_search(site: Indexed, pages: Mapping[str, tuple[str, int, int, int]] | None,
                cache_root: Path | None, planned: tuple[Shard, ...] | None = None) -> SearchPlan:
    """The shards (``planned``: as the caller has them, or as ``plan_shards`` makes them),
    checked against ``pages`` (the last build's files and their keys; None without a cache);
    the kept entries of shards this build does not have are dropped."""
    shards = plan_shards(site) if planned is None else planned
    if cache_root is not None:
        _drop_stale_entries(cache_root, shards)
    return SearchPlan(shards, tuple(_same_key(pages, shard_paths(s), s.key) for s in shards))


@dataclass(frozen=True, slots=True)
class EarlySearch:
    """A rebuild's search plan, made as soon as the articles are placed (``search_started``)."""

    plan: SearchPlan


def search_started(site: Indexed, pages: Mapping[str, tuple[str, int, int, int]] | None,
                   cache_root: Path | None, planned: tuple[Shard, ...] | None = None) -> EarlySearch | None:
    """The search plan as soon as the articles are placed (``site`` may be an
    ``IndexedArticles``), before actors and outlets are worked out: the build recipe keeps
    it (``build.recipe.with_search``). The caller gives the plan the site's own articles once
    it has them (``rebound``) and passes it to ``search_ahead``. ``planned``: the shards,
    when the caller has them (see ``plan_search``). None when search is off."""
    if not site.settings.search:
        return None
    return EarlySearch(plan_search(site, pages, cache_root, planned))


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
def search_ahead(site: Site, reuse: Reuse | None, spill: str,
                 progress: Callable[[int, int], None] | None = None,
                 cache_root: Path | None = None,
                 early: EarlySearch | None = None) -> Iterator[Callable[[], list[OutputFile | Kept]]]:
    """The search index made on a thread while the caller renders (or at once, when a shard
    or two are to be indexed); the yielded function waits for its files. Shards whose files
    the last build left as they are are kept as they are, each as a run of kept files (see
    ``core.site_files``): their keys were compared with the last build's record, which
    ``reuse`` holds, when the plan was made (``_same_key``). ``cache_root``: the digest whose
    build cache keeps each shard's entries (None: no cache). ``early``: the plan
    ``search_started`` made (made here without it). Start it after any ``fork``: a process
    forked while this thread runs could inherit a lock it holds."""
    if not site.settings.search:
        yield list
        return
    plan = early.plan if early is not None else plan_search(site, reuse.pages if reuse else None, cache_root)
    kept: list[Kept] = []
    later = plan.fresh
    for shard in plan.kept:
        run = _kept_shard(reuse, shard)
        if run is None:  # same key, but a file of it was changed or removed
            later.append(shard)
        else:
            kept.append(run)
    if len(later) <= _AT_ONCE:
        # An edit's shard or two are indexed here and now (~0.1 s of CPU each): beside a
        # render on this process's other thread, the indexing thread waited for the
        # interpreter at each of its hundreds of file reads and decompressions (0.4 s of wall
        # time for 0.06 s of work at 10,000 articles).
        made = []
        for done, shard in enumerate(later):
            if progress is not None:
                progress(done, len(later))
            made += index_shard(site, shard, spill, cache_root, reuse)
        if progress is not None and later:
            progress(len(later), len(later))
        yield lambda: [*kept, *made, search_manifest(plan.shards)]
        return
    # One thread: indexing is Python, and a first build's render is in its forked workers;
    # more threads would only take turns.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mawjaz-search") as pool:
        pending = [pool.submit(index_shard, site, shard, spill, cache_root, reuse) for shard in later]
        _count_done(pending, progress)
        try:
            yield lambda: [*kept, *(f for job in pending for f in job.result()), search_manifest(plan.shards)]
        finally:
            for job in pending:
                job.cancel()


def _kept_shard(reuse: Reuse | None, shard: Shard) -> Kept | None:
    """The files of ``shard`` as the last build left them, or None when one of them was
    changed or removed since."""
    if reuse is None:
        return None
    paths = shard_paths(shard)
    run, missed = kept_run(reuse, paths, (_origin(shard),) * len(paths))
    return None if missed else run


def _drop_stale_entries(root: Path, shards: Sequence[Shard]) -> None:
    """Remove the kept entries of shards this build does not have (a language gone, or its
    shards cut again as the archive doubled), and the word forms mawjaz kept per shard when
    it indexed with Pagefind (``_OLD_GLOB``), which nothing reads any more."""
    wanted = {ENTRIES_CACHE.format(s.language, s.count, s.number) for s in shards}
    folder = root / CACHE_DIR
    for path in (*folder.glob(_ENTRIES_GLOB), *folder.glob(_OLD_GLOB)):
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def _same_key(pages: Mapping[str, tuple[str, int, int, int]] | None, paths: Sequence[str],
              shard_key: str) -> bool:
    """Whether the last build made every one of ``paths`` from ``shard_key`` (a file's key
    is its shard's and its own bytes' digest, see ``index_shard``)."""
    if pages is None or not paths:
        return False
    known = pages.get
    start = f"{shard_key} "
    return all((k := known(p)) is not None and k[0].startswith(start) for p in paths)


def shard_paths(shard: Shard) -> list[str]:
    """The files of ``shard``: its buckets, then its groups of records (``RECORDS``
    articles each). They follow from what its key names (its articles, and the code that
    sets the counts), so a rebuild asks the last build's record for these paths instead of
    sorting the record's 120,000 paths by folder (a tenth of a second at 50,000 articles)."""
    folder = shard.folder
    return [*(f"{folder}{k}.json" for k in range(BUCKETS)),
            *(f"{folder}d/{g}.json" for g in range(-(-len(shard.articles) // RECORDS)))]


def _origin(shard: Shard) -> str:
    return f"the search index ({shard.language} shard {shard.number})"


# --------------------------------------------------------------------------- a shard's files


def index_shard(site: Indexed, shard: Shard, spill: str = "", cache_root: Path | None = None,
                reuse: Reuse | None = None) -> list[OutputFile]:
    """One shard's files: its buckets and its records, written below ``spill`` when given
    (a first build's index is 10,000s of files: not held in memory until the write).
    ``cache_root``: whose cache keeps the shard's entries. Each file's key is the shard's
    and the digest of its bytes: a file the last build wrote with the same bytes is kept as
    it is (``reuse``), so that an edit writes the few buckets whose keys it changed and the
    records file of its article, not the shard's 300 files."""
    entries = shard_entries(shard, cache_root, site.index_forms, plan_salt(site))
    made = [*shard_buckets(shard.folder, entries), *shard_records(site, shard.folder, shard.articles, entries)]
    origin = _origin(shard)
    files = []
    for path, data in made:
        file_key = f"{shard.key} {hashlib.blake2b(data, digest_size=16).hexdigest()}"
        files.append(_same_bytes(reuse, path, file_key, origin) or emit(spill, path, data, origin, file_key))
    return files


def _same_bytes(reuse: Reuse | None, path: str, file_key: str, origin: str) -> OutputFile | None:
    """The last build's file at ``path``, recorded under ``file_key`` now, when its key says
    it has the bytes ``file_key`` names (whatever shard key it was made under) and it is
    untouched since."""
    if reuse is None:
        return None
    known = reuse.pages.get(path)
    if known is None or known[0].rpartition(" ")[2] != file_key.rpartition(" ")[2]:
        return None
    kept = reused_files(reuse, (path,), known[0], origin)
    return dataclasses.replace(kept[0], key=file_key) if kept else None


def bucket_of(index_key: str) -> int:
    """The bucket of a key: CRC-32 (as zlib and search.js compute it) of its UTF-8 bytes."""
    return zlib.crc32(index_key.encode("utf-8", "surrogatepass")) % BUCKETS


def shard_buckets(folder: str, entries: Sequence[Entry]) -> list[tuple[str, bytes]]:
    """Every bucket file of a shard of ``entries`` (in the shard's order): ``[articles, mean
    length, [article, its words, "key", weight, ...], ...]``, a row for each article with
    keys in the bucket; every bucket, even empty, so that the browser never asks for a file
    that is not there. Joined from the entries' texts: a shard is ~120,000 postings. The
    mean length in words is rounded, so that an edit of a few words changes only the
    buckets of the keys it changed (see ``index_shard``)."""
    head = b"%d,%d" % (len(entries), _mean(entries))
    rows: list[list[bytes]] = [[head] for _ in range(BUCKETS)]
    for number, (_content, length, parts) in enumerate(entries):
        for bucket, keys in parts:
            rows[bucket].append(b"[%d,%d,%s]" % (number, length, keys))
    return [(f"{folder}{k}.json", b"[%s]" % b",".join(held)) for k, held in enumerate(rows)]


def _mean(entries: Sequence[Entry]) -> int:
    return round(sum(entry[1] for entry in entries) / len(entries)) if entries else 0


def shard_records(site: Indexed, folder: str, articles: Sequence[Article], entries: Sequence[Entry]
                  ) -> list[tuple[str, bytes]]:
    """The record files of a shard of ``articles`` (in the shard's order, with their
    ``entries``): ``d/<g>.json`` holds the records of articles ``RECORDS * g`` onwards, a
    JSON list of ``RECORDS`` (fewer in the last file)."""
    records = [shard_record(site, article, entry[0]) for article, entry in zip(articles, entries, strict=True)]
    return [(f"{folder}d/{start // RECORDS}.json", b"[%s]" % b",".join(records[start:start + RECORDS]))
            for start in range(0, len(records), RECORDS)]


def shard_record(site: Indexed, article: Article, content: bytes) -> bytes:
    """What a result shows of ``article``: its link (below the site root, as the site writes
    it), its words (``content``: as a JSON string, see ``Entry``), its title, day, date and
    language."""
    config = site.config
    day = format_day(article.date.astimezone(config.tz), article.lang, config.month_names, config.digits)
    meta = {"title": article.title, "date": day, "datetime": article.date.isoformat(), "lang": article.lang}
    return b'{"url":%s,"content":%s,"meta":%s}' % (_json(site_path("", article.url_path)), content, _json(meta))


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def shard_entries(shard: Shard, cache_root: Path | None,
                  ready: Mapping[str, bytes | StoredBody] | None = None, salt: str = "") -> list[Entry]:
    """The entry of each of the shard's articles: those the cache kept for the same file read
    with the same settings (``salt``; see ``entry_key``), or the same title, summary and body
    (made by the same rule: the cache file's signature binds the code that
    made them), those this build made as it read the articles (``ready``, by source path,
    packed or spooled: see ``Site.index_forms``), the others made now; what the shard has now
    is kept for its next indexing."""
    ready = ready or {}
    name = ENTRIES_CACHE.format(shard.language, shard.count, shard.number)
    stored = load_signed(cache_root, name) if cache_root is not None else None
    known: dict[bytes, bytes] = {}
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == KEYS_RULE and isinstance(stored[1], dict):
        known = stored[1]
    memo, packer, unpacker = KeysMemo(), _packer(), zstandard.ZstdDecompressor()
    keys = [entry_key(article, salt) for article in shard.articles]
    made: dict[bytes, bytes] = {}
    for article, text_key in zip(shard.articles, keys, strict=True):
        packed = known.get(text_key) or _read_entry(ready.get(article.rel))
        made[text_key] = packed_entry(article_entry(article, memo), packer) if packed is None else packed
    if cache_root is not None and made != known:
        save_signed(cache_root, name, (KEYS_RULE, made))
    return [unpacked_entry(made[text_key], unpacker) for text_key in keys]


def _read_entry(ready: bytes | StoredBody | None) -> bytes | None:
    """An entry made as its article was read: held, or read back from the spool, where a
    rebuild's cache save may have removed it already (its body copied elsewhere): then it is
    made again."""
    if ready is None or isinstance(ready, bytes):
        return ready
    try:
        return ready.read()
    except BodyUnreadable:
        return None
