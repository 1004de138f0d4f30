"""Front matter: the fences, and YAML errors at the line of the file (not of the snippet)."""

from __future__ import annotations

import pytest

from generator.content.frontmatter import parse_article, split_front_matter
from generator.core.diagnostics import Diagnostic
from generator.core.model import RawArticle, SourceFile


def parse(text: str) -> RawArticle | Diagnostic:
    return parse_article(SourceFile("content/articles/a.md", text, "0"))


def problem(text: str) -> str:
    result = parse(text)
    assert isinstance(result, Diagnostic), result
    return result.format()


def test_splits_meta_body_and_key_lines():
    raw = parse("---\ntitle: قمة\ndate: 2026-11-27\nactors:\n  - فيروز\n---\n\nالنص.\n")
    assert isinstance(raw, RawArticle)
    assert raw.meta["title"] == "قمة"
    assert raw.body == "\nالنص.\n"
    assert raw.body_line == 7
    # 1-based lines and columns in the file, nested values under dotted keys.
    assert raw.lines == {"title": (2, 1), "date": (3, 1), "actors": (4, 1), "actors.0": (5, 5)}


@pytest.mark.parametrize(("text", "expected"), [
    ("---\na: 1\n---\nbody", ("a: 1", "body", 4)),
    ("---\na: 1\n...\nbody", ("a: 1", "body", 4)),
    ("--- \na: 1\n---\t\nbody", ("a: 1", "body", 4)),
    ("---\n---\n", ("", "", 3)),
    ("---\na: 1\n---", ("a: 1", "", 4)),
    ("---\na: |\n  x\n  ---y\n---\nz", ("a: |\n  x\n  ---y", "z", 6)),
    ("no front matter", None),
    ("---\na: 1\n", None),
    ("\n---\na: 1\n---\n", None),
])
def test_split_front_matter(text, expected):
    assert split_front_matter(text) == expected


def test_missing_front_matter():
    assert problem("# عنوان\n\nنص\n") == (
        "content/articles/a.md:1:1: error[frontmatter-missing]: an article starts with YAML "
        "front matter between `---` lines (at least `title:` and `date:`)")


def test_unclosed_front_matter():
    assert problem("---\ntitle: x\ndate: 2026-11-27\n\nbody\n") == (
        "content/articles/a.md:1:1: error[frontmatter-unclosed]: front matter opened with `---` "
        "is never closed by a `---` line")


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    # Line 3 of the file is line 2 of the YAML snippet.
    ("---\ntitle: x\ndate: 2026: 11\n---\n", 3, 7,
     'a value with `: ` in it must be in quotes: `date: "2026: 11"`'),
    ("---\ntitle: x\n\n\nsummary: [a, b\n---\nbody\n", 6, 1,
     "did not find expected ',' or ']'"),
    ("---\ntitle: \"unterminated\ndate: 2026-11-27\n---\n", 2, 8,
     'the value opened here with " is never closed: end it with " on the same line'),
    ("---\ntitle: x\n  date: 2026\n---\n", 3, 7,
     "mapping values are not allowed in this context"),
])
def test_yaml_error_line_is_the_file_line(text, line, col, message):
    assert problem(text) == (
        f"content/articles/a.md:{line}:{col}: error[frontmatter-yaml]: invalid YAML: {message}")


@pytest.mark.parametrize(("yaml", "kind"), [
    ("", "empty"),
    ("- a\n- b", "a list"),
    ("just text", "a str"),
    ("42", "a int"),
])
def test_front_matter_must_be_a_mapping(yaml, kind):
    assert problem(f"---\n{yaml}\n---\nbody\n") == (
        "content/articles/a.md:2:1: error[frontmatter-shape]: front matter must be a mapping "
        f"of `key: value` lines, not {kind}")


def test_crlf_file_positions_after_loading():
    """Line endings are normalised by the loader, so positions count lines as an editor does."""
    from generator.content.source import decode_source

    source = decode_source("a.md", b"---\r\ntitle: x\r\nbad: [\r\n---\r\n")
    assert isinstance(source, SourceFile)
    result = parse_article(source)
    assert isinstance(result, Diagnostic)
    assert (result.line, result.code) == (4, "frontmatter-yaml")
