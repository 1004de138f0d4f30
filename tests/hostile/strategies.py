"""Hypothesis strategies for hostile content: text full of the characters that break naive
code (bidi controls, direction marks, zero-width joiners, combining marks, NUL and other
controls, lone surrogates, non-characters, every line ending), random YAML front matter of
every type, Markdown built from the constructs that nest and backtrack, and byte-level damage
(BOMs, broken UTF-8).

``MAWJAZ_FUZZ_EXAMPLES`` sets the total number of examples of the default run (shared by the
fuzz tests in proportion to their weight); the ``slow`` variants run ten times as many.
"""

from __future__ import annotations

import os
import unicodedata
from datetime import date

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from generator.content.articles import FIELDS

TOTAL_EXAMPLES = int(os.environ.get("MAWJAZ_FUZZ_EXAMPLES", "2500"))
SLOW_FACTOR = 10


def fuzz_settings(weight: float, slow: bool = False) -> settings:
    """``weight`` is this test's share of ``MAWJAZ_FUZZ_EXAMPLES``."""
    examples = max(10, round(TOTAL_EXAMPLES * weight)) * (SLOW_FACTOR if slow else 1)
    return settings(
        max_examples=examples,
        # No per-example deadline: on a loaded 2-core machine a slow example is not a bug.
        # Hangs are caught by the in-test guard (support.time_limit), set far above any
        # honest example; speed is measured by benchmarks/, never here.
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much, HealthCheck.large_base_example],
        print_blob=True,
    )


BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
JOINERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f"
MARKS = "\u0300\u0301\u0308\u0327\u064b\u064e\u0650\u0651\u0652\u0670\u0640\u20dd\u0e31"
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u2028\u2029"
SURROGATES = "\ud800\udbff\udc00\udfff"
ODD = "\ufffe\uffff\U0010ffff\U000e0001\U0001f600\U0001f1f8\U0001f1fe\ufdd0\u0000"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى٠١٢٣٤٥٦٧٨٩۰۱پچژگکی"
MARKUP = "*_[]()#>-!|`~<>&\"'{}%:\\/=.+@^$?;,"
SPACES = " \t\n\r\u00a0\u2003\u3000"

ALPHABET = BIDI + JOINERS + MARKS + CONTROLS + ODD + ARABIC + MARKUP + SPACES + "abcXYZ019"


def hostile_chars(surrogates: bool = True) -> st.SearchStrategy[str]:
    chars = ALPHABET + (SURROGATES if surrogates else "")
    anything = st.characters() if surrogates else st.characters(exclude_categories=("Cs",))
    return st.one_of(st.sampled_from(chars), anything)


def hostile_text(max_size: int = 40, min_size: int = 0,
                 surrogates: bool = True) -> st.SearchStrategy[str]:
    return st.text(hostile_chars(surrogates), min_size=min_size, max_size=max_size)


# -- YAML -------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(), hostile_text(), st.dates(), st.datetimes(),
    st.sampled_from(["2026-11-29", "2026-02-30", "29/11/2026", "yes", "no", "~", "null",
                     ".inf", "0x1F", "0o17", "1_000", "2026-11-29T25:61:00+03:00", "ar", "en",
                     "https://example.com/x", "javascript:alert(1)", "..", "/etc/passwd",
                     "C:\\Windows", "CON", "nul.txt", "a/b", "", " "]),
)

YAML_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), hostile_text(8)), children,
                        max_size=3)),
    max_leaves=8,
)

# The ends of the calendar with the widest offsets: converting them to UTC, to the site's
# zone or to the start of their week leaves the range datetime can hold.
EDGE_DATES = st.sampled_from([
    "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00", "0001-01-01", "9999-12-31",
    "9999-12-31T20:00:00-05:00", "9999-12-31T23:59:59+23:59", "1000-01-01T00:00:00+14:00",
    "9998-12-31T23:59:59-12:00", "0999-12-31", "9999-01-01"])

_PLAUSIBLE = {
    "title": hostile_text(60, min_size=1),
    "date": st.one_of(st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()),
                      st.dates(), EDGE_DATES),
    "published": st.one_of(st.dates(), EDGE_DATES),
    "updated": st.one_of(st.datetimes(), EDGE_DATES),
    "lang": st.sampled_from(["ar", "en", "fa", "he-IL", "zh-Hant-TW", "x", "", "ar_SY",
                             "<b>", "en\u200f"]),
    "actors": st.lists(hostile_text(20, min_size=1), max_size=4),
    "source": st.one_of(
        hostile_text(30),
        st.fixed_dictionaries({}, optional={
            "name": hostile_text(30),
            "url": st.one_of(hostile_text(30),
                             hostile_text(30).map(lambda t: "https://src.example/" + t))})),
    "summary": hostile_text(80),
    "slug": st.one_of(hostile_text(20),
                      st.sampled_from(["..", ".", "../x", "a/b", "a\\b", "/abs", "C:\\x",
                                       "CON", "nul.txt", "com1", "x\u0000y", "%2e%2e",
                                       "ok-slug", "مقال"])),
    "draft": st.booleans(),
    "id": hostile_text(20),
    "keep": st.lists(hostile_text(20), max_size=3),
}

FRONT_MATTER_DATA = st.fixed_dictionaries(
    {"title": st.one_of(_PLAUSIBLE["title"], YAML_VALUES),
     "date": st.one_of(_PLAUSIBLE["date"], YAML_VALUES)},
    optional={**{k: st.one_of(v, YAML_VALUES) for k, v in _PLAUSIBLE.items()
                 if k not in ("title", "date")},
              "extra-key": YAML_VALUES},
)


def dump_yaml(data: object, flow: bool, width: int) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, width=width,
                          sort_keys=False)


YAML_TOKENS = st.sampled_from([
    ": ", "- ", "? ", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "!!python/object:os.system",
    "!custom ", "%YAML 1.2\n", "%TAG ! tag:x:\n", "---\n", "...\n", "|\n", ">-\n", "'", '"',
    "{", "}", "[", "]", ",", "#", "\t", "\n  ", "\n", "title", "date", "2026-11-29", "\\u",
    "\\x00", "\\N", "\\L",
])
RAW_YAML = st.lists(st.one_of(YAML_TOKENS, hostile_text(12)), max_size=24).map("".join)


def _deep(kind: str, n: int) -> str:
    if kind == "flow-list":
        return "title: x\ndate: 2026-11-29\nkeep: " + "[" * n + "]" * n
    if kind == "flow-map":
        return "title: x\ndate: 2026-11-29\nkeep: " + "{a: " * n + "1" + "}" * n
    if kind == "dashes":
        return "title: x\ndate: 2026-11-29\nkeep:\n" + "- " * n + "x"
    if kind == "block":
        return "title: x\ndate: 2026-11-29\nkeep:\n" + "".join(
            " " * (i + 1) + f"k{i}:\n" for i in range(min(n, 2000)))
    if kind == "aliases":
        lines = ["title: x", "date: 2026-11-29", "keep:", "  - &a0 [x]"]
        lines += [f"  - &a{i} [*a{i - 1}]" for i in range(1, n)]
        return "\n".join(lines)
    if kind == "merge":
        lines = ["title: x", "date: 2026-11-29", "m0: &m0 {a: 1}"]
        lines += [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, n)]
        return "\n".join(lines)
    # "laughs": exponential alias expansion
    lines = ["title: x", "date: 2026-11-29", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    return "\n".join(lines)


_SHAPES = ["flow-list", "flow-map", "dashes", "block", "aliases", "merge"]
DEEP_YAML = st.one_of(
    st.builds(_deep, st.sampled_from(_SHAPES), st.integers(1, 70)),
    st.builds(_deep, st.sampled_from(_SHAPES), st.integers(70, 3000)),
    # Far past the C stack (libyaml composes recursively), and the exponential alias bomb:
    # both rare, since each costs a noticeable fraction of a second.
    st.builds(_deep, st.sampled_from(["flow-list", "flow-map", "dashes"]), st.just(200_000)),
    st.builds(_deep, st.just("laughs"), st.just(0)),
)

FRONT_MATTER_TEXT = st.one_of(
    st.builds(dump_yaml, FRONT_MATTER_DATA, st.booleans(), st.integers(20, 200)),
    st.builds(dump_yaml, FRONT_MATTER_DATA, st.booleans(), st.integers(20, 200)),
    st.builds(dump_yaml, FRONT_MATTER_DATA, st.booleans(), st.integers(20, 200)),
    st.builds(dump_yaml, YAML_VALUES, st.booleans(), st.integers(20, 200)),
    RAW_YAML,
    RAW_YAML,
    DEEP_YAML,
)


# -- Markdown -------------------------------------------------------------------------------

_MD_SNIPPETS = st.sampled_from([
    "```\ncode <script>\n", "~~~python\nx\n~~~", "    indented code", "| a | b |\n|---|---|\n| 1 |",
    "[^1]\n\n[^1]: note", "[^x]: orphan", "*[HTML]: Hyper Text", "<div markdown=\"1\">*x*</div>",
    "{: #id .cls onclick=alert(1) }", "&#0; &#x110000; &#xD800; &#99999999999; &amp &bogus;",
    "<!-- unclosed comment", "<![CDATA[ x", "<?php x ?>", "\\", "  \n", "***\n---\n___",
    "Term\n: Definition", "# عنوان\n## فرعي {#id}", "[x]: <> 'title'\n[x]", "<https://a.example>",
    "<mailto:a@b.example>", "![](<>)", "[](#)", "[a](b 'c' 'd')", "1. a\n1) b\n- c\n* d\n+ e",
    "<table><tr><td>x", "</div></p></article>", "<p dir=rtl lang=ar>نص</p>", "<bdo dir=ltr>x</bdo>",
    "{{ 98765*2 }}", "{% for x in range(9) %}x{% endfor %}", "<!-- keep -->", "اقرأ أيضاً",
])


def _nest(kind: str, depth: int, text: str) -> str:
    if kind == "lists":
        return "".join("    " * i + f"- {text}\n" for i in range(depth))
    if kind == "dashes":
        return "- " * depth + text
    if kind == "quotes":
        return "> " * depth + text
    if kind == "ordered":
        return "".join("   " * i + f"1. {text}\n" for i in range(depth))
    if kind == "emphasis":
        return "*" * depth + text + "*" * depth
    if kind == "links":
        return "[" * depth + text + "](x)" * depth
    if kind == "html":
        return "<div>" * depth + text + "</div>" * depth
    return "<b><i>" * depth + text


NESTED = st.builds(
    _nest, st.sampled_from(["lists", "dashes", "quotes", "ordered", "emphasis", "links", "html",
                            "tags"]),
    st.one_of(st.integers(1, 40), st.integers(1, 40), st.integers(40, 400)),
    hostile_text(10, surrogates=False))

LONG = st.builds(lambda n, ch: ch * n, st.one_of(st.integers(500, 5000), st.just(100_000)),
                st.sampled_from([*"*_[]()<>`\\&#!|~-=ا ", "ab ", "\u200f", "\u0651"]))

def _joined(parts: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(parts, max_size=max_size).flatmap(
        lambda items: st.lists(st.sampled_from(["\n", "\n\n", " ", "\r\n", "\r", ""]),
                               min_size=len(items), max_size=len(items))
        .map(lambda seps: "".join(p + s for p, s in zip(items, seps, strict=True))))


MARKDOWN = _joined(st.one_of(hostile_text(80), hostile_text(80), _MD_SNIPPETS, _MD_SNIPPETS, NESTED, LONG), 6)
# Markup-dense but short: for comparing converters, where size only costs time.
MARKDOWN_SHORT = _joined(st.one_of(hostile_text(40), _MD_SNIPPETS, _MD_SNIPPETS), 8)


# -- whole files ------------------------------------------------------------------------------

LINE_ENDINGS = st.sampled_from(["\n", "\r\n", "\r", "mixed"])


def assemble(front: str, body: str, ending: str, bom: bool, fence: str = "---") -> bytes:
    """An article file as bytes; lone surrogates become invalid UTF-8, as a broken editor
    would write them."""
    text = f"{fence}\n{front}\n{fence}\n{body}\n"
    if ending == "mixed":
        lines = text.split("\n")
        text = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(lines))
    elif ending != "\n":
        text = text.replace("\n", ending)
    data = text.encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" + data) if bom else data


ARTICLE_BYTES = st.builds(
    assemble, FRONT_MATTER_TEXT, MARKDOWN, LINE_ENDINGS, st.booleans(),
    st.sampled_from(["---", "---", "---", "--- ", "...", "----", ""]))

VALID_FRONT = st.builds(
    lambda title, date: dump_yaml({"title": title, "date": date}, False, 80),
    # Control characters are refused in front matter (frontmatter-control): none here.
    hostile_text(60, min_size=1, surrogates=False).filter(
        lambda t: t.split() and not any(unicodedata.category(ch) == "Cc" for ch in t)),
    # The years a digest can show and group dates in (frontmatter-date refuses 9999).
    st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)).map(str),
)


def damage(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    """Insert byte strings at positions (taken modulo the length)."""
    out = bytearray(data)
    for position, chunk in edits:
        at = position % (len(out) + 1)
        out[at:at] = chunk
    return bytes(out)


BYTE_EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([
    b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r", b"\r\n", b"\x80", b"\xc0\xaf",
    b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xd8", b"\xf0\x9f\x98", b"\xc3\x28",
    b"\xe2\x80\x8f", b"\xe2\x80\xae", b"\x1b[31m", b"\x0c", b"\x85", b"\xc2\x85",
])), max_size=4)
