"""The types that flow between build stages.

Every stage is a function from one of these to the next; all are frozen so no stage can
change what another stage already decided (the shared mutable settings dict is the thing
older generators regret most).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from operator import attrgetter, ge
from typing import TYPE_CHECKING, Any, Literal

from generator.core.urls import DEFAULT_PERMALINK, permalink

if TYPE_CHECKING:  # config.py imports this module (``frozen_map``); only the names are needed here
    from generator.core.config import BuildSettings, SiteConfig

Direction = Literal["rtl", "ltr"]

# Languages written right to left (ISO 639-1), for the `dir` attribute.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ku", "ckb"})


def direction_of(lang: str) -> Direction:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


class FrozenDict(dict):
    """A read-only dict that, unlike ``MappingProxyType``, can be pickled: parallel workers
    and the build cache send sites, articles and actors between processes and runs."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("this mapping is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=repr)))


def frozen_map(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return FrozenDict(data or {})


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A content file read from disk; ``rel`` is its path relative to the digest root."""

    rel: str
    text: str
    digest: str  # sha256 of the bytes, for caches and stable ids


@dataclass(frozen=True, slots=True)
class RawArticle:
    """Front matter split from the Markdown body, not yet validated.

    ``lines`` maps each front-matter key to its 1-based line in the file.
    """

    source: SourceFile
    meta: Mapping[str, Any]
    lines: Mapping[str, tuple[int, int]]
    body: str
    body_line: int


@dataclass(frozen=True, slots=True)
class Source:
    """Where the article was first published."""

    name: str
    url: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_constructor(self)


class BodyUnreadable(OSError):
    """A cached article body is missing or not what the cache recorded (its file was changed
    or removed while the build ran)."""


@dataclass(frozen=True, slots=True)
class StoredBody:
    """An article body in the build cache: ``length`` bytes at ``offset`` of the file at
    ``path``, whose CRC-32 is ``crc``. Body files are never rewritten in place (see
    ``generator.cache.store``), and the cache checks them when it loads; the check here catches a
    file changed while a build runs."""

    path: str = field(compare=False)  # where the body is, not what it is: two stored
    offset: int = field(compare=False)  # bodies are equal when their bytes are
    length: int = 0
    crc: int = 0

    def read(self) -> bytes:
        try:
            with open(self.path, "rb", buffering=0) as handle:
                handle.seek(self.offset)
                data = handle.read(self.length)
        except OSError as exc:
            raise BodyUnreadable(f"cannot read {self.path}: {exc.strerror}") from None
        if len(data) != self.length or zlib.crc32(data) != self.crc:
            raise BodyUnreadable(f"{self.path} changed while the build ran")
        return data

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_constructor(self)


def body_bytes(body: bytes | StoredBody) -> bytes:
    """An ``Article.body`` as bytes."""
    return body if isinstance(body, bytes) else body.read()


SOURCE = "source"
TOPIC = "topic"
# Where each kind of term has its pages (``sources/<slug>/``, ``topics/<slug>/``).
TERM_FOLDERS: Mapping[str, str] = frozen_map({SOURCE: "sources/", TOPIC: "topics/"})


@dataclass(frozen=True, slots=True)
class Term:
    """An outlet or a topic as one article shows it: ``kind`` is ``SOURCE`` or ``TOPIC``,
    ``id`` the outlet's id or the topic's grouping key, ``name`` the name shown (in the
    article's language for a registered outlet, the most common spelling for a topic) and
    ``lang`` the language of that name ("und" when unknown, as for a host name)."""

    kind: str
    id: str
    slug: str
    name: str
    lang: str

    @property
    def url_path(self) -> str:
        return f"{TERM_FOLDERS[self.kind]}{self.slug}/"

    def __repr__(self) -> str:
        """Short: a term is in the fingerprint of every article filed under it, and page
        keys spell fingerprints out."""
        return f"Term{(self.kind, self.id, self.slug, self.name, self.lang)!r}"

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_constructor(self)


@dataclass(frozen=True, slots=True)
class Article:
    """A validated, rendered article ready for listing and templates."""

    rel: str  # source file, relative to the digest root
    id: str  # stable identity: never changes when title or slug are edited
    slug: str
    title: str
    date: datetime  # when it entered the digest (timezone-aware)
    lang: str
    # The sanitised HTML body as UTF-8 (see ``body_html``), or where the build cache keeps it:
    # a rebuild loads every article from the cache but shows few bodies, which are most of
    # an article's size. (Pickling a ``str`` would also make CPython keep a UTF-8 copy
    # inside it, doubling what each body takes.)
    body: bytes | StoredBody
    summary: str  # plain text
    published: datetime | None = None
    updated: datetime | None = None
    actors: tuple[str, ...] = ()  # actor ids once resolved, names as given before
    source: Source | None = None
    draft: bool = False
    # Who wrote it, as the source credits them (plain text; shown on the article page).
    byline: str = ""
    # Subjects as the curator or the imported source names them (WordPress categories and
    # tags), duplicates dropped; grouped into the site's topics by ``actors.taxa``.
    topics: tuple[str, ...] = ()
    scheduled: bool = False  # dated after the build's "now"; shown only with --future
    # The outlet and topics the build filed it under (``actors.taxa``): how they are shown
    # depends on other articles (a topic's most common spelling), so they are part of the
    # fingerprint, and a page or feed showing them is made again when they change.
    terms: tuple[Term, ...] = ()
    removed_lines: tuple[str, ...] = ()  # what the cleaner dropped, for --verbose
    source_digest: str = ""  # sha256 of the source file: with settings and code, it fixes all above
    # The id of the article this one translates or summarises in another language
    # (``translation_of:``); both pages then link each other (``Site.translations``).
    translation_of: str = ""
    extra: Mapping[str, Any] = field(default_factory=frozen_map)
    # Where the article is published, below the site root (see ``core.urls.permalink``): made
    # from the digest's pattern when the article is read, given a suffix by the build when an
    # earlier article wants the same URL (``content.permalinks``). Empty: the default pattern.
    path: str = ""
    slug_given: bool = False  # ``slug`` is the front matter's own, not made from the title
    # Older paths that send readers here (``aliases`` and ``old_slugs``), below the site root.
    redirects: tuple[str, ...] = ()

    @property
    def dir(self) -> Direction:
        return direction_of(self.lang)

    @property
    def fingerprint(self) -> tuple[str, str, tuple[str, ...], bool, str, tuple[tuple[str, ...], ...]]:
        """Cheap identity of everything shown about this article: its source bytes fix the
        rest, except what later stages add (actors, the scheduled mark, a URL's suffix,
        outlet and topics). Only strings, numbers and tuples: a rebuild compares and spells
        out tens of thousands of fingerprints (related lists, page keys), which terms would
        make Python-level ``__eq__`` and ``__repr__`` calls, and load them from its cache."""
        terms = tuple(map(_TERM_FIELDS, self.terms))
        return (self.rel, self.source_digest, self.actors, self.scheduled, self.path, terms)

    @property
    def outlet(self) -> Term | None:
        """The outlet it was filed under (see ``terms``), if it has a source."""
        return next((t for t in self.terms if t.kind == SOURCE), None)

    @property
    def topic_terms(self) -> tuple[Term, ...]:
        """Its topics as the site groups them (see ``terms``), in the order it gives them."""
        return tuple(t for t in self.terms if t.kind == TOPIC)

    @property
    def body_html(self) -> str:
        """The sanitised HTML body, read and decoded when a page, feed or index shows it."""
        return body_bytes(self.body).decode("utf-8", "surrogatepass")

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_constructor(self)

    @property
    def url_path(self) -> str:
        """Path below the site root, ending in a slash (see README: URL scheme). Every link
        to an article is made from this."""
        return self.path or permalink(DEFAULT_PERMALINK, self.slug, self.id, self.date)


_TERM_FIELDS = attrgetter("kind", "id", "slug", "name", "lang")  # a term as a fingerprint holds it


def _timestamp(article: Article) -> float:
    return article.date.timestamp()


def newest_first(articles: Iterable[Article], ties: str = "slug") -> list[Article]:
    """Newest first, equal dates in ascending order of the attribute ``ties`` (the slug by
    default), then of the URL (repeated titles share a slug), so the order never depends on
    the file system. Sorted by date alone, then
    only the runs of equal dates by ``ties``, rather than by a (date, tie) tuple made for
    every article: the build sorts 10,000s of articles, and few share a date."""
    return newest_first_stamped(articles, ties)[0]


def newest_first_stamped(articles: Iterable[Article], ties: str = "slug") -> tuple[list[Article], list[float]]:
    """``newest_first``, with the timestamps of the articles' dates in that order, which the
    sort has made anyway (the related lists' state keeps them: 50,000 made again took 0.05 s)."""
    ordered = list(articles)
    stamps = [a.date.timestamp() for a in ordered]
    if _in_order(ordered, stamps, ties):
        return ordered, stamps
    order = sorted(range(len(ordered)), key=stamps.__getitem__, reverse=True)  # stable: ties as given
    ordered = [ordered[i] for i in order]
    stamps = [stamps[i] for i in order]
    if len(set(stamps)) < len(stamps):
        tie = attrgetter(ties, "url_path")
        start = 0
        for end in range(1, len(ordered) + 1):
            if end == len(ordered) or stamps[end] != stamps[start]:
                if end - start > 1:
                    ordered[start:end] = sorted(ordered[start:end], key=tie)
                start = end
    return ordered, stamps


def _by_constructor(item: Any) -> tuple[Any, ...]:
    """Pickle a frozen, slotted dataclass as a call of its ``made_from_fields`` function
    (its constructor when it has none). The default (a ``setstate`` that looks the class's
    fields up again for every object) made loading the 10,000 articles of a rebuild's cache
    measurably slower."""
    cls = type(item)
    return (_MADE_FROM_FIELDS.get(cls, cls), tuple(getattr(item, name) for name in cls.__slots__))


def made_from_fields(cls: type, name: str) -> Any:
    """A function making a ``cls`` (a frozen, slotted dataclass without ``__post_init__``)
    from the value of every field, in order, to be published as ``name`` in the module of
    ``cls`` (pickle finds it there). A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; this sets them through their slots' own setters, two and a half
    times as fast: a rebuild makes every article of the cache two or three times (loaded,
    tagged, filed), a tenth of a second at 10,000 articles. Written out, one line per
    field, as ``dataclasses`` writes ``__init__``: a loop over the setters is slower."""
    fields = cls.__slots__
    made = _written_out(cls, name, fields, lambda field: field)
    made.__module__ = cls.__module__
    return made


def _written_out(cls: type, name: str, params: Sequence[str], value_of: Callable[[str], str]) -> Any:
    """The function ``name(*params)`` that makes a ``cls`` by setting each field through its
    slot's setter to the expression ``value_of(field)``: what ``made_from_fields`` and
    ``replacing`` both write. A class with ``__post_init__`` is refused: its checks would be
    skipped."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__: make it with its constructor")
    fields = cls.__slots__
    namespace = {"_new": object.__new__, "_cls": cls, **{f"_set_{f}": getattr(cls, f).__set__ for f in fields}}
    lines = [f"def {name}({', '.join(params)}):", "    made = _new(_cls)",
             *(f"    _set_{f}(made, {value_of(f)})" for f in fields), "    return made"]
    exec("\n".join(lines), namespace)  # the text is made of the class's field names only
    made = namespace[name]
    made.__qualname__ = name
    return made


def evolve(article: Article, **changes: Any) -> Article:
    """``dataclasses.replace(article, **changes)``, for the passes that make a changed copy of
    every article on every build (tagging, filing under outlets and topics): ``replace``
    looks up and checks each field again for every copy, a third slower than reading them
    all at once and calling the constructor (a twentieth of an edit's build at 10,000
    articles). A name that is not a field raises ``KeyError``."""
    values = list(_ARTICLE_VALUES(article))
    for name, value in changes.items():
        values[_ARTICLE_PLACES[name]] = value
    return article_from_fields(*values)


def replacing(cls: type, changed: tuple[str, ...], name: str) -> Any:
    """A function making a copy of a ``cls`` (as ``made_from_fields`` can) with new values
    for the fields ``changed``, given in that order after the object: ``evolve`` written out
    for one set of fields, to be published as ``name`` in the caller's module. It reads each
    other field by name rather than all of them into a list and then sets them from it: a
    third less than ``evolve`` for the copy filing makes of every article on every build (12
    ms at 10,000 articles)."""
    unknown = [f for f in changed if f not in cls.__slots__]
    if unknown:
        raise TypeError(f"cannot make {cls.__name__} with new {', '.join(unknown)} this way")
    return _written_out(cls, name, ("_old", *changed), lambda field: field if field in changed else f"_old.{field}")


_ARTICLE_VALUES = attrgetter(*Article.__slots__)  # every field, in the constructor's order
_ARTICLE_PLACES = frozen_map({name: place for place, name in enumerate(Article.__slots__)})
article_from_fields = made_from_fields(Article, "article_from_fields")
source_from_fields = made_from_fields(Source, "source_from_fields")
_term_from_fields = made_from_fields(Term, "_term_from_fields")
stored_body_from_fields = made_from_fields(StoredBody, "stored_body_from_fields")
_MADE_FROM_FIELDS: Mapping[type, Any] = frozen_map({
    Article: article_from_fields, Source: source_from_fields, Term: _term_from_fields,
    StoredBody: stored_body_from_fields})


def _in_order(ordered: list[Article], stamps: list[float], ties: str) -> bool:
    """Whether ``ordered`` (with its dates' ``stamps``) is already as ``newest_first`` orders
    it: then its (stable) sorts leave it as it is. A build orders the archive four or five
    times (filing, actors' lists, editions, related lists), mostly a list ordered already,
    13 ms each at 10,000 articles; checked, a few."""
    if not all(map(ge, stamps, islice(stamps, 1, None))):
        return False
    tie = attrgetter(ties, "url_path")
    return all(tie(ordered[i]) <= tie(ordered[i + 1])
               for i in range(len(stamps) - 1) if stamps[i] == stamps[i + 1])


def html_bytes(html: str) -> bytes:
    """An HTML body as ``Article.body`` holds it."""
    return html.encode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class AliasRule:
    """Where one alias of an actor counts in text (the mapping form of an alias in
    ``actors.yaml``): not right after one of ``not_after`` (a club's name after "صحيفة" is a
    newspaper); ``shared`` with another actor (عمان, the city and the state), this one
    chosen when the article also names one of the actor ids or words of ``when``."""

    alias: str
    not_after: tuple[str, ...] = ()
    shared: bool = False
    when: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Nisba:
    """An actor's relative adjectives (السوري، السورية), counted as naming it only right
    after one of its head words (الرئيس السوري، الحكومة السورية): elsewhere they describe
    people, markets and places, not the state."""

    forms: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Actor:
    """A person or organisation the news is about."""

    id: str
    slug: str
    kind: str
    names: Mapping[str, str]  # language -> display name
    aliases: tuple[str, ...] = ()
    description: str = ""
    wikidata: str | None = None
    links: tuple[str, ...] = ()
    old_slugs: tuple[str, ...] = ()
    rules: tuple[AliasRule, ...] = ()  # the aliases with conditions (also in ``aliases``)
    nisba: Nisba | None = None

    def name(self, lang: str) -> str:
        """Display name in ``lang``, falling back to any name we have."""
        if lang in self.names:
            return self.names[lang]
        return next(iter(self.names.values()), self.id)

    @property
    def url_path(self) -> str:
        return f"actors/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Outlet:
    """A source outlet: one from ``content/sources.yaml`` (``registered``), or one made from
    the source names or hosts of the articles that cite it."""

    id: str
    slug: str
    names: Mapping[str, str]  # language -> display name ("und": a host name)
    hosts: tuple[str, ...] = ()  # lower case, without "www."
    aliases: tuple[str, ...] = ()
    url: str | None = None  # the outlet's own site
    description: str = ""
    registered: bool = False

    def name(self, lang: str) -> str:
        """Display name in ``lang``, falling back to any name we have."""
        if lang in self.names:
            return self.names[lang]
        return next(iter(self.names.values()), self.id)

    def name_lang(self, lang: str) -> str:
        """The language of ``name(lang)``."""
        return lang if lang in self.names else next(iter(self.names), "und")

    @property
    def url_path(self) -> str:
        return f"{TERM_FOLDERS[SOURCE]}{self.slug}/"


@dataclass(frozen=True, slots=True)
class Taxa:
    """The site's outlets and topics, with their articles newest first (as ``Site.articles``).

    ``registry`` is ``content/sources.yaml`` as validated: like the actor registry it is in
    every page's render key. ``outlets`` are the outlets that have articles, ``topics`` every
    topic (as ``Term``), both ordered by slug; ``by_outlet`` and ``by_topic`` are keyed by
    outlet id and topic key."""

    registry: tuple[Outlet, ...] = ()
    outlets: tuple[Outlet, ...] = ()
    by_outlet: Mapping[str, tuple[Article, ...]] = field(default_factory=frozen_map)
    topics: tuple[Term, ...] = ()
    by_topic: Mapping[str, tuple[Article, ...]] = field(default_factory=frozen_map)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site; ``path`` is relative to the output root, POSIX style."""

    path: str
    content: bytes
    origin: str = ""  # what produced it, for collision messages
    key: str = ""  # hash of what produced it, when known (see generator.render.engine)
    reused: bool = False  # the previous build's file, known to be byte-identical
    stored: str = ""  # where its bytes already are on disk, when ``content`` is left empty
    identity: tuple[int, int, int] | None = None  # (size, mtime_ns, inode) of ``stored``, when known

    def data(self) -> bytes:
        """The file's bytes. A reused page stays on disk until someone needs it: a rebuild
        reuses most of a large site, and holding it all in memory would cost hundreds of MB."""
        if self.stored:
            with open(self.stored, "rb") as handle:
                return handle.read()
        return self.content


# A rebuild takes tens of thousands of files from the last build, each an ``OutputFile``.
output_file_from_fields = made_from_fields(OutputFile, "output_file_from_fields")


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderers need: articles newest first, actors, and who is in what.

    ``config`` is the settings file as read; ``settings`` what this build does where it
    differs (the URL published under, whether search is on): pages and feeds take those two
    from ``settings``. ``build_date`` is derived from content, never from the clock.
    """

    config: SiteConfig
    settings: BuildSettings
    articles: tuple[Article, ...]
    actors: tuple[Actor, ...]
    by_actor: Mapping[str, tuple[Article, ...]]
    build_date: datetime
    # Editor's notes per edition key (``generator.content.editions.EditionNote``), from content/editions/.
    notes: Mapping[str, Any] = field(default_factory=frozen_map)
    # The site's editions (``generator.content.editions.Edition``), grouped once by the build
    # for the home page, the editions pages and their feed; None: not grouped yet.
    editions: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    actor_index: Mapping[str, Actor] = field(default_factory=frozen_map, repr=False, compare=False)
    taxa: Taxa = field(default_factory=Taxa, repr=False, compare=False)  # outlets and topics
    # Each article's versions in other languages, by id, both ways (``Article.translation_of``).
    translations: Mapping[str, tuple[Article, ...]] = field(default_factory=frozen_map, repr=False, compare=False)
    # Each article's search index entry by source path, made where its text was at hand: by
    # the processes that read the articles this build (``content.ingest``), with search on;
    # packed (``pages.search.packed_entry``), or spooled with the bodies (``StoredBody``).
    index_forms: Mapping[str, bytes | StoredBody] = field(default_factory=frozen_map, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every article view looks its actors up: a scan of the registry per lookup was a
        # measurable share of a 10,000-article build.
        object.__setattr__(self, "actor_index", frozen_map({a.id: a for a in self.actors}))
        object.__setattr__(self, "translations", versions(self.articles))

    def actor(self, actor_id: str) -> Actor | None:
        return self.actor_index.get(actor_id)


def versions(articles: tuple[Article, ...]) -> Mapping[str, tuple[Article, ...]]:
    """Every article's other-language versions: a translation and its original link each
    other, and translations of one original link each other through it. Built once per site
    rather than looked up per page (a scan per article page is quadratic)."""
    by_id = {a.id: a for a in articles}
    families: dict[str, list[Article]] = {}
    for article in articles:
        original = by_id.get(article.translation_of)
        if original is not None and original is not article:
            families.setdefault(original.id, [original]).append(article)
    linked: dict[str, tuple[Article, ...]] = {}
    for members in families.values():
        ordered = sorted(members, key=lambda a: (a.lang, a.id))
        for member in ordered:
            linked[member.id] = tuple(other for other in ordered if other is not member)
    return frozen_map(linked)
