"""An edit of an article's words follows the last build's recipe (``build.recipe``) instead
of deciding the archive again, and so does an article added that changes no one else's place
(the recipe grown by it); any other change takes the whole way. Both ways write what a clean
build writes, a grown recipe is the one the whole way makes, and a recipe never outlives the
articles it was made for."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import generator.build.pipeline as pipeline
import generator.pages.editions as editions_pages
import generator.pages.redirects as redirects
import generator.pages.search as search
import generator.pages.site as site_pages
from generator.build.pipeline import BuildOptions, build, load_site
from generator.build.recipe import RECIPE, fits, load_recipe, read_again, replanned, same_shape, site_from
from generator.cache.store import CACHE_DIR, Entry, load_cache
from generator.core.config import BuildSettings, load_config
from generator.core.diagnostics import BuildFailed
from generator.core.model import Source
from generator.pages.search import plan_shards
from generator.render.related import index_shape, related_index
from tests.unit.build.test_pipeline import NOW, OLD_NS, SITE, write

ONE = "content/articles/one.md"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def backdate(root: Path) -> None:
    """The files written since the last call, dated an hour ago (each at its own time): a
    build then trusts their stat, as it does a curator's files saved a while before."""
    recent = time.time_ns() - 60 * 10**9
    for path in [root / "mawjaz.toml", *(root / "content").rglob("*")]:
        if path.stat().st_mtime_ns > recent:
            when = time.time_ns() - 3600 * 10**9
            os.utime(path, ns=(when, when))


@pytest.fixture()
def followed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry (the digest's title) for each build that followed a recipe."""
    taken: list[str] = []
    original = pipeline._followed

    def counting(read: pipeline._Read) -> pipeline._Loaded:
        taken.append(read.config.title)
        return original(read)

    monkeypatch.setattr(pipeline, "_followed", counting)
    return taken


def rebuild(root: Path, now: datetime = NOW) -> dict[str, str]:
    build(root, BuildOptions(now=now, cache=True))
    return tree(root / "site")


def clean(root: Path, out: Path, now: datetime = NOW) -> dict[str, str]:
    build(root, BuildOptions(now=now, output=out))
    return tree(out)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    backdate(root)


def test_an_edit_of_the_words_follows_the_recipe(root: Path, tmp_path: Path, followed: list[str]) -> None:
    rebuild(root)
    assert (root / CACHE_DIR / RECIPE).exists() and not followed
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    after = rebuild(root)
    assert followed
    assert after == clean(root, tmp_path / "clean")


def test_a_build_that_follows_the_recipe_takes_the_related_index_from_it(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranks, dates and actors' lists are the recipe's site's: the followed build does
    not rank the archive again, nor fingerprint all of it for its related state (see
    ``related.followed_state``), and writes what the whole way writes."""
    rebuild(root)
    recipe = load_recipe(root)
    site, _ = load_site(root, BuildOptions(now=NOW, cache=True))
    assert recipe is not None and recipe.related == index_shape(related_index(site), site.articles)
    ranked: list[str] = []
    for name in ("related_index", "related_state"):
        original = getattr(pipeline, name)
        monkeypatch.setattr(pipeline, name,
                            lambda *a, name=name, original=original: ranked.append(name) or original(*a))
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    after = rebuild(root)
    assert followed and not ranked
    assert after == clean(root, tmp_path / "clean")
    assert ranked == ["related_index"]  # the whole way ranks (without a cache, it keeps no state)


def test_a_new_mention_of_an_actor_takes_the_whole_way(root: Path, tmp_path: Path, followed: list[str]) -> None:
    """The actors found in its text change: its actors' lists do."""
    rebuild(root)
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول، وفيه ذكر المجلس المحلي.")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed


def test_a_title_with_its_own_slug_follows_the_recipe(root: Path, tmp_path: Path, followed: list[str]) -> None:
    edit(root, ONE, "actors: [amal]\n", "actors: [amal]\nslug: liqa\n")
    rebuild(root)
    edit(root, ONE, "title: لقاء مع أمل الخطيب", "title: حوار مع أمل الخطيب")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert followed


CHANGES = {
    "title (its slug)": (ONE, "title: لقاء مع", "title: حوار مع"),
    "date": (ONE, "date: 2026-11-27", "date: 2026-11-25"),
    "actors": (ONE, "actors: [amal]", "actors: [amal, council]"),
    "draft": (ONE, "actors: [amal]\n", "actors: [amal]\ndraft: true\n"),
    "topics": (ONE, "actors: [amal]\n", "actors: [amal]\ntopics: [محليات]\n"),
    "source": (ONE, "actors: [amal]\n", "actors: [amal]\nsource: https://news.example/1\n"),
    "alias": (ONE, "actors: [amal]\n", "actors: [amal]\naliases: [/old/one/]\n"),
    "registry": ("content/actors.yaml", "en: Amal Khatib", "en: Amal al-Khatib"),
    "settings": ("mawjaz.toml", 'editions = "none"', 'editions = "daily"'),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_beyond_the_words_takes_the_whole_way(root: Path, tmp_path: Path, followed: list[str],
                                                       change: str) -> None:
    rebuild(root)
    edit(root, *CHANGES[change])
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed
    assert load_recipe(root) is not None  # the whole way makes a new one


def test_an_article_removed_takes_the_whole_way(root: Path, tmp_path: Path, followed: list[str]) -> None:
    rebuild(root)
    (root / "content/articles/three.md").unlink()
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed


def whole_way_recipe(root: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """The recipe a build that takes the whole way makes of the digest as it is."""
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "load_recipe", lambda root: None)
        build(root, BuildOptions(now=NOW, cache=True))
    return load_recipe(root)


ADDED = {  # a new article, each joining lists of its own; all follow the recipe, grown
    "newest": "---\ntitle: خبر رابع\ndate: 2026-11-29\n---\nنص عن المجلس المحلي.\n",
    "in the middle": "---\ntitle: خبر رابع\ndate: 2026-11-27T12:00:00+02:00\nactors: [amal]\n---\nنص.\n",
    "oldest": "---\ntitle: خبر رابع\ndate: 2026-11-01\n---\nنص.\n",
    "a title taken (a suffix)": "---\ntitle: لقاء مع أمل الخطيب\ndate: 2026-11-29\n---\nنص آخر.\n",
    "a date taken (ties by slug)": "---\ntitle: آخر خبر\ndate: 2026-11-28\n---\nنص.\n",
    "in English": "---\ntitle: Another report\ndate: 2026-11-29\nlang: en\nactors: [amal]\n---\nText.\n",
}


@pytest.mark.parametrize("editions", ["none", "daily", "weekly"])
@pytest.mark.parametrize("case", sorted(ADDED))
def test_an_article_added_follows_the_recipe_grown(root: Path, tmp_path: Path, followed: list[str],
                                                   monkeypatch: pytest.MonkeyPatch, case: str, editions: str) -> None:
    """Its URL, lists, edition and place in the archive are the whole way's, and so is the
    recipe the build keeps: the next edit of words follows it."""
    edit(root, "mawjaz.toml", 'editions = "none"', f'editions = "{editions}"')
    rebuild(root)
    write(root, {"content/articles/four.md": ADDED[case]})
    backdate(root)
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert followed
    kept = load_recipe(root)
    assert kept is not None and kept == whole_way_recipe(root, monkeypatch)
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    assert rebuild(root) == clean(root, tmp_path / "clean again")
    assert len(followed) == 2


@pytest.mark.parametrize("source", ["url: https://news.example/4", "name: The Wire"])
def test_an_article_added_from_a_registered_outlet_follows_the_recipe_grown(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """Filed under the outlet the registry names (a URL alone named after it), in its list."""
    write(root, {"content/sources.yaml": "- id: wire\n  names: {ar: الوكالة, en: The Wire}\n  hosts: [news.example]\n"})
    edit(root, ONE, "actors: [amal]\n", "actors: [amal]\nsource: https://news.example/1\n")
    rebuild(root)
    text = f"---\ntitle: خبر رابع\ndate: 2026-11-29\nsource: {{{source}}}\n---\nنص.\n"
    write(root, {"content/articles/four.md": text})
    backdate(root)
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert followed
    assert load_recipe(root) == whole_way_recipe(root, monkeypatch)


GROUPS = {  # the archive's one.md and two.md as filed before, then the article added
    "an outlet by name": ("source: {name: جريدة الصباح, url: https://sabah.example/1}",
                          "source: {name: جريدة الصباح, url: https://sabah.example/2}",
                          "source: {name: جريدة الصباح, url: https://sabah.example/4}", True),
    "an outlet, spelt otherwise": ("source: {name: جريدة الصباح}", "source: {name: جريدة الصباح}",
                                   "source: {name: جريدة الصّباح}", True),
    "an outlet whose name would change": ("source: {name: جريدة الصباح}", "source: {name: جريدة الصّباح}",
                                          "source: {name: جريدة الصّباح}", False),
    "an outlet from another host": ("source: {name: جريدة الصباح, url: https://sabah.example/1}",
                                    "source: {name: جريدة الصباح, url: https://sabah.example/2}",
                                    "source: {name: جريدة الصباح, url: https://other.example/4}", False),
    "a URL alone": ("source: {name: جريدة الصباح, url: https://sabah.example/1}",
                    "source: {name: جريدة الصباح, url: https://sabah.example/2}",
                    "source: https://sabah.example/4", False),
    "a topic": ("topics: [محليات]", "topics: [محليات, اقتصاد]", "topics: [اقتصاد, محليات]", True),
    "a topic whose name would change": ("topics: [محليات]", "topics: [محلّيات]", "topics: [محلّيات]", False),
    "a new topic": ("topics: [محليات]", "topics: [محليات]", "topics: [رياضة]", False),
}


@pytest.mark.parametrize("case", sorted(GROUPS))
def test_an_article_added_to_an_outlet_or_topic_follows_the_recipe_when_they_show_the_same(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """An outlet no registry names, and a topic, show the spelling most of their articles
    give (the first on a tie): an article that would change that takes the whole way."""
    one, two, added, grows = GROUPS[case]
    edit(root, ONE, "actors: [amal]\n", f"actors: [amal]\n{one}\n")
    edit(root, "content/articles/two.md", "date: 2026-11-28\n", f"date: 2026-11-28\n{two}\n")
    rebuild(root)
    write(root, {"content/articles/four.md": f"---\ntitle: خبر رابع\ndate: 2026-11-29\n{added}\n---\nنص.\n"})
    backdate(root)
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert bool(followed) == grows
    assert load_recipe(root) == whole_way_recipe(root, monkeypatch)


def test_an_outlet_and_a_topic_of_one_key_keep_their_own_lists(root: Path, tmp_path: Path, followed: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered outlet's id may be a topic's key (``economy``): an article added from the
    outlet joins its list, not the topic's."""
    write(root, {"content/sources.yaml": "- id: economy\n  names: {en: The Economy}\n  hosts: [economy.example]\n"})
    edit(root, ONE, "actors: [amal]\n", "actors: [amal]\nsource: https://economy.example/1\n")
    edit(root, "content/articles/two.md", "date: 2026-11-28\n", "date: 2026-11-28\ntopics: [Economy]\n")
    rebuild(root)
    write(root, {"content/articles/four.md":
                 "---\ntitle: خبر رابع\ndate: 2026-11-29\nsource: https://economy.example/4\n---\nنص.\n"})
    backdate(root)
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert followed
    assert load_recipe(root) == whole_way_recipe(root, monkeypatch)


NOT_GROWN = {  # an article added that the whole way decides anew for, or for others
    "topics": "topics: [محليات]\n",
    "a draft": "draft: true\n",
    "dated ahead": "date: 2026-12-20\n",
    "an alias": "aliases: [/old/four/]\n",
    "a translation": "translation_of: one\n",
    "an unknown actor": "actors: [nobody]\n",
    "an unregistered outlet": "source: {name: جريدة, url: https://paper.example/4}\n",
    "an id taken": "id: one\n",
    "a slug taken": "slug: لقاء-مع-أمل-الخطيب\n",
    "a warning": "summary: ''\nunknown_key: 1\n",
}


@pytest.mark.parametrize("case", sorted(NOT_GROWN))
def test_an_article_added_that_changes_more_takes_the_whole_way(root: Path, tmp_path: Path,
                                                                followed: list[str], case: str) -> None:
    rebuild(root)
    front = "title: خبر رابع\ndate: 2026-11-29\n"
    extra = NOT_GROWN[case]
    if extra.startswith("date:"):
        front, extra = "title: خبر رابع\n", extra
    write(root, {"content/articles/four.md": f"---\n{front}{extra}---\nنص.\n"})
    backdate(root)
    try:
        assert rebuild(root) == clean(root, tmp_path / "clean")
    except BuildFailed:  # an error (an id or a slug taken): the clean build fails alike
        with pytest.raises(BuildFailed):
            clean(root, tmp_path / "clean")
    assert not followed


def test_an_article_added_with_search_joins_its_shard(root: Path, tmp_path: Path, followed: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Its shard is indexed anew, and only it; an article that makes its language's shards
    more (a power of two passed) takes the whole way."""
    monkeypatch.setattr(search, "SHARD_CAPACITY", 1)
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "none"\nsearch = true')
    rebuild(root)  # two Arabic articles: two shards
    runs: list[str] = []
    index_shard = search.index_shard
    monkeypatch.setattr(search, "index_shard",
                        lambda site, shard, *a, **k: runs.append(shard.folder) or index_shard(site, shard, *a, **k))
    write(root, {"content/articles/four.md": "---\ntitle: Another report\ndate: 2026-11-29\nlang: en\n---\nText.\n"})
    backdate(root)  # English: one shard, two now
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed
    write(root, {"content/articles/five.md": "---\ntitle: خبر خامس\ndate: 2026-11-29\n---\nنص.\n"})
    backdate(root)  # a third Arabic article: four shards
    assert rebuild(root) == clean(root, tmp_path / "clean 2")
    assert not followed
    write(root, {"content/articles/six.md": "---\ntitle: خبر سادس\ndate: 2026-11-29T13:00:00+02:00\n---\nنص.\n"})
    backdate(root)  # a fourth: four still
    runs.clear()
    after = rebuild(root)
    assert followed and len(runs) == 1
    assert after == clean(root, tmp_path / "clean 3")
    assert load_recipe(root) == whole_way_recipe(root, monkeypatch)


def test_the_clock_reaching_a_scheduled_article_takes_the_whole_way(root: Path, tmp_path: Path,
                                                                    followed: list[str]) -> None:
    rebuild(root)
    assert load_recipe(root).until == datetime(2026, 12, 5, tzinfo=load_config(root / "mawjaz.toml").tz)
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول، مصححاً.")
    later = NOW + timedelta(days=7)
    assert rebuild(root, later) == clean(root, tmp_path / "clean", later)
    assert not followed


def test_a_failed_build_that_saved_articles_leaves_no_recipe(root: Path, tmp_path: Path,
                                                             followed: list[str]) -> None:
    """The articles it saved are not those the recipe was made of: a later build that found
    them unchanged since would otherwise follow it."""
    rebuild(root)
    edit(root, ONE, "actors: [amal]\n", "actors: [amal]\nid: two\n")  # two's id: a duplicate
    write(root, {"content/articles/two.md": SITE["content/articles/two.md"].replace("---\n", "---\nid: two\n", 1)})
    backdate(root)
    with pytest.raises(BuildFailed):
        rebuild(root)
    assert load_recipe(root) is None
    edit(root, "content/articles/two.md", "id: two\n", "id: other\n")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed


def test_a_build_that_publishes_another_shape_drops_the_recipe_first(root: Path, tmp_path: Path,
                                                                     followed: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings changed, no article: the build publishes a site of another shape. Stopped
    before it could keep its own recipe, it must not leave the last one, which the settings
    changed back would fit, while the site it published is not that recipe's."""
    rebuild(root)
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "daily"')
    with monkeypatch.context() as stopped:
        stopped.setattr(pipeline, "keep_recipe", lambda root, recipe: None)
        rebuild(root)
    edit(root, "mawjaz.toml", 'editions = "daily"', 'editions = "none"')
    os.utime(root / "mawjaz.toml", ns=(OLD_NS, OLD_NS))  # its stat as it was: the old recipe's frame again
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert not followed


def test_checking_a_changed_digest_drops_the_recipe(root: Path) -> None:
    """``mawjaz check`` reads and saves articles too, but never follows a recipe."""
    rebuild(root)
    edit(root, ONE, "date: 2026-11-27", "date: 2026-11-25")
    load_site(root, BuildOptions(now=NOW, cache=True))
    assert load_recipe(root) is None


def test_a_build_it_could_not_trust_keeps_no_new_recipe(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An input changed within the stat's margin of the build (see ``fingerprint.settled``):
    the recipe it would make could stand for another version than the one read."""
    rebuild(root)
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "daily"')
    monkeypatch.setattr(pipeline, "settled", lambda *args: False)
    rebuild(root)
    assert load_recipe(root) is None


def _entry(root: Path) -> Entry:
    return load_cache(root).entries[ONE]


def _with(entry: Entry, **changes: object) -> Entry:
    article = dataclasses.replace(entry.outcome.article, **changes)
    return entry._replace(outcome=dataclasses.replace(entry.outcome, article=article))


def test_the_words_of_an_article_are_all_an_edit_may_change(root: Path) -> None:
    rebuild(root)
    entry = _entry(root)
    article = entry.outcome.article
    assert same_shape(entry, _with(entry, title="عنوان آخر", body=b"<p>x</p>", summary="x", byline="x",
                                   removed_lines=("x",), source_digest="0" * 64))
    elsewhere = article.date.astimezone(timezone(timedelta(hours=5)))  # the same instant, written otherwise
    for changes in ({"slug": "x"}, {"date": elsewhere}, {"actors": ()}, {"draft": True}, {"topics": ("x",)},
                    {"source": Source("x", None)}, {"redirects": ("old/",)}, {"lang": "en"}, {"path": "x/"}):
        assert not same_shape(entry, _with(entry, **changes)), changes
    assert not same_shape(entry, entry._replace(found=("council",)))
    assert not same_shape(entry, entry._replace(outcome=dataclasses.replace(entry.outcome, slug_line=3)))
    assert not same_shape(entry, entry._replace(outcome=[]))


def test_a_recipe_fits_only_the_inputs_it_was_made_from(root: Path) -> None:
    rebuild(root)
    recipe, cache = load_recipe(root), load_cache(root)
    assert recipe is not None
    settings, files, problems = recipe.settings, len(cache.entries), recipe.read_problems
    assert fits(recipe, recipe.frame, settings, NOW, files, problems)
    assert not fits(None, recipe.frame, settings, NOW, files, problems)
    assert not fits(recipe, "", settings, NOW, files, problems)
    assert not fits(recipe, "other", settings, NOW, files, problems)
    assert not fits(recipe, recipe.frame, BuildSettings("https://example.org/x/", False), NOW, files, problems)
    assert not fits(recipe, recipe.frame, settings, recipe.until, files, problems)
    assert not fits(recipe, recipe.frame, settings, NOW, files + 1, problems)
    assert not fits(recipe, recipe.frame, settings, NOW, files, (*problems, None))


def test_only_articles_changed_in_their_words_may_follow_a_recipe(root: Path) -> None:
    rebuild(root)
    cache = load_cache(root)
    entries = dict(cache.entries)
    assert read_again(cache, entries) == ((), frozenset())
    entries[ONE] = _with(entries[ONE], title="عنوان آخر", body=b"<p>x</p>")
    assert read_again(cache, entries) == ((), {ONE})
    entries[ONE] = _with(entries[ONE], slug="x")
    assert read_again(cache, entries) is None
    fewer = {rel: entry for rel, entry in cache.entries.items() if rel != ONE}
    assert read_again(cache, fewer) is None
    renamed = {("content/articles/other.md" if rel == ONE else rel): entry for rel, entry in cache.entries.items()}
    assert read_again(cache, renamed) is None


def test_a_recipe_makes_the_site_the_whole_way_made(root: Path) -> None:
    rebuild(root)
    site, _ = load_site(root, BuildOptions(now=NOW, cache=True))
    recipe = load_recipe(root)
    assert recipe is not None
    made = site_from(recipe, site.config, site.settings, site.actors, site.taxa.registry,
                     load_cache(root).entries, site.index_forms)
    assert made == site
    assert made.taxa == site.taxa and made.editions == site.editions and made.translations == site.translations


def test_a_recipe_plans_the_search_index_as_the_whole_way_does(root: Path, tmp_path: Path,
                                                               followed: list[str]) -> None:
    """Only the key of the shard of the article edited is made again."""
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "none"\nsearch = true')
    rebuild(root)
    recipe = load_recipe(root)
    assert recipe is not None and recipe.search is not None
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert followed
    site, _ = load_site(root, BuildOptions(now=NOW, cache=True))
    assert replanned(recipe, site) == plan_shards(site)
    assert recipe.search.shards[0][5] != plan_shards(site)[0].key  # the edited shard's key is new


def test_a_shard_edited_by_an_earlier_build_is_keyed_by_what_it_holds_now(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe's shard keys are those of the build that made it: a shard edited by a later
    build that followed it holds other articles now. An article edited, then one in another
    shard, then the first written back as it was: the index is a clean build's. (Keyed as
    the recipe said, the second build indexed the first shard again under its old key, and
    the third took those files, made from the edited text, for the text written back.)"""
    monkeypatch.setattr(search, "SHARD_CAPACITY", 1)  # one and two in shards of their own
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "none"\nsearch = true')
    rebuild(root)
    runs: list[str] = []
    index_shard = search.index_shard
    monkeypatch.setattr(search, "index_shard",
                        lambda site, shard, *a, **k: runs.append(shard.folder) or index_shard(site, shard, *a, **k))
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    rebuild(root)
    assert len(runs) == 1
    edit(root, "content/articles/two.md", "أعلن المجلس المحلي قراره.", "أعلن المجلس المحلي قراره اليوم.")
    rebuild(root)
    assert len(runs) == 2 and runs[1] != runs[0]  # the second shard only
    edit(root, ONE, "نص الخبر الأول بعد التصحيح.", "نص الخبر الأول.")
    assert rebuild(root) == clean(root, tmp_path / "clean")
    assert len(followed) == 3


def test_a_build_that_follows_a_recipe_keeps_the_files_of_the_shape_as_written(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The sitemap, the manifest of URLs and ``_redirects`` show URLs, ids and dates only:
    taken as the last build wrote them, not made again (see ``Reuse.shaped``)."""
    edit(root, "content/articles/two.md", "date: 2026-11-28\n", "date: 2026-11-28\naliases: [/old/two/]\n")
    rebuild(root)
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    made: list[str] = []
    keyed = site_pages.key
    monkeypatch.setattr(redirects, "manifest_file", lambda site: made.append("urls.json"))
    monkeypatch.setattr(redirects, "netlify_redirects", lambda site: made.append("_redirects"))
    monkeypatch.setattr(site_pages, "key", lambda *parts: made.append(parts[1][:9]) or keyed(*parts))
    after = rebuild(root)
    monkeypatch.undo()
    assert followed and made == []
    assert after == clean(root, tmp_path / "clean")
    assert {"sitemap.xml", "urls.json", "_redirects"} <= set(after)


def test_a_build_that_follows_a_recipe_keeps_the_editions_index_as_written(
        root: Path, tmp_path: Path, followed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The editions index shows each edition's day, title, note and count of articles: the
    site's shape. A build that follows a recipe takes its pages as written, without making
    the heading of every edition of the archive for them."""
    edit(root, "mawjaz.toml", 'editions = "none"', 'editions = "daily"')
    rebuild(root)
    edit(root, ONE, "نص الخبر الأول.", "نص الخبر الأول بعد التصحيح.")
    monkeypatch.setattr(editions_pages, "_index_pages", lambda *a: pytest.fail("the index made again"))
    after = rebuild(root)
    monkeypatch.undo()
    assert followed
    assert after == clean(root, tmp_path / "clean")
    assert "editions/index.html" in after
