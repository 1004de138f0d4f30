"""Rendering one page: a template and a view make an ``OutputFile``; template errors name
both sides; the previous build's page is kept when its key is unchanged; pages can go to
disk as they are made."""

from __future__ import annotations

import ast
import dataclasses
import gc
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from markupsafe import Markup

from generator.core.config import BuildSettings, SiteConfig
from generator.core.diagnostics import BuildFailed
from generator.core.files import FLAT_SPILL, file_identity
from generator.core.labels import labels_for
from generator.core.model import Article, OutputFile, Site, Term, frozen_map, html_bytes
from generator.render import engine
from generator.render.engine import (
    PageMeta,
    Reuse,
    ViewMemo,
    emit,
    make_context,
    recorded_file,
    render_page,
    reused_file,
    reused_files,
    spilled,
    views_ahead,
)
from generator.render.theme import Theme, default_theme
from generator.render.views import ArticleView

WHEN = datetime(2026, 11, 28, 9, tzinfo=timezone(timedelta(hours=3)))

TEMPLATES = {
    "base.html": "<html lang=\"{{ page.lang }}\" dir=\"{{ page.dir }}\">{% block body %}{% endblock %}</html>\n",
    "page.html": ("{% extends 'base.html' %}{% block body %}<h1>{{ page.title }}</h1>"
                  "<p>{{ greeting }}</p><a href=\"{{ page.url }}\">{{ site.title }}</a>{% endblock %}\n"),
    "broken-runtime.html": "<p>first line</p>\n<p>second</p>\n{{ article.no_such_field }}\n",
    "broken-syntax.html": "<p>one</p>\n{% if %}\n",
    "outer.html": "<div>\n{% include 'inner.html' %}\n</div>\n",
    "inner.html": "<p>inner</p>\n\n\n{{ no_such_value }}\n",
    "arithmetic.html": "<p>{{ total }} items</p>\n<p>{{ total // pages }} per page</p>\n",
}


def make_theme(folder: Path) -> Theme:
    (folder / "templates").mkdir(parents=True)
    (folder / "static").mkdir()
    for name, text in TEMPLATES.items():
        (folder / "templates" / name).write_text(text, "utf-8")
    return Theme(folder / "templates", folder / "static")


def make_site(language: str = "ar") -> Site:
    config = SiteConfig(title="موجز", base_url="https://example.org/digest/", language=language)
    return Site(config=config, settings=BuildSettings.of(config), articles=(), actors=(), by_actor=frozen_map(),
                build_date=WHEN)


@pytest.fixture()
def theme(tmp_path: Path) -> Theme:
    return make_theme(tmp_path / "theme")


META = PageMeta(title="صفحة", path="things/one/", kind="test")


def test_a_page_is_its_template_filled_with_the_view(theme: Theme) -> None:
    ctx = make_context(make_site(), theme)
    page = render_page(ctx, "page.html", META, "the test", greeting="<مرحبا>")
    assert page.path == "things/one/index.html" and page.origin == "the test"
    html = page.content.decode("utf-8")
    assert html.startswith('<html lang="ar" dir="rtl">')
    assert "<h1>صفحة</h1>" in html
    assert "<p>&lt;مرحبا&gt;</p>" in html  # values are escaped
    assert '<a href="/digest/things/one/">موجز</a>' in html
    assert not page.reused and page.key == ""  # no reuse asked for: no key made


def test_a_page_in_another_language_gets_its_own_direction(theme: Theme) -> None:
    ctx = make_context(make_site("ar"), theme)
    page = render_page(ctx, "page.html", PageMeta(title="English", path="en/", kind="test", lang="en"),
                       "the test", greeting="hi")
    assert page.content.decode("utf-8").startswith('<html lang="en" dir="ltr">')


def test_a_runtime_template_error_names_the_template_line_and_what_was_rendered(theme: Theme) -> None:
    ctx = make_context(make_site(), theme)
    with pytest.raises(BuildFailed) as failed:
        render_page(ctx, "broken-runtime.html", META, "content/articles/x.md", article=object())
    (problem,) = failed.value.diagnostics
    assert (problem.path, problem.line, problem.code) == ("templates/broken-runtime.html", 3, "template-error")
    assert "(rendering content/articles/x.md)" in problem.message


def test_an_error_in_an_included_template_names_the_included_one(theme: Theme) -> None:
    ctx = make_context(make_site(), theme)
    with pytest.raises(BuildFailed) as failed:
        render_page(ctx, "outer.html", META, "the home page")
    (problem,) = failed.value.diagnostics
    assert (problem.path, problem.line) == ("templates/inner.html", 4)
    assert "no_such_value" in problem.message and "(rendering the home page)" in problem.message


def test_a_python_error_inside_a_template_is_a_diagnostic_too(theme: Theme) -> None:
    ctx = make_context(make_site(), theme)
    with pytest.raises(BuildFailed) as failed:
        render_page(ctx, "arithmetic.html", META, "the archive", total=0, pages=0)
    (problem,) = failed.value.diagnostics
    assert (problem.path, problem.line) == ("templates/arithmetic.html", 2)
    assert "(rendering the archive)" in problem.message


def test_a_template_syntax_error_names_its_line_and_what_was_rendered(theme: Theme) -> None:
    ctx = make_context(make_site(), theme)
    with pytest.raises(BuildFailed) as failed:
        render_page(ctx, "broken-syntax.html", META, "content/articles/y.md")
    (problem,) = failed.value.diagnostics
    assert (problem.path, problem.line, problem.code) == ("templates/broken-syntax.html", 2, "template-syntax")
    assert "(rendering content/articles/y.md)" in problem.message


# -- reuse ----------------------------------------------------------------------------------


def written(out: Path, page: OutputFile) -> tuple[str, int, int, int]:
    """Write ``page`` where a build would, and return its record as the cache keeps it."""
    target = out / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.data())
    return (page.key, *file_identity(os.fspath(target)))


def first_build(theme: Theme, out: Path, **values: str) -> tuple[OutputFile, dict]:
    ctx = make_context(make_site(), theme, reuse=Reuse(os.fspath(out), {}, "salt"))
    page = render_page(ctx, "page.html", META, "the test", **values)
    assert page.key and not page.reused
    return page, {page.path: written(out, page)}


def test_a_page_whose_key_is_unchanged_is_kept(theme: Theme, tmp_path: Path) -> None:
    out = tmp_path / "site"
    page, pages = first_build(theme, out, greeting="one")
    ctx = make_context(make_site(), theme, reuse=Reuse(os.fspath(out), pages, "salt"))
    again = render_page(ctx, "page.html", META, "the test", greeting="one")
    assert again.reused and again.key == page.key
    assert again.stored == os.path.join(out, page.path) and again.content == b""
    assert again.data() == page.content


def test_a_page_whose_values_changed_is_made_again(theme: Theme, tmp_path: Path) -> None:
    out = tmp_path / "site"
    page, pages = first_build(theme, out, greeting="one")
    ctx = make_context(make_site(), theme, reuse=Reuse(os.fspath(out), pages, "salt"))
    again = render_page(ctx, "page.html", META, "the test", greeting="two")
    assert not again.reused and again.key != page.key
    assert b"<p>two</p>" in again.content


def test_a_changed_salt_makes_every_page_again(theme: Theme, tmp_path: Path) -> None:
    """The salt stands for templates, code and settings."""
    out = tmp_path / "site"
    _page, pages = first_build(theme, out, greeting="one")
    ctx = make_context(make_site(), theme, reuse=Reuse(os.fspath(out), pages, "another salt"))
    assert not render_page(ctx, "page.html", META, "the test", greeting="one").reused


def test_a_changed_site_setting_makes_every_page_again(theme: Theme, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _page, pages = first_build(theme, out, greeting="one")
    site = make_site()
    other = SiteConfig(title="عنوان آخر", base_url=site.config.base_url)
    site = Site(config=other, settings=BuildSettings.of(other), articles=(), actors=(),
                by_actor=frozen_map(), build_date=WHEN)
    ctx = make_context(site, theme, reuse=Reuse(os.fspath(out), pages, "salt"))
    assert not render_page(ctx, "page.html", META, "the test", greeting="one").reused


def test_a_page_changed_on_disk_is_not_kept(theme: Theme, tmp_path: Path) -> None:
    out = tmp_path / "site"
    page, pages = first_build(theme, out, greeting="one")
    (out / page.path).write_bytes(b"edited by hand, a different size")
    ctx = make_context(make_site(), theme, reuse=Reuse(os.fspath(out), pages, "salt"))
    again = render_page(ctx, "page.html", META, "the test", greeting="one")
    assert not again.reused and again.content == page.content


def test_reused_file_checks_key_and_identity(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "a.html").write_bytes(b"page a")
    identity = file_identity(os.fspath(out / "a.html"))
    reuse = Reuse(os.fspath(out), {"a.html": ("k1", *identity)}, "salt")
    kept = reused_file(reuse, "a.html", "k1", "origin")
    assert kept is not None and kept.reused and kept.identity == identity and kept.data() == b"page a"
    assert reused_file(reuse, "a.html", "k2", "origin") is None  # another key
    assert reused_file(reuse, "b.html", "k1", "origin") is None  # not in the last build
    assert reused_file(reuse, "a.html", "", "origin") is None  # no key: never reused
    assert reused_file(None, "a.html", "k1", "origin") is None
    # what the survey found while loading wins over asking the disk: a file it saw moved
    # is not reused, one it did not list is as recorded
    moved = Reuse(os.fspath(out), reuse.pages, "salt", moved={"a.html": (1, 2, 3)})
    assert reused_file(moved, "a.html", "k1", "origin") is None
    gone = Reuse(os.fspath(out), reuse.pages, "salt", moved={"a.html": None})
    assert reused_file(gone, "a.html", "k1", "origin") is None
    surveyed = Reuse(os.fspath(out), {"a.html": ("k1", 1, 2, 3)}, "salt", moved={})
    kept = reused_file(surveyed, "a.html", "k1", "origin")
    assert kept is not None and kept.identity == (1, 2, 3)
    (out / "a.html").unlink()
    assert reused_file(reuse, "a.html", "k1", "origin") is None  # gone from disk


def test_recorded_file_keeps_a_page_by_its_recorded_key(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "a.html").write_bytes(b"page a")
    reuse = Reuse(os.fspath(out), {"a.html": ("k1", *file_identity(os.fspath(out / "a.html")))}, "salt")
    kept = recorded_file(reuse, "a.html", "origin")
    assert kept is not None and kept.key == "k1" and kept.reused
    assert recorded_file(reuse, "b.html", "origin") is None
    assert recorded_file(None, "a.html", "origin") is None
    os.utime(out / "a.html", ns=(1, 1))  # touched since: not the file the record names
    assert recorded_file(reuse, "a.html", "origin") is None


def test_files_made_together_are_reused_all_or_none(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    pages = {}
    for name in ("a.json", "b.json"):
        (out / name).write_bytes(name.encode())
        pages[name] = ("k", *file_identity(os.fspath(out / name)))
    reuse = Reuse(os.fspath(out), pages, "salt")
    assert [f.path for f in reused_files(reuse, ["a.json", "b.json"], "k", "o")] == ["a.json", "b.json"]
    (out / "b.json").write_bytes(b"changed")
    assert reused_files(reuse, ["a.json", "b.json"], "k", "o") is None


# -- spilling -------------------------------------------------------------------------------


def test_emit_puts_the_bytes_where_the_output_file_says(tmp_path: Path) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    item = emit(os.fspath(spill), "articles/خبر/index.html", "<p>نص</p>".encode(), "origin", "key")
    assert item.content == b"" and item.stored == os.path.join(spill, "articles/خبر/index.html")
    assert (spill / "articles" / "خبر" / "index.html").read_bytes() == "<p>نص</p>".encode()
    assert item.data() == "<p>نص</p>".encode()
    assert (item.path, item.origin, item.key) == ("articles/خبر/index.html", "origin", "key")


def test_a_rebuilds_flat_spill_holds_each_file_by_a_name_made_from_its_path(tmp_path: Path) -> None:
    """No folder per page: the writer moves each file to its place in the spare."""
    spill = tmp_path / "render" / FLAT_SPILL
    spill.mkdir(parents=True)
    paths = ["articles/خبر/index.html", "articles/خبر/index.json", "index.html", "a/b/c/d.xml"]
    items = [emit(os.fspath(spill), path, path.encode(), "origin") for path in paths]
    assert [p.name for p in spill.iterdir() if p.is_dir()] == []
    assert len({item.stored for item in items}) == len(paths) == len(list(spill.iterdir()))
    for path, item in zip(paths, items, strict=True):
        assert os.path.dirname(item.stored) == os.fspath(spill) and item.data() == path.encode()
        assert item.path == path
    odd = emit(os.fspath(spill), "../escape.html", b"x", "origin")
    assert Path(odd.stored).resolve().is_relative_to(spill.resolve()) and odd.data() == b"x"


def test_emit_without_a_spill_folder_keeps_the_bytes_in_memory() -> None:
    item = emit("", "a/index.html", b"bytes", "origin")
    assert item == OutputFile("a/index.html", b"bytes", "origin")


def test_an_odd_path_is_spilled_inside_the_folder_never_beside_it(tmp_path: Path) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    item = emit(os.fspath(spill), "../escape.html", b"x", "origin")
    assert Path(item.stored).resolve().is_relative_to(spill.resolve())
    assert not (tmp_path / "escape.html").exists()
    assert item.path == "../escape.html" and item.data() == b"x"  # the writer refuses it later


def test_spilled_moves_an_in_memory_file_and_leaves_a_stored_one(tmp_path: Path) -> None:
    spill = os.fspath(tmp_path)
    made = OutputFile("feeds/atom.xml", b"<feed/>", "feeds", key="k")
    moved = spilled(spill, made)
    assert moved.stored == os.path.join(spill, "feeds/atom.xml") and moved.data() == b"<feed/>"
    assert (moved.path, moved.origin, moved.key) == (made.path, made.origin, made.key)
    assert spilled(spill, moved) is moved
    assert spilled("", made) is made


def test_a_rendered_page_goes_to_the_spill_folder(theme: Theme, tmp_path: Path) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    ctx = make_context(make_site(), theme, spill=os.fspath(spill))
    page = render_page(ctx, "page.html", META, "the test", greeting="hi")
    assert page.content == b"" and page.stored == os.path.join(spill, "things/one/index.html")
    assert b"<p>hi</p>" in (spill / "things" / "one" / "index.html").read_bytes()


def memo_article(number: int) -> Article:
    return Article(rel=f"content/articles/{number}.md", id=f"id-{number}", slug=f"s-{number}", title="عنوان",
                   date=WHEN, lang="ar", body=html_bytes("<p>نص</p>"), summary="نص", source_digest=str(number))


def test_an_article_view_is_made_once_per_page_language() -> None:
    memo, site, one = ViewMemo(), make_site(), memo_article(1)
    view = memo.get(one, "ar", site)
    assert memo.get(one, "ar", site) is view
    english = memo.get(one, "en", site)
    assert english is not view and english.foreign and not view.foreign
    assert memo.get(memo_article(2), "ar", site).id == "id-2"


def test_a_list_entry_is_rendered_once_for_each_way_it_is_shown() -> None:
    memo, site = ViewMemo(), make_site()
    rendered: list[str] = []

    def entry(text: str):
        def caller() -> str:
            rendered.append(text)
            return f"<li>{text}</li>"
        return caller

    view = memo.get(memo_article(1), "ar", site)
    first = memo.item(view, "h3", "date", "ar", caller=entry("a"))
    assert memo.item(view, "h3", "date", "ar", caller=entry("b")) == first == Markup("<li>a</li>")
    assert memo.item(view, "h2", "date", "ar", caller=entry("c")) == Markup("<li>c</li>")  # another shape
    assert memo.item(memo.get(memo_article(1), "en", site), "h3", "date", "ar", caller=entry("d")) == "<li>d</li>"
    assert memo.item(memo.get(memo_article(2), "ar", site), "h3", "date", "ar", caller=entry("e")) == "<li>e</li>"
    assert rendered == ["a", "c", "d", "e"]
    once = memo.get(memo_article(3), "ar", site)
    assert memo.item(once, "h2", "date", "ar", caller=entry("f"), remember=False) == "<li>f</li>"
    assert memo.item(once, "h2", "date", "ar", caller=entry("g"), remember=False) == "<li>g</li>"
    assert rendered[-2:] == ["f", "g"]  # not kept: a list that shows an article once


def test_the_memo_is_emptied_past_its_bound_and_still_gives_the_same_views(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "VIEW_MEMO", 2)
    memo, site = ViewMemo(), make_site()
    views = [memo.get(memo_article(n), "ar", site) for n in range(3)]  # the third empties the memo
    assert memo.get(memo_article(0), "ar", site) is not views[0]
    assert memo.get(memo_article(0), "ar", site) == views[0]
    assert memo.get(memo_article(2), "ar", site) is views[2]


def test_the_bound_counts_the_views_of_every_page_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "VIEW_MEMO", 2)
    memo, site = ViewMemo(), make_site()
    arabic, english = memo.get(memo_article(0), "ar", site), memo.get(memo_article(0), "en", site)
    assert memo.get(memo_article(0), "ar", site) is arabic
    memo.get(memo_article(1), "en", site)  # the third view empties the memo, both languages
    assert memo.get(memo_article(0), "ar", site) is not arabic
    assert memo.get(memo_article(0), "en", site) is not english


def test_list_entries_have_their_own_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries take more memory than views and are asked for again less: emptied at
    ``ITEM_MEMO``, while the views stay."""
    monkeypatch.setattr(engine, "ITEM_MEMO", 2)
    memo, site = ViewMemo(), make_site()
    views = [memo.get(memo_article(n), "ar", site) for n in range(3)]
    made: list[int] = []

    def entry(n: int) -> Callable[[], str]:
        return lambda: made.append(n) or f"<li>{n}</li>"

    for n, view in enumerate(views):  # the third empties the entries
        memo.item(view, "h3", "ar", caller=entry(n))
    memo.item(views[0], "h3", "ar", caller=entry(0))
    memo.item(views[2], "h3", "ar", caller=entry(2))
    assert made == [0, 1, 2, 0]
    assert all(memo.get(memo_article(n), "ar", site) is views[n] for n in range(3))


def test_views_are_made_ahead_only_for_an_archive_the_memo_holds(monkeypatch: pytest.MonkeyPatch,
                                                                  theme: Theme) -> None:
    site = dataclasses.replace(make_site(), articles=tuple(memo_article(n) for n in range(3)))
    made: list[str] = []
    real = engine.article_view
    monkeypatch.setattr(engine, "article_view", lambda article, *rest: made.append(article.id) or real(article, *rest))
    monkeypatch.setattr(engine, "VIEWS_AHEAD", 2)
    assert not views_ahead(make_context(site, theme)) and made == []
    monkeypatch.setattr(engine, "VIEWS_AHEAD", 3)
    ctx = make_context(site, theme)
    assert views_ahead(ctx) and made == ["id-0", "id-1", "id-2"]
    assert [ctx.article_view(article, "ar").id for article in site.articles] == made  # none made again
    assert len(made) == 3


def test_views_made_ahead_are_left_out_of_later_collections(theme: Theme) -> None:
    """Frozen once made: the render's full collections in the building process do not go
    through them (``gc.get_objects`` lists what collections look at)."""
    site = dataclasses.replace(make_site(), articles=tuple(memo_article(n) for n in range(3)))
    ctx = make_context(site, theme)
    try:
        assert views_ahead(ctx)
        views = [ctx.article_view(article, "ar") for article in site.articles]
        watched = {id(found) for found in gc.get_objects()}
        assert not any(id(view) in watched for view in views)
    finally:
        gc.unfreeze()


def test_views_share_the_reference_to_their_outlet() -> None:
    outlet = Term(kind="source", id="sana", slug="sana", name="سانا", lang="ar")
    memo, site = ViewMemo(), make_site()
    one, two = (dataclasses.replace(memo_article(n), terms=(outlet,)) for n in (1, 2))
    first, second = memo.get(one, "ar", site), memo.get(two, "ar", site)
    assert first.outlet is second.outlet and first.outlet is not None
    assert first.outlet.url == "/digest/sources/sana/"


def test_the_theme_list_entry_from_the_memo_is_what_the_macro_makes() -> None:
    """The default theme's ``article_item``, shown twice in one shape and once in another:
    the macro's body runs once per shape, and the page is byte for byte the page made
    without the memo."""
    ctx = make_context(make_site(), default_theme())
    view = ctx.article_view(memo_article(1), "ar")
    template = ctx.env.from_string(
        '{% from "_macros.html" import article_item with context %}'
        '{{ article_item(view, "h3", remember=true) }}|{{ article_item(view, "h3", remember=true) }}|'
        '{{ article_item(view, "h2") }}|{{ article_item(view, "h2") }}')
    values = {"view": view, "page": {"lang": "ar"}, "labels": labels_for("ar"), "number": str}
    bodies: list[str] = []

    def counted(caller: Callable[[], str]) -> Callable[[], str]:
        def body() -> str:
            bodies.append("run")
            return caller()
        return body

    def remembered(view: ArticleView, *shape: object, caller: Callable[[], str], remember: bool) -> Markup:
        return ctx.views.item(view, *shape, caller=counted(caller), remember=remember)

    def every_time(view: ArticleView, *shape: object, caller: Callable[[], str], remember: bool) -> Markup:
        return Markup(caller())

    page = template.render(values, remembered_item=remembered)
    assert page == template.render(values, remembered_item=every_time)
    first, again, other, other_again = page.split("|")
    assert first == again and "<h3" in first and "عنوان" in first
    assert other == other_again and "<h2" in other
    assert len(bodies) == 3  # the remembered entry once, the other one each time


def _article(rel: str, digest: str, terms: tuple[Term, ...] = ()) -> Article:
    return Article(rel=rel, id=rel, slug=rel, title="عنوان", date=WHEN, lang="ar", body=html_bytes("<p>نص</p>"),
                   summary="نص", actors=("p",), source_digest=digest, terms=terms)


def test_fingerprint_texts_spell_each_article_once_per_build(theme: Theme) -> None:
    """Page keys hold the hash of their articles' fingerprints as text, each text made once
    per build: the same text object for every page that lists the article, and another text
    for an article that changed (another object under the same path, as a build that read it
    again has)."""
    outlet = Term("source", "o", "o", "المنفذ", "ar")
    one, two = _article("a.md", "1", (outlet,)), _article("b.md", "2")
    ctx = make_context(make_site(), theme)
    first = ctx.texts.of([one, two])
    assert first == [repr(one.fingerprint), repr(two.fingerprint)]
    again = ctx.texts.of([two, one])
    assert again[0] is first[1] and again[1] is first[0]
    edited = dataclasses.replace(one, source_digest="3")
    assert ctx.texts.of([edited]) == [repr(edited.fingerprint)] != [first[0]]
    assert make_context(make_site(), theme).texts.of([one])[0] is not first[0]  # nothing outlives a build


def test_a_page_key_part_names_exactly_its_articles_in_order(theme: Theme) -> None:
    """``fingerprints`` gives what a key holds of the articles a page lists: the same for the
    same articles in the same order, different when one changes, is added, or moves."""
    one, two = _article("a.md", "1"), _article("b.md", "2")
    ctx = make_context(make_site(), theme)
    listed = ctx.fingerprints([one, two])
    assert listed == make_context(make_site(), theme).fingerprints([one, two]) and len(listed) == 64
    assert listed != ctx.fingerprints([two, one])
    assert listed != ctx.fingerprints([one])
    assert listed != ctx.fingerprints([dataclasses.replace(one, actors=("q",)), two])


def test_a_fingerprint_holds_only_plain_values() -> None:
    """Terms in a fingerprint are plain tuples, compared and spelled without Python-level
    ``__eq__`` or ``__repr__`` (the related state compares thousands per build)."""
    fingerprint = _article("a.md", "1", (Term("source", "o", "o", "المنفذ", "ar"),)).fingerprint
    assert fingerprint[-1] == (("source", "o", "o", "المنفذ", "ar"),)
    assert ast.literal_eval(repr(fingerprint)) == fingerprint  # nothing but literals
