"""An extracted page's structure as Markdown: headings, tables, lists, links and images.

The extractor (trafilatura) finds the article in a page and hands back its own XML: ``head``
with the heading level, ``p``, ``list``/``item`` (nested), ``table``/``row``/``cell`` (with
``role="head"`` on header cells), ``graphic`` with ``src`` and ``alt``, ``ref`` with its
``target``, ``hi`` for emphasis, ``quote``, ``code`` and ``lb`` line breaks. Its plain-text
output flattens all of that (a table became one line per cell, split by blank lines); its own
Markdown output leaves links relative, indents nested lists by two spaces (which Python-Markdown
reads as one list) and pads lines with spaces. This module writes the Markdown the build reads:

* one block per paragraph, heading, list, table, image or quotation, separated by a blank
  line (the cleaner then sees one line per paragraph, as with pasted text);
* headings keep their level (``h1``, the article's title, is written as ``##``: the caller
  drops the first block when it repeats the title, and the page's title is the only ``h1``);
* tables become pipe tables: the first row is the header when the page marks it so (or when
  it is the only sensible header: the table has more than one row), cells on one line, ``|``
  and ``\\`` escaped inside them, links and emphasis kept;
* lists keep their kind (``-`` or ``1.``), nested ones indented by four spaces (three
  levels at most: deeper items join the third);
* links and images keep their targets, made absolute from the page's address when it is known
  (relative ones would point into the digest), images with their ``alt`` text; a link or image
  whose target is not http(s) or mailto keeps only its text;
* Markdown's own characters in the text are escaped, so a page's ``*`` or ``<`` is text.

Everything goes through the cleaner and, at build time, the sanitiser, like any article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType
from urllib.parse import urljoin, urlsplit

from lxml import etree

__all__ = ("to_markdown",)

_SPACES = re.compile(r"\s+")
_ESCAPE = re.compile(r"([\\`*_<>])")
_BRACKETS = re.compile(r"([\[\]])")
_LINK_LIKE = re.compile(r"\][(\[:]")  # brackets Markdown would read as a link
_AUTOLINK = re.compile(r"(<(?:https?://|mailto:)[^<>\s]+>)")
_BLOCK_START = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s)")
_SCHEMES = ("http", "https", "mailto")
_LIST_INDENT = "    "  # Python-Markdown nests a list only under four spaces
_MAX_LIST_DEPTH = 3  # news lists nest once or twice; a page nesting hundreds is hostile
_HEADING_LEVELS = MappingProxyType({f"h{n}": n for n in range(1, 7)})


def to_markdown(xml: str, base_url: str | None = None) -> str:
    """The Markdown of trafilatura's XML output (``output_format="xml"``); ``base_url``
    makes relative link and image targets absolute. Empty when there is no main text."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True,
                                                                     resolve_entities=False))
    except etree.XMLSyntaxError:
        return ""
    if root is None:
        return ""
    main = root.find("main")
    if main is None:
        main = root
    writer = _Writer(base_url)
    try:
        blocks = [b for b in writer.blocks(main) if b.strip()]
    except RecursionError:  # markup nested deeper than Python's stack: keep the text only
        blocks = [_protect_start(_escape(_SPACES.sub(" ", "".join(child.itertext())).strip()))
                  for child in main if isinstance(child.tag, str)]
        blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


class _Writer:
    """The conversion, with the page's address for relative targets."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, parent: etree._Element) -> Iterator[str]:
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            yield from self.block(child)

    def block(self, node: etree._Element) -> Iterator[str]:
        tag = node.tag
        if tag == "head":
            # h1 is the page's title (the caller drops it when it repeats the title); any
            # other becomes h2, the article's top level below its title.
            level = max(2, _HEADING_LEVELS.get(node.get("rend", ""), 2))
            text = self.inline(node)
            if text:
                yield f"{'#' * level} {text}"
        elif tag == "p":
            yield from self.paragraph(node)
        elif tag == "list":
            lines = self.list_lines(node, 0)
            if lines:
                yield "\n".join(lines)
        elif tag == "table":
            table = self.table(node)
            if table:
                yield table
        elif tag == "graphic":
            image = self.image(node)
            if image:
                yield image
        elif tag == "quote":
            text = self.inline(node, breaks=True)
            lines = [line for line in text.split("\n") if line.strip()]
            if lines:
                yield "\n".join(f"> {line}" for line in lines)
        elif tag == "code":
            code = "".join(node.itertext()).strip("\n")
            if code.strip():
                fence = "~~~" if "```" in code else "```"
                yield f"{fence}\n{code}\n{fence}"
        elif tag in ("div", "main", "doc", "body", "section"):
            yield from self.blocks(node)
        else:  # an inline element at block level (a stray ref or hi): a paragraph of its own
            text = self.inline(node)
            if text:
                yield _protect_start(text)

    def paragraph(self, node: etree._Element) -> Iterator[str]:
        """A paragraph, one output line per ``lb`` line (as the plain text had them)."""
        text = self.inline(node, breaks=True)
        lines = [_protect_start(line.strip()) for line in text.split("\n") if line.strip()]
        if lines:
            yield "\n\n".join(lines)

    def list_lines(self, node: etree._Element, depth: int) -> list[str]:
        ordered = node.get("rend", "") in ("ol", "ordered")
        lines: list[str] = []
        number = 0
        for item in node:
            if item.tag != "item":
                continue
            number += 1
            marker = f"{number}." if ordered else "-"
            nested = [child for child in item if child.tag == "list"]
            text = self.inline(item, skip=("list",))
            if text or nested:
                lines.append(f"{_LIST_INDENT * depth}{marker} {text}".rstrip())
            for sub in nested:  # deeper than _MAX_LIST_DEPTH: the items join the last level
                lines.extend(self.list_lines(sub, min(depth + 1, _MAX_LIST_DEPTH)))
        return lines

    def table(self, node: etree._Element) -> str:
        rows: list[tuple[list[str], bool]] = []
        for row in node.iter("row"):
            cells = [self.cell(cell) for cell in row if cell.tag == "cell"]
            if any(cells):
                head = all(cell.get("role") == "head" for cell in row if cell.tag == "cell")
                rows.append((cells, head))
        if not rows:
            return ""
        width = max(len(cells) for cells, _ in rows)
        grid = [cells + [""] * (width - len(cells)) for cells, _ in rows]
        header = grid[0] if rows[0][1] or len(grid) > 1 else [""] * width
        body = grid[1:] if rows[0][1] or len(grid) > 1 else grid
        lines = [_row(header), "|" + "|".join(" --- " for _ in range(width)) + "|"]
        lines += [_row(cells) for cells in body]
        return "\n".join(lines)

    def cell(self, node: etree._Element) -> str:
        text = self.inline(node)
        return text.replace("|", "\\|")

    def image(self, node: etree._Element) -> str:
        src = self.target(node.get("src"))
        alt = _escape(_SPACES.sub(" ", node.get("alt") or node.get("title") or "").strip())
        if not src:
            return alt
        return f"![{alt}]({_url(src)})"

    # -- inline ---------------------------------------------------------------------------

    def inline(self, node: etree._Element, breaks: bool = False,
               skip: tuple[str, ...] = ()) -> str:
        """The node's text with its inline markup as Markdown, spaces collapsed (line breaks
        kept as newlines when ``breaks``)."""
        parts: list[str] = []
        if node.text:
            parts.append(_escape(node.text))
        for child in node:
            if isinstance(child.tag, str) and child.tag not in skip:
                parts.append(self.inline_child(child, breaks))
            if child.tail:
                parts.append(_escape(child.tail))
        text = "".join(parts)
        if breaks:
            return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        return _SPACES.sub(" ", text).strip()

    def inline_child(self, child: etree._Element, breaks: bool) -> str:
        tag = child.tag
        if tag == "lb":
            return "\n" if breaks else " "
        if tag == "graphic":  # a figure's image: a line of its own, its caption after it
            image = self.image(child)
            return f"\n{image}\n" if breaks and image else image
        inner = self.inline(child)
        if not inner:
            return ""
        if tag == "ref":
            target = self.target(child.get("target"))
            return f"[{inner}]({_url(target)})" if target else inner
        if tag == "hi":
            rend = child.get("rend", "")
            if rend in ("#b", "#strong"):
                return f"**{inner}**"
            if rend in ("#i", "#em"):
                return f"*{inner}*"
            if rend == "#t":
                return f"`{inner}`"
        if tag == "code":
            return f"`{inner}`"
        return inner

    def target(self, value: str | None) -> str | None:
        """An absolute http(s) or mailto target, or None."""
        if not value or not value.strip():
            return None
        value = value.strip()
        if self.base_url:
            value = urljoin(self.base_url, value)
        scheme = urlsplit(value).scheme.lower()
        return value if scheme in _SCHEMES else None


def _escape(text: str) -> str:
    """Markdown's characters as text, except in an autolink (``<https://…>``, how an
    embedded video's address reaches the page), which stays a link."""
    parts = _AUTOLINK.split(text) if "<" in text else [text]  # odd items are the autolinks
    return "".join(part if i % 2 else _escape_text(part) for i, part in enumerate(parts))


def _escape_text(text: str) -> str:
    """Brackets are escaped only where Markdown would make a link of them ("[sic]" stays)."""
    text = _ESCAPE.sub(r"\\\1", text)
    return _BRACKETS.sub(r"\\\1", text) if _LINK_LIKE.search(text) else text


def _protect_start(line: str) -> str:
    """A paragraph line that Markdown would read as a heading, quotation or list item."""
    return "\\" + line if _BLOCK_START.match(line) else line


def _url(target: str) -> str:
    """A target as a Markdown link destination (angle brackets when it has spaces or
    parentheses, which would end it)."""
    if any(ch in target for ch in " ()<>"):
        return "<" + target.replace("<", "%3C").replace(">", "%3E") + ">"
    return target


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell or " " for cell in cells) + " |"
