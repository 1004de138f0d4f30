"""Quadratic corners: bodies whose cost grew with the square of one run of text.

None of these tests is timed (speed is ``benchmarks/hostile_bodies.py``'s job). Each instead
watches the shape of the work: the runs the sanitiser and the Unicode normaliser are handed,
or that a body whose cost cannot be bounded is refused before any converter reads it. Before
the fixes, the sanitiser received a 2 MB paragraph as one text run (nh3 takes time in
proportion to the run for each no-break space or soft hyphen in it), the normaliser a run of
hundreds of thousands of combining marks (its canonical reordering is quadratic), and deeply
nested quotes in a long passage were converted level by level.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import nh3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build.pipeline import BuildOptions, load_site
from generator.content import markup
from generator.core.diagnostics import BuildFailed
from generator.text import normalize
from tests.hostile.strategies import MARKDOWN_SHORT, fuzz_settings
from tests.hostile.support import BASE_CONFIG, NOW, article_text, time_limit, write_digest
from tests.hostile.test_xss import load_vectors

WORDS = ("في", "من", "على", "قال", "the", "of")
SLOW_CHARS = re.compile("[\u0080-\u00bf&]")
TAG = re.compile(r"<[^<>]*>")
CONFIG = BASE_CONFIG + "max_file_size = 3000000\n"


def nbsp_body(words: int) -> str:
    return "\u00a0".join(WORDS[i % len(WORDS)] for i in range(words))


class RecordingCleaner:
    """The real cleaner, remembering the longest run between tags holding a slow character."""

    def __init__(self) -> None:
        self.real = markup._cleaner()
        self.longest = 0

    def clean(self, html: str) -> str:
        slow = (len(run) for run in TAG.split(html) if SLOW_CHARS.search(run))
        self.longest = max(self.longest, *slow, 0)
        return self.real.clean(html)


def test_a_2mb_nbsp_body_builds_in_short_runs(tmp_path: Path, monkeypatch) -> None:
    recorder = RecordingCleaner()
    monkeypatch.setattr(markup, "_cleaner", lambda: recorder)
    words = 400_000  # about 2 MB of UTF-8
    body = nbsp_body(words)
    root = write_digest(tmp_path, {"a.md": article_text(body=body)}, config=CONFIG)
    with time_limit(300):  # a hang net: the build took minutes when it was quadratic
        site, _ = load_site(root, BuildOptions(now=NOW))
    html = site.articles[0].body_html
    assert html == "<p>" + body.replace("\u00a0", "&nbsp;") + "</p>"
    assert recorder.longest <= markup.MAX_TEXT_RUN, "the sanitiser was handed one huge run"


def plain_clean(fragment: str) -> str:
    return markup._cleaner().clean(markup._H1.sub(r"<\1h2", fragment))


def cut_clean(fragment: str) -> str:
    return markup._cleaner().clean(markup.cut_long_runs(markup._H1.sub(r"<\1h2", fragment)))


def _without_surrogates(text: str) -> str:
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) < 0xE000)


CUT_SAMPLES = [
    "<p>a&amp;b&#160;c&nbsp;d\u00a0e\u00adf</p>",
    "<pre><code>x\u00a0\r\ny &lt; z\u00a0</code></pre>",
    "<!-- a\u00a0b > c --><p>d\u00a0e</p>",
    '<a title="a>b\u00a0c" href="https://e.example/?a=1&amp;b=2">l\u00a0i</a>',
    "<textarea>a\u00a0b</textarea><title>c\u00a0d</title><p>e\u00a0f</p>",
    "<p>&#0000000000000000000000000160;x&notit; &amp\u00a0y</p>",
    "< p\u00a0x</ p\u00a0y><?pi\u00a0z?></p\u00a0>",
]


@pytest.mark.parametrize("fragment", CUT_SAMPLES + load_vectors())
def test_cutting_runs_never_changes_the_output(fragment: str, monkeypatch) -> None:
    """With runs cut every two characters, every vector cleans to the same bytes."""
    monkeypatch.setattr(markup, "MAX_TEXT_RUN", 2)
    fragment = _without_surrogates(fragment) + "\u00a0"
    try:
        cut = cut_clean(fragment)
    except markup.MarkupError:
        return
    assert cut == plain_clean(fragment)


@fuzz_settings(0.02)
@given(st.one_of(MARKDOWN_SHORT.map(_without_surrogates), st.sampled_from(CUT_SAMPLES)),
       st.integers(4, 12))
def test_cutting_converted_markdown_never_changes_the_output(text: str, limit: int) -> None:
    original = markup.MAX_TEXT_RUN
    markup.MAX_TEXT_RUN = limit  # not monkeypatch: a function-scoped fixture under hypothesis
    try:
        try:
            fragment = markup.markdown_to_html(text + "\u00a0&amp;")
        except markup.MarkupError:
            return
        assert cut_clean(fragment) == plain_clean(fragment)
    finally:
        markup.MAX_TEXT_RUN = original


def test_a_long_tag_full_of_slow_characters_is_refused_unread(monkeypatch) -> None:
    """A run inside a tag cannot be cut: too long and slow, it is refused before nh3 runs."""
    def never(*args: object) -> str:
        raise AssertionError("the sanitiser was handed the tag")

    monkeypatch.setattr(markup, "_cleaner", lambda: type("C", (), {"clean": never})())
    with pytest.raises(markup.MarkupError, match="HTML tag"):
        markup.sanitize('<p title="' + "\u00a0" * 300_000 + '">x</p>')
    assert nh3.clean("<p>x</p>") == "<p>x</p>"


def _watch_mark_runs(monkeypatch) -> Callable[[], int]:
    """unicodedata.normalize, failing at once on a long run of combining marks (a cut run may
    grow a little: a mark can decompose into two or three)."""
    real = unicodedata.normalize
    run = re.compile(f"{normalize.non_starter_class()}{{{4 * normalize.MAX_MARK_RUN + 1}}}")
    calls = []

    def checked(form: str, text: str) -> str:
        calls.append(form)
        assert not run.search(text), "the normaliser was handed a long run of marks"
        return real(form, text)

    monkeypatch.setattr(normalize.unicodedata, "normalize", checked)
    return lambda: len(calls)


@pytest.mark.parametrize("marks", ["\u064e\u0650\u064f\u0652", "\u0344\u0345", "\u0f73\u0f75",
                                   "\U0001d165\U0001d16d", "\u0300" * 29 + "\u034f"])
def test_long_runs_of_marks_reach_the_normaliser_cut(monkeypatch, marks: str) -> None:
    calls = _watch_mark_runs(monkeypatch)
    text = "ب" + marks * 20_000 + " كلمة"
    assert normalize.match_form(text).endswith(" كلمه")
    assert normalize.strip_tashkeel(text).endswith(" كلمة")
    assert calls() >= 2


def test_stream_safe_leaves_real_text_alone() -> None:
    for text in ("مُحَمَّدٌ", "e\u0301\u0323" * 100, "ـ" * 5000, "a" * 100, "\u0300" * 30):
        assert normalize.stream_safe(text) is text
    cut = normalize.stream_safe("\u064e" * 61)
    assert cut == ("\u064e" * 30 + "\u034f") * 2 + "\u064e"


def test_a_tashkeel_body_builds(tmp_path: Path, monkeypatch) -> None:
    _watch_mark_runs(monkeypatch)
    body = "\u064e\u0650\u064f\u0652" * 100_000 + "\n\nمُحَمَّدٌ"
    root = write_digest(tmp_path, {"a.md": article_text(body=body)}, config=CONFIG)
    with time_limit(300):
        site, _ = load_site(root, BuildOptions(now=NOW))
    assert "مُحَمَّدٌ" in site.articles[0].body_html


NESTED_BODIES = {
    "quote under a deep quote": ">" * 20_000 + "\n" + "> x\n" * 20_000,
    "indented list items": "".join("  " * (i % 400) + f"- {i}\n" for i in range(800)),
}


@pytest.mark.parametrize("name", NESTED_BODIES)
def test_deep_nesting_in_a_long_passage_is_refused(tmp_path: Path, name: str) -> None:
    root = write_digest(tmp_path, {"a.md": article_text(body=NESTED_BODIES[name])})
    with pytest.raises(BuildFailed) as failed, time_limit(300):
        load_site(root, BuildOptions(now=NOW))
    [problem] = failed.value.diagnostics
    assert (problem.code, problem.line) == ("body-markdown", 5)
    assert "nested too deeply" in problem.message


def test_shallow_nesting_still_builds(tmp_path: Path) -> None:
    body = "\n\n".join("> " + "> " * (i % 3) + "سطر " * 200 for i in range(300))
    site, _ = load_site(write_digest(tmp_path, {"a.md": article_text(body=body)}),
                        BuildOptions(now=NOW))
    html = site.articles[0].body_html
    assert html.count("<blockquote>") > 100 and html.count("سطر") == 300 * 200


@pytest.mark.parametrize("fence", ["~~~", "```", "~" * 100_000])
def test_a_fence_followed_by_thousands_of_spaces_is_refused(tmp_path: Path, fence: str) -> None:
    """Found by the Markdown fuzz: the fenced-code pattern reads the blanks after an opening
    fence once for each way to share them between its two runs of blanks (100,000 of them
    took minutes). The line is refused at once, before any converter reads it."""
    body = "قبل\n\n" + fence + " " * 100_000 + "\n"
    root = write_digest(tmp_path, {"a.md": article_text(body=body)})
    with pytest.raises(BuildFailed) as failed, time_limit(60):
        load_site(root, BuildOptions(now=NOW))
    [problem] = failed.value.diagnostics
    assert problem.code == "body-markdown"
    assert "thousands of spaces" in problem.message


def test_a_closed_fence_with_some_spaces_still_builds(tmp_path: Path) -> None:
    body = "~~~" + " " * 5000 + "python\nx = 1\n~~~\n\n```   \ny = 2\n```\n"
    site, _ = load_site(write_digest(tmp_path, {"a.md": article_text(body=body)}), BuildOptions(now=NOW))
    assert site.articles[0].body_html.count("<pre") == 2
