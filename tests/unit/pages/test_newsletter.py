"""Edition emails: the HTML (inlined, directions, absolute links, size), the text part and
the complete message, read back with Python's ``email`` package."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, default
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.core.model import OutputFile
from generator.pages.newsletter import MAX_HTML_BYTES, align_of, alternative_message, html_to_text
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 31, tzinfo=UTC)


def digest(tmp_path: Path, extra: str = "", articles: dict[str, str] | None = None) -> Path:
    """A copy of the ``digest`` fixture, search off (no search index made), ``extra`` settings
    replacing the fixture's lines with the same key, and more articles."""
    root = tmp_path / "digest"
    shutil.copytree(REPO / "tests/sites/digest", root)
    config = root / "mawjaz.toml"
    text = config.read_text("utf-8").replace("search = true", "search = false")
    for line in extra.strip().splitlines():
        name = line.split("=")[0].strip()
        text = re.sub(rf"(?m)^{name}\s*=.*$\n?", "", text) + line + "\n"
    config.write_text(text, "utf-8")
    for name, body in (articles or {}).items():
        (root / "content/articles" / name).write_text(body, "utf-8")
    return root


def built(root: Path) -> dict[str, OutputFile]:
    site, _ = load_site(root, BuildOptions(now=NOW))
    return {f.path: f for f in render_site(site, find_theme(root))}


def message_of(files: dict[str, OutputFile], day: str) -> EmailMessage:
    message = message_from_bytes(files[f"editions/{day}/email.eml"].data(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


class Elements(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def elements(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, OutputFile]:
    return built(digest(tmp_path_factory.mktemp("newsletter")))


def test_every_edition_has_its_email_and_channel_files_beside_its_page(files) -> None:
    days = sorted({p.split("/")[1] for p in files if re.fullmatch(r"editions/\d{4}-\d\d-\d\d/index\.html", p)})
    assert days == ["2026-11-27", "2026-11-28", "2026-11-29"]
    for day in days:
        for name in ("email.html", "email.txt", "email.eml", "channel-01.txt"):
            assert f"editions/{day}/{name}" in files
    # not pages: out of the sitemap
    assert b"email.html" not in files["sitemap.xml"].data()


def test_html_has_direction_on_html_wrapper_and_other_direction_blocks(files) -> None:
    page = files["editions/2026-11-28/email.html"].data().decode()
    tags = elements(page)
    assert tags[0] == ("html", {"lang": "ar", "dir": "rtl"})
    wrapper = next(attrs for tag, attrs in tags if tag == "div" and attrs.get("class") == "page")
    assert (wrapper["lang"], wrapper["dir"]) == ("ar", "rtl")
    # the English article: its own lang and dir on its block and cell, aligned to the left
    english = [attrs for tag, attrs in tags if attrs.get("lang") == "en"]
    assert english and all(a["dir"] == "ltr" for a in english)
    cell = next(a for t, a in tags if t == "td" and a.get("lang") == "en")
    assert "text-align: left" in cell["style"]
    # every Arabic cell is right-aligned by its own style, for clients that ignore dir
    for tag, attrs in tags:
        if tag == "td" and attrs.get("dir") == "rtl":
            assert "text-align: right" in attrs["style"], attrs


def test_html_styles_are_inline_and_nothing_is_loaded_or_run(files) -> None:
    for path in (p for p in files if p.endswith("/email.html")):
        page = files[path].data().decode()
        tags = elements(page)
        names = {tag for tag, _ in tags}
        assert names.isdisjoint({"script", "form", "input", "link", "iframe", "object", "embed"}), path
        styled = [attrs for tag, attrs in tags if tag in ("table", "td", "h1", "h3", "p") and attrs.get("class")]
        assert styled and all("style" in attrs for attrs in styled), path
        # what is left in <style> is only what cannot be inline: @media rules (and, in a
        # comment only Outlook reads, its own property that hides the preheader)
        for block in re.findall(r"<style>(.*?)</style>", re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL), re.DOTALL):
            assert re.sub(r"@media[^{]*\{(?:[^{}]*\{[^}]*\})*[^}]*\}", "", block).strip() == "", path
        assert "prefers-color-scheme: dark" in page
        assert len(page.encode()) < 102 * 1024


def test_links_and_images_are_absolute_and_the_view_link_is_the_edition_page(files) -> None:
    page = files["editions/2026-11-29/email.html"].data().decode()
    links = [attrs["href"] for tag, attrs in elements(page) if tag == "a"]
    assert links and all(re.match(r"(https://|mailto:)", url) for url in links), links
    assert links[0] == "https://example.org/syria/editions/2026-11-29/"
    sources = [attrs["src"] for tag, attrs in elements(page) if tag == "img"]
    assert all(src.startswith("https://") for src in sources)


def test_the_preheader_is_hidden(files) -> None:
    page = files["editions/2026-11-29/email.html"].data().decode()
    pre = next(attrs for tag, attrs in elements(page) if attrs.get("class") == "preheader")
    assert "display: none" in pre["style"] and "max-height: 0" in pre["style"]


def test_message_is_multipart_alternative_utf8_with_headers(files) -> None:
    message = message_of(files, "2026-11-29")
    assert message.get_content_type() == "multipart/alternative"
    text, page = message.get_payload()
    assert (text.get_content_type(), page.get_content_type()) == ("text/plain", "text/html")
    for part in (text, page):
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] == "base64"
    # the parts are the written files, with the CRLF line ends mail needs
    written = files["editions/2026-11-29/email.html"].data().decode()
    assert page.get_content().replace("\r\n", "\n").rstrip("\n") == written.rstrip("\n")
    assert text.get_content().replace("\r\n", "\n") == files["editions/2026-11-29/email.txt"].data().decode()
    raw = files["editions/2026-11-29/email.eml"].data()
    assert raw.isascii() and b"\r\n" in raw
    subject_line = re.search(rb"^Subject: ([^\r\n]*(?:\r\n [^\r\n]*)*)", raw, re.MULTILINE).group(1)
    assert subject_line.startswith(b"=?utf-8?")  # RFC 2047
    subject = str(make_header(decode_header(subject_line.decode().replace("\r\n", ""))))
    assert subject == "موجز الشؤون السورية: عدد الأحد عن ملف اللاجئين (الأحد، 29 تشرين الثاني 2026)"
    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name == "موجز الشؤون السورية"
    assert message["From"].addresses[0].addr_spec == "digest@example.org"
    assert message["Reply-To"] == "desk@example.org"
    assert message["List-Unsubscribe"] == ("<mailto:leave@example.org?subject=unsubscribe>, "
                                           "<https://example.org/syria/unsubscribe>")
    assert message["Message-ID"] == "<edition.daily.2026-11-29@example.org>"
    assert message["Date"].datetime == datetime.fromisoformat("2026-11-29T11:45:00+03:00")


def test_text_part_has_the_same_items_and_links(files) -> None:
    page = files["editions/2026-11-28/email.html"].data().decode()
    text = files["editions/2026-11-28/email.txt"].data().decode()
    items = [attrs["href"] for tag, attrs in elements(page) if tag == "a"]
    article_links = [url for url in items if "/articles/" in url]
    assert len(article_links) == 2
    for url in article_links:
        assert url in text
    assert "Syrian National Coalition meets French and UN envoys" in text
    assert "https://example.org/syria/editions/2026-11-28/" in text
    assert "<" not in text


def test_subject_uses_the_digests_month_names_and_digits(tmp_path: Path) -> None:
    files = built(digest(tmp_path, 'month_names = "standard"\ndigits = "arab"'))
    subject = message_of(files, "2026-11-28")["Subject"]
    assert subject == "موجز الشؤون السورية: عدد السبت، ٢٨ نوفمبر ٢٠٢٦"


def test_without_unsubscribe_there_is_no_list_unsubscribe_and_the_sender_is_the_sites(tmp_path: Path) -> None:
    root = digest(tmp_path)
    config = root / "mawjaz.toml"
    config.write_text("\n".join(line for line in config.read_text("utf-8").splitlines()
                                if not line.startswith(("unsubscribe", "email_"))) + "\n", "utf-8")
    message = message_of(built(root), "2026-11-29")
    assert "List-Unsubscribe" not in message and "Reply-To" not in message
    assert str(message["From"].addresses[0]) == "موجز الشؤون السورية <noreply@example.org>"


def test_emails_and_channel_texts_can_be_turned_off(tmp_path: Path) -> None:
    files = built(digest(tmp_path, "emails = false\nchannel_text = false"))
    assert not [p for p in files if "/email." in p or "/channel-" in p]
    files = built(digest(tmp_path / "b", "emails = false"))
    assert [p for p in files if "/channel-" in p] and not [p for p in files if "/email." in p]


def article(n: int, title: str = "") -> str:
    return (f"---\ntitle: \"{title or f'خبر رقم {n} عن اجتماع اللجنة الدستورية في جنيف'}\"\n"
            f"date: 2026-11-30T{8 + n // 60:02d}:{n % 60:02d}:00+03:00\n"
            f"summary: \"{'ملخص طويل يشرح ما جرى في الاجتماع ومن حضره وما اتُّفق عليه. ' * 3}\"\n---\n\nنص.\n")


def test_a_large_edition_shows_its_first_articles_under_the_limit_and_links_the_rest(tmp_path: Path) -> None:
    files = built(digest(tmp_path, articles={f"2026-11-30-n{n:03d}.md": article(n) for n in range(240)}))
    page = files["editions/2026-11-30/email.html"].data().decode()
    text = files["editions/2026-11-30/email.txt"].data().decode()
    assert len(page.encode()) <= MAX_HTML_BYTES < 102 * 1024
    shown = [a["href"] for t, a in elements(page) if t == "a" and "/articles/" in a["href"]]
    assert 20 < len(shown) < 240
    assert sorted(shown) == sorted(re.findall(r"https://\S+/articles/\S+", text))
    left = 240 - len(shown)
    assert f"بقية العدد ({left} " in page and f"بقية العدد ({left} " in text


def test_titles_are_escaped(tmp_path: Path) -> None:
    files = built(digest(tmp_path, articles={"2026-11-30-x.md": article(1, "<script>alert(1)</script> & <b>")}))
    page = files["editions/2026-11-30/email.html"].data().decode()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert "<script>alert(1)</script> & <b>" in files["editions/2026-11-30/email.txt"].data().decode()


def test_html_to_text_keeps_link_targets() -> None:
    note = '<p>قرأنا <a href="https://example.org/a">التقرير</a>.</p><ul><li>أول</li><li>ثانٍ</li></ul>'
    assert html_to_text(note) == "قرأنا التقرير (https://example.org/a).\n\n• أول\n\n• ثانٍ"
    assert html_to_text("") == ""


def test_align_is_the_physical_start_side() -> None:
    assert (align_of("rtl"), align_of("ltr")) == ("right", "left")


def test_weekly_editions_are_named_by_their_week_and_a_multiline_note_title_is_one_line(tmp_path: Path) -> None:
    root = digest(tmp_path, 'editions = "weekly"')
    (root / "content/editions/2026-11-29.md").unlink()
    (root / "content/editions/2026-11-23.md").write_text("---\ntitle: |\n  عدد خاص\n  عن جنيف\n---\n\nنص.\n", "utf-8")
    files = built(root)
    assert message_of(files, "2026-11-23")["Subject"] == (
        "موجز الشؤون السورية: عدد خاص عن جنيف (الاثنين، 23 تشرين الثاني 2026)")
    root = digest(tmp_path / "b", 'editions = "weekly"')
    (root / "content/editions/2026-11-29.md").unlink()
    assert message_of(built(root), "2026-11-23")["Subject"] == (
        "موجز الشؤون السورية: عدد الأسبوع من الاثنين، 23 تشرين الثاني 2026")


def test_without_editions_there_are_no_emails(tmp_path: Path) -> None:
    root = digest(tmp_path, 'editions = "none"')
    shutil.rmtree(root / "content/editions")
    assert not [p for p in built(root) if "/email." in p or "/channel-" in p]


def test_a_digest_theme_without_an_email_template_uses_the_default_one(tmp_path: Path) -> None:
    root = digest(tmp_path)
    shutil.copytree(REPO / "templates", root / "templates", ignore=shutil.ignore_patterns("email"))
    assert find_theme(root).templates == root / "templates"
    files = built(root)
    assert files["editions/2026-11-29/email.html"].data() == (
        REPO / "tests/golden/digest/editions/2026-11-29/email.html").read_bytes()


def email_package_message(headers: list[tuple[str, object]], text: str, page: str, boundary: str) -> bytes:
    """The message as the ``email`` package writes it, which ``alternative_message`` must equal."""
    message = EmailMessage(policy=SMTP)
    for name, value in headers:
        message[name] = value
    message["Content-Language"] = "ar"  # dropped by set_content, as it always was
    message.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(page, subtype="html", charset="utf-8", cte="base64")
    message.set_boundary(boundary)
    return message.as_bytes()


LONG_SUBJECT = ("موجز الشؤون السورية: عدد خاص عن اجتماعات اللجنة الدستورية في جنيف وما تلاها"
                " (الأحد، 29 تشرين الثاني 2026)")
HEADER_SETS = [
    [("Subject", "Weekly digest"), ("From", Address("Digest", "noreply", "example.org")),
     ("Date", "Sun, 29 Nov 2026 11:45:00 +0300"), ("Message-ID", "<edition.daily.2026-11-29@example.org>")],
    [("Subject", LONG_SUBJECT), ("From", Address("موجز الشؤون السورية", "digest", "example.org")),
     ("Reply-To", Address("", "desk", "example.org")), ("Date", "Sun, 29 Nov 2026 11:45:00 +0300"),
     ("Message-ID", "<edition.weekly.2026-11-23@example.org>"),
     ("List-Unsubscribe", ", ".join(f"<https://example.org/syria/unsubscribe/{'x' * n}>" for n in (10, 40, 70)))],
]
BODIES = ["", "a", "\n", "سطر\n", "بلا سطر أخير", "CRLF\r\nand CR\rand LF\n\n\nend\n",
          "x" * 57, "x" * 56 + "\n", "ب" * 200 + "\n" + "<p>" + "نص " * 400 + "</p>\n",
          "form\x0cfeed\x0bvtab\u2028sep\x85nel\n"]


@pytest.mark.parametrize("headers", HEADER_SETS)
@pytest.mark.parametrize("body", BODIES)
def test_the_message_is_byte_for_byte_what_the_email_package_writes(headers, body: str) -> None:
    boundary = "=_mawjaz_0123456789abcdef01234567"
    header_message = EmailMessage(policy=SMTP)
    for name, value in headers:
        header_message[name] = value
    text, page = body, "<!DOCTYPE html><html><body>" + body + "</body></html>\n"
    written = alternative_message(header_message, text, page, boundary)
    assert written == email_package_message(headers, text, page, boundary)
    parsed = message_from_bytes(written, policy=default)
    plain, html = parsed.get_payload()
    assert plain.get_content() == (b"\r\n".join(text.encode().splitlines()) + b"\r\n").decode()
    assert html.get_content_type() == "text/html" and html.get_content().startswith("<!DOCTYPE html>")
