"""Reading WordPress exports: every item as the export states it, comments never, shortcodes
done as the site showed them, and files that are not well-formed refused with their line."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.authoring import wxr

EXPORT = Path(__file__).parents[2] / "fixtures" / "import" / "bulk" / "export.wxr.xml"
COMMENTS = ("تعليق القارئ الأول", "Reader comment two", "Reader comment three", "أبو خالد",
            "Cheap Tickets", "spam.example", "203.0.113.7")


def posts() -> list[wxr.Post]:
    found = list(wxr.read_items(str(EXPORT)))
    assert found[0] == wxr.Site("صحيفة المثال")
    assert all(isinstance(post, wxr.Post) for post in found[1:])
    return found[1:]  # type: ignore[return-value]


def test_every_item_in_order_with_its_type_and_status() -> None:
    assert [(p.line, p.post_type, p.status, p.title) for p in posts()] == [
        (67, "post", "publish", "حافلات كهربائية جديدة في شوارع دمشق… والأجرة على حالها"),
        (145, "post", "publish", "Port & rail: what’s next for the southern freight line"),
        (210, "page", "publish", "من نحن"),
        (236, "post", "draft", "مسودة: خطة المحافظة لتوسيع شبكة الشحن"),
        (263, "attachment", "inherit", "bus"),
        (292, "nav_menu_item", "publish", "الرئيسية"),
        (321, "post", "publish", "موجز الصباح"),
        (347, "post", "publish", "موجز الصباح"),
        (372, "post", "pending", "Council to vote on the riverside plan"),
        (398, "post", "trash", "Old test post"),
    ]
    assert wxr.count_items(str(EXPORT)) == 10


def test_what_a_post_states() -> None:
    bus, port = posts()[:2]
    assert bus.link == "https://news.example.org/2024/03/05/electric-buses/"
    assert bus.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)  # wp:post_date_gmt
    assert bus.author == "سلمى الأحمد"  # the display name, not the login `salma`
    assert bus.topics == ("اقتصاد", "دمشق", "النقل العام")  # category, tags; one اقتصاد
    assert not bus.password
    # Uncategorized and the post format are not topics; `economy` is Economy again.
    assert (port.author, port.topics) == ("James Carter", ("Economy", "Ports"))


def test_an_unpublished_post_has_no_date() -> None:
    draft = posts()[3]
    # wp:post_date_gmt is 0000-00-00 and pubDate says the year -0001: neither is a date.
    assert (draft.status, draft.published) == ("draft", None)


def test_comments_are_never_read() -> None:
    for post in posts():
        for field in (post.title, post.content, post.author or "", *post.topics):
            assert not any(comment in field for comment in COMMENTS), (post.line, field)


def test_the_stored_body_is_kept_for_the_shortcodes_and_paragraphs() -> None:
    content = posts()[0].content
    assert content.startswith("بدأت محافظة دمشق صباح اليوم")
    assert '[caption id="attachment_88"' in content and content.endswith("[related_posts]")


# ------------------------------------------------------------------ shortcodes

LINK = "\n\n<p>&lt;https://www.youtube.com/watch?v=a1&gt;</p>\n\n"


@pytest.mark.parametrize(("text", "expected"), [
    ('[caption id="attachment_8" align="alignnone" width="800"]<img src="a.jpg" alt="" /> '
     'The square at night[/caption]', '<p><img src="a.jpg" alt="" /> The square at night</p>'),
    ("[wp_caption]Caption text[/wp_caption]", "<p>Caption text</p>"),
    ('[caption id="a" caption="Old &amp; style"]<img src="a.jpg">[/caption]',
     '<p><img src="a.jpg"> Old &amp; style</p>'),
    ('[gallery ids="1,2,3" columns="3"]', ""),
    ("[gallery]", ""),
    ("[embed]https://www.youtube.com/watch?v=a1[/embed]", LINK),
    ('[embed width="500"]<a href="https://www.youtube.com/watch?v=a1">x</a>[/embed]', LINK),
    ("[youtube https://www.youtube.com/watch?v=a1]", LINK),
    ('[video width="640" mp4="https://www.youtube.com/watch?v=a1"][/video]', LINK),
    ("[audio]", ""),
    ('[note type="editor"]Corrected on Monday.[/note]', "Corrected on Monday."),
    ("[foo]kept text[/foo]", "kept text"),
    ("[note][note]inner[/note] outer[/note]", "inner outer"),
    ('[foo_widget id="3"]', ""),
    ('[contact-form-7 id="12" title="Contact"]', ""),
    ("[related_posts]", ""),
    ("[foo]", ""),
    ("[foo /]", ""),
    ("[/foo]", ""),
    ('before [caption id="1"]never closed', "before never closed"),
    ("a third [sic] of them", "a third [sic] of them"),
    ("[laughter]", "[laughter]"),
    ("[two words] in brackets", "[two words] in brackets"),
    ("see note [1] and [23]", "see note [1] and [23]"),
    ("[Update: 10:00] more", "[Update: 10:00] more"),
    ("[عاجل] خبر", "[عاجل] خبر"),
    ("[[gallery]] is how to write it", "[gallery] is how to write it"),
    ("no shortcodes at all", "no shortcodes at all"),
])
def test_shortcodes(text: str, expected: str) -> None:
    assert wxr.expand_shortcodes(text) == expected


def test_many_unclosed_shortcodes_are_one_pass() -> None:
    """Openers without closers are each looked at once (a pair search from every opener to
    the end of the text would take the square of its length)."""
    text = "[note x] word " * 50_000 + "[/note]"
    assert wxr.expand_shortcodes(text) == "[note x] word " * 49_999 + " word "


# ------------------------------------------------------------------ paragraphs

def test_classic_editor_text_becomes_paragraphs() -> None:
    assert wxr.autop("First line\nsame paragraph.\n\n\nSecond.\r\n\r\n<h2>Head</h2>\n\n"
                     "<!-- wp:paragraph -->\n<p>Block</p>\n<!-- /wp:paragraph -->") == (
        "<p>First line<br>\nsame paragraph.</p>\n\n<p>Second.</p>\n\n<h2>Head</h2>\n\n"
        "<!-- wp:paragraph -->\n<p>Block</p>\n<!-- /wp:paragraph -->")


def test_body_html_is_shortcodes_then_paragraphs() -> None:
    assert wxr.body_html('One.\n\n[caption id="1"]<img src="a.jpg"> Text[/caption]\n\nTwo.') == (
        '<p>One.</p>\n\n<p><img src="a.jpg"> Text</p>\n\n<p>Two.</p>')


# ------------------------------------------------------------------ broken files

@pytest.mark.parametrize(("document", "line", "message"), [
    (b"<rss><channel><item><title>a</title></item>\n<item>", 2,
     "not well-formed XML (Premature end of data in tag item line 2)"),
    (b"<rss><channel>\n\n<item><title>a &nbsp; b</title></item></channel></rss>", 3,
     "not well-formed XML (Entity 'nbsp' not defined)"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY e "x">]>\n<rss><channel><title>&e;</title>'
     b"</channel></rss>", 3,
     "has a DOCTYPE declaration, which WordPress exports never have (entities are not read)"),
])
def test_a_broken_export_is_refused_whole_with_its_line(document: bytes, line: int, message: str) -> None:
    with pytest.raises(wxr.BadExport) as bad:
        wxr.count_items(io.BytesIO(document))
    assert (bad.value.line, bad.value.message) == (line, message)
