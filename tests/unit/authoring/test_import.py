"""``mawjaz import``: text files, saved pages, standard input and URLs to article files."""

from __future__ import annotations

import http.server
import io
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar

import pytest
import yaml

from generator.authoring import importer
from generator.cli.main import main

FIXTURES = Path(__file__).parents[2] / "fixtures"
IMPORTS = FIXTURES / "import"
SEED = FIXTURES / "seed" / "000_33ebafb7f274a61d.txt"
SEED_TITLE = "أهم مجريات لقاء الائتلاف السوري المعارض بوفدين دوليين بارزين حول تطورات الأوضاع في سوريا"


def split_article(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    front, _, body = text[4:].partition("\n---\n\n")
    return yaml.safe_load(front), body


def expected(path: Path) -> tuple[str, str]:
    title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    return title, body


def only_file(root: Path) -> Path:
    files = list((root / "content" / "articles").glob("*.md"))
    assert len(files) == 1, files
    return files[0]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ the seed

def test_seed_imports_to_its_headline_and_paragraphs(tmp_path: Path) -> None:
    assert main(["import", str(SEED), "--root", str(tmp_path), "--date", "2024-05-01T10:00:00+03:00",
                 "--quiet"]) == 0
    path = only_file(tmp_path)
    assert path.name.startswith("2024-05-01-")
    meta, body = split_article(path.read_text(encoding="utf-8"))
    assert meta["title"] == SEED_TITLE
    assert meta["lang"] == "ar"
    assert str(meta["date"]) == "2024-05-01 10:00:00+03:00"
    assert "published" not in meta and "source" not in meta
    source = SEED.read_text(encoding="utf-8")
    paragraphs = [p for p in source.split("\n\n")[1:] if p.strip()]
    assert body == "\n\n".join(paragraphs[:-4]) + "\n"
    for tail in ("مقالات ذات صلة", "اترك تعليقاً", "زر الذهاب إلى الأعلى", "بريدك الإلكتروني"):
        assert tail not in body


def test_seed_in_a_digest_uses_its_config(tmp_path: Path) -> None:
    (tmp_path / "mawjaz.toml").write_text(
        'title = "t"\nbase_url = "https://example.org/"\ntimezone = "Asia/Damascus"\n'
        'slug_policy = "ascii"\n', encoding="utf-8")
    assert main(["import", str(SEED), "--root", str(tmp_path), "--quiet"]) == 0
    path = only_file(tmp_path)
    assert path.name.isascii()
    meta, _ = split_article(path.read_text(encoding="utf-8"))
    assert meta["date"].utcoffset().total_seconds() == 3 * 3600


def test_actors_from_the_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(Path(__file__).parents[3] / "content" / "actors.yaml", tmp_path / "content")
    assert main(["import", str(SEED), "--root", str(tmp_path), "--dry-run"]) == 0
    meta, _ = split_article(capsys.readouterr().out)
    assert "syrian-coalition" in meta["actors"]


@pytest.mark.parametrize(("mode", "listed"), [("add", False), ("suggest", True), ("off", True)])
def test_actors_are_listed_only_when_the_build_does_not_find_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, listed: bool) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(Path(__file__).parents[3] / "content" / "actors.yaml", tmp_path / "content")
    (tmp_path / "mawjaz.toml").write_text(
        f'title = "t"\nbase_url = "https://example.org/"\nauto_actors = "{mode}"\n', encoding="utf-8")
    assert main(["import", str(SEED), "--root", str(tmp_path), "--dry-run"]) == 0
    meta, _ = split_article(capsys.readouterr().out)
    assert ("syrian-coalition" in meta.get("actors", [])) is listed


# ------------------------------------------------------------------ fixtures

@pytest.mark.parametrize("name", ["ar_pasted.txt", "en_pasted.txt", "fr_pasted.txt",
                                  "ar_wordpress.html", "en_news.html", "fr_actu.html"])
def test_fixture_imports_to_exactly_its_text(name: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(IMPORTS / name), "--root", str(tmp_path), "--dry-run",
                 "--date", "2024-05-01"]) == 0
    meta, body = split_article(capsys.readouterr().out)
    title, want = expected(IMPORTS / (name.rsplit(".", 1)[0] + ".expected.txt"))
    assert meta["title"] == title
    assert body == want
    assert meta["lang"] == name[:2]


def test_page_metadata_is_what_the_page_states(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    main(["import", str(IMPORTS / "en_news.html"), "--root", str(tmp_path), "--dry-run"])
    meta, _ = split_article(capsys.readouterr().out)
    assert meta["source"] == {"name": "The Example Herald",
                              "url": "https://herald.example.com/news/flood-barrier"}
    assert str(meta["published"]) == "2024-04-18 07:15:00+00:00"
    main(["import", str(IMPORTS / "fr_actu.html"), "--root", str(tmp_path), "--dry-run"])
    meta, body = split_article(capsys.readouterr().out)
    assert str(meta["published"]) == "2024-02-02"
    assert "région" in body  # declared windows-1252, decoded as such


# ------------------------------------------------------------------ contracts

def test_dry_run_touches_nothing_and_prints_the_file(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    before = tree(tmp_path)
    args = ["import", str(IMPORTS / "ar_pasted.txt"), "--root", str(tmp_path),
            "--date", "2024-05-01T08:00:00+03:00"]
    assert main([*args, "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert tree(tmp_path) == before
    assert main([*args, "--quiet"]) == 0
    assert only_file(tmp_path).read_text(encoding="utf-8") == printed


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["import", str(SEED), "--root", str(tmp_path), "--date", "2024-05-01", "--quiet"]
    assert main(args) == 0
    path = only_file(tmp_path)
    path.write_text("curated by hand\n", encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "--force" in err
    assert path.read_text(encoding="utf-8") == "curated by hand\n"
    assert main([*args, "--force"]) == 0
    assert path.read_text(encoding="utf-8").startswith("---\ntitle: ")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left


def test_verbose_lists_removed_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", str(SEED), "--root", str(tmp_path), "--dry-run", "--verbose"])
    err = capsys.readouterr().err.splitlines()
    assert f"{SEED}:29: removed [comment-tail]: زر الذهاب إلى الأعلى" in err
    assert len([line for line in err if ": removed [" in line]) == 4


def test_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> None:
    data = "Headline here\n\nA first paragraph of text that says something.\nShare this:\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
    assert main(["import", "-", "--root", str(tmp_path), "--dry-run", "--lang", "en"]) == 0
    meta, body = split_article(capsys.readouterr().out)
    assert meta["title"] == "Headline here"
    assert body == "A first paragraph of text that says something.\n"


@pytest.mark.parametrize(("content", "code", "words"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "binary"),
    (b"caf\xe9 au lait\n", 1, "not valid utf-8"),
    (b"   \n\n", 1, "empty"),
])
def test_unreadable_sources_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      content: bytes, code: int, words: str) -> None:
    source = tmp_path / "paste.txt"
    source.write_bytes(content)
    assert main(["import", str(source), "--root", str(tmp_path)]) == code
    err = capsys.readouterr().err
    assert err.startswith(f"{source}: error[import]: ")
    assert words in err.lower()
    assert not (tmp_path / "content").exists()


def test_missing_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.txt"), "--root", str(tmp_path)]) == 3
    assert "nope.txt" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["import", str(SEED), "--root", str(tmp_path), "--date", "yesterday"]) == 2


def test_language_detection() -> None:
    assert importer.detect_lang("بحث الائتلاف الوطني with the US") == "ar"
    assert importer.detect_lang("The council voted on the plan and the budget.") == "en"
    assert importer.detect_lang("Le conseil a adopté le plan et la région paiera.") == "fr"


# ------------------------------------------------------------------ URLs

class _Handler(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[Mapping[str, tuple[str, bytes]]] = MappingProxyType({
        "/article": ("text/html; charset=utf-8", (IMPORTS / "ar_wordpress.html").read_bytes()),
        "/plain": ("text/plain; charset=utf-8", SEED.read_bytes()),
        "/bare": ("text/html", b"<html><head><title>T</title></head><body><article><h1>Bare "
                               b"page headline</h1><p>This page states no canonical address, so "
                               b"the address it was fetched from is its source.</p><p>Second "
                               b"paragraph of the bare page with enough words in it.</p></article>"
                               b"</body></html>"),
    })

    def do_GET(self) -> None:
        page = self.pages.get(self.path)
        if page is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", page[0])
        self.send_header("Content-Length", str(len(page[1])))
        self.end_headers()
        self.wfile.write(page[1])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_url_import(server: str, tmp_path: Path) -> None:
    assert main(["import", f"{server}/article", "--root", str(tmp_path), "--date", "2024-05-01",
                 "--quiet"]) == 0
    meta, body = split_article(only_file(tmp_path).read_text(encoding="utf-8"))
    title, want = expected(IMPORTS / "ar_wordpress.expected.txt")
    assert (meta["title"], body) == (title, want)
    assert meta["source"] == {"name": "صحيفة المثال",
                              "url": "https://news.example.org/2024/03/05/city-buses/"}


def test_url_without_canonical_uses_the_fetched_address(server: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", f"{server}/bare", "--root", str(tmp_path), "--dry-run"]) == 0
    meta, body = split_article(capsys.readouterr().out)
    assert meta["title"] == "Bare page headline"
    assert meta["source"] == {"url": f"{server}/bare"}
    assert body.startswith("This page states no canonical address")


def test_url_plain_text(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", f"{server}/plain", "--root", str(tmp_path), "--dry-run"]) == 0
    meta, body = split_article(capsys.readouterr().out)
    assert meta["title"] == SEED_TITLE
    assert "زر الذهاب" not in body


def test_url_errors_name_the_url(server: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", f"{server}/missing", "--root", str(tmp_path)]) == 3
    assert f"{server}/missing" in capsys.readouterr().err


def test_size_limit(server: str) -> None:
    with pytest.raises(importer.ImportFailed, match="larger than"):
        importer.read_source(f"{server}/article", max_bytes=100)
