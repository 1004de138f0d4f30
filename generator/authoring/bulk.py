"""Bulk import: many articles from one source (a folder, a feed, a WordPress export).

The command (``generator/cli/commands/import_cmd.py``) opens the source
(:func:`open_source`: what kind it is, by ``--format`` or by its first bytes), lists its items
(:func:`items_of`), and hands each to one :class:`Importer`, which:

* skips what is already in the digest, or earlier in the same import: the same source URL
  (compared without scheme, ``www.``, fragment, trailing slash or ``utm_*`` parameters), or
  the same title (compared by :func:`generator.text.normalize.match_form`) on the same day.
  The digest's articles are read once, up front (:func:`scan_digest`);
* makes the article through the same functions as a single import (``importer.from_html``
  and ``from_text``, and so the same cleaner), adding what the source states about the item;
* names the file as a single import does, ``<date>-<slug>.md``, and gives a second article
  wanting a name or slug already taken the next free ``-2``, ``-3``... (with ``slug:`` in its
  front matter, since two articles with one slug are a build error);
* writes it with ``importer.write_new``, which never replaces a file, unless it is a dry run.

One item that fails does not stop the others: each gives an :class:`Outcome`, and
:func:`summary_lines` says what was created, skipped and why.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from generator.authoring import importer, syndication, wxr
from generator.authoring.importer import Draft, Fetched, ImportFailed
from generator.content.cleanup import RemovedLine
from generator.content.frontmatter import split_front_matter
from generator.content.source import discover
from generator.content.source import read_source as read_article
from generator.core.dates import out_of_range
from generator.core.model import SourceFile
from generator.core.yamldoc import YamlError, parse_yaml
from generator.text.normalize import match_form
from generator.text.slugs import MAX_BYTES as SLUG_MAX_BYTES
from generator.text.slugs import fit_bytes, make_slug

KINDS = ("folder", "feed", "wxr", "page", "text")
# A feed is parsed whole in memory, so it is held to a cap; so is anything read from standard
# input or a URL before its kind is known. A WordPress export on disk is read as a stream and
# may be far larger. A single page or text keeps importer.MAX_BYTES.
FEED_MAX_BYTES = 20_000_000
EXPORT_MAX_BYTES = 1_000_000_000
SNIFF_BYTES = 65536
FOLDER_SUFFIXES = (".html", ".htm", ".txt", ".md")


# --------------------------------------------------------------------------- the source

@dataclass(frozen=True, slots=True)
class Opened:
    """A source opened for import. ``kind`` is one of :data:`KINDS`, or None for one
    article whose text decides (HTML or not); the bytes are in ``fetched``, except for a
    folder and for an export read from disk as a stream (``path``)."""

    kind: str | None
    name: str
    path: Path | None = None
    fetched: Fetched | None = None


_PROLOGUE = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S | re.I)
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)\b([^>]*)>")
_WP_NAMESPACE = re.compile(rb"""xmlns:[\w.-]+\s*=\s*["']http://wordpress\.org/export/""")


def sniff(head: bytes) -> str | None:
    """``"wxr"``, ``"feed"`` or None (a page or a text), from a document's first bytes.

    The root element decides: ``<rss>`` declaring WordPress's export namespace (or holding
    ``wp:wxr_version``) is an export, any other ``<rss>`` a feed, as are Atom's ``<feed>``
    and RSS 1.0's ``<rdf:RDF>``. Comments, processing instructions and a doctype before it
    are passed over.
    """
    data = head
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", "ignore").encode("utf-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    start = _PROLOGUE.match(data)
    root = _ROOT.match(data, start.end() if start else 0)
    if root is None:
        return None
    prefix, name, attrs = (root.group(1) or b"").lower(), root.group(2).lower(), root.group(3)
    if name == b"rss" and not prefix:
        return "wxr" if _WP_NAMESPACE.search(attrs) or b"<wp:wxr_version>" in data else "feed"
    if name == b"feed" and re.search(rb"http://www\.w3\.org/2005/Atom|http://purl\.org/atom/ns#", attrs):
        return "feed"
    if name == b"rdf" and re.search(rb"http://purl\.org/rss/1\.0/|my\.netscape\.com/rdf/simple/0\.9/", data):
        return "feed"
    return None


def open_source(source: str, stdin: Any = None, kind: str | None = None) -> Opened:
    """Open ``source`` (a folder, a file, ``-`` or an http(s) URL) as ``kind``, or as what
    it looks like when ``kind`` is None. Raises :class:`ImportFailed` (exit code 2 when
    ``kind`` does not fit the source, 3 when it cannot be read)."""
    if source != "-" and not re.match(r"(?i)https?://", source):
        path = Path(source)
        if path.is_dir():
            if kind not in (None, "folder"):
                raise ImportFailed(source, f"is a folder; --format {kind} needs a file", 2)
            return Opened("folder", source, path=path)
        if kind == "folder":
            raise ImportFailed(source, "is not a folder", 2)
        return _open_file(source, path, kind)
    if kind == "folder":
        raise ImportFailed(source, "is not a folder", 2)
    fetched = importer.read_source(source, stdin=stdin, max_bytes=FEED_MAX_BYTES)
    found = kind or sniff(fetched.data[:SNIFF_BYTES])
    if found not in ("feed", "wxr"):
        importer.limited(fetched.data, fetched.name, importer.MAX_BYTES)
    return Opened(found, fetched.name, fetched=fetched)


def _open_file(source: str, path: Path, kind: str | None) -> Opened:
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise ImportFailed(source, "no such file", 3) from None
    except OSError as exc:
        raise ImportFailed(source, f"cannot read ({exc.strerror or exc})", 3) from None
    found = kind or sniff(head)
    if found == "wxr":
        if size > EXPORT_MAX_BYTES:
            raise ImportFailed(source, f"larger than {EXPORT_MAX_BYTES} bytes; not imported")
        return Opened("wxr", source, path=path)
    if found == "feed":
        return Opened("feed", source, fetched=importer.read_source(source, max_bytes=FEED_MAX_BYTES))
    return Opened(found, source, fetched=importer.read_source(source))


# --------------------------------------------------------------------------- items

@dataclass(frozen=True, slots=True)
class Item:
    """One article to make. Its text is ``content`` (HTML the source carries), or the file
    ``file`` (a folder's page or text), or the page at ``fetch`` (a feed entry with
    ``--fetch``); the rest is what the source states about it."""

    path: str  # the file or URL holding it, for messages
    line: int = 0  # where it starts there; 0 when unknown
    part: str = ""  # which part of ``path`` it is, when ``line`` cannot say: "entry 3"
    title: str | None = None
    content: str | None = None
    file: Path | None = None
    fetch: str | None = None
    trust_links: bool = False  # ``fetch`` may be on a local address (the feed was)
    url: str | None = None
    published: datetime | date | None = None
    source_name: str | None = None
    unpublished: bool = False
    byline: str | None = None
    topics: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return _where(self.path, self.line, self.part)


@dataclass(frozen=True, slots=True)
class Skip:
    """An item of the source that is not imported, and why. Items of one ``group`` (pages,
    attachments) are counted together in the summary rather than listed one by one."""

    path: str
    reason: str
    line: int = 0
    part: str = ""
    title: str | None = None
    group: str = ""

    @property
    def where(self) -> str:
        return _where(self.path, self.line, self.part)


def _where(path: str, line: int, part: str) -> str:
    return f"{path}:{line}" if line else (f"{path}, {part}" if part else path)


@dataclass(frozen=True, slots=True)
class Batch:
    """A source's items, how many there are (for the progress bar), and what to say
    about the source as a whole."""

    total: int
    items: Iterable[Item | Skip]
    notes: tuple[str, ...] = ()


def items_of(opened: Opened, pages: bool = False, fetch: bool = False) -> Batch:
    """The items of a folder, a feed or an export (``pages``: a WordPress export's pages
    too; ``fetch``: a feed entry without its full text is read from its link)."""
    if opened.kind == "folder" and opened.path is not None:
        return folder_items(opened.path)
    if opened.kind == "feed" and opened.fetched is not None:
        return feed_items(opened.fetched, fetch)
    if opened.kind == "wxr":
        return export_items(opened, pages)
    raise ValueError(f"not a bulk source: {opened.kind}")


def folder_items(folder: Path) -> Batch:
    """Every ``.html``, ``.htm``, ``.txt`` and ``.md`` file below ``folder``, in name order.

    Hidden files and folders are passed over; symbolic links are never followed (a link is
    listed as skipped); the ``<name>_files`` folder a browser saves beside ``<name>.html`` holds
    that page's images and scripts, not articles, and is passed over too.
    """
    found: list[Item | Skip] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        pages = {Path(n).stem for n in filenames if n.lower().endswith((".html", ".htm"))}
        keep = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (here / name).is_symlink():
                found.append(Skip(str(here / name), "a link to a folder; not followed"))
            elif not (name.endswith("_files") and name[:-len("_files")] in pages):
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or not name.lower().endswith(FOLDER_SUFFIXES):
                continue
            if path.is_symlink():
                found.append(Skip(str(path), "a symbolic link; not followed"))
            else:
                found.append(Item(str(path), file=path))
    found.sort(key=lambda item: Path(item.path).relative_to(folder).parts)
    return Batch(len(found), found)


def feed_items(fetched: Fetched, fetch: bool = False) -> Batch:
    """One item per entry: the entry's full text, else its summary, or with ``fetch`` the
    page it links to. Links are fetched as links found in a document: onto a local address
    only when the feed itself came from one."""
    try:
        feed = syndication.parse_feed(fetched.data, base_url=fetched.url)
    except syndication.NotAFeed as exc:
        raise ImportFailed(fetched.name, str(exc)) from None
    items: list[Item | Skip] = []
    for entry in feed.entries:
        part = f"entry {entry.number}"
        common: dict[str, Any] = {
            "path": fetched.name, "part": part, "title": entry.title, "url": entry.link,
            "published": entry.published, "source_name": entry.source_name,
            "byline": entry.author, "topics": entry.topics}
        if entry.content:
            items.append(Item(content=entry.content, **common))
        elif fetch and entry.link:
            items.append(Item(fetch=entry.link, trust_links=fetched.local_origin, **common))
        elif entry.summary:
            items.append(Item(content=entry.summary, **common))
        else:
            hint = "; --fetch reads it from its link" if entry.link else ""
            items.append(Skip(fetched.name, f"the feed gives no text for it{hint}", part=part,
                              title=entry.title))
    notes = (f"{fetched.name}: not well-formed ({feed.problem}); read as far as possible",) \
        if feed.problem else ()
    return Batch(len(items), items, notes)


def export_items(opened: Opened, pages: bool = False) -> Batch:
    """The posts of a WordPress export, and its pages with ``pages``; everything else
    (attachments, menu items, revisions, blocks...) is counted as skipped. The whole file
    is checked first, so an export that is not well-formed imports nothing."""
    def stream() -> str | IO[bytes]:
        if opened.path is not None:
            return str(opened.path)
        assert opened.fetched is not None
        return io.BytesIO(opened.fetched.data)

    try:
        total = wxr.count_items(stream())
    except wxr.BadExport as bad:
        raise ImportFailed(opened.name, f"{bad.message}; nothing imported", line=bad.line) from None
    except OSError as exc:
        raise ImportFailed(opened.name, f"cannot read ({exc.strerror or exc})", 3) from None
    return Batch(total, _export_stream(opened.name, stream(), pages))


def _export_stream(name: str, source: str | IO[bytes], pages: bool) -> Iterator[Item | Skip]:
    site: str | None = None
    try:
        for found in wxr.read_items(source):
            if isinstance(found, wxr.Site):
                site = found.title
            else:
                yield _post_item(name, found, site, pages)
    except wxr.BadExport as bad:  # the file changed since it was checked
        raise ImportFailed(name, bad.message, line=bad.line) from None


def _post_item(name: str, post: wxr.Post, site: str | None, pages: bool) -> Item | Skip:
    title = post.title or None
    if post.post_type == "page" and not pages:
        return Skip(name, "pages are imported with --pages", post.line, title=title, group="page")
    if post.post_type not in ("post", "page"):
        return Skip(name, "not a post", post.line, title=title, group=post.post_type)
    if post.status == "trash":
        return Skip(name, "in the trash", post.line, title=title)
    if post.status == "auto-draft":
        return Skip(name, "an empty draft WordPress saved by itself", post.line, title=title,
                    group="auto-draft")
    public = post.status == "publish" and not post.password
    return Item(name, post.line, title=title, content=wxr.body_html(post.content),
                url=post.link, published=post.published if post.status == "publish" else None,
                source_name=site, unpublished=not public, byline=post.author, topics=post.topics)


# --------------------------------------------------------------------------- what is there

def url_key(url: str) -> str:
    """A source URL as compared for duplicates: scheme, ``www.``-less host case, default
    port, fragment, trailing slash, percent-encoding of the path and ``utm_*`` tracking
    parameters make no difference."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port in (80, 443):
        port = None
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("utm_"))
    path = unquote(parts.path).rstrip("/")
    return f"{host}{f':{port}' if port else ''}{path}{'?' + query if query else ''}"


@dataclass(frozen=True, slots=True)
class Entry:
    """An article already in the digest (or made earlier in this import), as far as
    duplicates and names go."""

    where: str  # how messages name it: its file
    title: str
    url: str | None
    day: date | None
    slug: str
    ident: str


class Known:
    """Source URLs, titles by day, slugs and ids taken: by the digest's articles, then by
    each article the import makes. Belongs to one import."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.titles: dict[tuple[str, date], str] = {}
        self.slugs: set[str] = set()
        self.ids: set[str] = set()

    def add(self, entry: Entry) -> None:
        if entry.url:
            self.urls.setdefault(url_key(entry.url), entry.where)
        form = match_form(entry.title)
        if form and entry.day is not None:
            self.titles.setdefault((form, entry.day), entry.where)
        self.slugs.add(entry.slug.casefold())
        self.ids.add(entry.ident.casefold())

    def duplicate(self, title: str | None, url: str | None, day: date | None) -> str | None:
        """Why an article with this title, source URL and day is already here, or None."""
        if url:
            found = self.urls.get(url_key(url))
            if found:
                return f"same source URL as {found}"
        form = match_form(title or "")
        if form and day is not None:
            found = self.titles.get((form, day))
            if found:
                return f"same title and day as {found}"
        return None

    def free(self, root: Path, when: datetime, base: str) -> tuple[Path, str | None]:
        """The file and slug for an article whose title gives the slug ``base``: the first
        of ``base``, ``base-2``, ``base-3``... whose slug, id and file are all free. The slug
        is returned only when it is not ``base`` (it must then be written down)."""
        number = 1
        while True:
            suffix = f"-{number}" if number > 1 else ""
            slug = fit_bytes(base, SLUG_MAX_BYTES - len(suffix)) + suffix
            path = importer.article_path(root, when, slug)
            if (slug.casefold() not in self.slugs and path.stem.casefold() not in self.ids
                    and not os.path.lexists(path)):
                return path, (slug if number > 1 else None)
            number += 1


def scan_digest(root: Path, tz: tzinfo, slug_policy: str, max_size: int) -> Known:
    """What the digest's articles take: read once, front matter only. A file the build
    would refuse (unreadable, a link out of the digest, broken front matter) still holds its
    name; its problems are the build's to report."""
    known = Known()
    for found in discover(root):
        if not isinstance(found, Path):
            continue
        rel = found.relative_to(root).as_posix()
        known.ids.add(found.stem.casefold())
        source = read_article(root, found, max_size)
        if not isinstance(source, SourceFile):
            continue
        parts = split_front_matter(source.text)
        if parts is None:
            continue
        try:
            meta = parse_yaml(parts[0]).data
        except YamlError:
            continue
        if not isinstance(meta, Mapping):
            continue
        title = meta.get("title")
        title = " ".join(title.split()) if isinstance(title, str) else ""
        slug = meta.get("slug")
        ident = meta.get("id")
        known.add(Entry(
            where=str(root / rel), title=title, url=_source_url(meta.get("source")),
            day=_day(meta.get("published") or meta.get("date"), tz),
            slug=slug if isinstance(slug, str) and slug else make_slug(title or found.stem, slug_policy),
            ident=ident if isinstance(ident, str) and ident else found.stem))
    return known


def _source_url(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("url")
    return value if isinstance(value, str) and re.match(r"(?i)https?://", value) else None


def _day(value: object, tz: tzinfo) -> date | None:
    """The calendar day of a front-matter date, in the digest's time zone."""
    if isinstance(value, str):
        value = importer.parse_date(value)
    if isinstance(value, datetime):
        return (value.astimezone(tz) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    return None


# --------------------------------------------------------------------------- importing

@dataclass(frozen=True, slots=True)
class Settings:
    """What every item of one import shares."""

    root: Path
    when: datetime  # each article's ``date``: when it entered the digest
    tz: tzinfo
    slug_policy: str
    max_file_size: int
    actors: Callable[[str], tuple[str, ...]]  # registry ids to list for a text
    lang: str | None = None
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one item: ``created`` (or would be, in a dry run), ``skipped`` or
    ``failed``; ``path`` and ``line`` name where a failure is, ``message`` says what."""

    status: str
    where: str
    title: str | None = None
    created: Path | None = None
    reason: str = ""
    group: str = ""
    path: str = ""
    line: int = 0
    message: str = ""
    exit_code: int = 0
    removed: tuple[RemovedLine, ...] = ()
    numbered: bool = False  # the removed lines' numbers are lines of the file ``where``


class Importer:
    """Turns items into article files, one at a time, remembering what it made so that the
    same story twice in one source is imported once and two titles alike get two names."""

    def __init__(self, settings: Settings, known: Known) -> None:
        self.settings = settings
        self.known = known

    def take(self, item: Item | Skip) -> Outcome:
        if isinstance(item, Skip):
            return Outcome("skipped", item.where, item.title, reason=item.reason, group=item.group)
        settings = self.settings
        reason = self.known.duplicate(item.title, item.url, self._day(item.published))
        if reason:  # known before reading or fetching anything
            return Outcome("skipped", item.where, item.title, reason=reason)
        try:
            draft = self._draft(item)
        except ImportFailed as failed:
            return self._failed(item, failed)
        except OSError as exc:
            return self._failed(item, ImportFailed(item.path, str(exc.strerror or exc), 3))
        if not draft.paragraphs:
            return Outcome("skipped", item.where, draft.title,
                           reason="no article text left after removing boilerplate")
        day = self._day(draft.published)
        reason = self.known.duplicate(draft.title, draft.source_url, day)
        if reason:
            return Outcome("skipped", item.where, draft.title, reason=reason)
        body = "\n".join(draft.paragraphs)
        lang = settings.lang or importer.detect_lang(f"{draft.title}\n{body}")
        base = make_slug(draft.title, settings.slug_policy)
        path, slug = self.known.free(settings.root, settings.when, base)
        text = importer.render(draft, settings.when, lang,
                               settings.actors(f"{draft.title}\n\n{body}"), slug=slug)
        size = len(text.encode("utf-8"))
        if size > settings.max_file_size:
            return self._failed(item, ImportFailed(item.path, (
                f"the article would be {size:,} bytes, over the digest's limit of "
                f"{settings.max_file_size:,} (`max_file_size`); not imported")), draft.title)
        if not settings.dry_run:
            try:
                importer.write_new(path, text)
            except ImportFailed as failed:
                return self._failed(item, ImportFailed(failed.path, failed.message, 3), draft.title)
            except OSError as exc:
                return self._failed(item, ImportFailed(str(path), str(exc.strerror or exc), 3),
                                    draft.title)
        self.known.add(Entry(str(path), draft.title, draft.source_url, day or settings.when.date(),
                             slug or base, path.stem))
        return Outcome("created", item.where, draft.title, created=path, removed=draft.removed,
                       numbered=item.file is not None)

    def _day(self, when: datetime | date | None) -> date:
        """The day an article counts for among duplicates: its publication's, in the
        digest's time zone, or the import's own."""
        return _day(when, self.settings.tz) or self.settings.when.date()

    def _draft(self, item: Item) -> Draft:
        if item.file is not None:
            draft = _file_draft(item.file)
        elif item.fetch is not None:
            fetched = importer.read_source(item.fetch, trust_internal=item.trust_links, linked=True)
            text, is_html = importer.decode(fetched)
            page = (importer.from_html(text, url=fetched.url, name=item.fetch) if is_html
                    else importer.from_text(text, name=item.fetch))
            draft = replace(page, title=item.title or page.title)
        else:
            draft = importer.from_fragment(item.content or "", item.title, name=item.where)
        return replace(draft, published=item.published or draft.published,
                       source_name=item.source_name or draft.source_name,
                       source_url=item.url or draft.source_url, unpublished=item.unpublished,
                       byline=item.byline, topics=item.topics)

    def _failed(self, item: Item, failed: ImportFailed, title: str | None = None) -> Outcome:
        title = title or item.title
        named = f"`{title}`: " if title else ""
        elsewhere = (f"{failed.path}: " if failed.path not in (item.path, item.where)
                     and failed.path not in failed.message else "")
        return Outcome("failed", item.where, title, path=item.path, line=item.line,
                       message=f"{item.part + ' ' if item.part else ''}{named}{elsewhere}{failed.message}",
                       exit_code=failed.exit_code)


def _file_draft(path: Path) -> Draft:
    """A folder's file, as a single import reads it; a Markdown file's front matter (from
    another site generator) gives its title, date and source."""
    fetched = importer.read_source(str(path))
    text, is_html = importer.decode(fetched)
    if is_html:
        return importer.from_html(text, name=str(path))
    if path.suffix.lower() == ".md":
        parts = split_front_matter(text.replace("\r\n", "\n").removeprefix("\ufeff"))
        if parts is not None:
            return _markdown_draft(parts[0], parts[1], str(path))
    return importer.from_text(text, name=str(path))


def _markdown_draft(front: str, body: str, name: str) -> Draft:
    try:
        meta = parse_yaml(front).data
    except YamlError:
        meta = None
    if not isinstance(meta, Mapping):
        meta = {}
    title = meta.get("title")
    title = " ".join(title.split()) if isinstance(title, str) else ""
    draft = importer.from_text(f"{title}\n\n{body}" if title else body, name=name)
    published = meta.get("published") or meta.get("date")
    if isinstance(published, str):
        published = importer.parse_date(published)
    if not isinstance(published, date) or out_of_range(published):
        published = None
    return replace(draft, published=published, source_url=_source_url(meta.get("source")))


# --------------------------------------------------------------------------- the summary

def summary_lines(name: str, outcomes: Iterable[Outcome], dry_run: bool = False) -> list[str]:
    """What a curator reads after an import: each file created, each item skipped and why
    (pages, attachments and the like counted by kind), and the totals. Failures are printed
    apart, as diagnostics."""
    lines: list[str] = []
    groups: dict[str, list[Outcome]] = {}
    counts = {"created": 0, "skipped": 0, "failed": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
        if outcome.status == "created":
            lines.append(f"{'would create' if dry_run else 'created'} {outcome.created} "
                         f"({outcome.where})")
        elif outcome.status == "skipped" and outcome.group:
            groups.setdefault(outcome.group, []).append(outcome)
        elif outcome.status == "skipped":
            title = f" `{outcome.title}`" if outcome.title else ""
            lines.append(f"skipped {outcome.where}{title}: {outcome.reason}")
    for group, members in sorted(groups.items()):
        kind = group if len(members) == 1 else f"{group}s"
        lines.append(f"skipped {len(members)} {kind}: {members[0].reason}")
    verb = "to create" if dry_run else "created"
    lines.append(f"{name}: {counts['created']} {verb}, {counts['skipped']} skipped, "
                 f"{counts['failed']} failed{' (dry run: nothing written)' if dry_run else ''}")
    return lines
