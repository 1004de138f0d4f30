"""The pieces of ``mawjaz send`` that need no server: the address list and its diagnostics,
the record of what was sent, the message as addressed to one reader. Sending through a real
SMTP server is tests/test_cli_send.py."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from generator.output.mailer import (
    RECORD_HEADER,
    RecordBusy,
    addressed,
    edition_message,
    envelope_sender,
    open_record,
    read_recipients,
)

REPO = Path(__file__).resolve().parents[3]
EML = REPO / "tests/golden/digest/editions/2026-11-29/email.eml"
WHEN = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


def test_recipients_skip_comments_and_blank_lines_and_name_bad_lines(tmp_path: Path) -> None:
    listing = tmp_path / "readers.txt"
    listing.write_text("# the desk\n\nreader@example.net\nnot-an-address\nsecond@example.com # since May\n"
                       "Reader@Example.net\nname <third@example.org>\n", "utf-8")
    recipients, problems = read_recipients(listing, "readers.txt")
    assert [(r.address, r.line) for r in recipients] == [("reader@example.net", 3), ("second@example.com", 5)]
    assert [p.format() for p in problems] == [
        "readers.txt:4:1: error[send-address]: `not-an-address` is not an email address",
        "readers.txt:6:1: warning[send-repeated]: `Reader@Example.net` is already on line 3; it gets one email",
        "readers.txt:7:1: error[send-address]: `name <third@example.org>` is not an email address",
    ]


def test_the_record_is_appended_as_each_message_goes_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sent.tsv"
    with open_record(path) as record:
        assert not record.has("2026-11-29", "a@example.net")
        record.add("2026-11-29", "a@example.net", WHEN)
        # on disk at once, before the send is over
        assert path.read_text("utf-8") == RECORD_HEADER + "2026-11-29\ta@example.net\t2026-12-01T07:30:00+00:00\n"
    with open_record(path, write=False) as record:
        assert record.has("2026-11-29", "A@Example.NET")
        assert not record.has("2026-11-28", "a@example.net")


def test_a_dry_run_creates_no_record(tmp_path: Path) -> None:
    with open_record(tmp_path / "sent.tsv", write=False) as record:
        assert not record.has("2026-11-29", "a@example.net")
        with pytest.raises(OSError):
            record.add("2026-11-29", "a@example.net", WHEN)
    assert not (tmp_path / "sent.tsv").exists()


def test_a_record_that_is_a_link_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("", "utf-8")
    (tmp_path / "sent.tsv").symlink_to(elsewhere)
    with pytest.raises(OSError), open_record(tmp_path / "sent.tsv"):
        pass


def test_two_sends_cannot_hold_one_record(tmp_path: Path) -> None:
    path = tmp_path / "sent.tsv"
    with open_record(path):
        child = os.fork()
        if child == 0:  # a record lock belongs to a process: the other one must be refused
            try:
                with open_record(path):
                    os._exit(1)
            except RecordBusy:
                os._exit(0)
            os._exit(2)
        _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_message_for_one_reader_has_their_address_and_the_sending_time() -> None:
    message = edition_message(EML.read_bytes())
    assert envelope_sender(message) == "digest@example.org"
    data = addressed(message, "reader@example.net", WHEN)
    sent = message_from_bytes(data, policy=default)
    assert sent["To"] == "reader@example.net"
    assert sent["Date"].datetime == WHEN
    assert sent["Subject"] == message["Subject"] and sent["Message-ID"] == message["Message-ID"]
    assert [p.get_content() for p in sent.iter_parts()] == [p.get_content() for p in message.iter_parts()]
    assert "To" not in message  # the edition's own message is left as it was
