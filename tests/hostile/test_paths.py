"""Path safety: nothing a content file says can put a file outside the output folder, or name
one that some file system cannot hold; links in content/ that lead out of the digest are
refused with a diagnostic.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.actors.registry import parse_registry
from generator.build.pipeline import BuildOptions, load_site
from generator.core.diagnostics import BuildFailed
from generator.core.model import OutputFile
from generator.output.writer import OutputError, write_site
from generator.text.slugs import check_slug, make_slug
from tests.hostile.strategies import fuzz_settings, hostile_text
from tests.hostile.support import (
    NOW,
    article_text,
    build_in_memory,
    unsafe_output_path,
    write_digest,
)

HOSTILE_SLUGS = [
    "..", ".", "../../etc/passwd", "../x", "a/../../b", "a/b", "/etc/passwd", "/", "\\",
    "a\\b", "..\\..\\x", "C:\\Windows\\x", "C:", "c:x", "\\\\server\\share", "x\x00y", "\x00",
    "CON", "con", "Con.txt", "NUL", "nul.txt", "aux", "PRN.md", "COM1", "com9.x", "LPT1",
    "lpt9", "a b", "a\tb", "a\nb", "%2e%2e", "%2F", "x?y", "x#y", "x*y", 'x"y', "x<y", "x>y",
    "x|y", "x:y", "\u200f", "a\u202eb", "\u2028", "", " ",
]


@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
def test_hostile_slug_is_refused(slug: str) -> None:
    assert check_slug(slug) is not None, slug


@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
def test_hostile_front_matter_slug_is_a_diagnostic(tmp_path: Path, slug: str) -> None:
    meta = yaml.safe_dump({"title": "خبر", "date": "2026-11-20", "slug": slug},
                          allow_unicode=True)
    root = write_digest(tmp_path, {"a.md": f"---\n{meta}---\nنص.\n"})
    try:
        site, _ = load_site(root, BuildOptions(now=NOW))
    except BuildFailed as failed:
        codes = {d.code for d in failed.diagnostics}
        assert codes <= {"frontmatter-slug", "frontmatter-control", "frontmatter-empty"}, codes
        assert all(d.path == "content/articles/a.md" and d.line >= 2
                   for d in failed.diagnostics)
        return
    # Only whitespace-only slugs may pass: they are empty after trimming and a title slug is used.
    assert not slug.strip(), slug
    assert all(check_slug(a.slug) is None for a in site.articles)


@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
def test_hostile_actor_slug_and_id_are_refused(slug: str) -> None:
    for key in ("slug", "id", "old_slugs"):
        actor = {"id": "ok-id", "kind": "person", "names": {"ar": "اسم"}}
        actor[key] = [slug] if key == "old_slugs" else slug
        registry, problems = parse_registry(yaml.safe_dump([actor], allow_unicode=True), "unicode")
        if slug.strip() and slug not in (" ",):
            assert registry.actors == () or all(
                check_slug(a.slug) is None and all(check_slug(o) is None for o in a.old_slugs)
                for a in registry.actors), (key, slug)
        assert all(d.path == "content/actors.yaml" and d.line >= 1 for d in problems)
        if registry.actors:
            assert key in ("slug", "old_slugs") and not slug.strip()


@fuzz_settings(0.03)
@given(hostile_text(80, surrogates=False), st.sampled_from(["unicode", "ascii"]))
def test_generated_slugs_are_always_safe(title: str, policy: str) -> None:
    slug = make_slug(title, policy)
    assert check_slug(slug) is None, (title, slug)
    assert unsafe_output_path(f"articles/{slug}/index.html") is None


def test_output_paths_stay_inside(tmp_path: Path) -> None:
    """Titles made of path tricks: every output path is relative, normalised and safe."""
    titles = ["../../etc/passwd", "..", "/abs/path", "C:\\Windows", "CON", "nul.txt", "a/b/c",
              "\\\\server\\share", ". .", "~root", "%2e%2e%2f", "\u202e..\u202c", "…", "--"]
    articles = {f"t{i}.md": article_text(title=t, date=f"2026-11-{i + 1:02d}")
                for i, t in enumerate(titles)}
    actors = yaml.safe_dump([{"id": f"actor-{i}", "kind": "person", "names": {"ar": f"{t} {i}"}}
                             for i, t in enumerate(titles)], allow_unicode=True)
    root = write_digest(tmp_path / "d", articles, actors=actors)
    files = build_in_memory(root)
    assert len([f for f in files if f.path.startswith("articles/")]) == len(titles)
    assert [(f.path, unsafe_output_path(f.path)) for f in files if unsafe_output_path(f.path)] == []


@pytest.mark.parametrize("path", ["../escaped.html", "/tmp/escaped.html", "a/../../escaped.html",
                                  "a\\..\\..\\escaped.html", "x\x00.html", "C:/escaped.html"])
def test_writer_refuses_paths_outside(tmp_path: Path, path: str) -> None:
    """Defence in depth: even if a stage produced such a path, nothing lands outside."""
    out = tmp_path / "deep" / "site"
    with pytest.raises((OutputError, ValueError)):
        write_site([OutputFile("index.html", b"ok"), OutputFile(path, b"evil")], out)
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert not [p for p in written if "escaped" in p.name or p.name.startswith("x")], written
    assert not Path("/tmp/escaped.html").exists() or path != "/tmp/escaped.html"


# -- links in content/ ---------------------------------------------------------------------


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("---\ntitle: سر\ndate: 2026-11-20\n---\nكلمة السر: 1234\n", "utf-8")
    return secret


def test_symlinked_article_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    root = write_digest(tmp_path / "d", {"a.md": article_text()})
    os.symlink(outside, root / "content" / "articles" / "leak.md")
    with pytest.raises(BuildFailed) as failed:
        load_site(root, BuildOptions(now=NOW))
    [problem] = failed.value.diagnostics
    assert problem.code == "file-outside"
    assert problem.path == "content/articles/leak.md"


def test_symlinked_folder_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    """A linked folder is not walked silently past: its files would leave the digest."""
    root = write_digest(tmp_path / "d", {"a.md": article_text()})
    os.symlink(outside.parent, root / "content" / "articles" / "more")
    with pytest.raises(BuildFailed) as failed:
        load_site(root, BuildOptions(now=NOW))
    assert {d.code for d in failed.value.diagnostics} <= {"file-outside", "folder-link"}
    assert all(d.path.startswith("content/articles/more") for d in failed.value.diagnostics)
    assert "كلمة السر" not in str(failed.value)


def test_symlinked_registry_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text("- id: secret\n  kind: person\n  names: {ar: سري للغاية}\n", "utf-8")
    root = write_digest(tmp_path / "d", {"a.md": article_text()})
    os.symlink(secret, root / "content" / "actors.yaml")
    with pytest.raises(BuildFailed) as failed:
        build_in_memory(root)
    assert any(d.path == "content/actors.yaml" for d in failed.value.diagnostics)


def test_symlinked_outlet_registry_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text("- id: secret\n  names: {ar: سري للغاية}\n", "utf-8")
    root = write_digest(tmp_path / "d", {"a.md": article_text()})
    os.symlink(secret, root / "content" / "sources.yaml")
    with pytest.raises(BuildFailed) as failed:
        build_in_memory(root)
    assert any(d.path == "content/sources.yaml" for d in failed.value.diagnostics)
    assert "سري للغاية" not in str(failed.value)


def test_symlink_inside_the_digest_is_fine(tmp_path: Path) -> None:
    root = write_digest(tmp_path / "d", {})
    shared = root / "content" / "shared.md"
    shared.write_text(article_text(title="مشترك"), "utf-8")
    os.symlink(shared, root / "content" / "articles" / "linked.md")
    site, _ = load_site(root, BuildOptions(now=NOW))
    assert [a.title for a in site.articles] == ["مشترك"]


# -- import -----------------------------------------------------------------------------------


def test_import_file_names_stay_in_the_articles_folder(tmp_path: Path) -> None:
    importer = pytest.importorskip("generator.authoring.importer")
    root = write_digest(tmp_path / "d", {})
    hostile_titles = ["../../escape", "/etc/passwd", "C:\\x", "CON", "a/b", "..", "\x00x",
                      "nul.txt", "..\\..\\x"]
    for title in hostile_titles:
        text = f"{title}\n\nنص الخبر الأول.\n\nنص الخبر الثاني.\n"
        source = tmp_path / "paste.txt"
        source.write_text(text, "utf-8")
        from generator.cli.main import main

        code = main(["import", str(source), "--root", str(root), "--quiet"])
        assert code in (0, 1), (title, code)
    articles = root / "content" / "articles"
    for path in tmp_path.rglob("*.md"):
        assert path.resolve().is_relative_to(articles.resolve()), path
    for path in articles.iterdir():
        assert unsafe_output_path(path.name) is None, path.name
    assert importer is not None
