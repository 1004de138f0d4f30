"""Article bodies kept in files of the build cache rather than in memory."""

from __future__ import annotations

import os

import pytest

from generator.cache.store import Spool
from generator.core.model import BodyUnreadable, StoredBody, body_bytes


def test_a_spooled_body_reads_back_and_compares_by_content(tmp_path) -> None:
    first, second = "<p>نص أول</p>".encode(), b"<p>second</p>"
    spool = Spool(tmp_path)
    try:
        a, b = spool.body(first), spool.body(second)
    finally:
        spool.close()
    assert isinstance(a, StoredBody) and a.path == b.path and b.offset == len(first)
    assert (body_bytes(a), body_bytes(b)) == (first, second)
    assert StoredBody("elsewhere", 99, a.length, a.crc) == a  # where it lies is not what it is


def test_a_body_that_cannot_be_spooled_stays_in_memory(tmp_path) -> None:
    assert Spool(tmp_path / "missing").body(b"<p>x</p>") == b"<p>x</p>"


def test_each_spool_keeps_its_own_file(tmp_path) -> None:
    """Two builds' spools in one process never write to each other's file."""
    first, second = Spool(tmp_path / "a"), Spool(tmp_path / "b")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    try:
        a, b = first.body(b"<p>a</p>"), second.body(b"<p>b</p>")
    finally:
        first.close()
        second.close()
    assert os.path.dirname(a.path) != os.path.dirname(b.path) and (a.offset, b.offset) == (0, 0)


def test_a_changed_or_missing_body_file_is_reported(tmp_path) -> None:
    spool = Spool(tmp_path)
    try:
        stored = spool.body(b"<p>original</p>")
    finally:
        spool.close()
    with open(stored.path, "r+b") as handle:
        handle.write(b"<P>")
    with pytest.raises(BodyUnreadable, match="changed"):
        stored.read()
    os.unlink(stored.path)
    with pytest.raises(BodyUnreadable, match="cannot read"):
        stored.read()
