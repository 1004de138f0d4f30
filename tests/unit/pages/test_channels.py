"""Channel messages: cut under Telegram's limit between items, direction marks on lines that
start in the other direction, links kept whole."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.pages.channels import (
    LIMIT,
    LRM,
    RLM,
    channel_blocks,
    channel_messages,
    channel_names,
    channel_paths,
    marked,
    split_messages,
    utf16_units,
)
from generator.pages.newsletter import MailGroup, MailItem, MailView

URL = "https://example.org/syria/articles/%D8%AE%D8%A8%D8%B1-{n}/"


def item(n: int, title: str = "", summary: str = "ملخص الخبر في سطر واحد.") -> MailItem:
    return MailItem(title or f"خبر رقم {n}", URL.format(n=n), summary, "", "ar", "rtl", "right", False)


def view(items: list[MailItem], label: str = "الائتلاف الوطني", lang: str = "ar") -> MailView:
    direction = "rtl" if lang == "ar" else "ltr"
    group = MailGroup(label, "", lang, direction, "right", False, tuple(items))
    return MailView(key="2026-11-29", subject="s", preheader="p", site_title="موجز", site_url="https://example.org/",
                    title="عدد الأحد", date_text="الأحد، 29 تشرين الثاني 2026", count_text="مقالان",
                    view_url="https://example.org/syria/editions/2026-11-29/", note_html="", note_text="",
                    lang=lang, dir=direction, align="right", groups=(group,), omitted=0, digits="latn",
                    unsubscribe=(), labels=())


@pytest.mark.parametrize(("line", "rtl", "expected"), [
    ("خبر عن جنيف", True, "خبر عن جنيف"),
    ("Talks resume in Geneva.", True, f"{RLM}Talks resume in Geneva.{LRM}"),
    ("Talks resume in Geneva", True, f"{RLM}Talks resume in Geneva"),
    ("• UN envoy: talks resume", True, f"{RLM}• UN envoy: talks resume"),
    ("https://example.org/a/", True, f"{RLM}https://example.org/a/"),  # no mark after a link
    ("2026 · خبر", True, "2026 · خبر"),  # digits are not strong: the Arabic word sets the line
    ("خبر عن جنيف.", False, f"{LRM}خبر عن جنيف.{RLM}"),
    ("Talks resume", False, "Talks resume"),
    ("", True, ""),
])
def test_marks(line: str, rtl: bool, expected: str) -> None:
    assert marked(line, rtl) == expected


def test_a_short_edition_is_one_message_with_every_link() -> None:
    (only,) = channel_messages(view([item(1), item(2, "UN envoy meets the coalition")]))
    name, text = only
    assert name == "channel-01.txt" and text.endswith("\n")
    assert URL.format(n=1) in text and URL.format(n=2) in text
    assert f"{RLM}• UN envoy meets the coalition\n" in text
    assert text.startswith("موجز\nعدد الأحد\n")
    assert "▪️ الائتلاف الوطني" in text


def test_a_long_edition_is_cut_between_items_under_the_limit() -> None:
    items = [item(n, summary="ملخص طويل " * 40) for n in range(60)]
    messages = channel_messages(view(items))
    assert len(messages) > 2
    assert [name for name, _ in messages] == channel_names(len(messages))
    blocks = channel_blocks(view(items))
    for _name, text in messages:
        assert utf16_units(text.rstrip("\n")) <= LIMIT < 4096
        # each message is whole blocks, in order: every item's title, summary and link together
        taken = 0
        plain = text.rstrip("\n").replace(RLM, "").replace(LRM, "")
        while taken < len(blocks) and plain.startswith("\n\n".join(blocks[: taken + 1])):
            taken += 1
        assert plain == "\n\n".join(blocks[:taken])
        blocks = blocks[taken:]
    assert blocks == []
    joined = "".join(text for _name, text in messages)
    assert all(URL.format(n=n) in joined for n in range(60))
    assert "▪️ الائتلاف الوطني\n\n• خبر رقم 0" in messages[0][1]  # the heading goes with its first item


def test_an_item_longer_than_a_message_is_cut_between_words_and_keeps_its_link() -> None:
    messages = channel_messages(view([item(1, summary="كلمة " * 2000)]))
    assert len(messages) >= 3
    assert all(utf16_units(text.rstrip("\n")) <= LIMIT for _name, text in messages)
    assert URL.format(n=1) in messages[-1][1]
    assert all("كلم " not in text for _name, text in messages)  # no word cut in two


def test_limit_counts_utf16_units_as_telegram_does() -> None:
    emoji = "📰" * 1500  # 3,000 UTF-16 units, 1,500 code points
    messages = split_messages(["أ", emoji, emoji], rtl=True)
    assert len(messages) == 2
    assert utf16_units("📰") == 2


@given(st.lists(st.text(alphabet="ابت abc📰.\n", min_size=0, max_size=3000), min_size=1, max_size=8))
def test_every_message_fits_and_no_text_is_lost(blocks: list[str]) -> None:
    messages = split_messages(blocks, rtl=True, limit=500)
    assert all(utf16_units(m) <= 500 for m in messages)
    kept = re.sub(r"[\s\u200e\u200f]", "", "".join(messages))
    assert kept == re.sub(r"\s", "", "".join(blocks))


def test_names_sort_in_order() -> None:
    assert channel_names(2) == ["channel-01.txt", "channel-02.txt"]
    names = channel_names(120)
    assert sorted(names) == names and names[0] == "channel-001.txt"


def test_paths_recorded_by_an_earlier_build() -> None:
    folder = "editions/2026-11-29/"
    assert channel_paths(folder, {folder + "channel-01.txt": 1, folder + "channel-02.txt": 1}) == [
        folder + "channel-01.txt", folder + "channel-02.txt"]
    assert channel_paths(folder, {folder + "channel-001.txt": 1}) == [folder + "channel-001.txt"]
    assert channel_paths(folder, {}) is None


def test_an_english_digest_marks_arabic_lines() -> None:
    (only,) = channel_messages(replace(view([item(1)], label="Coalition", lang="en"), title="Sunday"))
    assert f"{LRM}• خبر رقم 1" in only[1]
