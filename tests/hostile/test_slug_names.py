"""Names the file system refuses are found by ``check``, not by the write at the end of
``build``: a slug over 255 bytes of UTF-8 though short in characters, a slug named like a
file the site writes (``actors/index.html``), two spellings of one slug that look the same.
Title slugs are cut at a word boundary within the byte limit. Every invalid fixture digest
gets the same diagnostics and exit code from both commands.
"""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build import pipeline as pipeline_module
from generator.build.pipeline import BuildOptions, check_unique, load_site
from generator.cli.main import main
from generator.content.permalinks import alias_path, suffixed
from generator.core.diagnostics import BuildFailed
from generator.core.files import plain_path
from generator.core.model import OutputFile
from generator.core.urls import output_file_for
from generator.output.writer import describe
from generator.text.slugs import MAX_BYTES, SITE_FILES, check_slug, make_slug
from tests.hostile.strategies import fuzz_settings, hostile_text
from tests.hostile.support import NOW, article_text, write_digest
from tests.test_invalid_sites import CASES, copy_case

NEW_CASES = ("long-slug", "reserved-actor-slug", "nfc-duplicate-slug")


def run(command: str, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main([command, "--root", str(root), "-q"])
    lines = capsys.readouterr().err.splitlines()
    return code, [line for line in lines if not line.startswith(("check failed", "build failed"))]


def test_the_new_cases_are_fixtures() -> None:
    assert set(NEW_CASES) <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_check_and_build_agree_on_every_invalid_digest(tmp_path: Path, name: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case(name, tmp_path / "digest")
    checked = run("check", root, capsys)
    built = run("build", root, capsys)
    assert checked == built
    assert checked[0] == 1 and checked[1]


@pytest.mark.parametrize(("title", "script"), [
    (" ".join(["استراتيجية"] * 40), "arabic"),
    (" ".join(["汉字汉字汉字"] * 40), "chinese"),
    (" ".join(["𐎀𐎁𐎂𐎃"] * 60), "ugaritic, four bytes a letter"),
    ("ا" * 300, "one long word"),
])
def test_long_title_slug_is_cut_at_a_word_within_the_byte_limit(title: str, script: str) -> None:
    slug = make_slug(title)
    assert 0 < len(slug.encode()) <= MAX_BYTES, script
    assert check_slug(slug) is None, script
    if " " in title:
        word = title.split()[0]
        assert set(slug.split("-")) == {word}, script  # whole words only


@fuzz_settings(0.02)
@given(hostile_text(400), st.sampled_from(["unicode", "ascii"]))
def test_generated_slugs_fit_the_byte_limit(title: str, policy: str) -> None:
    slug = make_slug(title, policy)
    assert len(slug.encode()) <= MAX_BYTES
    assert check_slug(slug) is None


@pytest.mark.parametrize(("slug", "why"), [
    ("ا" * 101, "bytes"),
    ("ا" * 130, "bytes"),
    ("汉" * 67, "bytes"),
    ("index.html", "writes itself"),
    ("INDEX.HTML", "writes itself"),
    ("feed.json", "writes itself"),
    ("a.", "start or end"),
    (".hidden", "start or end"),
])
def test_unsafe_slug_is_refused_with_its_reason(slug: str, why: str) -> None:
    assert why in (check_slug(slug) or ""), slug


@fuzz_settings(0.02)
@given(st.one_of(hostile_text(300), st.lists(st.sampled_from(["..", ".", "%2e%2e", "%2F", "/", "//", "\\",
                                                             "index.html", "a", "قمة", "?", "#", "%00",
                                                             "https:", "con", "x.html"]),
                                            max_size=8).map("/".join)))
def test_an_alias_is_refused_or_a_plain_path_inside_the_site(text: str) -> None:
    """What ``aliases:`` holds becomes a file of the site: never outside it, never a name
    the file system or the site refuses, and a suffix for a repeated title fits its limit."""
    path, problem = alias_path(text)
    assert (path == "") == (problem is not None), (text, path, problem)
    if path:
        assert plain_path(output_file_for(path)), path
        assert all(check_slug(part) is None for part in path.rstrip("/").split("/")), path
    assert len(suffixed(make_slug(text), text).encode()) <= MAX_BYTES


def test_slug_at_the_byte_limit_is_accepted() -> None:
    assert check_slug("ا" * (MAX_BYTES // 2)) is None
    assert check_slug("a" * MAX_BYTES) is None


def test_site_files_are_refused_for_every_article_and_actor(tmp_path: Path) -> None:
    for name in sorted(SITE_FILES):
        assert check_slug(name) is not None, name


def test_explicit_slugs_are_nfc(tmp_path: Path) -> None:
    decomposed = "cafe\u0301-\u0627\u0653"  # e + combining acute; alef + combining madda
    root = write_digest(tmp_path, {"a.md": article_text(extra=f"slug: {decomposed}\n")})
    site, _ = load_site(root, BuildOptions(now=NOW))
    [article] = site.articles
    assert article.slug == unicodedata.normalize("NFC", decomposed) == "café-آ"


def test_visually_identical_slugs_are_one_url(tmp_path: Path) -> None:
    root = write_digest(tmp_path, {
        "a.md": article_text(title="أ", extra="slug: caf\u00e9\n"),
        "b.md": article_text(title="ب", extra="slug: cafe\u0301\n")})
    with pytest.raises(BuildFailed) as failed:
        load_site(root, BuildOptions(now=NOW))
    [problem] = failed.value.diagnostics
    assert (problem.code, problem.path) == ("duplicate-slug", "content/articles/b.md")


def test_actor_slug_named_like_a_page_is_refused_at_its_line(tmp_path: Path) -> None:
    actors = ("- id: syria\n  kind: state\n  names: {ar: سوريا}\n  slug: index.html\n"
              "- id: index.json\n  kind: other\n  names: {ar: فهرس}\n")
    root = write_digest(tmp_path, {"a.md": article_text()}, actors=actors)
    with pytest.raises(BuildFailed) as failed:
        load_site(root, BuildOptions(now=NOW))
    assert [(d.path, d.line, d.code) for d in failed.value.diagnostics] == [
        ("content/actors.yaml", 4, "actor-value"), ("content/actors.yaml", 5, "actor-value")]


def test_a_file_that_another_page_needs_as_a_folder_is_a_collision() -> None:
    """The last line of defence: whatever the slug checks miss, ``check`` (which renders)
    finds before ``build`` fails on the disk."""
    files = [OutputFile("actors/index.html", b"", origin="actors page"),
             OutputFile("actors/INDEX.html/index.html", b"", origin="content/actors.yaml")]
    with pytest.raises(BuildFailed) as failed:
        check_unique(files)
    [problem] = failed.value.diagnostics
    assert (problem.code, problem.path) == ("output-collision", "content/actors.yaml")
    assert "actors page" in problem.message


def test_an_os_error_names_its_file() -> None:
    error = OSError(errno.ENAMETOOLONG, "File name too long", "/x/site/articles/long/index.html")
    assert describe(error) == "File name too long (`/x/site/articles/long/index.html`)"
    assert describe(OSError(errno.ENOSPC, "No space left", "/x")) == "the disk is full"


@pytest.mark.parametrize("recorded", [None, {"actors/index.html": ("k", 1, 2, 3)}])
def test_a_record_of_the_last_build_still_lets_every_collision_through(recorded) -> None:
    """The last build's record only spares the check for files all at recorded paths: a
    new path (here a folder where the record has a file, another case of one) and a path
    made twice are checked as before."""
    files = [OutputFile("actors/index.html", b"", origin="actors page"),
             OutputFile("actors/INDEX.html/index.html", b"", origin="content/actors.yaml")]
    with pytest.raises(BuildFailed):
        check_unique(files, recorded)
    twice = [OutputFile("actors/index.html", b"", origin="actors page"),
             OutputFile("actors/index.html", b"", origin="an actor")]
    with pytest.raises(BuildFailed) as failed:
        check_unique(twice, {"actors/index.html": ("k", 1, 2, 3)})
    assert "actors page" in failed.value.diagnostics[0].message
    check_unique(twice[:1], {"actors/index.html": ("k", 1, 2, 3), "Actors/index.html": ("k", 1, 2, 4)})


@pytest.mark.parametrize(("new", "clash"), [
    ("Actors/Index.html", "the same path but for case"),
    ("actors/index.html/x.html", "a file's path as a folder"),
    ("actors", "a folder of other files as a file"),
])
def test_a_new_path_beside_recorded_ones_is_checked_against_all(new, clash) -> None:
    """An addition's few paths new to the last build's record are checked against every
    other path of the site, whichever way they clash (``clash`` says how)."""
    recorded = {"actors/index.html": ("k", 1, 2, 3), "index.html": ("k", 1, 2, 4)}
    files = [OutputFile("actors/index.html", b"", origin="actors page"), OutputFile("index.html", b""),
             OutputFile(new, b"", origin="the new one")]
    with pytest.raises(BuildFailed) as failed:
        check_unique(files, recorded)
    assert [d.code for d in failed.value.diagnostics] == ["output-collision"]


def test_a_few_new_paths_apart_from_the_rest_pass_without_the_whole_check(monkeypatch) -> None:
    recorded = {f"articles/{n}/index.html": ("k", 1, 2, n) for n in range(100)}
    files = [OutputFile(path, b"") for path in [*recorded, "articles/new/index.html", "archive/2/index.html"]]
    monkeypatch.setattr(pipeline_module, "_file_and_folder", lambda *a: pytest.fail("the whole check ran"))
    check_unique(files, recorded)
    many = [OutputFile(f"new/{n}.html", b"") for n in range(pipeline_module.FEW_NEW + 1)]
    with pytest.raises(pytest.fail.Exception):  # more than a few new paths: every path is checked
        check_unique([*files, *many], recorded)
