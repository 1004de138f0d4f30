"""Incremental builds: after any sequence of edits, additions and deletions, a build that
reuses the cache and the previous site gives exactly the bytes of a cold build."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

import generator.build.fingerprint as fingerprint
import generator.build.pipeline as build_module
import generator.pages.site as site_pages
from generator.build.pipeline import BuildOptions, build, render_site
from generator.cache.store import CACHE_DIR, load_cache, shard_of
from generator.content.ingest import RACY_NS
from generator.core.diagnostics import BuildFailed
from generator.core.model import StoredBody
from generator.core.site_files import SiteFiles
from generator.render.theme import find_theme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import generate

NOW = datetime.fromisoformat("2030-01-01T00:00:00+02:00")
ARTICLES = 90  # above the parallel threshold, so worker processes are exercised too


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    return generate(tmp_path / "digest", ARTICLES, actors=40, seed=3)


def incremental(root: Path) -> dict[str, str]:
    build(root, BuildOptions(now=NOW, cache=True))
    return tree(root / "site")


def cold(root: Path, out: Path) -> dict[str, str]:
    shutil.rmtree(out, ignore_errors=True)
    build(root, BuildOptions(now=NOW, output=out))
    return tree(out)


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def articles(root: Path) -> Path:
    return root / "content" / "articles"


def edit_body(root: Path) -> None:
    """A new first paragraph (at the end it could fall after a pasted comment-form tail,
    where the cleaner rightly drops it)."""
    path = articles(root) / "000010.md"
    front, _, body = path.read_text("utf-8").partition("\n---\n")
    path.write_text(f"{front}\n---\n\nفقرة جديدة في أول المقال.\n{body}", "utf-8")


def edit_title(root: Path) -> None:
    path = articles(root) / "000020.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace('title: "', 'title: "عنوان معدل ', 1), "utf-8")


def add_article(root: Path) -> None:
    (articles(root) / "zz-new.md").write_text(
        "---\ntitle: خبر جديد عن Actor Number 1\ndate: 2029-06-01T10:00:00+03:00\nactors: [actor-1]\n---\n\n"
        "نص الخبر الجديد.\n", "utf-8")


def add_repeats(root: Path) -> None:
    """An older article's title again, later (a suffixed URL), and an older URL for another."""
    source = (articles(root) / "000040.md").read_text("utf-8")
    title = next(line for line in source.splitlines() if line.startswith("title: "))
    (articles(root) / "zz-repeat.md").write_text(
        f"---\n{title}\ndate: 2029-06-02T10:00:00+03:00\n---\n\nالعنوان نفسه مرة أخرى.\n", "utf-8")
    path = articles(root) / "000050.md"
    path.write_text(path.read_text("utf-8").replace("---\n", "---\naliases: [/old/000050/]\n", 1), "utf-8")


def delete_article(root: Path) -> None:
    (articles(root) / "000030.md").unlink()


def _note_path(root: Path) -> Path:
    """The note of the edition of an article in the middle of the archive."""
    text = (articles(root) / "000045.md").read_text("utf-8")
    day = next(line for line in text.splitlines() if line.startswith("date: "))[6:16]
    return root / "content" / "editions" / f"{day}.md"


def write_note(root: Path) -> None:
    """A note for an edition far from every article changed so far: its page, and its
    neighbours' (their navigation shows its title), change, with no article."""
    path = _note_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: عدد خاص\n---\n\nكلمة المحرر.\n", "utf-8")


def edit_note(root: Path) -> None:
    path = _note_path(root)
    path.write_text(path.read_text("utf-8").replace("عدد خاص", "عدد خاص جدا"), "utf-8")


def rename_actor(root: Path) -> None:
    registry = root / "content" / "actors.yaml"
    registry.write_text(registry.read_text("utf-8").replace("en: Actor Number 1\n", "en: Actor One\n"), "utf-8")


def change_config(root: Path) -> None:
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + 'description = "وصف جديد"\n', "utf-8")


def change_permalink(root: Path) -> None:
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + 'permalink = "/{year}/{month}/{day}/{slug}/"\n', "utf-8")


def change_template(root: Path) -> None:
    theme = Path(__file__).resolve().parent.parent / "templates"
    shutil.copytree(theme, root / "templates")
    page = root / "templates" / "404.html"
    page.write_text(page.read_text("utf-8").replace("</p>", " (404)</p>", 1), "utf-8")


def front_matter(root: Path, number: int, lines: str) -> None:
    """Add ``lines`` to the front matter of article ``number``."""
    path = articles(root) / f"{number:06d}.md"
    path.write_text(path.read_text("utf-8").replace("---\n", "---\n" + lines, 1), "utf-8")


def file_under_sources_and_topics(root: Path) -> None:
    """An outlet registry, and sources and topics (in spelling variants) on some articles."""
    (root / "content" / "sources.yaml").write_text(
        "- id: wire\n  names: {ar: الوكالة, en: The Wire}\n  hosts: [wire.example]\n", "utf-8")
    for number in range(0, ARTICLES, 7):
        source = f"https://www.wire.example/{number}" if number % 2 else "مدونة الأخبار"
        front_matter(root, number, f"source: {source}\ntopics: [أخبار, Economy]\n")


def favour_another_spelling(root: Path) -> None:
    """More articles now spell the topic اخبار: every page and feed naming it changes."""
    for number in range(1, ARTICLES, 5):
        if number % 7:
            front_matter(root, number, "tags: [اخبار, economy]\n")


def rename_outlet(root: Path) -> None:
    registry = root / "content" / "sources.yaml"
    registry.write_text(registry.read_text("utf-8").replace("ar: الوكالة", "ar: وكالة الأخبار"), "utf-8")


def add_translation(root: Path) -> None:
    """An English version of an article, naming no actor: the original's page links it, and
    no related list says so."""
    (articles(root) / "zz-en.md").write_text(
        "---\ntitle: An English version\ndate: 2029-06-03T10:00:00+03:00\nlang: en\n"
        "translation_of: '000060'\n---\n\nThe same news in English.\n", "utf-8")


def edit_translation(root: Path) -> None:
    path = articles(root) / "zz-en.md"
    path.write_text(path.read_text("utf-8").replace("An English version", "A retitled English version"), "utf-8")


def edit_original(root: Path) -> None:
    path = articles(root) / "000060.md"
    path.write_text(path.read_text("utf-8").replace('title: "', 'title: "الأصل ', 1), "utf-8")


def remove_translation(root: Path) -> None:
    (articles(root) / "zz-en.md").unlink()


STEPS = [edit_body, edit_title, add_article, add_repeats, delete_article, add_translation, edit_translation,
         edit_original, remove_translation, write_note, edit_note, rename_actor,
         change_config, change_permalink, change_template, file_under_sources_and_topics, favour_another_spelling,
         rename_outlet]


def test_every_step_matches_a_cold_build(digest: Path, tmp_path: Path) -> None:
    incremental(digest)
    for step in STEPS:
        step(digest)
        assert incremental(digest) == cold(digest, tmp_path / "cold"), step.__name__


@pytest.mark.parametrize("step", [edit_translation, edit_original, remove_translation])
def test_a_change_to_one_version_of_an_article_remakes_the_pages_of_the_others(
        digest: Path, tmp_path: Path, step) -> None:  # type: ignore[no-untyped-def]
    """The versions of an article in other languages link each other on their pages, which
    their related lists do not tell: an edit of one, or its removal, must not leave the
    others' pages as they were."""
    add_translation(digest)
    incremental(digest)
    step(digest)
    assert incremental(digest) == cold(digest, tmp_path / "cold")


def test_unchanged_rebuild_rewrites_nothing(digest: Path) -> None:
    incremental(digest)
    before = {p: p.stat() for p in (digest / "site").rglob("*.html")}
    incremental(digest)
    for path, old in before.items():
        new = path.stat()
        assert (new.st_ino, new.st_mtime_ns) == (old.st_ino, old.st_mtime_ns), path


def test_one_edit_rewrites_only_what_shows_it(digest: Path) -> None:
    incremental(digest)
    before = inodes(digest / "site")
    edit_body(digest)
    incremental(digest)
    after = inodes(digest / "site")
    changed = {path for path in after if before.get(path) != after[path]}
    assert any(path.startswith("articles/") for path in changed)
    assert len(changed) < len(after) // 4, sorted(changed)
    # the actors' data files list titles, dates and addresses, not the text: not even made again
    edit_body(digest)
    result = build(digest, BuildOptions(now=NOW, cache=True))
    assert [f.path for f in result.files if f.path.endswith("index.json") and not f.reused] == []


def test_an_edit_keeps_the_pages_of_sources_and_topics_it_is_not_under(digest: Path) -> None:
    file_under_sources_and_topics(digest)
    incremental(digest)
    before = inodes(digest / "site")
    taxa = [path for path in before if path.startswith(("sources/", "topics/"))]
    assert "topics/economy/index.html" in taxa and "sources/wire/atom.xml" in taxa
    edit_body(digest)  # article 10: no source, no topics
    incremental(digest)
    after = inodes(digest / "site")
    assert [path for path in taxa if after[path] != before[path]] == []


def test_adding_the_newest_article_keeps_the_numbered_pages(digest: Path) -> None:
    """Pages are cut from the oldest end, so an addition at the top leaves them alone: the
    archive's, and those of the actor the new article is about."""
    config = digest / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + "items_per_page = 5\n", "utf-8")
    incremental(digest)
    before = inodes(digest / "site")
    numbered = [path for path in before if path.startswith(("archive/page/", "actors/actor-1/page/"))]
    assert len([path for path in numbered if path.startswith("actors/")]) >= 2
    add_article(digest)
    incremental(digest)
    after = inodes(digest / "site")
    changed = [path for path in numbered if after[path] != before[path]]
    # ... but for the newest numbered page, when the addition sealed a page after it (its
    # "newer" link then moves from the list's own address to the new page)
    assert [path for path in changed if _next_page(path) not in after or _next_page(path) in before] == []
    assert after["archive/index.html"] != before["archive/index.html"]
    assert after["actors/actor-1/index.html"] != before["actors/actor-1/index.html"]


def test_an_edit_makes_again_only_the_files_of_the_actors_it_names(digest: Path, monkeypatch) -> None:
    """The other actors' pages and data keep their recorded keys, not even recomputed."""
    build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    made: list[str] = []
    real = build_module.actor_files
    monkeypatch.setattr(build_module, "actor_files",
                        lambda ctx, actor, index=None: made.append(actor.id) or real(ctx, actor, index))
    edit_body(digest)
    result = build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    edited = next(a for a in result.site.articles if a.rel.endswith("000010.md"))
    assert edited.actors and sorted(made) == sorted(edited.actors)


def test_an_empty_feed_follows_the_build_date(digest: Path, tmp_path: Path) -> None:
    """A feed without entries (an actor no article names) gives the site's build date as
    its time: without ``build_date`` in the settings, the newest article's, which an
    addition moves."""
    config = digest / "mawjaz.toml"
    lines = config.read_text("utf-8").splitlines()
    config.write_text("".join(f"{line}\n" for line in lines if not line.startswith("build_date")), "utf-8")
    result = build(digest, BuildOptions(now=NOW, cache=True))
    assert any(not result.site.by_actor[actor.id] for actor in result.site.actors), "the test needs an empty feed"
    add_article(digest)
    assert incremental(digest) == cold(digest, tmp_path / "cold")


def _next_page(path: str) -> str:
    folder, number, _ = path.rsplit("/", 2)
    return f"{folder}/{int(number) + 1}/index.html"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_a_damaged_cache_is_detected_and_rebuilt(digest: Path, tmp_path: Path, damage: str) -> None:
    incremental(digest)
    for part in (digest / CACHE_DIR).glob("*.pickle"):
        data = part.read_bytes()
        part.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00junk" * 10,
                          "flip": data[:-10] + bytes(b ^ 0xFF for b in data[-10:])}[damage])
    assert load_cache(digest).note, "the damage is noticed"
    edit_body(digest)
    assert incremental(digest) == cold(digest, tmp_path / "cold")
    assert not load_cache(digest).note, "and the cache is whole again"


@pytest.mark.parametrize("damage", ["remove", "truncate", "flip"])
def test_a_damaged_body_file_is_detected_and_rebuilt(digest: Path, tmp_path: Path, damage: str) -> None:
    """Bodies live in files of their own, read only for the pages that show them: damage is
    caught when the cache loads (a file gone or too short) or when a body is read (its
    checksum), and the build starts again without the cache."""
    settle(digest)  # so that the next build takes every article from the cache
    incremental(digest)
    for part in (digest / CACHE_DIR).glob("bodies-*.bin"):
        data = part.read_bytes()
        if damage == "remove":
            part.unlink()
        else:
            part.write_bytes(data[: len(data) // 2] if damage == "truncate"
                             else bytes(b ^ 0xFF for b in data))
    edit_body(digest)
    add_article(digest)  # the newest article: the feeds show (and read) many bodies
    assert incremental(digest) == cold(digest, tmp_path / "cold")
    edit_body(digest)
    assert incremental(digest) == cold(digest, tmp_path / "cold")


def test_the_preview_reads_a_damaged_body_again_from_its_article(digest: Path) -> None:
    """``mawjaz serve`` renders in memory from the cache: it recovers as ``build`` does."""
    from generator.cli.preview import render_in_memory

    settle(digest)
    options = BuildOptions(now=NOW, cache=True)
    first, _ = render_in_memory(digest, options)
    for part in (digest / CACHE_DIR).glob("bodies-*.bin"):
        part.write_bytes(bytes(b ^ 0xFF for b in part.read_bytes()))
    again, _ = render_in_memory(digest, options)
    assert again == first
    assert render_in_memory(digest, options)[0] == first  # and the cache is whole again


def test_bodies_are_kept_in_the_cache_not_in_memory(digest: Path) -> None:
    """After the cache is saved, a build's articles hold where their bodies are, not the
    bodies; the cache folder keeps exactly the body files its shards name."""

    def named(result) -> set[str]:
        bodies = [a.body for a in result.site.articles]
        assert bodies and all(isinstance(b, StoredBody) for b in bodies)
        return {Path(b.path).name for b in bodies}

    first = named(build(digest, BuildOptions(now=NOW, cache=True)))
    assert {p.name for p in (digest / CACHE_DIR).glob("bodies-*.bin")} == first
    for _ in range(3):
        edit_body(digest)
        again = named(build(digest, BuildOptions(now=NOW, cache=True)))
        assert {p.name for p in (digest / CACHE_DIR).glob("bodies-*.bin")} == again != first


def settle(root: Path) -> None:
    """Date every input well before now: a file changed within two seconds of a build cannot
    be told apart by its stat, so that build (rightly) records no snapshot."""
    old = 1_700_000_000
    for path in [root / "mawjaz.toml", *root.joinpath("content").rglob("*")]:
        os.utime(path, (old, old))


def test_nothing_changed_is_answered_without_building(digest: Path) -> None:
    settle(digest)
    first = build(digest, BuildOptions(now=NOW, cache=True))
    again = build(digest, BuildOptions(now=NOW, cache=True))
    assert first.site is not None and again.site is None
    assert again.summary == first.summary and again.stats.written == 0


# Files written just before a build (a fresh clone or copy) cannot be told apart by their
# stat while the build runs (see ``fingerprint``); they are dated ahead of every clock this
# runs under here, and the check at the end of the build, alone, sees a clock past them: as
# it does at the end of a real first build, which takes longer than the racy window.
FRESH_NS = time.time_ns() + 10**6 * 10**9


def fresh(root: Path) -> None:
    for path in [root / "mawjaz.toml", *root.joinpath("content").rglob("*")]:
        os.utime(path, ns=(FRESH_NS, FRESH_NS))


@pytest.fixture()
def over_after_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "time", SimpleNamespace(time_ns=lambda: FRESH_NS + 3 * RACY_NS))


def test_the_build_after_a_first_build_of_fresh_files_changes_nothing(digest: Path, over_after_the_window) -> None:
    fresh(digest)
    first = build(digest, BuildOptions(now=NOW, cache=True))
    again = build(digest, BuildOptions(now=NOW, cache=True))
    assert first.site is not None and again.site is None
    assert again.summary == first.summary and again.stats.written == 0


def test_fresh_files_are_not_trusted_before_the_clock_has_moved_on(digest: Path) -> None:
    fresh(digest)
    build(digest, BuildOptions(now=NOW, cache=True))
    assert build(digest, BuildOptions(now=NOW, cache=True)).site is not None


def same_length_edit(path: Path) -> None:
    """Other bytes of the same length, the file's time put back: what a change within one
    tick of the file system's clock looks like to its stat."""
    info = path.stat()
    text = path.read_text("utf-8")
    changed = text.replace("ال", "لا", 1)
    assert changed != text and len(changed.encode()) == info.st_size
    path.write_text(changed, "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


@pytest.mark.parametrize("edit", ["saved", "same stat"])
def test_an_edit_made_during_a_build_is_seen_by_the_next(digest: Path, tmp_path: Path, over_after_the_window,
                                                         monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """An article changes after the build has read it, while it renders: the build must not
    record a snapshot that stands for the new bytes, so the next build reads them."""
    fresh(digest)
    real = build_module.render_site

    def editing(*args, **kwargs):
        files = real(*args, **kwargs)
        if edit == "saved":
            edit_body(digest)
        else:
            same_length_edit(articles(digest) / "000010.md")
        return files

    monkeypatch.setattr(build_module, "render_site", editing)
    build(digest, BuildOptions(now=NOW, cache=True))
    monkeypatch.setattr(build_module, "render_site", real)
    assert build(digest, BuildOptions(now=NOW, cache=True)).site is not None
    assert tree(digest / "site") == cold(digest, tmp_path / "cold")


@pytest.mark.parametrize("change", ["edit", "touch output", "touch a page in place", "delete output",
                                    "clock", "options"])
def test_any_change_means_a_real_build(digest: Path, tmp_path: Path, change: str) -> None:
    add_article(digest)
    scheduled = articles(digest) / "zz-new.md"
    scheduled.write_text(scheduled.read_text("utf-8").replace("2029-06-01", "2030-06-01"), "utf-8")
    settle(digest)
    build(digest, BuildOptions(now=NOW, cache=True))
    options = BuildOptions(now=NOW, cache=True)
    if change == "edit":
        edit_body(digest)
    elif change == "touch output":
        (digest / "site" / "index.html").write_text("changed by hand", "utf-8")
    elif change == "touch a page in place":  # same inode, new bytes and time
        page = next((digest / "site" / "articles").glob("*/index.html"))
        with page.open("r+b") as handle:
            handle.write(b"<!-- by hand -->")
    elif change == "delete output":
        (digest / "site" / "404.html").unlink()
    elif change == "clock":  # the scheduled article's date has come
        options = BuildOptions(now=datetime.fromisoformat("2030-07-01T00:00:00+02:00"), cache=True)
    else:
        options = BuildOptions(now=NOW, cache=True, drafts=True)
    result = build(digest, options)
    assert result.site is not None, change
    assert tree(digest / "site") == cold_with(digest, tmp_path / "cold", options)


def cold_with(root: Path, out: Path, options: BuildOptions) -> dict[str, str]:
    shutil.rmtree(out, ignore_errors=True)
    build(root, dataclasses.replace(options, output=out, cache=False))
    return tree(out)


def test_a_template_error_in_a_worker_names_template_and_article(digest: Path) -> None:
    """Article pages render in worker processes; their errors come back whole."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", digest / "templates")
    page = digest / "templates" / "article.html"
    page.write_text(page.read_text("utf-8").replace("{{ article.title }}", "{{ article.no_such_field }}", 1),
                    "utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(digest, BuildOptions(now=NOW, workers=2))
    (problem,) = {(d.path, d.code) for d in failed.value.diagnostics}
    assert problem == ("templates/article.html", "template-error")
    assert "(rendering content/articles/" in failed.value.diagnostics[0].message


def test_one_edit_rewrites_one_cache_shard(digest: Path) -> None:
    settle(digest)
    incremental(digest)
    incremental(digest)  # the racy entries of the first build are trusted from here on
    shards = {p.name: p.stat().st_mtime_ns for p in (digest / CACHE_DIR).glob("articles-*.pickle")}
    assert len(shards) > 10, "entries are spread over shards"
    edit_body(digest)
    incremental(digest)
    after = {p.name: p.stat().st_mtime_ns for p in (digest / CACHE_DIR).glob("articles-*.pickle")}
    assert after.keys() == shards.keys()
    assert [name for name in shards if after[name] != shards[name]] == [
        f"articles-{shard_of('content/articles/000010.md'):02d}.pickle"]


def test_a_registry_change_keeps_parsed_articles(digest: Path, tmp_path: Path) -> None:
    incremental(digest)
    registry = digest / "content" / "actors.yaml"
    registry.write_text(registry.read_text("utf-8").replace("    - Actor1\n", "    - Actor1\n    - Someone Else\n", 1),
                        "utf-8")
    before = load_cache(digest).entries
    assert incremental(digest) == cold(digest, tmp_path / "cold")
    after = load_cache(digest).entries
    assert all(after[rel].outcome == before[rel].outcome for rel in before)
    assert {after[rel].found_context for rel in after} != {before[rel].found_context for rel in before}


def test_pages_go_to_disk_as_they_are_rendered(digest: Path) -> None:
    """A build holds names, not pages: bytes are written while rendering and moved into
    place, and nothing is left beside the output but the writer's spare: the same files,
    hard-linked, for the next build to bring up to date."""
    result = build(digest, BuildOptions(now=NOW, cache=True))
    pages = [f for f in result.files if f.path.endswith(".html")]
    assert pages and all(f.content == b"" for f in pages)
    assert sorted(p.name for p in digest.iterdir() if p.name.startswith(".site")) == [".site.mawjaz-spare"]
    spare, live = inodes(digest / ".site.mawjaz-spare"), inodes(digest / "site")
    assert spare.keys() == live.keys() and all(spare[p] == live[p] for p in live if p != ".mawjaz-site")
    in_memory = {f.path: f.content for f in render_site(result.site, find_theme(digest))}
    assert tree(digest / "site") == {path: hashlib.sha256(data).hexdigest() for path, data in in_memory.items()
                                     } | {".mawjaz-site": tree(digest / "site")[".mawjaz-site"]}


def test_an_edit_rewrites_only_the_email_and_channel_files_of_its_edition(digest: Path) -> None:
    """Edition emails are reused like edition pages: an edited article's edition writes its
    email and channel messages again, every other edition keeps its files as they were."""
    result = build(digest, BuildOptions(now=NOW, cache=True))
    edited = next(a for a in result.site.articles if a.rel.endswith("000010.md"))
    day = next(e.key for e in result.site.editions if edited in e.articles)
    mail = {p: i for p, i in inodes(digest / "site").items() if "/email." in p or "/channel-" in p}
    assert len({p.split("/")[1] for p in mail}) >= 3
    edit_body(digest)
    rebuilt = build(digest, BuildOptions(now=NOW, cache=True))
    made = {f.path for f in rebuilt.files if ("/email." in f.path or "/channel-" in f.path) and not f.reused}
    assert made and all(p.startswith(f"editions/{day}/") for p in made), made  # the rest not even made
    after = {p: i for p, i in inodes(digest / "site").items() if "/email." in p or "/channel-" in p}
    changed = {p for p in after if after[p] != mail.get(p)}
    # the new first paragraph is the summary now: the email shows it (the writer keeps a
    # message whose bytes did not change, and the edition may have one more)
    assert {f"editions/{day}/email.html", f"editions/{day}/email.txt", f"editions/{day}/email.eml"} <= changed
    assert all(p.startswith(f"editions/{day}/") for p in changed), changed


def test_an_edit_spells_out_the_email_keys_of_the_editions_around_it_only(
        digest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emails of editions away from an edit are taken by their recorded keys (see
    ``editions.edition_unchanged``): the fingerprints of their articles are not spelled out
    again, which cost a tenth of a second of a one-article edit at 10,000 articles; the
    editions next to it are checked by their keys, and the site is a clean build's."""
    import generator.pages.mailings as mailings

    result = build(digest, BuildOptions(now=NOW, cache=True))
    editions = len(mailings.mailed_editions(result.site))
    keyed: list[str] = []
    real_key = mailings.key

    def counting(*parts: str) -> str:
        keyed.append(parts[1])
        return real_key(*parts)

    monkeypatch.setattr(mailings, "key", counting)
    edit_body(digest)
    build(digest, BuildOptions(now=NOW, cache=True))
    assert 0 < len(keyed) < editions, (len(keyed), editions)
    monkeypatch.undo()
    assert tree(digest / "site") == cold(digest, digest.parent / "clean")


def test_an_edit_on_dated_urls_makes_again_only_the_pages_showing_it(digest: Path, monkeypatch) -> None:
    """Under a dated permalink too, the pages of articles whose related lists are unchanged
    are kept by their recorded keys, not made again (they were looked for at the undated
    address once, and every one of them went through the full page check)."""
    change_permalink(digest)
    build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    made: list[str] = []
    real = site_pages.article_page
    monkeypatch.setattr(site_pages, "article_page",
                        lambda shared, article: made.append(article.rel) or real(shared, article))
    edit_body(digest)
    result = build(digest, BuildOptions(now=NOW, cache=True, workers=1))
    assert any(f.path.startswith("20") for f in result.files)  # dated addresses indeed
    assert len(made) < ARTICLES // 4, sorted(made)


def test_an_edit_renders_in_this_process_and_a_template_change_on_workers(digest: Path, monkeypatch) -> None:
    """Forking workers from a process holding the archive costs more than the few pages an
    edit changes; a change that makes every page again still spreads them over the cores."""
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    crews: list[int] = []
    real = build_module.in_background

    def recorded(func, shared, items, workers=None):
        crews.append(workers)
        return real(func, shared, items, workers)

    monkeypatch.setattr(build_module, "in_background", recorded)
    edit_body(digest)
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    change_template(digest)
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    assert crews == [1, 2]


@pytest.mark.parametrize("damage", ["rewritten", "removed"])
def test_an_edit_keeps_untouched_pages_as_runs_and_remakes_one_damaged_by_hand(
        digest: Path, tmp_path: Path, damage: str) -> None:
    """An edit takes the article pages it does not change as the last build's record has them
    (kept runs, see ``core.site_files``), but never one changed or removed in the live site
    since: that page is made again, and the site is a clean build's."""
    settle(digest)
    incremental(digest)
    victim = digest / "site" / "articles"
    page = sorted(p for p in victim.rglob("index.html") if "000010" not in p.as_posix())[-1]
    if damage == "removed":
        page.unlink()
    else:
        page.write_text("<p>changed by hand</p>", "utf-8")
    edit_body(digest)
    result = build(digest, BuildOptions(now=NOW, cache=True))
    rel = page.relative_to(digest / "site").as_posix()
    assert isinstance(result.files, SiteFiles) and result.files.kept
    kept = {path for run in result.files.kept for path in run.paths}
    assert len(kept) > ARTICLES // 2 and rel not in kept
    assert rel in {f.path for f in result.files.made}
    assert tree(digest / "site") == cold(digest, tmp_path / "cold")
