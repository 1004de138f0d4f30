"""Read a WordPress export (WXR, "WordPress eXtended RSS") for ``mawjaz import``.

An export is one RSS file holding a whole site: posts, pages, attachments, menu items,
revisions, every comment, the authors, categories and tags. Only posts become articles;
pages only when asked; comments never (they are the readers' words, not the source's).

Exports of newsrooms run to hundreds of megabytes, so the file is parsed as a stream
(:func:`count_items` checks it whole and counts its items before anything is written;
:func:`read_items` then gives one item at a time and forgets it), with lxml's guards on:
no entities resolved, no DTD loaded, nothing fetched from the network, no text node over
lxml's own limit. A post's body (``content:encoded``) is WordPress's stored form: paragraphs
as blank lines unless the block editor wrote ``<p>`` itself, and shortcodes
(``[caption]...[/caption]``, ``[gallery]``, ``[embed]url[/embed]``...) that only the site's
plugins understood. :func:`expand_shortcodes` and :func:`autop` turn that into the HTML the
site showed, before the same cleaner as a saved page reads it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import IO, Any

from generator.core.dates import out_of_range

WP_NAMESPACE = "http://wordpress.org/export/"  # followed by the WXR version: 1.0, 1.1, 1.2
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"

# WordPress's default category, on every post nobody categorised: not a topic.
UNCATEGORIZED = "uncategorized"


@dataclass(frozen=True, slots=True)
class Post:
    """One ``<item>`` of the export, as the export states it."""

    line: int  # where the item starts in the file
    post_type: str  # post, page, attachment, nav_menu_item, revision...
    status: str  # publish, draft, pending, private, future, trash, inherit, auto-draft
    title: str
    link: str | None
    published: datetime | None
    author: str | None  # the author's display name when the export lists it, else the login
    content: str  # the stored body, shortcodes and all
    topics: tuple[str, ...]  # categories, then tags, duplicates dropped
    password: bool  # the post was behind a password on the site


@dataclass(frozen=True, slots=True)
class Site:
    """What the export says about the site, read before its items."""

    title: str | None


class BadExport(Exception):
    """The file is not a well-formed export; ``line`` is where the parser stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --------------------------------------------------------------------------- parsing

def _events(source: str | IO[bytes]) -> Any:
    """lxml's streaming parser with every door closed: entities are left unresolved (no
    "billion laughs", no external files), no DTD is loaded, nothing is fetched."""
    from lxml import etree

    return etree.iterparse(source, events=("end",), resolve_entities=False, load_dtd=False,
                           no_network=True, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _forget(element: Any) -> None:
    """Drop an element already read, and its earlier siblings, so memory stays one item."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def count_items(source: str | IO[bytes]) -> int:
    """The number of ``<item>`` elements, reading the whole file once: a file that is not
    well-formed fails here, before any article is written."""
    from lxml import etree

    count = 0
    try:
        for number, (_, element) in enumerate(_events(source)):
            if number == 0:
                _no_doctype(element)
            if element.tag == "item":
                count += 1
                _forget(element)
    except etree.XMLSyntaxError as exc:
        raise _bad(exc) from None
    return count


def _no_doctype(element: Any) -> None:
    """WordPress writes no DOCTYPE. One in an export can only declare entities, which are
    left unresolved here and would cut the text they stand in: refuse the file instead."""
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise BadExport("has a DOCTYPE declaration, which WordPress exports never have "
                        "(entities are not read)", element.sourceline or 1)


def read_items(source: str | IO[bytes]) -> Iterator[Site | Post]:
    """The export's :class:`Site` (once, before the first item) and then each item.

    The site's title and authors come before the items in every WordPress export; an item
    met first is read with what is known so far.
    """
    from lxml import etree

    authors: dict[str, str] = {}
    title: str | None = None
    announced = False
    try:
        for _, element in _events(source):
            tag = element.tag
            if tag == "item":
                if not announced:
                    announced = True
                    yield Site(title)
                yield _post(element, authors)
                _forget(element)
            elif tag == "title" and _parent_tag(element) == "channel":
                title = _clean(element.text) or None
            elif _is_wp(tag, "author") and _parent_tag(element) == "channel":
                login = _clean(_child_text(element, "author_login"))
                name = _clean(_child_text(element, "author_display_name"))
                if login and name:
                    authors[login] = name
                _forget(element)
        if not announced:
            yield Site(title)
    except etree.XMLSyntaxError as exc:
        raise _bad(exc) from None


def _post(item: Any, authors: dict[str, str]) -> Post:
    fields: dict[str, str] = {}
    categories: list[str] = []
    tags: list[str] = []
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "category":
            name = _clean(child.text)
            domain = child.get("domain")
            if not name or (child.get("nicename") or "").lower() == UNCATEGORIZED:
                continue
            if domain == "category":
                categories.append(name)
            elif domain == "post_tag":
                tags.append(name)
        elif tag.startswith("{"):
            namespace, _, local = tag[1:].partition("}")
            if namespace.startswith(WP_NAMESPACE) and local != "comment":
                fields[f"wp:{local}"] = child.text or ""
            elif namespace == CONTENT_NAMESPACE and local == "encoded":
                fields["content"] = child.text or ""
            elif namespace == DC_NAMESPACE and local == "creator":
                fields["creator"] = child.text or ""
        elif tag in ("title", "link", "pubDate"):
            fields[tag] = child.text or ""
    login = _clean(fields.get("creator"))
    link = (fields.get("link") or "").strip()
    published = _gmt(fields.get("wp:post_date_gmt")) or _rfc822(fields.get("pubDate"))
    return Post(
        line=item.sourceline or 0,
        post_type=(fields.get("wp:post_type") or "post").strip(),
        status=(fields.get("wp:status") or "publish").strip(),
        title=_clean(fields.get("title")),
        link=link if re.match(r"(?i)https?://\S+$", link) else None,
        published=published,
        author=authors.get(login, login) or None,
        content=fields.get("content", ""),
        topics=_unique(categories + tags),
        password=bool((fields.get("wp:post_password") or "").strip()),
    )


def _parent_tag(element: Any) -> str | None:
    parent = element.getparent()
    return parent.tag if parent is not None else None


def _is_wp(tag: object, local: str) -> bool:
    return isinstance(tag, str) and tag.startswith("{" + WP_NAMESPACE) and tag.endswith("}" + local)


def _child_text(element: Any, local: str) -> str:
    for child in element:
        if _is_wp(child.tag, local):
            return child.text or ""
    return ""


def _clean(text: str | None) -> str:
    """Plain text as WordPress wrote it into the export: entities it escaped twice
    (``&amp;#8217;``) decoded once more, whitespace collapsed."""
    return " ".join(html.unescape(text or "").split())


def _unique(names: list[str]) -> tuple[str, ...]:
    """First spelling of each name, compared without case: a category and a tag named alike
    are one topic."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def _gmt(value: str | None) -> datetime | None:
    """``wp:post_date_gmt``; WordPress writes ``0000-00-00 00:00:00`` for unpublished posts."""
    try:
        when = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return None if out_of_range(when) else when


def _rfc822(value: str | None) -> datetime | None:
    """``pubDate``, which drafts give as ``Mon, 30 Nov -0001 00:00:00 +0000`` (a year the
    standard library would read as 2000: only four-digit years are taken)."""
    if not re.search(r"\d\s+[A-Za-z]{3}\s+\d{4}\s", value or ""):
        return None
    try:
        when = parsedate_to_datetime((value or "").strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None or out_of_range(when):
        return None
    return when


def _bad(exc: Any) -> BadExport:
    """The parse error as a message and a line. With entities unresolved, lxml sometimes
    says only "no element found", at no line; its error log's latest fatal entry (the log
    is the thread's, so only the latest is this parse's) then says what was wrong, and where."""
    message, line = exc.msg or str(exc), exc.lineno
    log = getattr(exc, "error_log", None)
    if not line and log is not None:
        fatal = list(log.filter_from_fatals())
        if fatal and fatal[-1].message:
            message, line = fatal[-1].message, fatal[-1].line
    message = re.sub(r",? line \d+, column \d+.*$", "", message).strip()
    return BadExport(f"not well-formed XML ({message})", line or 0)


# --------------------------------------------------------------------------- the body

# A shortcode tag: ``[name attrs]``, ``[name attrs /]`` or ``[/name]``, or WordPress's escape
# ``[[name]]`` for a literal ``[name]``. Names are what plugins register: lower-case ASCII
# letters, digits, ``_`` and ``-``.
_SHORTCODE = re.compile(
    r"\[\[(?P<escaped>/?[a-z][a-z0-9_-]*(?:\s[^\[\]]*)?)\]\]"
    r"|\[(?P<closing>/?)(?P<name>[a-z][a-z0-9_-]*)(?P<attrs>(?:\s[^\[\]]*?)?)\s*(?P<self>/?)\]")
_URL = re.compile(r"""https?://[^\s"'<>\[\]]+""")
# Kept as their inner content (the caption's text stays with its image).
_KEEP_INNER = frozenset({"caption", "wp_caption"})
# Media players and embeds: shown as a link to what they played.
_MEDIA = frozenset({"embed", "audio", "video", "youtube", "vimeo", "soundcloud", "tweet",
                    "twitter", "instagram", "facebook", "dailymotion", "spotify", "ted",
                    "googlemaps", "archiveorg"})
# Site furniture that showed nothing of the article's own: removed outright.
_FURNITURE = frozenset({"gallery", "playlist", "contact-form", "contact-form-7", "contact_form",
                        "related_posts", "jetpack_subscription_form", "subscribe", "toc",
                        "ad", "adsense", "mc4wp_form", "wpforms", "ninja_form", "sharing",
                        "shareaholic", "addtoany", "mailpoet_form", "gravityform"})
# Bracketed words that an editor writes in prose and a reader must keep seeing ("[sic]"):
# WordPress would have shown them as typed, since no plugin claims them.
_EDITORIAL = frozenset({"sic", "laughter", "applause", "inaudible", "crosstalk", "redacted",
                        "update", "updated", "correction", "edit", "editor", "ed", "translation",
                        "translator", "emphasis", "cont", "continued", "pause", "music"})


@dataclass(frozen=True, slots=True)
class _Tag:
    start: int
    end: int
    name: str
    closing: bool
    attrs: str
    self_closing: bool
    escaped: str | None  # the literal text of ``[[...]]``


def expand_shortcodes(text: str) -> str:
    """The body with its shortcodes done as the site showed them, in one pass (linear time).

    * ``[caption ...]<img ...> Text[/caption]``: its content stays, as a paragraph (with the
      text of an older ``caption="..."`` attribute);
    * ``[embed]url[/embed]``, ``[video src=url]``, ``[youtube url]``...: the media's address,
      as a link;
    * ``[gallery ...]``, contact forms, related-posts widgets: removed;
    * any other pair ``[foo ...]text[/foo]``: the tags go, the text stays;
    * any other ``[foo x="1"]`` or ``[foo]``: removed; but a bracketed word an editor writes
      in prose (``[sic]``, ``[applause]``) or bracketed words without ``=`` (``[some words]``)
      stay, as WordPress showed them;
    * ``[[foo]]``, WordPress's escape, is the text ``[foo]``.
    """
    tags = [_Tag(m.start(), m.end(), m.group("name") or "", bool(m.group("closing")),
                 (m.group("attrs") or "").strip(), bool(m.group("self")), m.group("escaped"))
            for m in _SHORTCODE.finditer(text)]
    if not tags:
        return text
    partner = _pairs(tags)
    out: list[str] = []
    at = 0
    skip_until = -1
    for index, tag in enumerate(tags):
        if tag.start < skip_until:
            continue
        out.append(text[at:tag.start])
        at = tag.end
        if tag.escaped is not None:
            out.append(f"[{tag.escaped}]")
            continue
        if tag.closing:
            if index in partner and tag.name in _KEEP_INNER:  # the end of a kept caption
                out.append(_caption_attribute(tags[partner[index]].attrs) + "</p>")
            continue
        close = partner.get(index)
        if close is not None and tag.name in _MEDIA:
            inner = text[tag.end:tags[close].start]
            out.append(_media_link(f"{tag.attrs} {inner}"))
            at = tags[close].end
            skip_until = at
        elif close is not None:
            out.append("<p>" if tag.name in _KEEP_INNER else "")
        elif tag.name in _MEDIA:
            out.append(_media_link(tag.attrs))
        elif _is_prose(tag):
            out.append(text[tag.start:tag.end])  # words in brackets, not a shortcode
    out.append(text[at:])
    return "".join(out)


_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _caption_attribute(attrs: str) -> str:
    """Older WordPress put a caption's text in its ``caption="..."`` attribute."""
    found = _CAPTION_ATTRIBUTE.search(attrs)
    return f" {found.group(1) or found.group(2) or ''}" if found else ""


def _is_prose(tag: _Tag) -> bool:
    """A lone ``[...]`` an editor wrote (``[sic]``, ``[two words]``) rather than a plugin's
    tag: no attributes (``=``), no ``/]``, and not a name WordPress sites use."""
    if tag.name in _FURNITURE or "=" in tag.attrs or tag.self_closing:
        return False
    return bool(tag.attrs) or tag.name in _EDITORIAL


def _pairs(tags: list[_Tag]) -> dict[int, int]:
    """Opening and closing tags that belong together, both ways (innermost first, as
    WordPress matches them)."""
    open_by_name: dict[str, list[int]] = {}
    partner: dict[int, int] = {}
    for index, tag in enumerate(tags):
        if tag.escaped is not None:
            continue
        if tag.closing:
            stack = open_by_name.get(tag.name)
            if stack:
                start = stack.pop()
                partner[start] = index
                partner[index] = start
        else:
            open_by_name.setdefault(tag.name, []).append(index)
    return partner


def _media_link(text: str) -> str:
    """The media's address as a paragraph of its own, written ``<url>``: the text extractor
    keeps it (it drops paragraphs that are only a link) and Markdown makes it a link."""
    found = _URL.search(html.unescape(text))
    if not found:
        return ""
    return f"\n\n<p>&lt;{html.escape(found.group().rstrip('.,;)'))}&gt;</p>\n\n"


# Tags that start a block of their own: a chunk beginning with one is not wrapped in <p>.
_BLOCK = re.compile(r"(?i)^\s*<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|pre|table|figure|hr|"
                    r"section|article|aside|header|footer|address|iframe|form|details)\b")


def autop(text: str) -> str:
    """Paragraphs the way WordPress shows a post: a blank line ends a paragraph and a single
    line break inside one is a ``<br>``. Chunks that already open with a block tag (the block
    editor's ``<p>``, a ``<h2>``, a list) are left as they are."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK.match(chunk) or chunk.startswith("<!--"):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(out)


def body_html(content: str) -> str:
    """A post's stored body as the HTML its page showed (before the cleaner reads it)."""
    return autop(expand_shortcodes(content))
