"""Limits: the per-file size limit, binary and non-UTF-8 files (each named with its byte
offset), and input shaped to exhaust the parsers (deep nesting, alias bombs, quadratic
Markdown) end as diagnostics, quickly, instead of a crash, a hang or a silent skip.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site
from generator.content.markup import render_body
from generator.core.diagnostics import BuildFailed
from tests.hostile.support import BASE_CONFIG, NOW, article_text, time_limit, write_digest

REL = "content/articles/a.md"


def failures(root: Path) -> list:
    with pytest.raises(BuildFailed) as failed, time_limit(30):
        load_site(root, BuildOptions(now=NOW))
    return list(failed.value.diagnostics)


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    text = article_text(body="ا" * 3000)  # about 6 KB of UTF-8
    size = len(text.encode())
    config = BASE_CONFIG + f"max_file_size = {size - 1}\n"
    [problem] = failures(write_digest(tmp_path / "over", {"a.md": text}, config=config))
    assert (problem.code, problem.path) == ("file-too-large", REL)
    assert f"{size:,}" in problem.message and "max_file_size" in problem.message
    exact = BASE_CONFIG + f"max_file_size = {size}\n"
    site, _ = load_site(write_digest(tmp_path / "at", {"a.md": text}, config=exact),
                        BuildOptions(now=NOW))
    assert len(site.articles) == 1


def test_default_size_limit_refuses_a_huge_file(tmp_path: Path) -> None:
    root = write_digest(tmp_path, {"a.md": article_text(body="x" * 2_100_000)})
    [problem] = failures(root)
    assert problem.code == "file-too-large"


@pytest.mark.parametrize(("name", "data", "offset"), [
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 8),
    ("nul in body", article_text().encode() + b"tail\x00more", None),
    ("utf-16", "---\ntitle: x\n---\n".encode("utf-16"), None),
])
def test_binary_file_names_the_offset(tmp_path: Path, name: str, data: bytes,
                                      offset: int | None) -> None:
    offset = data.find(b"\0") if offset is None else offset
    [problem] = failures(write_digest(tmp_path, {"a.md": data}))
    assert problem.code == "file-binary"
    assert f"offset {offset}" in problem.message
    before = data[:offset]
    assert problem.line == before.count(b"\n") + 1


@pytest.mark.parametrize(("name", "data"), [
    ("windows-1256", "---\ntitle: خبر\ndate: 2026-11-20\n---\nنص عربي\n".encode("cp1256")),
    ("latin-1", "---\ntitle: café\ndate: 2026-11-20\n---\nx\n".encode("latin-1")),
    ("encoded surrogate", article_text(body="a\ud800b").encode("utf-8", "surrogatepass")),
    ("overlong slash", article_text().encode() + b"\xc0\xaf"),
    ("truncated at the end", article_text().encode() + "ع".encode()[:1]),
    ("beyond U+10FFFF", article_text().encode() + b"\xf4\x90\x80\x80"),
])
def test_non_utf8_names_the_offset(tmp_path: Path, name: str, data: bytes) -> None:
    with pytest.raises(UnicodeDecodeError) as bad:
        data.decode("utf-8")
    [problem] = failures(write_digest(tmp_path, {"a.md": data}))
    assert problem.code == "file-encoding"
    assert f"offset {bad.value.start}" in problem.message
    assert f"0x{data[bad.value.start]:02x}" in problem.message
    assert problem.line == data[:bad.value.start].count(b"\n") + 1


def test_bom_and_line_endings_are_accepted(tmp_path: Path) -> None:
    def text(name: str) -> str:
        return article_text(title=f"خبر {name}", body="سطر أول\nسطر ثان")

    variants = {"bom.md": b"\xef\xbb\xbf" + text("bom").encode(),
                "crlf.md": text("crlf").replace("\n", "\r\n").encode(),
                "cr.md": text("cr").replace("\n", "\r").encode()}
    site, _ = load_site(write_digest(tmp_path, variants), BuildOptions(now=NOW))
    assert len(site.articles) == 3
    assert all("سطر أول" in a.body_html for a in site.articles)


def test_non_utf8_registry_and_config(tmp_path: Path) -> None:
    root = write_digest(tmp_path / "r", {"a.md": article_text()},
                        actors="- id: x\n  kind: person\n  names: {ar: خبر}\n".encode("cp1256"))
    problems = failures(root)
    assert any(d.path == "content/actors.yaml" for d in problems)
    root = write_digest(tmp_path / "c", {"a.md": article_text()})
    (root / "mawjaz.toml").write_bytes(BASE_CONFIG.encode("cp1256"))
    [problem] = failures(root)
    assert problem.code == "config-encoding"


HOSTILE_FRONT_MATTER = {
    "deep brackets": "keep: " + "[" * 200_000 + "]" * 200_000,
    "deep mappings": "keep: " + "{a: " * 5000 + "1" + "}" * 5000,
    "deep dashes": "keep:\n" + "- " * 100_000 + "x",
    "alias chain": "keep:\n  - &a0 [x]\n" + "".join(f"  - &a{i} [*a{i - 1}]\n"
                                                      for i in range(1, 3000)),
    "billion laughs": "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 12)),
    "merge chain": "m0: &m0 {a: 1}\n" + "".join(f"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: 1}}\n"
                                              for i in range(1, 3000)),
    "complex key": "? [[[[[[a]]]]]]\n: 1",
}


@pytest.mark.parametrize("name", HOSTILE_FRONT_MATTER)
def test_parser_bombs_are_diagnostics(tmp_path: Path, name: str) -> None:
    text = f"---\ntitle: خبر\ndate: 2026-11-20\n{HOSTILE_FRONT_MATTER[name]}\n---\nنص\n"
    started = time.process_time()  # CPU time: a busy machine makes it wait, not work
    problems = failures(write_digest(tmp_path, {"a.md": text}))
    assert time.process_time() - started < 10
    assert {d.path for d in problems} == {REL}
    assert all(d.line >= 1 for d in problems)


HOSTILE_BODIES = {
    "nested lists": "".join("    " * i + f"- عنصر {i}\n" for i in range(400)),
    "nested dashes": "- " * 5000 + "عنصر",
    "unclosed brackets": "[" * 200_000,
    "brackets before text": "[ " * 2000 + "كلمة " * 100_000,
    "dense escapes": "\\\\" * 600_000,
    "abbreviations": "".join(f"*[w{i}]: y\n" for i in range(5000)) + "\n" + "w1 " * 10_000,
}


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_markdown_bombs_are_diagnostics(tmp_path: Path, name: str) -> None:
    started = time.process_time()  # CPU time: a busy machine makes it wait, not work
    problems = failures(write_digest(tmp_path, {"a.md": article_text(body=HOSTILE_BODIES[name])}))
    assert time.process_time() - started < 10
    assert [(d.code, d.path, d.line) for d in problems] == [("body-markdown", REL, 5)]


def test_a_refused_body_does_not_spoil_the_next(tmp_path: Path) -> None:
    """Regression: a conversion cut short by deep nesting left the shared converter broken,
    and every later article lost its paragraphs."""
    articles = {"a.md": article_text(title="أول", body=HOSTILE_BODIES["nested lists"]),
                "b.md": article_text(title="ثان", body="فقرة عادية.")}
    failures(write_digest(tmp_path / "d", articles))
    assert render_body("فقرة") == "<p>فقرة</p>"


def test_long_lines_and_many_paragraphs_still_build(tmp_path: Path) -> None:
    body = "كلمة " * 150_000 + "\n\n" + "\n\n".join(f"فقرة [رابط {i}](https://e.example/{i})"
                                                   for i in range(3000))
    with time_limit(60):
        site, _ = load_site(write_digest(tmp_path, {"a.md": article_text(body=body)}),
                            BuildOptions(now=NOW))
    assert site.articles[0].body_html.count("<p>") >= 3000
