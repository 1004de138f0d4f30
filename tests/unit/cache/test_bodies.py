"""Article bodies kept in files of the build cache rather than in memory."""

from __future__ import annotations

import os

import pytest

from generator.cache.store import close_spool, spool_body
from generator.core.model import BodyUnreadable, StoredBody, body_bytes


def test_a_spooled_body_reads_back_and_compares_by_content(tmp_path) -> None:
    first, second = "<p>نص أول</p>".encode(), b"<p>second</p>"
    try:
        a, b = spool_body(tmp_path, first), spool_body(tmp_path, second)
    finally:
        close_spool()
    assert isinstance(a, StoredBody) and a.path == b.path and b.offset == len(first)
    assert (body_bytes(a), body_bytes(b)) == (first, second)
    assert StoredBody("elsewhere", 99, a.length, a.crc) == a  # where it lies is not what it is


def test_a_body_that_cannot_be_spooled_stays_in_memory(tmp_path) -> None:
    assert spool_body(tmp_path / "missing", b"<p>x</p>") == b"<p>x</p>"


def test_a_changed_or_missing_body_file_is_reported(tmp_path) -> None:
    try:
        stored = spool_body(tmp_path, b"<p>original</p>")
    finally:
        close_spool()
    with open(stored.path, "r+b") as handle:
        handle.write(b"<P>")
    with pytest.raises(BodyUnreadable, match="changed"):
        stored.read()
    os.unlink(stored.path)
    with pytest.raises(BodyUnreadable, match="cannot read"):
        stored.read()
