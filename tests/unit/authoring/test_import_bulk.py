"""``mawjaz import`` of many articles at once: a WordPress export, RSS and Atom feeds, a folder
of saved pages and texts; as a curator runs it, through ``cli.main.main``."""

from __future__ import annotations

import contextlib
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from generator.cli.commands import import_cmd
from generator.cli.main import main

BULK = Path(__file__).parents[2] / "fixtures" / "import" / "bulk"
EXPORT, RSS, ATOM, FOLDER = (BULK / "export.wxr.xml", BULK / "feed.rss.xml", BULK / "feed.atom.xml",
                             BULK / "folder")
EXPECTED = BULK / "expected"
DATE = "2024-05-01"
COMMENTS = ("تعليق القارئ", "Reader comment", "أبو خالد", "Cheap Tickets", "spam.example",
            "Buy one, get one free", "Hidden draft", "must never become an article")


def run(source: Path | str, root: Path, *options: str) -> int:
    return main(["import", str(source), "--root", str(root), "--date", DATE, *options])


def articles(root: Path) -> dict[str, str]:
    folder = root / "content" / "articles"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def split(text: str) -> tuple[dict, str]:
    front, _, body = text[4:].partition("\n---\n\n")
    return yaml.safe_load(front), body


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def no_comment_anywhere(root: Path) -> None:
    for path, data in tree(root).items():
        text = data.decode("utf-8", "replace")
        for comment in COMMENTS:
            assert comment not in text, (path, comment)


# ------------------------------------------------------------------ a WordPress export

# Exact article files (for DATE): shortcodes done, entities decoded, no comment (BUSES); the
# block editor's markup, an embed as a link, [sic] kept, a note's text kept (PORT).
BUSES = (EXPECTED / "export-buses.md").read_text(encoding="utf-8")
PORT = (EXPECTED / "export-port.md").read_text(encoding="utf-8")

EXPORT_FILES = [
    f"{DATE}-council-to-vote-on-the-riverside-plan.md",
    f"{DATE}-port-rail-what-s-next-for-the-southern-freight-line.md",
    f"{DATE}-حافلات-كهربائية-جديدة-في-شوارع-دمشق-والأجرة-على-حالها.md",
    f"{DATE}-مسودة-خطة-المحافظة-لتوسيع-شبكة-الشحن.md",
    f"{DATE}-موجز-الصباح-2.md",
    f"{DATE}-موجز-الصباح.md",
]


def test_a_wordpress_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(EXPORT, tmp_path) == 0
    made = articles(tmp_path)
    assert sorted(made) == EXPORT_FILES
    assert made[EXPORT_FILES[2]] == BUSES
    assert made[EXPORT_FILES[1]] == PORT
    draft, _ = split(made[EXPORT_FILES[3]])
    assert draft == {"title": "مسودة: خطة المحافظة لتوسيع شبكة الشحن", "date": draft["date"],
                     "lang": "ar", "draft": True, "byline": "سلمى الأحمد",
                     "source": {"name": "صحيفة المثال", "url": "https://news.example.org/?p=103"}}
    pending, body = split(made[EXPORT_FILES[0]])
    assert (pending["draft"], "published" in pending, pending["byline"]) == (True, False, "James Carter")
    assert body == ("The city council will vote next week on the riverside plan, which would turn "
                    "the old tram depot into a public park.\n\nResidents have until Friday to send "
                    "written comments.\n")
    first, second = split(made[EXPORT_FILES[5]])[0], split(made[EXPORT_FILES[4]])[0]
    assert ("slug" in first, second["slug"]) == (False, "موجز-الصباح-2")  # one title, two days
    assert str(second["published"]) == "2024-03-12 05:00:00+00:00"
    no_comment_anywhere(tmp_path)
    err = capsys.readouterr().err.splitlines()
    folder = tmp_path / "content" / "articles"
    assert err == [
        f"created {folder / EXPORT_FILES[2]} ({EXPORT}:67)",
        f"created {folder / EXPORT_FILES[1]} ({EXPORT}:145)",
        f"created {folder / EXPORT_FILES[3]} ({EXPORT}:236)",
        f"created {folder / EXPORT_FILES[5]} ({EXPORT}:321)",
        f"created {folder / EXPORT_FILES[4]} ({EXPORT}:347)",
        f"created {folder / EXPORT_FILES[0]} ({EXPORT}:372)",
        f"skipped {EXPORT}:398 `Old test post`: in the trash",
        "skipped 1 attachment: not a post",
        "skipped 1 nav_menu_item: not a post",
        "skipped 1 page: pages are imported with --pages",
        f"{EXPORT}: 6 created, 4 skipped, 0 failed",
    ]


def test_pages_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(EXPORT, tmp_path, "--pages", "--quiet") == 0
    assert capsys.readouterr().err == ""
    about, body = split(articles(tmp_path)[f"{DATE}-من-نحن.md"])
    assert about["source"]["url"] == "https://news.example.org/about/"
    assert body == ("صحيفة المثال موقع إخباري مستقل يغطي شؤون المدينة والاقتصاد منذ عام ٢٠١٩.\n\n"
                    "للتواصل مع فريق التحرير راسلونا على البريد الإلكتروني.\n")


def test_a_second_import_of_the_same_export_creates_nothing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(EXPORT, tmp_path, "--quiet") == 0
    before = tree(tmp_path)
    assert run(EXPORT, tmp_path) == 0
    assert tree(tmp_path) == before
    err = capsys.readouterr().err.splitlines()
    folder = tmp_path / "content" / "articles"
    assert err[0] == (f"skipped {EXPORT}:67 `حافلات كهربائية جديدة في شوارع دمشق… والأجرة على حالها`: "
                      f"same source URL as {folder / EXPORT_FILES[2]}")
    assert err[-1] == f"{EXPORT}: 0 created, 10 skipped, 0 failed"


def test_dry_run_writes_nothing_and_prints_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    before = tree(tmp_path)
    assert run(EXPORT, tmp_path, "--dry-run") == 0
    assert tree(tmp_path) == before
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"{EXPORT}: 6 to create, 4 skipped, 0 failed (dry run: nothing written)"
    planned = [re.match(r"would create (\S+) ", line).group(1) for line in out if line.startswith("would")]
    assert run(EXPORT, tmp_path, "--quiet") == 0
    assert sorted(Path(p).name for p in planned) == sorted(articles(tmp_path)) == EXPORT_FILES


def test_a_curators_file_keeps_its_name_and_its_text(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "articles"
    folder.mkdir(parents=True)
    mine = folder / EXPORT_FILES[5]
    mine.write_text("---\ntitle: My own morning notes\ndate: 2024-04-30\n---\n\nMine.\n", encoding="utf-8")
    assert run(EXPORT, tmp_path, "--quiet") == 0
    assert mine.read_text(encoding="utf-8").endswith("Mine.\n")
    made = articles(tmp_path)
    assert split(made[f"{DATE}-موجز-الصباح-2.md"])[0]["published"].day == 11
    assert split(made[f"{DATE}-موجز-الصباح-3.md"])[0]["slug"] == "موجز-الصباح-3"


def test_a_broken_export_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "export.xml"
    broken.write_text(EXPORT.read_text(encoding="utf-8").replace("</channel>", ""), encoding="utf-8")
    assert run(broken, tmp_path) == 1
    assert not (tmp_path / "content").exists()
    [line] = capsys.readouterr().err.splitlines()
    assert line == (f"{broken}:423: error[import]: not well-formed XML (Opening and ending tag "
                    "mismatch: channel line 28 and rss); nothing imported")


# ------------------------------------------------------------------ feeds

def test_an_rss_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(RSS, tmp_path) == 0
    made = articles(tmp_path)
    rate = f"{DATE}-المصرف-المركزي-يرفع-سعر-الفائدة-نصف-نقطة.md"
    exporters = f"{DATE}-exporters-ask-for-a-single-exchange-rate.md"
    buses = f"{DATE}-حافلات-كهربائية-جديدة-في-شوارع-دمشق-والأجرة-على-حالها.md"
    assert sorted(made) == [exporters, rate, buses]
    # The full text; its share row and "read also" line removed by the cleaner.
    assert made[rate] == (EXPECTED / "rss-interest-rate.md").read_text(encoding="utf-8")
    summary_only, body = split(made[exporters])
    assert summary_only["source"] == {"name": "صحيفة المثال – اقتصاد",
                                      "url": "https://news.example.org/en/2024/03/19/exporters/"}
    assert body == ("The exporters’ union asked the government on Monday to end the gap between "
                    "the official and the parallel exchange rates & to pay export subsidies within "
                    "a month.\n")
    err = capsys.readouterr().err.splitlines()
    assert err[3:] == [
        f"skipped {RSS}, entry 4 `المصرف المركزي يرفع سعر الفائدة نصف نقطة`: same title and day as "
        f"{tmp_path / 'content' / 'articles' / rate}",
        f"{RSS}: 3 created, 1 skipped, 0 failed",
    ]


def test_an_atom_feed(tmp_path: Path) -> None:
    assert run(ATOM, tmp_path, "--quiet") == 0
    made = articles(tmp_path)
    assert sorted(made) == [f"{DATE}-flood-barrier-passes-its-first-test.md",
                            f"{DATE}-library-opens-on-sundays-from-may.md",
                            f"{DATE}-night-buses-return.md", f"{DATE}-قافلة-مساعدات-تصل-إلى-المدينة.md"]
    barrier, body = split(made[f"{DATE}-flood-barrier-passes-its-first-test.md"])
    assert (barrier["byline"], barrier["topics"]) == ("Maya Lindqvist", ["Environment", "flooding"])
    assert str(barrier["published"]) == "2024-04-18 07:15:00+00:00"
    assert body == (
        "The new river barrier held back the highest spring flood in a decade on Wednesday night, "
        "the city's engineers said, keeping the water half a metre below the top of the wall.\n\n"
        "Engineers will inspect the gates this week. “It did what it was built to do,” said the "
        "project's chief engineer.\n\n## What comes next\n\nA second barrier downstream is due to be "
        "finished in 2026.\n")  # no "Share this: Facebook"
    library, body = split(made[f"{DATE}-library-opens-on-sundays-from-may.md"])
    assert (str(library["published"]), body) == (
        "2024-04-17 15:30:00+01:00",
        "The central library will open on Sundays from the first of May, from ten to four.\n")
    convoy, body = split(made[f"{DATE}-قافلة-مساعدات-تصل-إلى-المدينة.md"])
    assert (convoy["lang"], body) == (
        "ar", "وصلت قافلة من عشرين شاحنة محملة بالمواد الغذائية والطبية إلى المدينة صباح الثلاثاء.\n")


def test_the_same_story_from_an_export_and_a_feed_is_imported_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(EXPORT, tmp_path, "--quiet") == 0
    assert run(RSS, tmp_path) == 0
    buses = tmp_path / "content" / "articles" / EXPORT_FILES[2]
    # The feed's link carries utm_ parameters and its date another offset: still the same URL.
    assert (f"skipped {RSS}, entry 3 `حافلات كهربائية جديدة في شوارع دمشق… والأجرة على حالها`: "
            f"same source URL as {buses}") in capsys.readouterr().err.splitlines()
    assert buses.read_text(encoding="utf-8") == BUSES


# ------------------------------------------------------------------ a folder

def test_a_folder_of_pages_and_texts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(FOLDER, tmp_path, "--verbose") == 0
    made = articles(tmp_path)
    assert sorted(made) == [f"{DATE}-tram-depot-to-become-a-park.md", f"{DATE}-wheat-prices-fall-for-a-third-month.md",
                            f"{DATE}-وزير-الاقتصاد-لا-زيادة-على-أسعار-الخبز-قبل-الصيف.md"]
    page, body = split(made[f"{DATE}-wheat-prices-fall-for-a-third-month.md"])
    assert page["source"] == {"name": "The Example Herald",
                              "url": "https://herald.example.com/business/market-report-wheat-prices"}
    assert str(page["published"]) == "2024-04-10 06:45:00+02:00"
    assert body.startswith("Wholesale wheat prices fell for the third month in a row in March")
    assert body.endswith("The chamber expects prices to level off in May, when imports from the coast resume.\n")
    assert body.count("\n\n") == 3  # four paragraphs: no share row, tags, related list or comments
    text, body = split(made[f"{DATE}-وزير-الاقتصاد-لا-زيادة-على-أسعار-الخبز-قبل-الصيف.md"])
    assert text == {"title": "وزير الاقتصاد: لا زيادة على أسعار الخبز قبل الصيف", "date": text["date"], "lang": "ar"}
    assert body.endswith("وكانت أسعار القمح بالجملة قد تراجعت للشهر الثالث على التوالي في آذار.\n")
    jekyll, body = split(made[f"{DATE}-tram-depot-to-become-a-park.md"])
    assert (str(jekyll["published"]), jekyll["source"]) == (
        "2024-02-28 09:00:00+01:00", {"url": "https://herald.example.com/city/tram-depot-park"})
    assert body == ("The old tram depot by the river will become a public park, the city council "
                    "decided on Wednesday.\n\nWork starts in the autumn and should take two years.\n")
    no_comment_anywhere(tmp_path)
    err = capsys.readouterr().err.splitlines()
    assert f"{FOLDER / 'notes.txt'}:13: removed [comment-tail]: زر الذهاب إلى الأعلى" in err
    assert err[-1] == f"{FOLDER}: 3 created, 0 skipped, 0 failed"


def test_one_failing_file_does_not_stop_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    shutil.copy(FOLDER / "notes.txt", folder / "b.txt")
    (folder / "c.txt").write_text("   \n\n", encoding="utf-8")
    root = tmp_path / "digest"
    assert run(folder, root) == 1
    assert list(articles(root)) == [f"{DATE}-وزير-الاقتصاد-لا-زيادة-على-أسعار-الخبز-قبل-الصيف.md"]
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{folder / 'a.txt'}: error[import]: binary data, not text or HTML; not imported"
    assert err[1] == f"{folder / 'c.txt'}: error[import]: empty: no headline and no text"
    assert err[-1] == f"{folder}: 1 created, 0 skipped, 2 failed"


# ------------------------------------------------------------------ --fetch

class _Site(http.server.BaseHTTPRequestHandler):
    """Serves the RSS fixture with its links moved to this server, and one entry's page."""

    base = ""
    requests: list[str] = []  # noqa: RUF012 - replaced per server by the fixture

    def do_GET(self) -> None:
        self.requests.append(self.path)
        if self.path == "/feed.xml":
            self._send("application/rss+xml", RSS.read_bytes().replace(b"https://news.example.org", self.base.encode()))
        elif self.path == "/en/2024/03/19/exporters/":
            self._send("text/html; charset=utf-8", b"<html><head><title>Exporters | Herald</title></head><body>"
                       b"<nav>Home News</nav><article><h1>Exporters ask for a single exchange rate</h1>"
                       b"<p>The exporters' union asked the government on Monday to end the gap between "
                       b"the two exchange rates.</p><p>It also asked for export subsidies to be paid "
                       b"within a month of shipping.</p><p>Share this article: Facebook X</p></article>"
                       b"</body></html>")
        else:
            self.send_error(404)

    def _send(self, kind: str, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    handler = type("Handler", (_Site,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler.base, requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_fetch_reads_summary_only_entries_from_their_page(tmp_path: Path, site: tuple[str, list[str]],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    base, requests = site
    assert run(f"{base}/feed.xml", tmp_path, "--fetch") == 3  # one page is missing: a fetch failure
    made = articles(tmp_path)
    meta, body = split(made[f"{DATE}-exporters-ask-for-a-single-exchange-rate.md"])
    assert meta["source"] == {"name": "صحيفة المثال – اقتصاد", "url": f"{base}/en/2024/03/19/exporters/"}
    assert body == ("The exporters' union asked the government on Monday to end the gap between the "
                    "two exchange rates.\n\nIt also asked for export subsidies to be paid within a "
                    "month of shipping.\n")
    # The entry with its full text and the duplicate are never fetched.
    assert requests == ["/feed.xml", "/en/2024/03/19/exporters/",
                        "/2024/03/05/electric-buses/?utm_source=rss&utm_medium=rss"]
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{base}/feed.xml: error[import]: entry 3 `حافلات كهربائية جديدة في شوارع "
                      f"دمشق… والأجرة على حالها`: {base}/2024/03/05/electric-buses/?utm_source=rss"
                      "&utm_medium=rss: the server answered 404 Not Found")
    assert err[-1] == f"{base}/feed.xml: 2 created, 1 skipped, 1 failed"


def test_a_feed_file_cannot_send_fetch_to_a_local_address(tmp_path: Path, site: tuple[str, list[str]],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    base, requests = site
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS.read_bytes().replace(b"https://news.example.org", base.encode()))
    assert run(feed, tmp_path / "digest", "--fetch") == 3
    assert requests == []
    err = capsys.readouterr().err
    assert (f"entry 2 `Exporters ask for a single exchange rate`: links to {base}/en/2024/03/19/exporters/, "
            "which is on a local or private address (127.0.0.1); not followed") in err


# ------------------------------------------------------------------ the command line

@pytest.mark.parametrize(("source", "options", "message"), [
    (RSS, ["--pages"], f"--pages applies to a WordPress export; {RSS} is a feed"),
    (EXPORT, ["--fetch"], f"--fetch applies to a feed; {EXPORT} is a WordPress export"),
    (FOLDER, ["--force"], "--force replaces one article; importing many never replaces a file"),
    (FOLDER / "notes.txt", ["--pages"],
     f"--pages applies to a WordPress export; {FOLDER / 'notes.txt'} is one article"),
])
def test_options_that_do_not_fit_the_source(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            source: Path, options: list[str], message: str) -> None:
    assert run(source, tmp_path, *options) == 2
    assert capsys.readouterr().err == f"mawjaz import: error: {message}\n"
    assert not (tmp_path / "content").exists()


def test_format_overrides_what_the_source_looks_like(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(FOLDER, tmp_path, "--format", "wxr") == 2
    assert capsys.readouterr().err == f"{FOLDER}: error[import]: is a folder; --format wxr needs a file\n"
    assert run(RSS, tmp_path, "--format", "text", "--dry-run") == 0  # one article of pasted text
    assert capsys.readouterr().out.startswith("---\ntitle: <?xml version=")


def test_a_progress_bar_over_the_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []

    @contextlib.contextmanager
    def bar(enabled: bool, label: str = "") -> Iterator[Callable[[int, int], None] | None]:
        assert (enabled, label) == (True, "items")
        yield lambda done, total: seen.append((done, total))

    monkeypatch.setattr(import_cmd, "wanted", lambda quiet: not quiet)
    monkeypatch.setattr(import_cmd, "progress_bar", bar)
    assert run(EXPORT, tmp_path) == 0
    assert seen == [(n, 10) for n in range(1, 11)]


def test_imported_articles_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "digest"
    assert main(["new", str(root), "--quiet"]) == 0
    for source in (EXPORT, RSS, ATOM, FOLDER):
        assert run(source, root, "--quiet") == 0
    assert main(["build", "--root", str(root), "--quiet", "--drafts"]) == 0
    # `mawjaz new` dates article URLs: /year/month/day/slug/
    page = next((root / "site").rglob("حافلات-كهربائية*/index.html")).read_text(encoding="utf-8")
    assert "<dt>الكاتب</dt><dd><bdi>سلمى الأحمد</bdi></dd>" in page
    no_comment_anywhere(root / "site")
