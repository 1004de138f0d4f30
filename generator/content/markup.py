"""Render: Markdown to sanitised HTML.

Sources come from the open web, so whatever Markdown lets through (raw HTML included) is
passed through an allow-list sanitiser (nh3): no scripts, event handlers, frames, styles or
``javascript:``/``data:`` URLs survive, while ``dir`` and ``lang`` do, because mixed-direction
text needs them. Heading ids are made with the site's slug rules so Arabic headings get
readable anchors instead of empty or transliterated ones.
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

import nh3

from generator.text.slugs import make_slug

if TYPE_CHECKING:
    import markdown

_COMMON_ATTRS = frozenset({"dir", "lang", "title"})
TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
})
ATTRIBUTES = MappingProxyType({
    "*": _COMMON_ATTRS,
    "a": frozenset({"href", "id"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "ol": frozenset({"start", "reversed"}),
    "li": frozenset({"id"}),
    "sup": frozenset({"id"}),
    "time": frozenset({"datetime"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    **{f"h{level}": frozenset({"id"}) for level in range(2, 7)},
})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_CLASSES = MappingProxyType({"div": frozenset({"footnote"}),
                                   "a": frozenset({"footnote-ref", "footnote-backref"})})


def _heading_id(value: str, separator: str) -> str:
    return make_slug(html.unescape(value), "unicode")


# Extensions in a fixed order, each with a test for text it could change. Python-Markdown's
# cost grows with every extension loaded, used or not (each adds passes over the document),
# so a body is converted by a converter with only the extensions its text could need; the
# tests are loose (a false positive only costs time) and never miss text an extension acts on.
# Each is a substring test first: a regex scanning a whole Arabic body costs more than that.
_DEFINITION = re.compile(r"(?:^|[\r\n]) {0,3}:")
_SETEXT = re.compile(r"(?:^|[\r\n]) {0,3}[=-]+[ \t]*(?:[\r\n]|$)")
EXTENSIONS: tuple[tuple[str, Callable[[str], object] | None], ...] = (
    ("abbr", lambda text: "*[" in text),
    ("attr_list", lambda text: "{" in text),
    ("def_list", lambda text: ":" in text and _DEFINITION.search(text)),
    ("fenced_code", lambda text: "```" in text or "~~~" in text),
    ("footnotes", lambda text: "[^" in text),
    ("tables", lambda text: "|" in text),
    ("sane_lists", None),  # changes how every list is read: always on
    ("toc", lambda text: "#" in text or "[TOC]" in text
     or (("=" in text or "-" in text) and _SETEXT.search(text))),
)
_CONFIGS = MappingProxyType({
    "toc": MappingProxyType({"slugify": _heading_id}),
    "footnotes": MappingProxyType({"BACKLINK_TITLE": "↩ %d", "SUPERSCRIPT_TEXT": "{}"}),
})


# The same for Python-Markdown's inline patterns, tried on every run of text in every block:
# each needs a character without which its expression cannot match. (Text is expanded from
# tabs before parsing, so a tab before a line end can make the two spaces of a line break;
# and raw HTML the block pass sets aside, as in `0 <!> <!>` then a line, can leave two spaces
# before a line end where the text had none: with any `<`, the pattern stays.)
INLINE_PATTERNS: tuple[tuple[tuple[str, ...], Callable[[str], bool]], ...] = (
    (("backtick",), lambda text: "`" in text),
    (("escape",), lambda text: "\\" in text),
    (("reference", "link", "short_reference"), lambda text: "[" in text),
    (("image_link", "image_reference", "short_image_ref"), lambda text: "![" in text),
    (("autolink", "automail", "html"), lambda text: "<" in text),
    (("linebreak",), lambda text: "  \n" in text or "  \r" in text or "\t" in text or "<" in text),
    (("entity",), lambda text: "&" in text),
    (("em_strong",), lambda text: "*" in text or "_" in text),
)


def needed_extensions(text: str) -> tuple[str, ...]:
    return tuple(name for name, trigger in EXTENSIONS if trigger is None or trigger(text))


def unneeded_patterns(text: str) -> tuple[str, ...]:
    return tuple(name for names, trigger in INLINE_PATTERNS if not trigger(text) for name in names)


@lru_cache(maxsize=128)
def _converter(extensions: tuple[str, ...] = tuple(name for name, _ in EXTENSIONS),
               without: tuple[str, ...] = ()) -> markdown.Markdown:
    # One converter per set of extensions and patterns and per process, reset between
    # documents: building one costs more than a typical article's conversion. The package
    # is imported here, by the first body that needs it: a build with no article to convert
    # (nothing changed, or only plain paragraphs) does not pay for loading it.
    import markdown

    # Each extension made from its module: by name, Python-Markdown first looks the name up
    # among the entry points of every installed package, a scan of their metadata that was
    # a third of the time the first article of a rebuild took to convert.
    made = [importlib.import_module(f"markdown.extensions.{name}").makeExtension(**_CONFIGS.get(name, {}))
            for name in extensions]
    converter = markdown.Markdown(extensions=made, output_format="html")
    for name in without:
        converter.inlinePatterns.deregister(name)
    return converter


class MarkupError(ValueError):
    """A body the converter cannot take safely; the message says what to change."""


# Python-Markdown searches the whole text once per abbreviation (`*[HTML]: ...`), so a pasted
# page with thousands of them would take hours; it also recurses once per level of nested
# lists, so a few hundred levels exhaust the stack.
MAX_ABBREVIATIONS = 100
_ABBREVIATION = re.compile(r"^ {0,3}\*\[", re.MULTILINE)


# Python-Markdown's inline pass is quadratic in two ways, so a pathological paragraph could
# stall an unattended build for hours (a paste is capped at 2 MB, not at sane Markdown):
# - each `[` that is never closed makes the link parser read on to the end of its paragraph:
#   1000 of them before 50 KB of text take ten seconds;
# - each inline element (escape, emphasis, code, entity, tag) rebuilds the paragraph's text:
#   50,000 backslash escapes in one 100 KB paragraph take a second, in 2 MB minutes.
# Its block pass is linear but reads a quote or list item again at every level of nesting:
# 60,000 lines of `> x` under a line of `>>>>...` took 11 s. Both are estimated per
# paragraph and refused beyond about two seconds of work (nesting: half a second).
# The fenced-code extension's pattern reads the blanks after a line's opening fence (```
# or ~~~ at its start) twice over, once for each way to share them between its two runs of
# blanks: 20,000 spaces after a fence take 8 s, whatever follows. Refused beyond about one
# second (spaces squared on one such line).
MAX_BRACKET_WORK = 5_000_000  # unclosed `[` x paragraph length
MAX_INLINE_WORK = 10_000_000_000  # markup characters x paragraph length
MAX_NESTING_WORK = 50_000_000  # levels of quotes and indents x paragraph length
MAX_FENCE_WORK = 50_000_000  # spaces on a line that starts with a fence, squared
_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})[^\n]*", re.MULTILINE)
_NESTING = re.compile(r"^[ \t>]{8,}", re.MULTILINE)
_BRACKET = re.compile(r"\\.|[\[\]]", re.DOTALL)
_INLINE = re.compile(r"[\\`*_&<!\[]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


# Python-Markdown recursed once per level of nested lists and quotes, and a few hundred
# levels on one line (`- - - - ... x`) ended in a RecursionError, reported as too deep;
# from 3.11 it stops nesting at a depth of its own and the body converts into hundreds of
# empty nested lists. No text nests that deep: refused past this many levels whatever the
# version, so the diagnostic does not depend on the installed Markdown.
MAX_LEVELS = 100
_TOO_DEEP = "lists or quotes are nested too deeply to convert; flatten them"
_OPENERS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+|[ \t]*>)+", re.MULTILINE)
_OPENER = re.compile(r"[-*+>]|\d{1,9}[.)]")


def _levels(opening: str) -> int:
    """Levels of lists and quotes a line's leading run of markers opens: one per marker,
    and one per four columns of indentation before the first."""
    indent = opening[:len(opening) - len(opening.lstrip(" \t"))].expandtabs(4)
    return len(_OPENER.findall(opening)) + len(indent) // 4


def _check_depth(text: str) -> None:
    """Refuse a body whose lists or quotes nest more than ``MAX_LEVELS`` deep (see above)."""
    if max(map(_levels, _OPENERS.findall(text)), default=0) > MAX_LEVELS:
        raise MarkupError(_TOO_DEEP)


def _depth(prefix: str) -> int:
    """Levels of quotes and indented lists a line's leading run of `>` and blanks opens."""
    return prefix.count(">") + prefix.expandtabs(4).count(" ") // 4


def _check_cost(text: str) -> None:
    """Refuse a body the converter would take too long over (see above). No estimate exceeds
    the square of the body's length, so one that cannot reach its limit is not made (news
    bodies are short enough for all but the inline one), and a block without the character
    an estimate counts is not scanned for it."""
    bound = len(text) ** 2
    brackets = inline = unclosed = nesting = 0
    for block in _BLANK_LINE.split(text) if bound > MAX_BRACKET_WORK else ():
        if bound > MAX_NESTING_WORK and (">" in block or "\t" in block or " " * 8 in block):
            nesting += len(block) * max(map(_depth, _NESTING.findall(block)), default=0)
        opened = 0
        for match in _BRACKET.finditer(block) if "[" in block else ():
            if match.group() == "[":
                opened += 1
            elif match.group() == "]" and opened:
                opened -= 1
        brackets += opened * len(block)
        unclosed += opened
        if bound > MAX_INLINE_WORK:
            inline += len(_INLINE.findall(block)) * len(block)
    if bound > MAX_FENCE_WORK and max((line.count(" ") ** 2 for line in _FENCE_LINE.findall(text)),
                                      default=0) > MAX_FENCE_WORK:
        raise MarkupError("a line that starts with ``` or ~~~ has thousands of spaces, which the "
                          "converter would take minutes over: remove them")
    if brackets > MAX_BRACKET_WORK:
        raise MarkupError(f"{unclosed} `[` are never closed, in long paragraphs; the converter "
                          "would take minutes: close them, or escape them as `\\[`")
    if nesting > MAX_NESTING_WORK:
        raise MarkupError("quotes or lists are nested too deeply in a long passage to convert "
                          "in reasonable time; flatten them or split the passage with blank lines")
    if inline > MAX_INLINE_WORK:
        raise MarkupError("a paragraph is too long and too full of markup to convert in "
                          "reasonable time; split it with blank lines")


# A body of plain paragraphs (most news text, once its boilerplate is gone) comes out of
# Python-Markdown as those paragraphs in <p>, and nothing else, when it holds no character
# any inline rule or extension starts from, and no line begins or ends the way a block rule
# (list, rule, heading underline, definition, indented code) or a line break needs. Such a
# body is converted here, to the same bytes, for a fraction of the converter's cost; anything
# else goes to the converter. The tests compare the two on random text.
_NOT_PLAIN = re.compile(r"""
      [\\`*_{}\[\]<>&\#|~\t\r\x02\x03]     # inline markup, HTML, headings, tables, tabs
    | ^[^\S\n] | [^\S\n]$               # a line that starts or ends with blank space
    | ^(?:[-+=:]|\d+\.)                 # lists, rules, underlines, definitions
    """, re.MULTILINE | re.VERBOSE)


_MARKUP_CHAR = re.compile(r"[\\`*_{}\[\]<>&\#|~\t\r\x02\x03]")  # the first branch of _NOT_PLAIN
_NUMBERED = re.compile(r"\d+\.")


def is_plain(text: str) -> bool:
    """``not _NOT_PLAIN.search(text)``, line by line: its anchored branches make the regex
    try three alternatives at every character of a body, and only a line's first and last
    characters can match them (``\\s`` and ``\\d`` are ``str.isspace`` and ``str.isdecimal``)."""
    if _MARKUP_CHAR.search(text):
        return False
    for line in text.split("\n"):
        if line and (line[0].isspace() or line[-1].isspace() or line[0] in "-+=:"
                     or (line[0].isdecimal() and _NUMBERED.match(line))):
            return False
    return True


def plain_paragraphs(text: str) -> str | None:
    """What Python-Markdown makes of ``text`` when it is plain paragraphs (see
    ``_NOT_PLAIN``), or None when it may be anything else."""
    if not is_plain(text):
        return None
    blocks = (b.lstrip() for b in (text + "\n\n").split("\n\n"))  # split as the converter does
    return "\n".join(f"<p>{block}</p>" for block in blocks if block)


# In a body with some markup, its plain paragraphs (see ``_NOT_PLAIN``) still make up most
# of the text, which the converter's every pass goes through. The converter decides what a
# block is from how its lines begin and how it is indented, never from what a paragraph
# says; so each plain paragraph is handed to it as a short stand-in, and put back in its
# place afterwards. Not where a construct spans blank lines (fenced code, raw HTML) or reads
# other blocks' words (abbreviations) or makes a paragraph something else (a definition's
# term is the paragraph before it): those bodies go to the converter whole.
_SPANNING = re.compile(r"```|~~~|<|\*\[|^ {0,3}:", re.MULTILINE)
_STAND_IN = "mawjazaside"
_STOOD_IN = re.compile(rf"<p>{_STAND_IN}(\d+)z</p>")


def _spans_blocks(text: str) -> bool:
    """``_SPANNING.search(text)``, with substring tests and a look at lines that hold a colon:
    the regex tried its anchored branch at every character of the body."""
    if "```" in text or "~~~" in text or "<" in text or "*[" in text:
        return True
    return ":" in text and any(line[:4].lstrip(" ")[:1] == ":" for line in text.split("\n"))


def _set_aside(text: str) -> tuple[str, list[str]]:
    """``text`` with each run of plain paragraphs replaced by one stand-in, and those runs
    as the converter would write them, each paragraph in <p> and one per line (none when it
    cannot be done here). A run, not a paragraph, per stand-in: each stand-in the converter
    reads costs it as much as a short paragraph (a tenth of a millisecond for ten)."""
    if _STAND_IN in text or _spans_blocks(text):
        return text, []
    kept: list[str] = []
    runs: list[list[str]] = []
    run: list[str] | None = None
    for block in text.split("\n\n"):
        content = block.rstrip("\n").lstrip()  # the last block's trailing newlines go with the next
        if not (content and is_plain(block)):
            run = None
            kept.append(block)
            continue
        if run is None:
            run = []
            runs.append(run)
            kept.append(f"{block[:len(block) - len(block.lstrip())]}{_STAND_IN}{len(runs) - 1}z")
        run.append(content)
    if not runs:
        return text, []
    return "\n\n".join(kept), ["\n".join(f"<p>{content}</p>" for content in run) for run in runs]


def _put_back(html: str, aside: list[str]) -> str | None:
    """``html`` with each stand-in's paragraphs back; None if any is not where it should be."""
    found = _STOOD_IN.findall(html)
    if html.count(_STAND_IN) != len(aside) or sorted(map(int, found)) != list(range(len(aside))):
        return None
    return _STOOD_IN.sub(lambda match: aside[int(match.group(1))], html)


def markdown_to_html(text: str) -> str:
    plain = plain_paragraphs(text)
    if plain is not None:
        return plain
    if len(_ABBREVIATION.findall(text)) > MAX_ABBREVIATIONS:
        raise MarkupError(f"more than {MAX_ABBREVIATIONS} abbreviation definitions "
                          "(`*[...]: ...` lines)")
    _check_depth(text)
    _check_cost(text)
    shorter, aside = _set_aside(text)
    if aside:
        html = _put_back(_convert(shorter), aside)
        if html is not None:
            return html
    return _convert(text)


def _convert(text: str) -> str:
    converter = _converter(needed_extensions(text), unneeded_patterns(text))
    try:
        return converter.convert(text)
    except BaseException as exc:
        # A conversion cut short leaves state that reset() misses (every later body would
        # lose its paragraphs): start the next one from a fresh converter.
        _converter.cache_clear()
        if isinstance(exc, RecursionError):
            raise MarkupError(_TOO_DEEP) from None
        raise
    finally:
        converter.reset()


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        allowed_classes={k: set(v) for k, v in ALLOWED_CLASSES.items()},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# `\salt="` cannot occur inside a serialised attribute value (nh3 escapes `"`), unlike `alt=`.
_IMG_NO_ALT = re.compile(r'<img\b(?![^>]*\salt=")', re.IGNORECASE)


# The sanitiser (html5ever under nh3) spends, on every character from U+0080 to U+00BF
# (no-break space, soft hyphen...) and every character reference in a text run, an attribute
# value or a <title>/<textarea>, time in proportion to the whole run: 2 MB of words joined by
# no-break spaces, one paragraph, took 16 s, 4 MB over a minute. Runs of text are cut with an
# empty element the sanitiser drops, so no run is longer than MAX_TEXT_RUN and the output is
# the same bytes; a tag or such an element too long and too full of them to cut is refused.
MAX_TEXT_RUN = 2048
MAX_UNCUT_WORK = 10_000_000_000  # slow characters x run length: about a fifth of a second
_CUT = "<mawjaz-cut></mawjaz-cut>"
_SLOW = re.compile(r"[&\u0080-\u00bf]")
_SEGMENT = re.compile(r"""
    (?P<comment><!--.*?(?:-->|\Z))
  | (?P<raw><(?P<name>script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)\b
        (?:[^>"']+|"[^"]*"|'[^']*')*>?.*?(?:</(?P=name)|\Z))
  | (?P<plaintext><plaintext\b.*)
  | (?P<tag><[a-z/!?](?:[^>"']+|"[^"]*"|'[^']*')*>?)
  | [^<]+ | <""", re.IGNORECASE | re.DOTALL | re.VERBOSE)
_REFERENCE = re.compile(r"&[#0-9A-Za-z]*;?")


def cut_long_runs(fragment: str) -> str:
    """``fragment`` with every long run of text cut into pieces the sanitiser takes in linear
    time; unchanged (the same object) when no run is long and slow."""
    if not any(len(part) > MAX_TEXT_RUN and _SLOW.search(part) for part in fragment.split("<")):
        return fragment
    pieces = []
    for segment in _SEGMENT.finditer(fragment):
        text = segment.group()
        if segment.lastgroup is None:
            pieces.extend(_cut_text(text) if len(text) > MAX_TEXT_RUN else (text,))
            continue
        if segment.lastgroup != "comment" and len(_SLOW.findall(text)) * len(text) > MAX_UNCUT_WORK:
            what = "an HTML tag" if segment.lastgroup == "tag" else "a raw-text element"
            raise MarkupError(f"{what} of {len(text):,} characters is too full of entities or "
                              "no-break spaces to clean in reasonable time; shorten it")
        pieces.append(text)
    return "".join(pieces)


def _cut_text(text: str) -> list[str]:
    """Pieces of at most MAX_TEXT_RUN characters (longer only for one huge character
    reference), never cut inside a reference or between the two characters of CRLF, each
    followed by the cut; the sanitiser reads the same characters."""
    pieces, start = [], 0
    while len(text) - start > MAX_TEXT_RUN:
        end = start + MAX_TEXT_RUN
        amp = text.rfind("&", start, end)
        if amp != -1 and (reference := _REFERENCE.match(text, amp)).end() > end:
            end = amp if amp > start else reference.end()
        if text[end - 1] == "\r" and end - 1 > start:
            end -= 1
        pieces += (text[start:end], _CUT)
        start = end
    pieces.append(text[start:])
    return pieces


def sanitize(fragment: str) -> str:
    """Allow-list clean; body ``#`` headings become ``h2`` (the page title is the only h1) and
    images without ``alt`` get an empty one (decorative) so pages stay valid and accessible."""
    cleaned = _cleaner().clean(cut_long_runs(_H1.sub(r"<\1h2", fragment)))
    # A code block may scroll sideways; it must be reachable with the keyboard to scroll it.
    return _IMG_NO_ALT.sub('<img alt=""', cleaned).replace("<pre>", '<pre tabindex="0">')


def render_body(text: str) -> str:
    """Markdown source to safe HTML."""
    return sanitize(markdown_to_html(text))


_TAG = re.compile(r"<[^>]*>")
_FOOTNOTES = re.compile(r'<div class="footnote">.*?</div>|<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)


_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dd|dt|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|"
    r"caption|figure|figcaption|details|summary|hr|br)\b[^>]*>", re.IGNORECASE)


def plain_text(fragment: str) -> str:
    """Text of sanitised HTML, for summaries, matching and search.

    Block tags become spaces; inline tags vanish, so ``<strong>مهمة</strong>.`` stays ``مهمة.``.
    """
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _FOOTNOTES.sub("", fragment)))
    # Runs of white space made one space by split and join: what ``re.sub(r"\s+", " ")``
    # and ``strip`` give (both take white space as ``str.isspace`` does). The substitution
    # took 59 of 77 µs on an article's body, and a build asks three or four times an article.
    return " ".join(html.unescape(text).split())


def first_paragraph(fragment: str, limit: int = 300) -> str:
    """The first paragraph as plain text, cut at a word boundary near ``limit``."""
    match = _PARAGRAPH.search(fragment)
    text = plain_text(match.group(1) if match else fragment)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ،,.؛;:") + "…"
