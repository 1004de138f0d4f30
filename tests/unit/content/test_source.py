"""Loading: what is read, in which order, and what is refused (with the byte that was wrong)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator.content.source import decode_source, discover, read_source
from generator.core.diagnostics import Diagnostic
from generator.core.model import SourceFile


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_discover_is_sorted_recursive_and_skips_hidden_and_other_files(tmp_path):
    for rel in ["content/articles/b.md", "content/articles/a.md", "content/articles/2026/c.markdown",
                "content/articles/.draft.md", "content/articles/.git/x.md",
                "content/articles/notes.txt", "content/articles/a.md~", "content/other/d.md"]:
        write(tmp_path, rel, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == ["content/articles/a.md", "content/articles/b.md",
                     "content/articles/2026/c.markdown"]


def test_discover_without_an_articles_folder_finds_nothing(tmp_path):
    assert list(discover(tmp_path)) == []


def test_reads_utf8_text_with_its_digest(tmp_path):
    data = "---\ntitle: قمة\n---\nنص\n".encode()
    path = write(tmp_path, "content/articles/a.md", data)
    assert read_source(tmp_path, path, 1000) == SourceFile(
        rel="content/articles/a.md", text=data.decode(), digest=hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize(("data", "text"), [
    ("\ufeff---\ntitle: x\n".encode(), "---\ntitle: x\n"),
    (b"a\r\nb\r\n", "a\nb\n"),
    (b"a\rb\r", "a\nb\n"),
    (b"a\r\n\r\nb\rc\n", "a\n\nb\nc\n"),
    ("\ufeffسطر\r\nثان".encode(), "سطر\nثان"),
])
def test_bom_and_line_endings_are_normalised(data, text):
    result = decode_source("a.md", data)
    assert isinstance(result, SourceFile)
    assert result.text == text
    # The digest is of the bytes on disk, so it changes whenever the file does.
    assert result.digest == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("data", "line", "col", "offset"), [
    (b"\0abc", 1, 1, 0),
    (b"ab\ncd\0ef", 2, 3, 5),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 3, 1, 8),
])
def test_binary_data_is_refused_at_its_offset(data, line, col, offset):
    assert decode_source("content/articles/a.md", data) == Diagnostic(
        "content/articles/a.md", line, col, "error", "file-binary",
        f"binary data (NUL byte at offset {offset}); articles must be UTF-8 text")


@pytest.mark.parametrize(("data", "line", "col", "byte", "offset"), [
    (b"caf\xe9", 1, 4, 0xE9, 3),
    (b"---\ntitle: x\n---\nab\xff", 4, 3, 0xFF, 19),
    ("سلام\n".encode() + b"x\xc3(", 2, 2, 0xC3, 10),
])
def test_non_utf8_is_refused_with_offset_and_line(data, line, col, byte, offset):
    assert decode_source("a.md", data) == Diagnostic(
        "a.md", line, col, "error", "file-encoding",
        f"not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); save the file as UTF-8")


def test_utf16_file_is_reported_as_binary():
    """Saved as UTF-16 by a Windows editor: NUL bytes everywhere, refused before decoding."""
    result = decode_source("a.md", "title".encode("utf-16-le"))
    assert isinstance(result, Diagnostic) and result.code == "file-binary"


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = write(tmp_path, "content/articles/big.md", b"x" * 101)
    assert read_source(tmp_path, path, 100) == Diagnostic(
        "content/articles/big.md", 0, 0, "error", "file-too-large",
        "file is 101 bytes; the limit is 100 (`max_file_size`)")
    assert isinstance(read_source(tmp_path, path, 101), SourceFile)


def test_size_limit_message_groups_thousands(tmp_path):
    path = write(tmp_path, "content/articles/big.md", b"x" * 2_000_001)
    result = read_source(tmp_path, path, 2_000_000)
    assert isinstance(result, Diagnostic)
    assert result.message == "file is 2,000,001 bytes; the limit is 2,000,000 (`max_file_size`)"


def test_symlink_leading_outside_the_digest_is_refused(tmp_path):
    root, outside = tmp_path / "digest", tmp_path / "secret"
    write(outside, "passwords.md", "secret")
    link = root / "content/articles/leak.md"
    link.parent.mkdir(parents=True)
    os.symlink(outside / "passwords.md", link)
    result = read_source(root, link, 1000)
    assert isinstance(result, Diagnostic)
    assert (result.path, result.code) == ("content/articles/leak.md", "file-outside")
    assert "outside the digest" in result.message


def test_symlink_inside_the_digest_is_allowed(tmp_path):
    target = write(tmp_path, "drafts/shared.md", "---\ntitle: x\n---\n")
    link = tmp_path / "content/articles/shared.md"
    link.parent.mkdir(parents=True)
    os.symlink(os.path.relpath(target, link.parent), link)
    result = read_source(tmp_path, link, 1000)
    assert isinstance(result, SourceFile)
    assert result.rel == "content/articles/shared.md"
    assert result.text == "---\ntitle: x\n---\n"


def test_dangling_symlink_is_reported(tmp_path):
    link = tmp_path / "content/articles/gone.md"
    link.parent.mkdir(parents=True)
    os.symlink(tmp_path / "nowhere.md", link)
    assert [p.name for p in discover(tmp_path)] == ["gone.md"]
    result = read_source(tmp_path, link, 1000)
    assert isinstance(result, Diagnostic) and result.code == "file-not-regular"


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = write(tmp_path, "content/articles/locked.md", "x")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert read_source(tmp_path, path, 1000) == Diagnostic(
        "content/articles/locked.md", 0, 0, "error", "file-unreadable",
        "cannot read file: Permission denied")


def test_a_symlinked_folder_is_reported_not_walked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    articles = tmp_path / "digest" / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "linked").symlink_to(outside, target_is_directory=True)
    found = list(discover(tmp_path / "digest"))
    assert found == [Diagnostic("content/articles/linked", 0, 0, "error", "folder-link",
                                "symlinked folders are not followed; move the files into content/")]
