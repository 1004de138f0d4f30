"""The sharded search index: which shard an article lands in, which shards a rebuild indexes
again, and that an incremental build gives the bytes of a clean one, search bundle included.
(What the browser does with the shards is tests/e2e/test_search.py.)"""

from __future__ import annotations

import dataclasses
import html
import importlib.util
import json
import os
import shutil
import sys
import zlib
from pathlib import Path

import pytest

import generator.pages.search as search
from generator.build.pipeline import BuildOptions, build, load_site
from generator.cache.store import load_signed
from generator.content.markup import first_paragraph
from generator.core.diagnostics import BuildFailed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import generate

from tests.hostile.support import BASE_CONFIG, article_text, build_in_memory, write_digest
from tests.test_incremental import NOW, add_article, cold, delete_article, edit_body, edit_title, incremental, tree

pytestmark = pytest.mark.skipif(not importlib.util.find_spec("pagefind_bin_extended"),
                                reason="Pagefind not installed")
CAPACITY = 16  # 90 articles, ~80 of them Arabic: eight Arabic shards and one English


@pytest.fixture()
def digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(search, "SHARD_CAPACITY", CAPACITY)
    root = generate(tmp_path / "digest", 90, actors=40, seed=3)
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + "search = true\n", "utf-8")
    return root


@pytest.fixture()
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shards Pagefind is run on, as ``language/number`` (before the pages or beside them)."""
    runs: list[str] = []
    real = search.launched  # every Pagefind run starts there

    def counting(shard, *rest):  # type: ignore[no-untyped-def]
        runs.append(f"{shard.language}/{shard.number}")
        return real(shard, *rest)

    monkeypatch.setattr(search, "launched", counting)
    return runs


def test_shard_counts_are_powers_of_two_holding_at_most_the_capacity_on_average() -> None:
    assert search.SHARD_CAPACITY == 512
    assert [search.shard_count(n) for n in (0, 1, 512, 513, 1024, 1025, 10_000, 50_000)] == \
        [1, 1, 1, 2, 2, 4, 32, 128]


def test_every_article_is_in_one_shard_of_its_language(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    shards = search.plan_shards(site)
    placed = [a.rel for shard in shards for a in shard.articles]
    assert sorted(placed) == sorted(a.rel for a in site.articles)
    assert shards[0].language == "ar" and shards[0].number == 0, "the site's language comes first"
    for shard in shards:
        assert {search.pagefind_language(a.lang) for a in shard.articles} == {shard.language}
        assert all(search.shard_of(a, shard.count) == shard.number for a in shard.articles)
    assert len({s.key for s in shards}) == len(shards)
    assert {s.count for s in shards if s.language == "ar"} == {8}


def test_the_plan_is_the_same_from_the_placed_articles_in_any_order(digest: Path) -> None:
    """An edit plans its shards from the articles as placed, before they are filed and put
    newest first (``IndexedArticles``): the plan, keys and records included, must be the one
    the finished site gives."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    expected = search.plan_shards(site)
    placed = search.IndexedArticles(site.config, site.settings, tuple(reversed(site.articles)), site.index_forms)
    got = search.plan_shards(placed)
    def held(shards: tuple[search.Shard, ...]) -> list[tuple[str, list[str]]]:
        return [(s.key, [a.rel for a in s.articles]) for s in shards]

    assert held(got) == held(expected)
    article = expected[0].articles[0]
    assert search.record_page(placed, article) == search.record_page(site, article)


def test_the_plan_made_from_the_placed_articles_is_rebound_to_the_sites(digest: Path) -> None:
    """Once the site is made, the early plan's shards hold the site's own article objects
    (``rebound``): the placed copies, a second archive in memory, are let go."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    copies = tuple(dataclasses.replace(a) for a in site.articles)
    placed = search.IndexedArticles(site.config, site.settings, copies, site.index_forms)
    early = search.EarlySearch(search.plan_search(placed, None, None), ())
    again = search.rebound(early, site)
    assert again is not None
    mine = {id(a) for a in site.articles}
    assert all(id(a) in mine for shard in again.plan.shards for a in shard.articles)
    assert [s.key for s in again.plan.shards] == [s.key for s in early.plan.shards]
    assert again.plan.same == early.plan.same and search.rebound(None, site) is None


def test_the_shard_follows_the_id_not_the_title_or_slug(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    article = site.articles[0]
    renamed = dataclasses.replace(article, title="عنوان آخر تماماً", slug="slug-another")
    assert search.shard_of(renamed, 8) == search.shard_of(article, 8)


def test_the_manifest_names_every_shard_once(digest: Path) -> None:
    build(digest, BuildOptions(now=NOW))
    site = digest / "site"
    manifest = json.loads((site / "pagefind" / "index.json").read_text("utf-8"))
    assert manifest["sentinel"] == search.SENTINEL
    groups = {g["language"]: g for g in manifest["groups"]}
    assert list(groups) == ["ar", "en"]
    assert groups["ar"]["dir"] == "rtl" and groups["en"]["dir"] == "ltr"
    assert groups["ar"]["shards"] == [f"ar/{n}/" for n in range(1, 8)]
    for group in manifest["groups"]:
        bundle = site / "pagefind" / group["bundle"]
        assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
        assert (bundle / f"wasm.{group['language']}.pagefind").is_file()
        for folder in [group["bundle"], *group["shards"]]:
            entry = json.loads((site / "pagefind" / folder / "pagefind-entry.json").read_text("utf-8"))
            assert list(entry["languages"]) == [group["language"]]
    kept = {p.name for p in (site / "pagefind").rglob("*") if p.is_file()}
    assert not {"pagefind-ui.js", "pagefind-ui.css", "pagefind-highlight.js"} & kept
    assert not list(site.rglob(".search")), "Pagefind's working folder stays out of the site"


def test_each_step_indexes_one_shard_and_matches_a_clean_build(digest: Path, tmp_path: Path,
                                                                indexed: list[str]) -> None:
    incremental(digest)
    assert len(indexed) == 9, "a first build indexes every shard"
    for step in (edit_body, edit_title, add_article, delete_article):
        indexed.clear()
        step(digest)
        after = incremental(digest)
        assert len(indexed) == 1, (step.__name__, indexed)
        assert after == cold(digest, tmp_path / "cold"), step.__name__


def test_a_damaged_shard_file_is_indexed_again(digest: Path, indexed: list[str]) -> None:
    incremental(digest)
    fragment = next((digest / "site" / "pagefind" / "ar" / "3" / "fragment").iterdir())
    fragment.write_bytes(b"damaged")
    indexed.clear()
    edit_body(digest)  # a real build (an unchanged digest is answered without building)
    incremental(digest)
    assert "ar/3" in indexed
    assert fragment.read_bytes() != b"damaged"


def test_records_escape_what_articles_say_and_end_with_the_index_forms(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    article = dataclasses.replace(site.articles[0], title='<script>alert(1)</script> "الحكومة"',
                                  summary="والتعليم & الصحة")
    page = search.record_page(site, article).decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'data-pagefind-meta="datetime[content]"' in page
    assert f"<p>{search.SENTINEL} " in page
    forms = page.rsplit(f"{search.SENTINEL} ", 1)[1]
    assert "تعليم" in forms.split("<")[0].split()


def test_a_record_says_a_summary_once(digest: Path) -> None:
    """A summary made from the first paragraph is not said again before the body; one the
    curator wrote is part of the record."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    article = site.articles[0]
    made = dataclasses.replace(article, summary=first_paragraph(article.body_html))
    written = dataclasses.replace(article, summary="ملخص كتبه المحرر")
    made_page, written_page = (search.record_page(site, a, "").decode() for a in (made, written))
    assert f"<h1>{html.escape(article.title)}</h1>\n{article.body_html}\n" in made_page
    assert f"<h1>{html.escape(article.title)}</h1><p>{written.summary}</p>\n{article.body_html}\n" in written_page


def test_a_failing_indexer_names_the_shard(digest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr(search, "pagefind_executable", lambda: Path(false))
    with pytest.raises(BuildFailed) as failure:
        build(digest, BuildOptions(now=NOW))
    [problem] = failure.value.diagnostics
    assert problem.code == "search-index"
    assert problem.message.startswith("Pagefind failed on the ar search shard 0: status 1")
    assert not (digest / "site").exists(), "nothing is written when the index cannot be made"


def test_a_language_whose_first_shard_is_empty_loads_from_the_next(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind makes no index of nothing: the first shard that holds articles is the bundle."""
    monkeypatch.setattr(search, "SHARD_CAPACITY", 1)
    ids = [i for i in (f"item-{n}" for n in range(100)) if zlib.crc32(i.encode()) % 4 != 0][:3]
    texts = {f"{i}.md": article_text(title=f"خبر الحكومة رقم {n}", extra=f"id: {i}\n")
             for n, i in enumerate(ids)}
    root = write_digest(tmp_path / "digest", texts, config=BASE_CONFIG + "search = true\n")
    site, _ = load_site(root, BuildOptions(now=NOW))
    shards = search.plan_shards(site)
    assert [s.number for s in shards] != [] and 0 not in [s.number for s in shards]
    assert [s.bundle for s in shards] == [True] + [False] * (len(shards) - 1)
    files = {f.path for f in build_in_memory(root)}
    assert "pagefind/ar/pagefind.js" in files
    manifest = search.search_manifest(shards).content.decode()
    assert '"bundle": "ar/"' in manifest


@pytest.fixture()
def forms_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles whose index forms are made (not taken from the cache), by file."""
    made: list[str] = []
    real = search.article_index_text

    def counting(article, memo=None):  # type: ignore[no-untyped-def]
        made.append(article.rel)
        return real(article, memo)

    monkeypatch.setattr(search, "article_index_text", counting)
    return made


def forms_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".mawjaz-cache").glob("search-forms-*.pickle"))


def test_an_edit_makes_the_index_forms_of_the_edited_article_only(digest: Path, tmp_path: Path,
                                                                  forms_made: list[str]) -> None:
    incremental(digest)
    # A first build makes every article's forms as it reads the articles, on the processes
    # that read them (not counted here), and none again when it indexes them.
    assert forms_made == [], "a first build makes no article's forms twice"
    assert forms_files(digest) == sorted([f"search-forms-ar-8-{n}.pickle" for n in range(8)]
                                         + ["search-forms-en-1-0.pickle"])
    kept = [load_signed(digest, name) for name in forms_files(digest)]
    assert sum(len(made) for _rule, made in kept) == 90, "a first build makes every article's forms"
    for step, changed in ((edit_body, ["content/articles/000010.md"]), (add_article, ["content/articles/zz-new.md"])):
        forms_made.clear()
        step(digest)
        result = build(digest, BuildOptions(now=NOW, cache=True))
        # Made as the changed article was read (wherever it was read), and nothing else.
        assert sorted(result.site.index_forms) == changed, step.__name__
        assert set(forms_made) <= set(changed), step.__name__
        assert tree(digest / "site") == cold(digest, tmp_path / "cold"), step.__name__


def test_kept_forms_that_cannot_be_trusted_are_made_again(digest: Path, tmp_path: Path, indexed: list[str],
                                                          forms_made: list[str]) -> None:
    incremental(digest)
    for path in (digest / ".mawjaz-cache").glob("search-forms-*.pickle"):
        path.write_bytes(path.read_bytes()[:-40] + b"x" * 40)  # its signature no longer holds
    shutil.rmtree(digest / "site" / "pagefind" / "ar" / "2")
    indexed.clear()
    forms_made.clear()
    edit_body(digest)
    incremental(digest)
    shard = next(s for s in search.plan_shards(load_site(digest, BuildOptions(now=NOW))[0]) if s.folder.endswith("/2/"))
    assert "ar/2" in indexed and set(forms_made) >= {a.rel for a in shard.articles}
    assert tree(digest / "site") == cold(digest, tmp_path / "cold")


def test_kept_forms_made_by_other_code_or_another_rule_are_made_again(digest: Path, tmp_path: Path,
                                                                     indexed: list[str], forms_made: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Forms kept by other code (the cache file's signature names the code), in the shape the
    code before ``forms_rule`` kept them (no rule), or by another rule (another stemmer
    release) are never reused; another rule also gives every shard another key."""
    import generator.cache.store as store

    incremental(digest)
    site = load_site(digest, BuildOptions(now=NOW))[0]
    edited = "content/articles/000010.md"
    shard = next(s for s in search.plan_shards(site) if any(a.rel == edited for a in s.articles))
    others = {a.rel for a in shard.articles} - {edited}
    name = search.FORMS_CACHE.format(shard.language, shard.count, shard.number)
    kept = store.load_signed(digest, name)
    assert isinstance(kept, tuple) and kept[0] == search.forms_rule(shard.language) and len(kept[1]) > 1
    real = store.code_digest()
    monkeypatch.setattr(store, "code_digest", lambda: "0" * 64)  # other code wrote it
    store.save_signed(digest, name, kept)
    monkeypatch.setattr(store, "code_digest", lambda: real)
    forms_made.clear()
    edit_body(digest)
    incremental(digest)
    assert others <= set(forms_made) <= others | {edited}, "the edited one's may come from its reading"
    kept = store.load_signed(digest, name)
    assert isinstance(kept, tuple)
    store.save_signed(digest, name, kept[1])  # the forms alone, as before rules were named
    forms_made.clear()
    edit_body(digest)
    incremental(digest)
    assert others <= set(forms_made) <= others | {edited}, "the edited one's may come from its reading"
    monkeypatch.setattr(search, "forms_rule", lambda language: f"another stemmer for {language}")
    # An article touched, so that the build does not answer "nothing changed", however long
    # the last one took (the stemmer is not among the inputs it takes the stat of).
    os.utime(digest / "content" / "articles" / "000020.md")
    forms_made.clear()
    indexed.clear()
    after = incremental(digest)
    assert len(forms_made) == 90 and len(indexed) == 9, "every shard's key and forms name the rule"
    assert after == cold(digest, tmp_path / "cold")


def test_forms_of_shards_cut_otherwise_are_removed(digest: Path, monkeypatch: pytest.MonkeyPatch,
                                                   forms_made: list[str]) -> None:
    incremental(digest)
    monkeypatch.setattr(search, "SHARD_CAPACITY", 2 * CAPACITY)
    forms_made.clear()
    edit_body(digest)
    incremental(digest)
    assert forms_files(digest) == sorted([f"search-forms-ar-4-{n}.pickle" for n in range(4)]
                                         + ["search-forms-en-1-0.pickle"])
    assert 0 < len(forms_made) < 90, "the English shard keeps its forms; the Arabic ones are cut anew"


def test_a_build_without_cache_keeps_no_forms(digest: Path, tmp_path: Path) -> None:
    cold(digest, tmp_path / "out")
    assert forms_files(digest) == []


def test_a_shard_writes_its_records_while_it_waits_for_its_turn(digest: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind runs back to back: the records of a shard are written before it waits for a
    free slot, not after, and are gone once it ran."""
    import threading

    site, _ = load_site(digest, BuildOptions(now=NOW))
    shard = search.plan_shards(site)[0]
    gate = search.PagefindGate(0, 1)  # no slot until opened: the pages are still being made
    written: list[Path] = []
    real = search.shard_records
    monkeypatch.setattr(search, "shard_records", lambda *args: written.append(real(*args)) or written[-1])
    spill = tmp_path / "spill"
    spill.mkdir()
    files: list[list] = []
    worker = threading.Thread(target=lambda: files.append(search.index_shard(
        site, shard, search.pagefind_executable(), str(spill), gate)))
    worker.start()
    for _ in range(1200):  # up to a minute for records a loaded machine writes in milliseconds
        if written or not worker.is_alive():
            break
        worker.join(timeout=0.05)
    assert written and worker.is_alive() and (written[0] / "records").is_dir(), "it waits, its records ready"
    gate.open()
    worker.join()
    assert files and files[0], "it ran once the gate opened"
    assert not written[0].exists()


def test_the_gate_lets_every_worker_run_once_open_and_none_once_abandoned() -> None:
    gate = search.PagefindGate(0, 2)
    gate.open()
    with gate.slot(), gate.slot():  # both slots at once (a third would wait)
        pass
    gate.abandon()
    with pytest.raises(search._Abandoned), gate.slot():
        pass


def test_pagefind_waits_for_the_pages_only_when_many_shards_are_indexed(
        digest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build indexes nine shards beside forked render workers: Pagefind waits for the
    pages (memory); an edit's one shard is indexed at once (it is what the edit waits for)."""
    firsts: list[int] = []
    real = search.PagefindGate

    def recording(first: int, workers: int) -> search.PagefindGate:
        firsts.append(first)
        return real(first, workers)

    monkeypatch.setattr(search, "PagefindGate", recording)
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    edit_body(digest)
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    assert firsts == [0, 1]


def test_an_edited_shard_is_indexed_before_the_pages_and_a_first_build_after_them(
        digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit's shard starts Pagefind as soon as the articles are placed (``search_started``),
    before the outlets and topics are filed, so that its run overlaps the rest of the build;
    a first build's many shards wait for the pages."""
    import generator.build.pipeline as pipeline

    events: list[str] = []
    real_start, real_render, real_file = search.launched, pipeline.render_site, pipeline.file_articles

    def starting(shard, *rest):  # type: ignore[no-untyped-def]
        events.append(f"index {shard.language}/{shard.number}")
        return real_start(shard, *rest)

    def rendering(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("render")
        return real_render(*args, **kwargs)

    def filing(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("file")
        return real_file(*args, **kwargs)

    monkeypatch.setattr(search, "launched", starting)
    monkeypatch.setattr(pipeline, "render_site", rendering)
    monkeypatch.setattr(pipeline, "file_articles", filing)
    # The whole way, whichever the build could take: a build that follows a recipe (see
    # ``build.recipe``, tests/unit/build/test_recipe.py) files nothing.
    monkeypatch.setattr(pipeline, "load_recipe", lambda root: None)
    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    assert events[:2] == ["file", "render"] and len(events) == 11
    for step in (edit_body, add_article):
        events.clear()
        step(digest)
        build(digest, BuildOptions(now=NOW, cache=True, workers=2))
        assert len(events) == 3 and events[0].startswith("index ") and events[1:] == ["file", "render"], step.__name__
        assert tree(digest / "site") == cold(digest, tmp_path / step.__name__), step.__name__


def test_a_run_begun_early_is_taken_on_the_building_thread_after_the_pages(
        digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit's early run is collected by the thread that renders, once its pages are made
    (see ``search._finished``): taken by a thread of its own beside the render, its few
    hundred file moves each waited for the interpreter lock."""
    import threading

    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    taken: list[str] = []
    real_finish = search.PagefindRun.finish

    def finishing(run, spill):  # type: ignore[no-untyped-def]
        taken.append(threading.current_thread().name)
        return real_finish(run, spill)

    monkeypatch.setattr(search.PagefindRun, "finish", finishing)
    edit_body(digest)
    told: list[tuple[int, int | None]] = []

    def stage(done: int, total: int | None, name: str) -> None:
        if name == "search index":
            told.append((done, total))

    build(digest, BuildOptions(now=NOW, cache=True, workers=2, stage=stage))
    assert taken == [threading.main_thread().name]
    assert told == [(0, 1), (1, 1)], "the search stage counts the early run"
    assert tree(digest / "site") == cold(digest, tmp_path / "clean")


@pytest.mark.parametrize("stage", ["file_articles", "render_site"])
def test_a_run_begun_early_is_stopped_when_the_build_fails_before_collecting_it(
        digest: Path, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    """A build that fails after Pagefind started (while it files the articles, or renders)
    leaves no Pagefind running and no records behind."""
    import generator.build.pipeline as pipeline

    build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    runs: list[search.PagefindRun] = []
    real_start = search.launched

    def starting(*args):  # type: ignore[no-untyped-def]
        runs.append(real_start(*args))
        return runs[-1]

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise BuildFailed([])

    monkeypatch.setattr(search, "launched", starting)
    monkeypatch.setattr(pipeline, stage, failing)
    if stage == "file_articles":  # the whole way: a build that follows a recipe files nothing
        monkeypatch.setattr(pipeline, "load_recipe", lambda root: None)
    edit_body(digest)
    with pytest.raises(BuildFailed):
        build(digest, BuildOptions(now=NOW, cache=True, workers=2))
    [run] = runs
    assert run.process.returncode is not None, "Pagefind was waited for"
    assert not run.folder.exists(), "its records were removed"


def test_records_go_to_the_default_temporary_folder_when_the_memory_one_fails(
        digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A container's /dev/shm may be small or missing: the records are then written where
    temporary files usually go, and the index holds the same pages. (Not the same bytes:
    Pagefind numbers pages in the order the folder lists them, which is the file system's.)"""
    expected = cold(digest, tmp_path / "expected")
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("", "utf-8")
    monkeypatch.setattr(search, "_scratch", lambda: str(not_a_folder))
    fallback = cold(digest, tmp_path / "fallback")
    def named_by_content(path: str) -> bool:  # the index's chunks and meta, named by their hash
        return "/index/" in path or path.endswith(".pf_meta")

    assert {p for p in fallback if not named_by_content(p)} == {p for p in expected if not named_by_content(p)}
    fragments = [p for p in expected if "/fragment/" in p]
    assert len(fragments) == 90 and all(fallback[p] == expected[p] for p in fragments)
    for folder in ("ar/", "ar/3/", "en/"):
        entry = f"pagefind/{folder}pagefind-entry.json"
        [counted] = json.loads((tmp_path / "fallback" / entry).read_text("utf-8"))["languages"].values()
        [wanted] = json.loads((tmp_path / "expected" / entry).read_text("utf-8"))["languages"].values()
        assert counted["page_count"] == wanted["page_count"] > 0


@pytest.mark.parametrize(("workers", "launched"), [(2, True), (1, False)])
def test_pagefind_is_started_by_the_launcher_unless_the_build_runs_on_one_process(
        digest: Path, monkeypatch: pytest.MonkeyPatch, workers: int, launched: bool) -> None:
    """Started from the build process, Pagefind is a copy of it until it runs (see
    ``generator.core.launcher``); a one-process build keeps no launcher beside it."""
    from generator.core.launcher import Launched

    runs: list[search.PagefindRun] = []
    real_start = search.launched

    def starting(*args):  # type: ignore[no-untyped-def]
        runs.append(real_start(*args))
        return runs[-1]

    monkeypatch.setattr(search, "launched", starting)
    build(digest, BuildOptions(now=NOW, workers=workers))
    assert runs and all(isinstance(run.process, Launched) is launched for run in runs)
    assert all(run.process.returncode == 0 for run in runs)
