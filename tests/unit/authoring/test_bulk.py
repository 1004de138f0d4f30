"""The parts of a bulk import: what kind a source is, its items, what the digest already
holds, names for new articles, and the summary."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.authoring import bulk
from generator.authoring.importer import Fetched, ImportFailed

BULK = Path(__file__).parents[2] / "fixtures" / "import" / "bulk"
DAMASCUS = ZoneInfo("Asia/Damascus")
WHEN = datetime(2024, 5, 1, 9, 0, tzinfo=DAMASCUS)


# ------------------------------------------------------------------ what kind of source

@pytest.mark.parametrize(("head", "kind"), [
    ((BULK / "export.wxr.xml").read_bytes()[:4096], "wxr"),
    ((BULK / "feed.rss.xml").read_bytes()[:4096], "feed"),
    ((BULK / "feed.atom.xml").read_bytes()[:4096], "feed"),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c -->\n<?xml-stylesheet href='s.xsl'?>\n"
     b"<rss version='2.0' xmlns:wp='http://wordpress.org/export/1.1/'>", "wxr"),
    (b"<rss version='2.0'><channel><wp:wxr_version>1.0</wp:wxr_version>", "wxr"),
    (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     b'xmlns="http://purl.org/rss/1.0/">', "feed"),
    (b'<feed xmlns="http://purl.org/atom/ns#" version="0.3">', "feed"),
    ('<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom">'
     .encode("utf-16"), "feed"),
    (b"<feed><entry>not Atom</entry></feed>", None),
    (b"<!DOCTYPE html><html><head><title>rss</title></head>", None),
    (b"<html><body><rss>", None),
    (b"Headline\n\n<rss is a word here", None),
    (b"", None),
])
def test_sniff(head: bytes, kind: str | None) -> None:
    assert bulk.sniff(head) == kind


def test_open_source_by_content_and_by_format(tmp_path: Path) -> None:
    assert bulk.open_source(str(BULK / "export.wxr.xml")).kind == "wxr"
    opened = bulk.open_source(str(BULK / "feed.rss.xml"))
    assert (opened.kind, opened.path) == ("feed", None) and opened.fetched is not None
    assert bulk.open_source(str(BULK / "folder")).kind == "folder"
    assert bulk.open_source(str(BULK / "folder" / "notes.txt")).kind is None  # one article
    assert bulk.open_source(str(BULK / "folder" / "notes.txt"), kind="text").kind == "text"
    stdin = io.TextIOWrapper(io.BytesIO((BULK / "feed.atom.xml").read_bytes()))
    assert bulk.open_source("-", stdin=stdin).kind == "feed"


@pytest.mark.parametrize(("source", "kind", "message", "code"), [
    ("folder", "feed", "is a folder; --format feed needs a file", 2),
    ("feed.rss.xml", "folder", "is not a folder", 2),
    ("missing.xml", None, "no such file", 3),
])
def test_open_source_refusals(source: str, kind: str | None, message: str, code: int) -> None:
    with pytest.raises(ImportFailed) as failed:
        bulk.open_source(str(BULK / source), kind=kind)
    assert (failed.value.message, failed.value.exit_code) == (message, code)


def test_a_huge_export_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "EXPORT_MAX_BYTES", 1000)
    with pytest.raises(ImportFailed, match="larger than 1000 bytes"):
        bulk.open_source(str(BULK / "export.wxr.xml"))


# ------------------------------------------------------------------ items

def test_a_folder_lists_its_pages_and_texts(tmp_path: Path) -> None:
    batch = bulk.folder_items(BULK / "folder")
    # Not: the hidden file, the page's saved resources (market-report_files/), the stylesheet.
    assert [item.path for item in batch.items] == [
        str(BULK / "folder" / "archive" / "jekyll-post.md"),
        str(BULK / "folder" / "market-report.html"),
        str(BULK / "folder" / "notes.txt"),
    ]
    assert batch.total == 3


def test_a_folder_never_follows_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\nNot for the digest.\n", encoding="utf-8")
    folder = tmp_path / "pages"
    (folder / ".hidden").mkdir(parents=True)
    (folder / ".hidden" / "a.txt").write_text("x\n\ny\n", encoding="utf-8")
    (folder / "b.TXT").write_text("B\n\nText.\n", encoding="utf-8")
    (folder / "c.pdf").write_bytes(b"%PDF")
    os.symlink(outside / "secret.txt", folder / "secret.txt")
    os.symlink(outside, folder / "linked")
    batch = bulk.folder_items(folder)
    assert [(type(i).__name__, Path(i.path).name, getattr(i, "reason", "")) for i in batch.items] == [
        ("Item", "b.TXT", ""),
        ("Skip", "linked", "a link to a folder; not followed"),
        ("Skip", "secret.txt", "a symbolic link; not followed"),
    ]


def test_feed_entries_become_items() -> None:
    fetched = Fetched("feed.atom.xml", (BULK / "feed.atom.xml").read_bytes())
    items = list(bulk.feed_items(fetched).items)
    assert [(i.part, type(i).__name__) for i in items] == [
        ("entry 1", "Item"), ("entry 2", "Item"), ("entry 3", "Item"), ("entry 4", "Item")]
    barrier, library = items[0], items[1]
    assert isinstance(barrier, bulk.Item) and isinstance(library, bulk.Item)
    assert barrier.content is not None and barrier.content.startswith("<p>The new river barrier")
    assert (barrier.url, barrier.byline, barrier.topics) == (
        "https://herald.example.com/news/flood-barrier", "Maya Lindqvist", ("Environment", "flooding"))
    assert library.content == ("<p>The central library will open on Sundays from the first of "
                               "May, from ten to four.</p>")  # the summary: all the feed has
    fetching = list(bulk.feed_items(fetched, fetch=True).items)
    assert fetching[0].content == barrier.content  # full text needs no fetch
    assert (fetching[1].content, fetching[1].fetch, fetching[1].trust_links) == (
        None, "https://herald.example.com/news/library-sundays", False)


def test_an_entry_without_text_is_skipped_with_a_hint() -> None:
    fetched = Fetched("f.xml", b'<rss version="2.0"><channel><title>t</title><item><title>Only a '
                               b"title</title><link>https://x.example/1</link></item></channel></rss>")
    [skip] = bulk.feed_items(fetched).items
    assert isinstance(skip, bulk.Skip)
    assert (skip.where, skip.reason) == ("f.xml, entry 1",
                                         "the feed gives no text for it; --fetch reads it from its link")


def test_export_items_follow_the_post_types_and_statuses() -> None:
    opened = bulk.open_source(str(BULK / "export.wxr.xml"))
    batch = bulk.items_of(opened)
    items = list(batch.items)
    assert batch.total == len(items) == 10
    assert [(type(i).__name__, i.line, getattr(i, "group", ""), getattr(i, "reason", "")) for i in items] == [
        ("Item", 67, "", ""), ("Item", 145, "", ""),
        ("Skip", 210, "page", "pages are imported with --pages"),
        ("Item", 236, "", ""),
        ("Skip", 263, "attachment", "not a post"), ("Skip", 292, "nav_menu_item", "not a post"),
        ("Item", 321, "", ""), ("Item", 347, "", ""), ("Item", 372, "", ""),
        ("Skip", 398, "", "in the trash"),
    ]
    draft, pending = items[3], items[8]
    assert isinstance(draft, bulk.Item) and isinstance(pending, bulk.Item)
    assert (draft.unpublished, draft.published) == (True, None)
    assert (pending.unpublished, pending.published) == (True, None)
    with_pages = list(bulk.items_of(opened, pages=True).items)
    assert isinstance(with_pages[2], bulk.Item) and with_pages[2].title == "من نحن"


def test_a_broken_export_imports_nothing_and_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "export.xml"
    text = (BULK / "export.wxr.xml").read_text(encoding="utf-8")
    broken.write_text(text.replace("<title>موجز الصباح</title>", "<title>موجز الصباح</titl>", 1),
                      encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        bulk.items_of(bulk.open_source(str(broken)))
    assert failed.value.line == 322
    assert failed.value.message == ("not well-formed XML (Opening and ending tag mismatch: title "
                                    "line 322 and titl); nothing imported")


# ------------------------------------------------------------------ what is there

@pytest.mark.parametrize(("one", "other"), [
    ("https://news.example.org/a/", "http://NEWS.example.org/a"),
    ("https://www.news.example.org/a", "https://news.example.org/a#comments"),
    ("https://news.example.org/a?utm_source=rss&utm_medium=rss", "https://news.example.org:443/a"),
    ("https://news.example.org/%D8%AE%D8%A8%D8%B1/", "https://news.example.org/خبر"),
    ("https://news.example.org/a?id=3&utm_campaign=x", "https://news.example.org/a?id=3"),
])
def test_url_keys_alike(one: str, other: str) -> None:
    assert bulk.url_key(one) == bulk.url_key(other)


@pytest.mark.parametrize(("one", "other"), [
    ("https://news.example.org/a", "https://news.example.org/b"),
    ("https://news.example.org/?p=1", "https://news.example.org/?p=2"),
    ("https://news.example.org/a", "https://other.example.org/a"),
    ("https://news.example.org:8080/a", "https://news.example.org/a"),
])
def test_url_keys_apart(one: str, other: str) -> None:
    assert bulk.url_key(one) != bulk.url_key(other)


def known_with(*entries: bulk.Entry) -> bulk.Known:
    known = bulk.Known()
    for entry in entries:
        known.add(entry)
    return known


def test_duplicates_by_url_or_by_title_and_day() -> None:
    known = known_with(bulk.Entry("content/articles/a.md", "الأمم المتحدة تحذّر من نقص التمويل",
                                  "https://x.example/a/", date(2024, 3, 5), "s", "a"))
    assert known.duplicate("Another title", "http://x.example/a", None) == \
        "same source URL as content/articles/a.md"
    # Spelled with another alef and without the shadda: the same title by match_form.
    assert known.duplicate("الامم المتحدة تحذر من نقص التمويل", None, date(2024, 3, 5)) == \
        "same title and day as content/articles/a.md"
    assert known.duplicate("الامم المتحدة تحذر من نقص التمويل", None, date(2024, 3, 6)) is None
    assert known.duplicate("", "https://x.example/b", date(2024, 3, 5)) is None


def test_free_names_are_numbered_and_never_an_existing_file(tmp_path: Path) -> None:
    known = known_with(bulk.Entry("x", "t", None, None, "موجز-الصباح", "x"))
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "2024-05-01-news-2.md").write_text("mine", encoding="utf-8")
    assert known.free(tmp_path, WHEN, "news") == (tmp_path / "content/articles/2024-05-01-news.md", None)
    known.add(bulk.Entry("y", "News", None, None, "news", "2024-05-01-news"))
    # news-2 is a file of the curator's, never replaced; news-3 is free.
    assert known.free(tmp_path, WHEN, "news") == (tmp_path / "content/articles/2024-05-01-news-3.md",
                                                  "news-3")
    assert known.free(tmp_path, WHEN, "موجز-الصباح")[1] == "موجز-الصباح-2"  # the slug was taken
    long = "a" * 200
    path, slug = known_with(bulk.Entry("z", "t", None, None, long, "z")).free(tmp_path, WHEN, long)
    assert slug == "a" * 198 + "-2" and path.name == f"2024-05-01-{slug}.md"


def test_scan_digest_reads_every_article_once(tmp_path: Path) -> None:
    articles = tmp_path / "content" / "articles"
    (articles / "2023").mkdir(parents=True)
    (articles / "one.md").write_text(
        "---\ntitle: 'Tram  depot'\ndate: 2024-03-01T23:30:00+00:00\n"
        "source: {name: Herald, url: 'https://h.example/tram'}\nslug: tram\n---\n\nText.\n",
        encoding="utf-8")
    (articles / "2023" / "two.md").write_text(
        "---\ntitle: Old news\ndate: 2023-01-01\npublished: 2022-12-31\nsource: 'https://h.example/old'\n"
        "id: old-id\n---\n\nText.\n", encoding="utf-8")
    (articles / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (articles / "notes.txt").write_text("not an article", encoding="utf-8")
    known = bulk.scan_digest(tmp_path, DAMASCUS, "unicode", 2_000_000)
    one, two = str(articles / "one.md"), str(articles / "2023" / "two.md")
    assert known.urls == {"h.example/tram": one, "h.example/old": two}
    # 23:30 UTC on 1 March is 2 March in Damascus; published wins over date.
    assert known.titles == {("tram depot", date(2024, 3, 2)): one, ("old news", date(2022, 12, 31)): two}
    assert known.slugs == {"tram", "old-news"}
    assert known.ids == {"one", "two", "old-id", "broken"}


# ------------------------------------------------------------------ importing

def settings(root: Path, **changes: object) -> bulk.Settings:
    values: dict = {"root": root, "when": WHEN, "tz": DAMASCUS, "slug_policy": "unicode",
                    "max_file_size": 2_000_000, "actors": lambda text: (), "dry_run": True}
    values.update(changes)
    return bulk.Settings(**values)


def test_an_item_is_rendered_with_what_its_source_states(tmp_path: Path) -> None:
    worker = bulk.Importer(settings(tmp_path), bulk.Known())
    item = bulk.Item("feed.xml", part="entry 2", title="Night buses return",
                     content="<p>Night buses return to the three busiest routes on Friday.</p>",
                     url="https://h.example/night", published=datetime(2024, 4, 15, 22, tzinfo=UTC),
                     source_name="Herald", byline="Maya", topics=("City",), unpublished=True)
    outcome = worker.take(item)
    assert outcome == bulk.Outcome("created", "feed.xml, entry 2", "Night buses return",
                                   created=tmp_path / "content/articles/2024-05-01-night-buses-return.md")
    assert not (tmp_path / "content").exists()  # a dry run
    again = worker.take(item)
    assert (again.status, again.reason) == (
        "skipped", f"same source URL as {tmp_path / 'content/articles/2024-05-01-night-buses-return.md'}")


def test_a_failing_item_names_itself_and_the_others_go_on(tmp_path: Path) -> None:
    worker = bulk.Importer(settings(tmp_path, max_file_size=300), bulk.Known())
    big = bulk.Item("export.xml", 40, title="Long", content="<p>" + "word " * 100 + "</p>")
    outcome = worker.take(big)
    assert (outcome.status, outcome.path, outcome.line, outcome.exit_code) == ("failed", "export.xml", 40, 1)
    assert outcome.message.startswith("`Long`: the article would be ")
    assert outcome.message.endswith("bytes, over the digest's limit of 300 (`max_file_size`); not imported")
    missing = worker.take(bulk.Item(str(tmp_path / "gone.txt"), file=tmp_path / "gone.txt"))
    assert (missing.status, missing.message, missing.exit_code) == ("failed", "no such file", 3)
    ok = worker.take(bulk.Item("export.xml", 90, title="Short", content="<p>Short text.</p>"))
    assert ok.status == "created"


def test_an_item_without_text_is_skipped(tmp_path: Path) -> None:
    worker = bulk.Importer(settings(tmp_path), bulk.Known())
    outcome = worker.take(bulk.Item("export.xml", 12, title="Only a gallery", content=""))
    assert (outcome.status, outcome.reason) == ("skipped", "no article text left after removing boilerplate")


def test_titles_alike_on_other_days_get_their_own_slug(tmp_path: Path) -> None:
    worker = bulk.Importer(settings(tmp_path, dry_run=False), bulk.Known())
    for day in (11, 12):
        worker.take(bulk.Item("e.xml", day, title="موجز الصباح", content=f"<p>نص اليوم {day}.</p>",
                              published=datetime(2024, 3, day, 5, tzinfo=UTC)))
    second = tmp_path / "content/articles/2024-05-01-موجز-الصباح-2.md"
    assert "\nslug: موجز-الصباح-2\n" in second.read_text(encoding="utf-8")
    same_day = worker.take(bulk.Item("e.xml", 13, title="موجز الصباح", content="<p>نص آخر.</p>",
                                     published=datetime(2024, 3, 12, 9, tzinfo=timezone(timedelta(hours=3)))))
    assert (same_day.status, same_day.reason) == (
        "skipped", f"same title and day as {second}")


def test_summary_lines() -> None:
    outcomes = [
        bulk.Outcome("created", "e.xml:67", "A", created=Path("content/articles/a.md")),
        bulk.Outcome("skipped", "e.xml:210", "About", reason="pages are imported with --pages", group="page"),
        bulk.Outcome("skipped", "e.xml:263", "x", reason="not a post", group="attachment"),
        bulk.Outcome("skipped", "e.xml:264", "y", reason="not a post", group="attachment"),
        bulk.Outcome("skipped", "e.xml:398", "Old", reason="in the trash"),
        bulk.Outcome("failed", "e.xml:500", "B", path="e.xml", line=500, message="m", exit_code=1),
    ]
    assert bulk.summary_lines("e.xml", outcomes) == [
        "created content/articles/a.md (e.xml:67)",
        "skipped e.xml:398 `Old`: in the trash",
        "skipped 2 attachments: not a post",
        "skipped 1 page: pages are imported with --pages",
        "e.xml: 1 created, 4 skipped, 1 failed",
    ]
    assert bulk.summary_lines("e.xml", outcomes[:1], dry_run=True) == [
        "would create content/articles/a.md (e.xml:67)",
        "e.xml: 1 to create, 0 skipped, 0 failed (dry run: nothing written)",
    ]
