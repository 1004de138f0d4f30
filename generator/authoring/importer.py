"""Turn pasted text, a saved web page or a URL into an article file.

The pieces are plain functions so the command (``generator/cli/commands/import_cmd.py``) is a
short sequence and tests can call each one:

* :func:`read_source` gets bytes (file, standard input, or http(s) through
  :mod:`generator.authoring.fetch`: safe redirects, a total deadline, a size limit) and
  :func:`decode` turns them into text, honouring a declared charset;
* :func:`from_text` and :func:`from_html` make a :class:`Draft` (headline, body paragraphs,
  what the page states about itself); both run :func:`generator.content.cleanup.clean_text`;
  :func:`from_fragment` runs an HTML fragment (a feed entry, a WordPress post) through
  :func:`from_html` under the title its source gives it;
* :func:`render` writes the front matter and body; :func:`write_new` puts the file in place
  atomically and never replaces an existing article unless asked to.

Nothing is invented: ``published`` and ``source`` are filled only from what the page states
(meta tags, JSON-LD, ``<link rel=canonical>``, or the URL it was fetched from).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator import __version__
from generator.authoring.fetch import FetchFailed, fetch
from generator.authoring.structure import to_markdown
from generator.content.cleanup import RemovedLine, clean_text, line_key
from generator.content.source import ARTICLES_DIR
from generator.core.dates import out_of_range

MAX_BYTES = 10_000_000
TIMEOUT = 20.0  # for each socket operation
DEADLINE = 30.0  # for the whole fetch, redirects included


class ImportFailed(Exception):
    """A problem the curator must fix, about ``path`` (at ``line`` when known, else 0);
    ``exit_code`` follows the CLI's rules (1 for content that cannot be imported, 3 for
    reading and writing failures)."""

    def __init__(self, path: str, message: str, exit_code: int = 1, line: int = 0):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.exit_code = exit_code
        self.line = line


@dataclass(frozen=True, slots=True)
class Fetched:
    name: str  # how diagnostics name the source
    data: bytes
    url: str | None = None
    content_type: str | None = None
    charset: str | None = None
    local_origin: bool = False  # fetched from a local or private address (see fetch.Page)


@dataclass(frozen=True, slots=True)
class Draft:
    title: str
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...] = ()
    published: datetime | date | None = None
    source_name: str | None = None
    source_url: str | None = None
    # What a bulk import's source says beyond the page: not yet public at the source (a
    # WordPress draft), who wrote it, and its categories and tags.
    unpublished: bool = False
    byline: str | None = None
    topics: tuple[str, ...] = ()


# --------------------------------------------------------------------------- reading

def read_source(source: str, stdin: Any = None, max_bytes: int = MAX_BYTES,
                timeout: float = TIMEOUT, deadline: float = DEADLINE,
                trust_internal: bool | None = None, linked: bool = False) -> Fetched:
    """The bytes of a file, of standard input (``-``) or of an http(s) URL.

    ``linked`` and ``trust_internal`` are for URLs found in a document rather than typed by
    the curator (a feed's entry links): see :func:`generator.authoring.fetch.fetch`.
    """
    if source == "-":
        stream = stdin.buffer if hasattr(stdin, "buffer") else stdin
        data = stream.read(max_bytes + 1)
        return Fetched("<stdin>", limited(data, "<stdin>", max_bytes))
    if re.match(r"(?i)https?://", source):
        return _fetch_url(source, max_bytes, timeout, deadline, trust_internal, linked)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImportFailed(source, "no such file", 3) from None
    except IsADirectoryError:
        raise ImportFailed(source, "is a folder, not a file", 3) from None
    except OSError as exc:
        raise ImportFailed(source, f"cannot read ({exc.strerror or exc})", 3) from None
    kind = "text/html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else None
    return Fetched(source, limited(data, source, max_bytes), content_type=kind)


def limited(data: bytes, name: str, max_bytes: int) -> bytes:
    """``data``, or the error saying it is over ``max_bytes`` (callers read one byte more)."""
    if len(data) > max_bytes:
        raise ImportFailed(name, f"larger than {max_bytes} bytes; not imported")
    return data


def _fetch_url(url: str, max_bytes: int, timeout: float, deadline: float,
               trust_internal: bool | None = None, linked: bool = False) -> Fetched:
    """Only http(s) redirects, never from a public page to a local or private address, and
    all of it within ``deadline`` seconds (see ``generator.authoring.fetch``)."""
    try:
        page = fetch(url, max_bytes=max_bytes, agent=f"mawjaz/{__version__} (article import)",
                     deadline=deadline, read_timeout=timeout, trust_internal=trust_internal,
                     linked=linked)
    except FetchFailed as failed:
        raise ImportFailed(url, str(failed), 3) from None
    return Fetched(url, limited(page.data, url, max_bytes), url=page.url,
                   content_type=page.content_type, charset=page.charset,
                   local_origin=page.local_origin)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def decode(fetched: Fetched) -> tuple[str, bool]:
    """The source as text, and whether it is HTML."""
    data = fetched.data
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(fetched.name, "binary data, not text or HTML; not imported")
    is_html = fetched.content_type in ("text/html", "application/xhtml+xml") or bool(
        _HTML_SNIFF.match(data[:4096].lstrip(b"\xef\xbb\xbf")))
    if fetched.content_type and not is_html and not fetched.content_type.startswith("text/"):
        raise ImportFailed(fetched.name, f"{fetched.content_type} is not text or HTML")
    charset = fetched.charset
    if data.startswith(b"\xef\xbb\xbf"):
        charset = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        charset = "utf-16"
    elif not charset and is_html:
        match = _META_CHARSET.search(data[:8192])
        charset = match.group(1).decode("ascii") if match else None
    charset = charset or "utf-8"
    try:
        return data.decode(charset), is_html
    except LookupError:
        raise ImportFailed(fetched.name, f"unknown character set `{charset}`") from None
    except UnicodeDecodeError as exc:
        raise ImportFailed(fetched.name, f"not valid {charset} text (byte {exc.start}); "
                           "save it as UTF-8 or declare its charset") from None


# --------------------------------------------------------------------------- drafts

def from_text(text: str, name: str = "<text>") -> Draft:
    """Pasted text: the headline is the first non-empty line, each other line a paragraph.

    The headline's line is blanked rather than dropped so the cleaner's line numbers are the
    source file's line numbers.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ImportFailed(name, "empty: no headline and no text")
    title = " ".join(lines[first].split())
    lines[first] = ""
    cleaned = clean_text("\n".join(lines))
    return Draft(title, _paragraphs(cleaned.text), cleaned.removed)


def from_html(page: str, url: str | None = None, name: str = "<html>") -> Draft:
    """A web page: main text by trafilatura (comments out, precision first) with its
    structure kept as Markdown (``structure.to_markdown``: headings, tables, lists, links,
    images), then cleaned."""
    import trafilatura  # imported here: heavy, and only this command needs it

    xml = trafilatura.extract(page, url=url, include_comments=False, favor_precision=True,
                              include_tables=True, include_images=True, include_links=True,
                              include_formatting=True, output_format="xml", with_metadata=False,
                              deduplicate=False) or ""
    meta = page_metadata(page)
    extracted_title = None
    if not meta.get("title"):
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, only_with_metadata=False,
                                          include_comments=False, favor_precision=True)
        extracted_title = getattr(doc, "title", None) if doc is not None else None
    source_url = meta.get("url") or (url if url and re.match(r"(?i)https?://", url) else None)
    cleaned = clean_text(to_markdown(xml, source_url))
    paragraphs = list(_blocks(cleaned.text))
    title = meta.get("title") or extracted_title
    if not title and paragraphs:
        title = paragraphs.pop(0).lstrip("#").strip()
    if not title:
        raise ImportFailed(name, "no article text found in the page")
    # The page's own headline, wherever the extractor put it among the first blocks (after
    # a kicker or a category line, say), is the title, not a paragraph.
    title_key = line_key(title)
    repeat = next((i for i, p in enumerate(paragraphs[:_TITLE_WINDOW]) if line_key(p) == title_key),
                  None)
    if repeat is not None:
        paragraphs.pop(repeat)
    return Draft(" ".join(title.split()), tuple(paragraphs), cleaned.removed,
                 parse_date(meta.get("published")), meta.get("site"), source_url)


_TITLE_WINDOW = 3


def from_fragment(fragment: str, title: str | None, name: str = "<html>") -> Draft:
    """Part of a page (a feed entry's content, a WordPress post body) through
    :func:`from_html`, as the article of a page titled ``title``.

    The fragment goes inside ``<article>`` under the title as its ``<h1>``, so the extractor
    takes it as the page's main text and the title is what the source gave, never a heading
    found in the fragment. Metadata the fragment might carry (``<meta>``, canonical links) is
    dropped: the caller's source states it.
    """
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title or '')}"
            f"</title></head><body><article>{heading}\n{fragment}\n</article></body></html>")
    draft = from_html(page, name=name)
    return Draft(" ".join(title.split()) if title else draft.title, draft.paragraphs, draft.removed)


def _paragraphs(text: str) -> tuple[str, ...]:
    """Each non-empty line is a paragraph; consecutive list items stay one block."""
    blocks: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if blocks and _is_item(line) and _is_item(blocks[-1].rsplit("\n", 1)[-1]):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return tuple(blocks)


def _blocks(text: str) -> tuple[str, ...]:
    """Markdown blocks (separated by blank lines): a table or a list stays one block, any
    other block gives one paragraph per line (as pasted text does)."""
    result: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("|") for line in lines) or _is_item(lines[0].lstrip()):
            result.append("\n".join(lines))
        else:
            result.extend(line.strip() for line in lines)
    return tuple(result)


def _is_item(line: str) -> bool:
    return bool(re.match(r"(?:[-*+]|\d{1,3}[.)])\s", line))


# --------------------------------------------------------------------------- page metadata

_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "publish-date", "publish_date", "dc.date.issued", "dcterms.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "date")
_SITE_META = ("og:site_name", "application-name")
_TITLE_META = ("og:title", "twitter:title")


def page_metadata(page: str) -> dict[str, str]:
    """What the page states about itself: title, site name, canonical URL, publication date."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(page)
    except Exception:  # lxml raises several types on junk input
        return {}
    metas: dict[str, str] = {}
    for node in tree.iter("meta"):
        name = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        content = (node.get("content") or "").strip()
        if name and content:
            metas.setdefault(name, content)
    ld = _json_ld(tree)
    found: dict[str, str] = {}
    title = _first(metas, _TITLE_META) or _ld_text(ld, "headline")
    h1s = [" ".join(h.text_content().split()) for h in tree.iter("h1")]
    h1s = [h for h in h1s if h]
    in_article = [" ".join(h.text_content().split()) for h in tree.xpath("//article//h1")]
    if in_article and in_article[0]:
        title = in_article[0]
    elif len(h1s) == 1 and (not title or line_key(h1s[0]) in line_key(title)):
        title = h1s[0]
    elif not title:
        titles = [" ".join(t.text_content().split()) for t in tree.iter("title")]
        title = titles[0] if titles and titles[0] else (h1s[0] if h1s else "")
    if title:
        found["title"] = title
    site = _first(metas, _SITE_META) or _ld_publisher(ld)
    if site:
        found["site"] = site
    canonical = next((link.get("href") for link in tree.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split()), None)
    url = canonical or metas.get("og:url")
    if url and re.match(r"(?i)https?://", url.strip()):
        found["url"] = url.strip()
    published = _first(metas, _DATE_META) or _ld_text(ld, "datePublished")
    if not published:
        for node in tree.iter("time"):
            if node.get("pubdate") is not None or "published" in (node.get("class") or ""):
                published = node.get("datetime")
                break
    if published:
        found["published"] = published.strip()
    return found


def _first(metas: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((metas[n] for n in names if metas.get(n)), None)


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text_content())
        except (ValueError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return items


def _ld_text(items: list[dict[str, Any]], key: str) -> str | None:
    return next((str(i[key]).strip() for i in items if isinstance(i.get(key), str | int)), None)


def _ld_publisher(items: list[dict[str, Any]]) -> str | None:
    for item in items:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return publisher["name"].strip() or None
    return None


def parse_date(value: str | None) -> datetime | date | None:
    """An ISO 8601 date or datetime as stated by the page, or None (never guessed)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return None if out_of_range(day) else day
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    # A page dated at the end of the calendar would give a draft no build accepts.
    return None if out_of_range(when) else when.replace(microsecond=0)


# --------------------------------------------------------------------------- the article file

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_FR_WORDS = frozenset((
    "le", "la", "les", "des", "du", "de", "une", "est", "et", "à", "au", "aux", "pour",
    "dans", "sur", "que", "qui", "pas", "avec", "par", "ce", "cette", "sont", "ont", "été"))
_EN_WORDS = frozenset((
    "the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "was", "were", "are",
    "by", "from", "this", "has", "have", "it", "as", "at"))


def detect_lang(text: str) -> str:
    """Arabic when Arabic letters are the majority; otherwise French or English by common
    function words (a tiny heuristic; ``--lang`` overrides it)."""
    arabic = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic and arabic >= latin:
        return "ar"
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    french = sum(w in _FR_WORDS for w in words) + 2 * len(re.findall(r"[éèêàçù]", text.lower()))
    english = sum(w in _EN_WORDS for w in words)
    return "fr" if french > english * 1.5 else "en"


def render(draft: Draft, when: datetime, lang: str, actors: tuple[str, ...] = (),
           slug: str | None = None) -> str:
    """The article file: YAML front matter between ``---`` lines, a blank line, the body.
    ``slug`` is written only when the title's own slug is taken by another article."""
    meta: dict[str, Any] = {"title": draft.title, "date": when, "lang": lang}
    if draft.unpublished:
        meta["draft"] = True
    if slug:
        meta["slug"] = slug
    if draft.published is not None:
        meta["published"] = draft.published
    source = {k: v for k, v in (("name", draft.source_name), ("url", draft.source_url)) if v}
    if source:
        meta["source"] = source
    if draft.byline:
        meta["byline"] = draft.byline
    if draft.topics:
        meta["topics"] = list(draft.topics)
    if actors:
        meta["actors"] = list(actors)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n" + "\n\n".join(draft.paragraphs) + "\n"


def article_path(root: Path, when: datetime, slug: str) -> Path:
    return root / ARTICLES_DIR / f"{when.date().isoformat()}-{slug}.md"


def check_destination(root: Path) -> None:
    """Refuse to write when ``content/articles`` (or ``content``) is a link leading out of
    the digest: a cloned digest must not make an import write files elsewhere."""
    folder = root / ARTICLES_DIR
    where = folder.resolve()
    if not where.is_relative_to(root.resolve()):
        raise ImportFailed(str(folder), f"leads outside the digest (to {where}); nothing written", 3)


def write_new(path: Path, content: str, force: bool = False) -> None:
    """Write atomically (temporary file, then rename); refuse to replace unless ``force``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not force and path.exists():
        raise ImportFailed(str(path), "already exists; use --force to replace it")
    with _temporary(path) as tmp:
        tmp.write_bytes(content.encode("utf-8"))
        if force:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbers
        except FileExistsError:
            raise ImportFailed(str(path), "already exists; use --force to replace it") from None
        except OSError:  # file systems without hard links
            if path.exists():
                raise ImportFailed(str(path), "already exists; use --force to replace it") from None
            os.replace(tmp, path)


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    tmp.chmod(0o644)  # mkstemp makes 0600; an article is an ordinary file of the digest
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
