"""Markdown and sanitising: nothing executable survives; what mixed-direction text needs does."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import markup
from generator.content.markup import first_paragraph, plain_text, render_body, sanitize
from tests.hostile.strategies import MARKDOWN_SHORT

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<p onclick="alert(1)" onmouseover=alert(2)>t</p>',
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    '<img src="javascript:alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    '<svg><script>alert(1)</script><circle r="1"/></svg>',
    '<svg onload="alert(1)"></svg>',
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">t</p>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name="p"></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<!-- <script>alert(1)</script> -->",
    '<a href="https://example.org/" target="_blank">x</a>',
]
FORBIDDEN = re.compile(
    r"<\s*(script|iframe|svg|math|style|object|embed|form|input|base|meta|link|body)\b"
    r"|\son\w+\s*="
    r"|(javascript|vbscript|data)\s*:"
    r"|\sstyle\s*="
    r"|\starget\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("source", ATTACKS)
def test_nothing_executable_survives(source):
    html = render_body(source + "\n\nنص\n")
    assert not FORBIDDEN.search(html), html
    assert "alert(" not in html and "evil.example" not in html
    assert "نص" in html  # the text after the attack is still there


@pytest.mark.parametrize("source", [a for a in ATTACKS if a.startswith("<")])
def test_nothing_executable_survives_sanitize_alone(source):
    assert not FORBIDDEN.search(sanitize(source))


@pytest.mark.parametrize(("source", "expected"), [
    ("<iframe src=\"https://e.org\"></iframe>بعد", "<p>بعد</p>"),
    ("<svg><circle/></svg>بعد", "<p>بعد</p>"),
    ("<math><mi>x</mi></math>بعد", "<p>بعد</p>"),
    ("<style>p{}</style>بعد", "<p>بعد</p>"),
])
def test_stripped_elements_take_their_content_with_them(source, expected):
    assert render_body(source).strip() == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('<p dir="ltr" lang="en">Hello</p>', '<p dir="ltr" lang="en">Hello</p>'),
    ('<p dir="auto" title="t">x</p>', '<p dir="auto" title="t">x</p>'),
    ('نص <span lang="en" dir="ltr">G20</span>.', '<p>نص <span lang="en" dir="ltr">G20</span>.</p>'),
    ("<bdi>Reuters</bdi> و<bdo dir=\"rtl\">x</bdo>", '<p><bdi>Reuters</bdi> و<bdo dir="rtl">x</bdo></p>'),
    ('<p class="x" id="y">t</p>', "<p>t</p>"),
])
def test_direction_and_language_attributes_are_kept(source, expected):
    assert render_body(source) == expected


def test_safe_links_are_kept_with_noopener():
    html = render_body("[a](https://example.org/x?a=1&b=2) [b](/local/) [c](#fn) "
                       "[d](mailto:desk@example.org)")
    assert 'href="https://example.org/x?a=1&amp;b=2"' in html
    assert 'href="/local/"' in html and 'href="#fn"' in html
    assert 'href="mailto:desk@example.org"' in html
    assert html.count('rel="noopener noreferrer"') == 4


def test_tables():
    html = render_body("| الاسم | العدد |\n|---|---:|\n| دمشق | 1 |\n")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert "<th>الاسم</th>" in html and "<td>دمشق</td>" in html


def test_footnotes_keep_their_links_and_classes():
    html = render_body("نص[^1].\n\n[^1]: حاشية.\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert 'class="footnote-backref" href="#fnref:1"' in html


@pytest.mark.parametrize(("source", "heading"), [
    ("## مُحَمَّدٌ في دمشق", '<h2 id="محمد-في-دمشق">مُحَمَّدٌ في دمشق</h2>'),
    ("### الأمـــم المتحدة", '<h3 id="الأمم-المتحدة">الأمـــم المتحدة</h3>'),
    ("## Summit & Talks", '<h2 id="summit-talks">Summit &amp; Talks</h2>'),
])
def test_heading_ids_are_readable_for_arabic(source, heading):
    assert render_body(source) == heading


def test_duplicate_headings_get_distinct_ids():
    ids = re.findall(r'id="([^"]+)"', render_body("## قمة\n\n## قمة\n"))
    assert len(ids) == 2 and len(set(ids)) == 2


@pytest.mark.parametrize("source", ["# عنوان", "<h1>عنوان</h1>", "<H1 onclick=x>عنوان</H1>"])
def test_body_h1_becomes_h2(source):
    html = render_body(source)
    assert "<h1" not in html.lower()
    assert re.search(r"<h2[^>]*>عنوان</h2>", html)


@pytest.mark.parametrize(("source", "img"), [
    ("![](https://example.org/a.png)", '<img alt="" src="https://example.org/a.png">'),
    ("![خريطة](https://example.org/a.png)", '<img alt="خريطة" src="https://example.org/a.png">'),
    ('<IMG SRC="https://example.org/a.png">', '<img alt="" src="https://example.org/a.png">'),
    ('<img src="https://example.org/a.png" title="salt=1">',
     '<img alt="" src="https://example.org/a.png" title="salt=1">'),
    ('<img src="https://example.org/a.png" title="a alt=b">',
     '<img alt="" src="https://example.org/a.png" title="a alt=b">'),
])
def test_images_always_have_alt(source, img):
    assert img in render_body(source)


def test_raw_html_blocks_inside_markdown_are_sanitised_too():
    html = render_body('<div onclick="x()">\n<p>نص</p>\n<script>bad()</script>\n</div>\n')
    assert "onclick" not in html and "<script" not in html and "نص" in html


def test_converter_state_does_not_leak_between_documents():
    render_body("نص[^1].\n\n[^1]: حاشية.\n\n## قمة\n")
    second = render_body("## قمة\n")
    assert second == '<h2 id="قمة">قمة</h2>'
    assert "footnote" not in second


@pytest.mark.parametrize(("fragment", "text"), [
    ("<p>أول <strong>فقرة</strong>.</p>", "أول فقرة."),
    ("<p>a</p><p>b</p>", "a b"),
    ("<ul><li>x</li><li>y</li></ul>", "x y"),
    ("<p>&amp; &lt;ok&gt;</p>", "& <ok>"),
    ('<p>نص<sup id="fnref:1"><a href="#fn:1">1</a></sup>.</p><div class="footnote"><p>ح</p></div>', "نص."),
])
def test_plain_text(fragment, text):
    assert plain_text(fragment) == text


def test_plain_text_folds_white_space_as_a_regular_expression_would():
    """Every character ``\\s`` matches is one ``str.split`` splits on and the other way round,
    so plain text's runs of white space (joined by split and join) are the runs a
    ``\\s+`` substitution would find, whatever spaces an article holds."""
    every = [chr(point) for point in range(0x110000)]
    spaces = {ch for ch in every if re.fullmatch(r"\s", ch)}
    assert spaces == {ch for ch in every if ch.isspace()}
    text = "".join(f"{ch}كلمة{ch}{ch}word" for ch in sorted(spaces)) + "\u00a0\u2003 نهاية \u3000"
    assert plain_text(f"<p>{text}</p>") == re.sub(r"\s+", " ", text).strip()


def test_first_paragraph_only():
    assert first_paragraph("<h2>عنوان</h2>\n<p>الأولى</p>\n<p>الثانية</p>") == "الأولى"


def test_first_paragraph_without_paragraphs_uses_the_text():
    assert first_paragraph("<ul><li>بند</li></ul>") == "بند"


def test_first_paragraph_is_cut_at_a_word_near_the_limit():
    words = "كلمة " * 100
    cut = first_paragraph(f"<p>{words}</p>", limit=50)
    assert cut == ("كلمة " * 10).strip() + "…"


def test_first_paragraph_cut_drops_trailing_punctuation():
    cut = first_paragraph("<p>" + "أ" * 40 + "، " + "ب" * 40 + "</p>", limit=60)
    assert cut == "أ" * 40 + "…"


# -- converters with only the extensions a body needs -----------------------------------------

def _with_every_extension(text: str) -> str:
    converter = markup._converter()
    try:
        return converter.convert(text)
    finally:
        converter.reset()


@pytest.mark.parametrize("text", [
    "Term\n: Definition", "Term\r: Definition", "Title\n=====", "Title\r---\r", "Title\n=-=-\n",
    "| a | b |\n|---|---|\n| 1 | 2 |", "x[^1]\n\n[^1]: note", "*[HTML]: Hyper\n\nHTML", "## عنوان {#id}",
    "```\ncode\n```", "~~~\ncode\n~~~", "[TOC]\n\n# a", "a\\|b", "plain text only", "1. a\n1) b\n- c",
    "a  \nb", "a\t\nb", "a \t\nb", "`code`", "\\*x\\*", "![i](x)", "[l](x)", "[r]\n\n[r]: x", "*em* **st**",
    "_em_ __st__", "&amp; &#1575;", "<b>x</b>", "<https://a.example>", "<a@b.example>", "نص ** ثم _ منفرد",
    # raw HTML set aside leaves two spaces at a line's end: a line break
    "\n<!----> 0  <!>\n0\n", "<!----> 0 <!> \n0\n", "<!---->\n0 <!> <!>\n0\n",
])
def test_a_lighter_converter_gives_the_same_html(text: str) -> None:
    assert markup.markdown_to_html(text) == _with_every_extension(text)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(MARKDOWN_SHORT)
def test_a_lighter_converter_gives_the_same_html_for_any_text(text: str) -> None:
    try:
        lighter = markup.markdown_to_html(text)
    except markup.MarkupError:
        return
    assert lighter == _with_every_extension(text)


# -- plain paragraphs, converted without the converter ------------------------------------------

# Text made of what news paragraphs hold, and of what would make it more than paragraphs:
# every character and line opening the plain check looks for, blank lines of every length.
PLAIN_PIECES = ("نص", "الفاعل", " ", " ", "\n", "\n\n", "\n\n\n", ".", "،", "1", "١٢", "12.", "(", ")", ":",
                "-", "+", "=", "a", "B", "é", "\u00a0", "\u200f", "\t", "#", "*", "_", "[", "]", "<", ">",
                "&", "|", "`", "~", "{", "}", "\\", "!", "'", '"', "/", "%", "\r", "\x0b", "\u2028")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PLAIN_PIECES), max_size=40).map("".join))
def test_plain_paragraphs_are_what_the_converter_makes(text: str) -> None:
    plain = markup.plain_paragraphs(text)
    if plain is not None:
        assert plain == _with_every_extension(text)


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(PLAIN_PIECES), st.characters(blacklist_categories=("Cs",)),
                          st.sampled_from(("```", "~~~", "*[", "  :", "    :", ":"))),
                max_size=40).map("".join))
def test_the_checks_line_by_line_are_the_regexes(text: str) -> None:
    # ``is_plain`` and ``_spans_blocks`` read only each line's start or ends, where the
    # regexes try their anchored branches everywhere: both ways must say the same of any text.
    assert markup.is_plain(text) == (markup._NOT_PLAIN.search(text) is None)
    assert markup._spans_blocks(text) == (markup._SPANNING.search(text) is not None)


@pytest.mark.parametrize("text", ["فقرة أولى.\n\nفقرة ثانية، فيها (قوسان) و12 رقماً: 3-4.",
                                  "سطر\nسطر آخر\n\n\n\nبعد أسطر فارغة\n", "", "\n\n", "كلمة"])
def test_news_paragraphs_take_the_plain_way(text: str) -> None:
    assert markup.plain_paragraphs(text) is not None
    assert markup.markdown_to_html(text) == _with_every_extension(text)


@pytest.mark.parametrize("text", ["- بند", "1. بند", "١. بند", "عنوان\n===", "a  \nb", "    شيفرة", "مصطلح\n: تعريف",
                                  "*مائل*", "[رابط](x)", "<b>x</b>", "a & b", "# عنوان", "a | b", "نص {#id}"])
def test_anything_more_goes_to_the_converter(text: str) -> None:
    assert markup.plain_paragraphs(text) is None


# Bodies of markup and plain paragraphs, block by block: the plain ones are set aside while the
# converter reads the rest (``markup._set_aside``), and the result must be the converter's.
BLOCKS = ("فقرة عادية فيها نص.", "سطر\nوسطر", "فقرة أخرى، ثم نقطة.", "## عنوان", "## عنوان", "- بند\n- بند آخر",
          "1. أول\n2. ثان", "> اقتباس", "    شيفرة", "```\nشيفرة\n\nمسيجة\n```", "نص *مائل* و**غامق**", "[رابط](https://a.example)",
          "[مرجع]\n\n[مرجع]: https://a.example", "x[^1]\n\n[^1]: حاشية\n\n    تكملة", "مصطلح\n\n: تعريف",
          "*[HTML]: Hyper\n\nHTML هنا", "| a | b |\n|---|---|\n| 1 | 2 |", "<div>\n\nداخل\n\n</div>", "---",
          "عنوان\n===", "نص {#معرف}", "[TOC]", "فقرة  \nبسطر مكسور", "\n", "", "mawjazaside0z", "نص & رمز")


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(BLOCKS), max_size=8), st.sampled_from(("\n\n", "\n\n\n", "\n")))
def test_paragraphs_set_aside_come_back_as_the_converter_makes_them(blocks: list[str], gap: str) -> None:
    text = gap.join(blocks)
    try:
        html = markup.markdown_to_html(text)
    except markup.MarkupError:
        return
    assert html == _with_every_extension(text)


def test_paragraphs_are_set_aside_where_the_body_has_some_markup() -> None:
    """Each run of plain paragraphs stands aside as one, written as the converter would."""
    text = "## عنوان\n\nفقرة أولى.\n\n\nفقرة ثانية.\n\n- بند\n\nفقرة ثالثة.\n"
    shorter, aside = markup._set_aside(text)
    assert aside == ["<p>فقرة أولى.</p>\n<p>فقرة ثانية.</p>", "<p>فقرة ثالثة.</p>"] and "فقرة" not in shorter
    assert markup.markdown_to_html(text) == _with_every_extension(text)


@pytest.mark.parametrize("line", ["- " * 101 + "بند", "> " * 101 + "سطر", "1. " * 101 + "x",
                                  "    " * 100 + "- بند", "* - 1) > " * 26 + "x"])
def test_lists_and_quotes_nested_past_the_limit_are_refused_whatever_the_markdown(line: str) -> None:
    """Python-Markdown 3.11 stops nesting at a depth of its own where earlier releases ran
    out of stack: the limit is mawjaz's, so both refuse the same bodies."""
    with pytest.raises(markup.MarkupError, match="nested too deeply"):
        render_body(f"فقرة أولى.\n\n{line}\n")


def test_lists_and_quotes_nested_within_the_limit_convert() -> None:
    html = render_body("- " * 20 + "بند\n\n" + "> " * 20 + "سطر\n\n- - -\n")
    assert html.count("<ul>") == 20 and html.count("<blockquote>") == 20 and "<hr" in html
