"""``mawjaz send`` against a real SMTP server (aiosmtpd) on 127.0.0.1: what arrives is parsed
with Python's ``email`` package and checked part by part; a second send sends nothing;
a server that answers 451 once gets the message on the next try; an address the server
refuses makes the command fail and the others still get the edition."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from generator.build.pipeline import BuildOptions, build
from generator.cli.main import main
from generator.output.mailer import PASSWORD_VARIABLE, RECORD_NAME, USER_VARIABLE

REPO = Path(__file__).resolve().parent.parent
EDITION = "2026-11-28"  # the edition with an English article among Arabic ones


@dataclass
class Mailbox:
    """What the test server received, and how it answers: ``later`` addresses get a 451 the
    first ``times`` they are tried, ``refused`` ones a 550 every time."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    later: dict[str, int] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    tried: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd calls it by this name
        self.tried.append(address)
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        if self.later.get(address, 0) > 0:
            self.later[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "digest"
    shutil.copytree(REPO / "tests/sites/digest", root)
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace("search = true", "search = false"), "utf-8")
    build(root, BuildOptions(workers=1))
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    return root


def send(root: Path, port: int, addresses: str, *options: str) -> int:
    listing = root.parent / "readers.txt"
    listing.write_text(addresses, "utf-8")
    return main(["send", "--root", str(root), "--to", str(listing), "--smtp", f"127.0.0.1:{port}",
                 "--retry-wait", "0", *options])


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def test_an_edition_arrives_whole_and_is_never_sent_twice(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    readers = "# our readers\nreader@example.net\n\nsecond@example.com  # since November\n"
    assert send(digest, port, readers, "--edition", EDITION) == 0
    out = capsys.readouterr().out
    assert re.search(r"^sent +reader@example\.net$", out, re.MULTILINE)
    assert re.search(r"^sent +second@example\.com$", out, re.MULTILINE)
    assert [to for _f, to, _d in box.received] == [["reader@example.net"], ["second@example.com"]]
    sender, _to, data = box.received[0]
    assert sender == "digest@example.org"
    message = message_from_bytes(data, policy=default)
    assert isinstance(message, EmailMessage)

    # headers, the subject decoded from RFC 2047
    assert message["Subject"] == "موجز الشؤون السورية: عدد السبت، 28 تشرين الثاني 2026"
    assert re.search(rb"^Subject: =\?utf-8\?b\?", data, re.MULTILINE)
    assert str(message["From"]) == "موجز الشؤون السورية <digest@example.org>"
    assert message["To"] == "reader@example.net"
    assert message["Reply-To"] == "desk@example.org"
    assert message["List-Unsubscribe"] == ("<mailto:leave@example.org?subject=unsubscribe>, "
                                           "<https://example.org/syria/unsubscribe>")
    assert message["Date"].datetime.year >= 2026 and message["Date"].datetime.tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", message["Message-ID"])

    # both parts, UTF-8 in base64
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_payload()
    assert [p.get_content_type() for p in (text_part, html_part)] == ["text/plain", "text/html"]
    for part in (text_part, html_part):
        assert (part.get_content_charset(), part["Content-Transfer-Encoding"]) == ("utf-8", "base64")
    text, page = text_part.get_content(), html_part.get_content()
    assert len(html_part.get_payload(decode=True)) < 102 * 1024

    # the same items and links in both; every link absolute
    tags = Tags()
    tags.feed(page)
    links = [a["href"] for t, a in tags.tags if t == "a"]
    assert all(link.startswith(("https://", "mailto:")) for link in links), links
    articles = [link for link in links if "/articles/" in link]
    assert len(articles) == 2 and all(link in text for link in articles)
    assert "https://example.org/syria/editions/2026-11-28/" in links and "Syrian National Coalition" in text

    # direction: on <html>, on the body wrapper, on the English block; alignment inline
    assert tags.tags[0] == ("html", {"lang": "ar", "dir": "rtl"})
    wrapper = next(a for t, a in tags.tags if t == "div" and a.get("class") == "page")
    assert (wrapper["lang"], wrapper["dir"]) == ("ar", "rtl")
    english = [(t, a) for t, a in tags.tags if a.get("lang") == "en"]
    assert {t for t, _a in english} == {"table", "td"} and all(a["dir"] == "ltr" for _t, a in english)
    for tag, attrs in tags.tags:
        if tag == "td" and "dir" in attrs:
            side = "right" if attrs["dir"] == "rtl" else "left"
            assert f"text-align: {side}" in attrs["style"], attrs
    assert not {t for t, _a in tags.tags} & {"script", "form", "link"}
    # the layout is in style attributes, not in rules a client may drop
    container = next(a for t, a in tags.tags if t == "table" and a.get("class") == "container")
    assert "width: 100%" in container["style"] and "max-width: 600px" in container["style"]

    # a second send: nothing goes out, each address is reported as already sent
    assert send(digest, port, readers, "--edition", EDITION) == 0
    out = capsys.readouterr().out
    assert len(box.received) == 2
    assert re.search(r"^already sent +reader@example\.net$", out, re.MULTILINE)
    # the record is the digest's own file, not in the site or the cache: a rebuild keeps it
    record = (digest / RECORD_NAME).read_text("utf-8")
    assert f"{EDITION}\treader@example.net\t" in record
    build(digest, BuildOptions(workers=1))
    assert send(digest, port, readers.upper(), "--edition", EDITION) == 0
    assert len(box.received) == 2


def test_latest_edition_by_default_and_a_new_reader_gets_it(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    assert send(digest, port, "one@example.net\n") == 0
    assert message_from_bytes(box.received[0][2], policy=default)["Subject"].endswith("(الأحد، 29 تشرين الثاني 2026)")
    assert send(digest, port, "one@example.net\ntwo@example.net\n") == 0
    assert [to for _f, to, _d in box.received] == [["one@example.net"], ["two@example.net"]]


def test_a_temporary_failure_is_tried_again(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    box.later["slow@example.net"] = 1
    assert send(digest, port, "slow@example.net\n", "--edition", EDITION) == 0
    assert box.tried == ["slow@example.net", "slow@example.net"]
    assert [to for _f, to, _d in box.received] == [["slow@example.net"]]
    assert re.search(r"^sent +slow@example\.net: after 2 tries$", capsys.readouterr().out, re.MULTILINE)


def test_a_refused_address_fails_the_command_and_the_others_still_get_it(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    box.refused.add("gone@example.net")
    box.later["busy@example.net"] = 10  # temporary every time: given up after --attempts
    code = send(digest, port, "gone@example.net\nbusy@example.net\nfine@example.net\n",
                "--edition", EDITION, "--attempts", "2")
    assert code == 1
    captured = capsys.readouterr()
    assert re.search(r"^failed +gone@example\.net: 550 5\.1\.1 no such mailbox$", captured.err, re.MULTILINE)
    assert re.search(r"^failed +busy@example\.net: 451 .*\(tried 2 times\)$", captured.err, re.MULTILINE)
    assert box.tried.count("gone@example.net") == 1 and box.tried.count("busy@example.net") == 2
    assert [to for _f, to, _d in box.received] == [["fine@example.net"]]
    # the failed ones are not recorded: the next send tries them again, and only them
    box.refused.clear()
    box.later.clear()
    assert send(digest, port, "gone@example.net\nbusy@example.net\nfine@example.net\n", "--edition", EDITION) == 0
    assert sorted(to[0] for _f, to, _d in box.received) == ["busy@example.net", "fine@example.net", "gone@example.net"]


def test_an_unreachable_server_fails(digest: Path, capsys) -> None:
    assert send(digest, free_port(), "one@example.net\n", "--attempts", "2") == 1
    assert "failed" in capsys.readouterr().err
    assert not (digest / RECORD_NAME).read_text("utf-8").strip()


def test_a_server_without_starttls_stops_the_send_at_once(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    code = send(digest, port, "one@example.net\ntwo@example.net\n", "--starttls", "--attempts", "3")
    assert code == 1
    err = capsys.readouterr().err
    assert re.search(r"^failed +one@example\.net: .*STARTTLS", err, re.MULTILINE)
    assert re.search(r"^failed +two@example\.net: not tried: .*STARTTLS", err, re.MULTILINE)
    assert box.received == [] and box.tried == []


def test_dry_run_prints_and_sends_nothing(digest: Path, mailbox, capsys) -> None:
    box, port = mailbox
    assert send(digest, port, "one@example.net\nnot an address\n", "--dry-run", "--edition", EDITION) == 1
    captured = capsys.readouterr()
    assert re.search(r"^would send +one@example\.net$", captured.out, re.MULTILINE)
    assert "readers.txt:2:1: error[send-address]: `not an address` is not an email address" in captured.err
    assert box.tried == [] and not (digest / RECORD_NAME).exists()


@pytest.mark.parametrize(("options", "message"), [
    (("--edition", "2026-11-30"), "no "),
    (("--edition", "yesterday"), "--edition is a day"),
])
def test_a_missing_edition_is_named(digest: Path, options: tuple[str, ...], message: str, capsys) -> None:
    assert send(digest, free_port(), "one@example.net\n", *options) == 3
    assert message in capsys.readouterr().err


def test_a_password_goes_only_over_tls(digest: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv(USER_VARIABLE, "desk")
    monkeypatch.setenv(PASSWORD_VARIABLE, "secret")
    listing = digest.parent / "readers.txt"
    listing.write_text("one@example.net\n", "utf-8")
    code = main(["send", "--root", str(digest), "--to", str(listing), "--smtp", "mail.example.org:587"])
    assert code == 2 and "--starttls" in capsys.readouterr().err
