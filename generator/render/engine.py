"""Render: the shared machinery that turns a template and a view into an ``OutputFile``.

Template errors name both sides, the template line and what it was rendering, because the
curator may have caused either.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import secrets
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
from babel.core import get_global
from markupsafe import Markup

from generator.cache.store import key
from generator.core.dates import format_number
from generator.core.diagnostics import BuildFailed, error
from generator.core.files import file_identity, plain_path, spill_place
from generator.core.labels import labels_for
from generator.core.model import (
    Actor,
    Article,
    BodyUnreadable,
    OutputFile,
    Site,
    Term,
    direction_of,
    output_file_from_fields,
)
from generator.core.site_files import Kept
from generator.core.urls import absolute, output_file_for, site_path
from generator.render.changes import ListChanges, list_changes
from generator.render.theme import Theme, make_environment
from generator.render.views import (
    ActorRef,
    ArticleView,
    Link,
    SiteView,
    TermRef,
    actor_ref,
    article_view,
    site_view,
    term_ref,
)

# The theme loads only its own files; article images may come from https hosts. Forms may
# only go to the site itself (the 404 page's search box opens /search/?q=…). JSON-LD
# (<script type="application/ld+json">) is a data block that no browser executes, so it
# needs no script-src source and no 'unsafe-inline'. Every page has this policy, the search
# page included: its script fetches the index's JSON files from the site (connect-src) and
# compiles nothing.
CSP = ("default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' https: data:; "
       "script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'")


# The share image of a page that has none of its own (``og:image``), in the theme.
DEFAULT_IMAGE = "static/img/share.png"

# Open Graph names locales language_TERRITORY; a bare language takes the territory readers
# of share cards expect (Facebook's list has ``ar_AR`` for Arabic), else CLDR's likely one.
_OG_TERRITORY: Mapping[str, str] = MappingProxyType({"ar": "AR", "en": "US", "fr": "FR"})


def og_locale(lang: str) -> str:
    """``ar`` → ``ar_AR``, ``ar-SY`` → ``ar_SY``, ``en`` → ``en_US``."""
    primary, _, rest = lang.partition("-")
    region = next((part for part in rest.split("-") if len(part) == 2 and part.isalpha()), "")
    if not region:
        region = _OG_TERRITORY.get(primary.lower()) or _likely_territory(primary.lower())
    return f"{primary.lower()}_{region.upper()}" if region else primary.lower()


def _likely_territory(primary: str) -> str:
    likely = get_global("likely_subtags").get(primary, "")
    parts = likely.split("_")
    return next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), "")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What every page's <head> needs."""

    title: str
    path: str  # below the site root, e.g. "articles/x/" or "404.html"
    kind: str
    description: str = ""
    lang: str = ""
    canonical: bool = True
    og_type: str = "website"
    published_iso: str = ""
    modified_iso: str = ""  # ``article:modified_time``, from ``updated``
    noindex: bool = False  # a page search engines should not list (404, search, redirects)
    image: str = ""  # the share image's absolute URL; "" uses the site's default
    alternates: tuple[Link, ...] = ()  # the page in other languages: hreflang links (``lang``, absolute ``url``)
    json_ld: str = ""  # structured data for the page, JSON already safe inside <script>


@dataclass(frozen=True, slots=True)
class Reuse:
    """Pages of the previous build, reusable when what they show is unchanged.

    ``pages`` maps an output path to (render key, size, mtime_ns, inode) as written last time;
    a page is reused only when its new render key matches and the file on disk is untouched.
    """

    out_dir: str  # a plain string: joined with every page's path, a ``Path`` costs more
    pages: Mapping[str, tuple[str, int, int, int]]
    salt: str  # templates, code and settings: any change re-renders everything
    related: Any = None  # the previous build's ``related.RelatedState``, when known
    related_now: Any = None  # this build's
    # The files of the live site whose (size, mtime_ns, inode) is not what ``pages`` records,
    # with their identity now (None: gone), as surveyed while the build loaded (see
    # ``build.survey``); every other recorded file is as recorded. None: not surveyed, each
    # file is looked at when it is needed.
    moved: Mapping[str, tuple[int, int, int] | None] | None = None
    # Where this build's articles differ from the last one's (``changes.list_changes`` of
    # ``related`` and ``related_now``, made by ``make_context``): None, every page is keyed.
    changes: ListChanges | None = None
    # The site's archive-wide shape (its articles' URLs, dates and redirects, its lists) is
    # the last build's, as the recipe it follows says (see ``build.recipe``): the files made
    # of that alone (the sitemap, the manifest of URLs, ``_redirects``) are taken as recorded.
    shaped: bool = False
    # ``related.changed_span`` of ``related`` and ``related_now``, when their salts agree:
    # found once, as comparing two archives' fingerprints from both ends is tens of
    # thousands of tuple comparisons, which the list changes, the unchanged articles and
    # the state's patch each made again.
    span: tuple[int, int, int] | None = None

    def identity(self, path: str, known: tuple[str, int, int, int], target: str) -> tuple[int, int, int] | None:
        """The identity of the live file at ``path`` (``target`` on disk) recorded as
        ``known``: a rebuild takes tens of thousands of pages, which the survey looked at."""
        if self.moved is None:
            return file_identity(target)
        return self.moved.get(path, known[1:])


# Views kept for reuse at most. An article is shown on its own page, its related articles'
# pages, the archive, each of its actors' pages (three on average in real news), its outlet's
# and its edition's: lists that run through the whole archive in date order, one after the
# other, so a memo smaller than the archive is emptied before the next list comes back to
# an article. Below this bound a build makes every view once, before it forks its workers
# (``views_ahead``); above it, each process empties the memo when full and refills it: a
# 50,000-article digest made 408,000 views with a bound of 16,384 (17 s of CPU, 42 us each).
# A view takes ~1 KB (958 bytes on average over 10,000 of the benchmark corpus): 65,536 of
# them ~63 MB, counted in each process that inherits them.
VIEWS_AHEAD = 65_536
# Views kept at most, in all page languages: those made ahead and room for the others.
VIEW_MEMO = VIEWS_AHEAD + 16_384
# List entries kept for reuse at most (``ViewMemo.item``: ~2 KB each). Only lists that show
# an article more than once keep them (actors' and outlets' pages), so fewer are asked for
# again than views, and each takes more memory: a bound of 65,536 took a 50,000-article
# build over 1 GB.
ITEM_MEMO = 16_384


class ViewMemo:
    """The article views one build's pages have made, kept for the next pages that show the
    same article (an article appears on its own page, lists, actors, editions, related).
    Owned by that build's ``RenderContext``: a forked worker fills its own copy, and nothing
    outlives the build. Bounded by ``VIEW_MEMO`` and ``ITEM_MEMO``; results never depend on it."""

    __slots__ = ("_items", "_refs", "_terms", "_views")

    def __init__(self) -> None:
        # By page language, then by source path: a key tuple per view was 56 bytes of ~1 KB.
        self._views: dict[str, dict[str, ArticleView]] = {}
        self._refs: dict[tuple[str, str], ActorRef] = {}  # at most actors x languages
        self._terms: dict[Term, TermRef] = {}  # the site's outlets and topics
        self._items: dict[tuple[object, ...], Markup] = {}

    def get(self, article: Article, page_lang: str, site: Site) -> ArticleView:
        views = self._views.get(page_lang)
        if views is None:
            views = self._views[page_lang] = {}
        view = views.get(article.rel)
        if view is None:
            if sum(map(len, self._views.values())) >= VIEW_MEMO:  # a language or two
                for kept in self._views.values():
                    kept.clear()
            view = views[article.rel] = article_view(article, site, page_lang, self._ref_maker(site),
                                                     self._term_maker(site))
        return view

    def _ref_maker(self, site: Site) -> Callable[[Actor, str], ActorRef]:
        refs = self._refs

        def ref(actor: Actor, lang: str) -> ActorRef:
            found = refs.get((actor.id, lang))
            if found is None:
                found = refs[actor.id, lang] = actor_ref(actor, lang, site.settings.base_path)
            return found
        return ref

    def _term_maker(self, site: Site) -> Callable[[Term], TermRef]:
        terms = self._terms

        def ref(term: Term) -> TermRef:
            found = terms.get(term)
            if found is None:
                found = terms[term] = term_ref(term, site.settings.base_path)
            return found
        return ref

    def item(self, view: ArticleView, *shape: object, caller: Callable[[], str], remember: bool = True) -> Markup:
        """An article's entry in a list, as the theme's ``article_item`` macro renders it
        (``caller``), made once for each way it is shown (``shape``: the macro's arguments
        and the page's language, all its output depends on besides the view). The busiest
        actors share most of their articles, so an article is listed on three actors' pages
        and its outlet's: the same entry, with a dozen escaped values each time. Lists that
        show an article once (the archive, editions) pass ``remember=False``: their entries
        would only take memory (about 2 KB each)."""
        item_key = (view.token[0], view.token[-1], *shape)  # the article's source and page language
        found = self._items.get(item_key)
        if found is None:
            found = Markup(caller())
            if remember:
                if len(self._items) >= ITEM_MEMO:
                    self._items.clear()
                self._items[item_key] = found
        return found

    def clear(self) -> None:
        """Let the memory go once the pages that share views are made."""
        self._views.clear()
        self._items.clear()


class FingerprintTexts:
    """Each article's fingerprint as page keys spell it (its ``repr``), made once per build
    and process. A rebuild makes the key of every page that lists articles (the archive,
    every outlet's and topic's pages, the editions) to find the few that changed, so each
    article's fingerprint was spelled out three or four times, a tenth of a second of an
    edit at 10,000 articles. Owned by the build's ``RenderContext``, like ``ViewMemo``; a
    text is kept with the article it was made from, so another article object under the
    same path never gets it."""

    __slots__ = ("_texts",)

    def __init__(self) -> None:
        self._texts: dict[str, tuple[Article, str]] = {}

    def of(self, articles: Iterable[Article]) -> list[str]:
        texts = self._texts
        found = []
        for article in articles:
            known = texts.get(article.rel)
            if known is None or known[0] is not article:
                known = texts[article.rel] = (article, repr(article.fingerprint))
            found.append(known[1])
        return found


@dataclass(frozen=True, slots=True)
class RenderContext:
    site: Site
    env: jinja2.Environment
    view: SiteView
    feeds: tuple[Link, ...]  # site-wide autodiscovery links
    extra_head: str = ""  # injected by `mawjaz serve` only (live reload), never in builds
    reuse: Reuse | None = None
    spill: str = ""  # a folder to put rendered pages in at once (see ``emit``); "" keeps them in memory
    views: ViewMemo = field(default_factory=ViewMemo, repr=False, compare=False)  # this build's
    texts: FingerprintTexts = field(default_factory=FingerprintTexts, repr=False, compare=False)  # this build's

    def url(self, path: str) -> str:
        return site_path(self.site.settings.base_path, path)

    def fingerprints(self, articles: Iterable[Article]) -> str:
        """What a page key holds of the ``articles`` it shows: the hash of their fingerprints'
        texts (see ``FingerprintTexts``), one per line (a ``repr`` has no line break). A key
        spells its parts out with ``repr``, which would escape every text again, page after
        page; a hash is 64 characters."""
        joined = "\n".join(self.texts.of(articles))
        return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()

    def article_view(self, article: Article, page_lang: str) -> ArticleView:
        """The article as templates see it on a page in ``page_lang``; an article appears on
        many pages (its own, lists, actors, editions, related), so each view is made once."""
        return self.views.get(article, page_lang, self.site)


def views_ahead(ctx: RenderContext) -> bool:
    """Every article's view on a page in the site's language, made now, before a build
    forks its render workers: each worker then inherits them, rather than making its own
    for the pages it renders (an article's view is on its own page, its related articles',
    its actors' and the lists). A cold build of 10,000 articles made 28,000 views on two
    processes, 10,000 now. Only when the memo keeps them all with room to spare
    (``VIEWS_AHEAD``): False, and nothing made, for a larger archive.

    Made, they are frozen with everything else this process holds (``gc.freeze``, as the
    build froze what it had loaded): no collection looks at them again. The render's full
    collections in this process went through every view each time, 1.7 s of CPU at 50,000
    articles (12 collections), 1.0 s with the views frozen; workers freeze what they inherit."""
    site = ctx.site
    if len(site.articles) > VIEWS_AHEAD:
        return False
    lang = site.config.language
    for article in site.articles:
        ctx.article_view(article, lang)
    gc.freeze()
    return True


def make_context(site: Site, theme: Theme, feeds: tuple[Link, ...] = (),
                 extra_head: str = "", reuse: Reuse | None = None, spill: str = "",
                 compiled: Path | None = None) -> RenderContext:
    view = site_view(site)
    if reuse is not None:  # what every page shows besides its own values, hashed once
        reuse = replace(reuse, salt=page_salt(reuse.salt, site, feeds),
                        changes=list_changes(reuse.related, reuse.related_now, reuse.span))
    return RenderContext(site, make_environment(theme, compiled), view, feeds, extra_head, reuse, spill)


def emit(spill: str, path: str, data: bytes, origin: str, file_key: str = "") -> OutputFile:
    """An output file, its bytes on disk in ``spill`` when given. A site is hundreds of MB
    of pages; written as they are made, a build holds only their names, and worker processes
    send back names instead of pickled pages. Files go to their place in the site below
    ``spill``, so a first build's writer only has to swap the folder in; a path that cannot
    be used as it is goes under ``.odd/`` by a name the system makes unique. A rebuild's
    files wait in one folder instead (see ``files.spill_place``)."""
    if not spill:
        return OutputFile(path, data, origin, key=file_key)
    if not plain_path(path):
        return OutputFile(path, b"", origin, key=file_key, stored=_spill_odd(spill, data))
    stored = spill_place(spill, path)
    try:
        _write_new(stored, data)
    except FileNotFoundError:  # the first file of its folder
        os.makedirs(os.path.dirname(stored), exist_ok=True)
        _write_new(stored, data)
    return OutputFile(path, b"", origin, key=file_key, stored=stored)


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_new(stored: str, data: bytes) -> None:
    """``data`` as the file ``stored``, created as ``Path.write_bytes`` creates it (mode 0o666
    less the umask), without making a ``Path`` and a buffered file: about a fifth less CPU
    for each of a site's files (11 of 55 us, measured for 5,000 pages of 10 KB)."""
    descriptor = os.open(stored, _WRITE_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)


def _spill_odd(spill: str, data: bytes) -> str:
    """``data`` in a new file below ``spill``/.odd (rare: such paths are reported as problems
    or written from memory by the writer), under a random name the system checks is new,
    rather than a counter kept between calls; created as ``write_bytes`` would (umask)."""
    folder = os.path.join(spill, ".odd")
    os.makedirs(folder, exist_ok=True)
    while True:
        stored = os.path.join(folder, f"{os.getpid()}-{secrets.token_hex(8)}")
        try:
            descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        return stored


def page_salt(salt: str, site: Site, feeds: tuple[Link, ...]) -> str:
    """``render_salt`` with what every page shows besides its own values."""
    return key(salt, repr(site_view(site)), repr(feeds))


def render_salt(site: Site, theme: Theme, extra_head: str) -> str:
    """Everything besides a page's own values that its bytes depend on."""
    parts: list[str | bytes] = [repr(site.config), repr(site.settings), extra_head, CSP,
                                pickle.dumps((site.actors, site.taxa.registry), protocol=5)]
    for path in sorted(theme.templates.rglob("*")):
        if path.is_file():
            parts += [path.relative_to(theme.templates).as_posix(), path.read_bytes()]
    return key(*parts)


def spilled(spill: str, item: OutputFile) -> OutputFile:
    """``item`` with its bytes moved to ``spill`` (see ``emit``), for files made elsewhere."""
    if not spill or item.stored:
        return item
    return emit(spill, item.path, item.content, item.origin, item.key)


def reused_file(reuse: Reuse | None, path: str, page_key: str, origin: str) -> OutputFile | None:
    """The previous build's file at ``path`` when it was made from the same key and is untouched."""
    if reuse is None or not page_key:
        return None
    known = reuse.pages.get(path)
    if known is None or known[0] != page_key:
        return None
    target = os.path.join(reuse.out_dir, path)
    identity = reuse.identity(path, known, target)
    if identity is None or identity != known[1:]:
        return None
    return output_file_from_fields(path, b"", origin, page_key, True, target, identity)


def recorded_file(reuse: Reuse | None, path: str, origin: str) -> OutputFile | None:
    """The previous build's file at ``path`` by the key it was recorded with, for a file the
    caller knows shows nothing that changed: its key is not made again."""
    known = reuse.pages.get(path) if reuse is not None else None
    return reused_file(reuse, path, known[0], origin) if known else None


def kept_list_pages(reuse: Reuse | None, items: Sequence[Article], holds: Callable[[tuple[object, ...]], bool],
                    per_page: int) -> frozenset[int]:
    """The numbers of the pages of a list of ``items`` that show what they showed in the
    last build (see ``changes.ListChanges.kept_pages``): their recorded files are taken
    without making their keys (``recorded_file``)."""
    if reuse is None or reuse.changes is None:
        return frozenset()
    return reuse.changes.kept_pages(items, holds, per_page)


def recorded_pages(reuse: Reuse, wanted: Sequence[tuple[str, str]]) -> list[OutputFile | None]:
    """``recorded_file`` for each (path, origin) of ``wanted``, in one loop (see ``kept_run``)."""
    run, missed = kept_run(reuse, [path for path, _ in wanted], [origin for _, origin in wanted])
    kept = iter(run.files())
    missing = frozenset(missed)
    return [None if number in missing else next(kept) for number in range(len(wanted))]


def kept_run(reuse: Reuse, paths: Sequence[str], origins: Sequence[str]) -> tuple[Kept, list[int]]:
    """Of ``paths`` (made by the matching ``origins``), those the last build recorded and left
    as it recorded them, as one run of kept files (see ``core.site_files``), and the numbers
    of the others: a rebuild takes most of a large digest's pages so, by their recorded keys."""
    pages, identity_of, moved = reuse.pages.get, reuse.identity, reuse.moved
    folder = os.path.join(reuse.out_dir, "")
    kept: list[str] = []
    made_by: list[str] = []
    missed: list[int] = []
    for number, path in enumerate(paths):
        known = pages(path)
        # Surveyed and not among the moved files: as recorded, without a look at the file.
        if known is not None and ((moved is not None and path not in moved)
                                  or identity_of(path, known, folder + path) == known[1:]):
            kept.append(path)
            made_by.append(origins[number])
        else:
            missed.append(number)
    return Kept(folder, reuse.pages, tuple(kept), tuple(made_by)), missed


def recorded_files(reuse: Reuse | None, paths: Sequence[str], origin: str) -> list[OutputFile] | None:
    """``recorded_file`` for files made together: all of them, or None."""
    return recorded_all(reuse, [(path, origin) for path in paths])


def recorded_all(reuse: Reuse | None, wanted: Sequence[tuple[str, str]]) -> list[OutputFile] | None:
    """``recorded_pages`` of files that are kept together or not at all: all of them, or None."""
    found = recorded_pages(reuse, wanted) if reuse is not None else [None] * len(wanted)
    kept = [page for page in found if page is not None]
    return kept if len(kept) == len(found) else None


def reused_files(reuse: Reuse | None, paths: Sequence[str], file_key: str, origin: str) -> list[OutputFile] | None:
    """The previous build's files at every one of ``paths`` (made together, from one key),
    or None when any of them cannot be reused (see ``kept_run``)."""
    if reuse is None or not file_key:
        return None
    known = reuse.pages.get
    if any((record := known(path)) is None or record[0] != file_key for path in paths):
        return None
    run, missed = kept_run(reuse, paths, [origin] * len(paths))
    return None if missed else run.files()


def render_page(ctx: RenderContext, template: str, meta: PageMeta, origin: str,
                feeds: tuple[Link, ...] = (), **values: Any) -> OutputFile:
    """Render ``template`` for the page at ``meta.path``; ``origin`` names the source in errors.

    When the previous build rendered the same template with the same values, its file is
    reused: a one-article edit re-renders only the pages that show that article. Views are
    frozen dataclasses, tuples, strings and numbers whose ``repr`` spells out what they show
    (an article view spells its source's identity); a value printed with its address only
    makes the key differ each build, so that page is always rendered."""
    return render_page_lazy(ctx, template, meta, origin, (feeds, sorted(values.items())),
                            lambda: values, feeds)


def render_page_lazy(ctx: RenderContext, template: str, meta: PageMeta, origin: str,
                     key_parts: object, make_values: Callable[[], Mapping[str, Any]],
                     feeds: tuple[Link, ...] = (), meta_in_parts: bool = False) -> OutputFile:
    """``render_page`` for pages whose values are costly to make: ``key_parts`` must
    determine them (their ``repr`` is hashed), and ``make_values`` runs only when the page
    cannot be reused. ``meta_in_parts``: ``key_parts`` determine ``meta`` too, so it is left
    out of the key (an article page's meta is its article's, whose fingerprint is a part)."""
    path = output_file_for(meta.path)
    spelled = (template, path, key_parts) if meta_in_parts else (template, meta, key_parts)
    page_key = key(ctx.reuse.salt, repr(spelled)) if ctx.reuse else ""
    previous = reused_file(ctx.reuse, path, page_key, origin)
    if previous is not None:
        return previous
    values = make_values()
    # A page whose head needs what only rendering computes (an article's share image, its
    # JSON-LD: both read the body) gives its full meta among its values; its key parts
    # must then determine it (``meta_in_parts``).
    meta = values.get("page_meta", meta)
    c = ctx.site.config
    lang = meta.lang or c.language
    page = {
        "title": meta.title,
        "kind": meta.kind,
        "description": meta.description or c.description,
        "lang": lang,
        "dir": direction_of(lang),
        "url": ctx.url(meta.path),
        "canonical": absolute(ctx.site.settings.base_url, meta.path) if meta.canonical else "",
        "og_type": meta.og_type,
        "published_iso": meta.published_iso,
        "modified_iso": meta.modified_iso,
        "og_locale": og_locale(lang),
        "noindex": meta.noindex,
        "image": meta.image or absolute(ctx.site.settings.base_url, DEFAULT_IMAGE),
        "alternates": meta.alternates,
        "json_ld": Markup(meta.json_ld),  # made by ``pages.metadata``: "<" is escaped there
        "feeds": ctx.feeds + feeds,
    }
    context: Mapping[str, Any] = {
        "site": ctx.view, "page": page, "labels": labels_for(lang),
        "site_labels": labels_for(c.language), "csp": CSP, "extra_head": ctx.extra_head,
        "url": ctx.url, "number": lambda n: format_number(n, lang, c.digits),
        "remembered_item": ctx.views.item, **values,
    }
    try:
        html = ctx.env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed([error(f"templates/{exc.name or template}", exc.lineno or 0, 0,
                                 "template-syntax", f"{exc.message} (rendering {origin})")]) from None
    except (BodyUnreadable, BuildFailed):
        raise  # not the template's fault: the build handles these (see ``build.pipeline``)
    except Exception as exc:  # an undefined name, or the template's own code failing (x / 0)
        where, line = _template_position(exc, template)
        raise BuildFailed([error(where, line, 0, "template-error",
                                 f"{exc.__class__.__name__}: {exc} (rendering {origin})")]) from None
    return emit(ctx.spill, path, html.encode("utf-8"), origin, page_key)


def _template_position(exc: BaseException, fallback: str) -> tuple[str, int]:
    """Find the innermost template frame of a runtime template error."""
    tb = sys.exc_info()[2] or exc.__traceback__
    where, line = f"templates/{fallback}", 0
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            where, line = f"templates/{filename.rsplit('templates/', 1)[-1]}", tb.tb_lineno
        tb = tb.tb_next
    return where, line
