"""Whole builds of the sample digest and of fixture sites: clean output, determinism,
atomic replacement, drafts and scheduled items."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, build, load_site, render_site
from generator.cli.main import main
from generator.core.diagnostics import BuildFailed
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
NOW = datetime.fromisoformat("2026-11-29T12:00:00+03:00")
BOILERPLATE = ("اترك تعليقاً", "مقالات ذات صلة", "زر الذهاب إلى الأعلى",
               "لن يتم نشر عنوان بريدك الإلكتروني")


def copy_digest(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mawjaz.toml", "content", "templates", "static"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
        elif (source / name).is_file():
            shutil.copy2(source / name, dest / name)
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    return copy_digest(REPO, tmp_path / "digest")


def test_sample_builds_without_boilerplate(sample: Path) -> None:
    assert main(["build", "--root", str(sample), "--quiet"]) == 0
    site = sample / "site"
    texts = [p.read_text("utf-8") for p in site.rglob("*")
             if p.suffix in (".html", ".xml", ".json")]
    assert len(texts) > 5
    for phrase in BOILERPLATE:
        assert not [t for t in texts if phrase in t], phrase
    seed_pages = [t for t in texts if "عبد الرحمن مصطفى" in t and "<html" in t]
    assert seed_pages, "the seed article is on the site"


def test_the_console_entry_point_keeps_the_build_result_to_free_at_exit(sample: Path) -> None:
    """`mawjaz build` hands its result to the caller that exits without freeing it (see
    `cli.main.run`); a caller that passes nothing keeps nothing."""
    kept: list[object] = []
    assert main(["build", "--root", str(sample), "--quiet"], kept=kept) == 0
    assert len(kept) == 1 and kept[0].summary.articles > 0
    assert main(["build", "--root", str(sample), "--quiet"]) == 0  # nothing changed, nothing kept by anyone


def test_seed_article_keeps_every_paragraph(sample: Path) -> None:
    site, _ = load_site(sample, BuildOptions(now=NOW))
    seed = next(a for a in site.articles if a.title.startswith("أهم مجريات لقاء الائتلاف"))
    assert seed.body_html.count("<p>") == 10
    assert "وعبّر رئيس الائتلاف الوطني عن شكره لفرنسا" in seed.body_html


def test_two_builds_are_byte_identical(sample: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build(sample, BuildOptions(output=first, now=NOW))
    build(sample, BuildOptions(output=second, now=NOW))
    assert tree_digest(first) == tree_digest(second)


def test_failed_build_leaves_previous_site_intact(sample: Path) -> None:
    build(sample, BuildOptions(now=NOW))
    before = tree_digest(sample / "site")
    broken = sample / "content" / "articles" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\ndate: 2026-11-29\n---\nbody\n", "utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(sample, BuildOptions(now=NOW))
    assert any(d.code == "frontmatter-yaml" for d in failed.value.diagnostics)
    assert tree_digest(sample / "site") == before


def test_rebuild_replaces_removed_pages(sample: Path) -> None:
    build(sample, BuildOptions(now=NOW))
    english = next((sample / "content" / "articles").glob("*-en.md"))
    english.unlink()
    build(sample, BuildOptions(now=NOW))
    assert not list((sample / "site" / "articles").glob("syrian-opposition*"))
    leftovers = [p.name for p in sample.glob(".site.mawjaz-*") if p.name != ".site.mawjaz-spare"]
    assert not leftovers, "no staging folder is left behind"


def test_drafts_and_future_items_need_flags() -> None:
    root = SITES / "basic"
    default, _ = load_site(root, BuildOptions(now=NOW))
    titles = {a.title for a in default.articles}
    assert "مسودة لا تنشر" not in titles and "خبر مجدول" not in titles
    everything, _ = load_site(root, BuildOptions(now=NOW, drafts=True, future=True))
    marked = {a.title: a for a in everything.articles}
    assert marked["مسودة لا تنشر"].draft and marked["خبر مجدول"].scheduled


def test_base_url_with_sub_path_prefixes_every_link(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(sample, BuildOptions(output=out, base_url="https://host.example/a/b/", now=NOW))
    home = (out / "index.html").read_text("utf-8")
    assert 'href="/a/b/static/css/mawjaz.css"' in home
    assert 'href="/a/b/archive/"' in home
    assert "https://host.example/a/b/" in home


def test_base_url_override_reaches_every_file_and_leaves_the_config(sample: Path, tmp_path: Path) -> None:
    """``--base-url`` is part of the build's settings, not a changed config: no page or feed
    keeps the file's URL, and the loaded config still says what the file says."""
    options = BuildOptions(output=tmp_path / "out", base_url="https://host.example/other", now=NOW)
    result = build(sample, options)
    assert result.site is not None
    assert result.site.config.base_url == "https://example.org/mawjaz/"
    assert result.site.settings.base_url == "https://host.example/other/"
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written and not [p for p in written if b"example.org/mawjaz" in p.read_bytes()]


def test_suggest_mode_reports_actors_without_tagging(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = sample / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace('auto_actors = "add"', 'auto_actors = "suggest"'), "utf-8")
    assert main(["build", "--root", str(sample)]) == 0
    err = capsys.readouterr().err
    assert "suggest: content/articles/" in err and "abdurrahman-mustafa" in err
    site, _ = load_site(sample, BuildOptions(now=NOW))
    assert all(not a.actors for a in site.articles)


def test_seed_article_is_tagged_with_every_actor_by_text_alone(sample: Path) -> None:
    site, _ = load_site(sample, BuildOptions(now=NOW))
    seed = next(a for a in site.articles if a.title.startswith("أهم مجريات لقاء الائتلاف"))
    assert "actors:" not in (sample / seed.rel).read_text("utf-8")
    assert set(seed.actors) == {a.id for a in site.actors}
    paths = {f.path for f in render_site(site, find_theme(sample))}
    assert all(f"actors/{a.slug}/index.html" in paths for a in site.actors)


def test_an_imported_archive_with_repeated_titles_builds_strictly(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Repeated titles are no problem, not even a warning: ``--verbose`` notes the suffixes."""
    root = copy_digest(SITES / "archive", tmp_path / "archive")
    assert main(["build", "--root", str(root), "--strict", "--verbose"]) == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if "note[url-suffix]" in line]
    assert [line.split(":", 1)[0] for line in notes] == [
        "content/articles/2024-03-02-agency-b.md", "content/articles/2024-03-02-history-a.md",
        "content/articles/2024-03-02-punctuation.md", "content/articles/2024-03-02-tashkeel.md"]
    assert "`/2024/03/02/الاقتصاد-في-صور/` is the URL of content/articles/2024-03-02-agency-a.md" in notes[0]
    assert (root / "site/2024/03/02/الاقتصاد-في-صور/index.html").is_file()
    assert main(["check", "--root", str(root), "--strict", "--quiet"]) == 0
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert "note[" not in capsys.readouterr().err, "only under --verbose"
