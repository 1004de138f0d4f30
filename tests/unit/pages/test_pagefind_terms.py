"""mawjaz's idea of Pagefind's terms (generator/pages/pagefind_terms.py) held to the real binary.

A record leaves out every index-only form whose term is one its own words already give
Pagefind, so each term mawjaz works out must be the one Pagefind indexes. Each check builds
pages, runs the installed Pagefind on them, reads its index back (tests/pagefind_index.py) and
compares, word position by word position: the text cut into the same pieces (Pagefind's word
count equals ours), and at each position the term we give the piece among those Pagefind put
there. The words are real: a sample of the most frequent Arabic and English words
(tests/fixtures/search/), the forms mawjaz makes of them, spellings with tashkeel, tatweel,
hamza seats, punctuation, every character of the Unicode blocks checked, and the records of
the fixture sites and of a body using every element the sanitiser lets through.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site
from generator.content.markup import TAGS, render_body
from generator.core.model import Article, evolve
from generator.pages import search
from generator.pages.pagefind_terms import (
    CHECKED_BLOCKS,
    STEMMERS,
    PagefindTerms,
    body_text,
    pagefind_terms,
    pagefind_verified,
    pieces,
)
from generator.text.arabic import unprefixed
from generator.text.normalize import match_form
from tests.pagefind_index import document, index_pages

REPO = Path(__file__).resolve().parents[3]
WORDS = REPO / "tests" / "fixtures" / "search"


def real_words(language: str) -> list[str]:
    lines = (WORDS / f"{language}_words.txt").read_text("utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def terms(language: str) -> PagefindTerms:
    found = pagefind_terms(language)
    assert found is not None
    return found


def mismatches(pages: Mapping[str, list[str]], language: str, bodies: Mapping[str, bytes] | None = None,
               sure: bool = True) -> list[str]:
    """Where Pagefind disagrees with us on ``pages`` (name -> the pieces we read in it). Each
    page is indexed as ``bodies[name]`` (a whole page) or as its pieces, one paragraph each.
    ``sure``: every piece must have a term (its characters are all checked ones)."""
    made = dict(bodies or {})
    for name, cut in pages.items():
        made.setdefault(name, document("".join(f"<p>{html.escape(p)}</p>" for p in cut), language))
    indexed = index_pages(made, language)
    ours = terms(language)
    problems = []
    for name, cut in pages.items():
        got = indexed[name]
        if got.word_count != len(cut):
            problems.append(f"{name}: Pagefind counts {got.word_count} words, we cut {len(cut)}: {got.content!r}")
            continue
        for position, piece in enumerate(cut):
            term = ours.of_word(piece)
            if term is None and sure:
                problems.append(f"{name}: no term for {piece!r}")
            elif term is not None and term not in got.terms_at.get(position, set()):
                problems.append(f"{name} @{position}: {piece!r} -> ours {term!r}, Pagefind's "
                                f"{sorted(got.terms_at.get(position, set()))}")
    return problems


def arabic_spellings(words: Iterable[str]) -> list[str]:
    """The words as real text also writes them: with tashkeel, tatweel, Persian letter shapes,
    attached punctuation, quotes, digits next to them."""
    made = []
    for n, word in enumerate(words):
        variant = n % 8
        if variant == 0:
            made.append(word[0] + "\u064e" + word[1:] + "\u064f")  # fatha, damma
        elif variant == 1:
            made.append(word[: len(word) // 2] + "\u0640" + word[len(word) // 2:])  # tatweel
        elif variant == 2:
            made.append(f"«{word}»")
        elif variant == 3:
            made.append(f"{word}،")
        elif variant == 4:
            made.append(f"({word})؟")
        elif variant == 5:
            made.append(word.replace("ي", "ی").replace("ك", "ک"))
        elif variant == 6:
            made.append(f"{word}٢٠٢٤")
        else:
            made.append(f'"{word}".')
    return made


@pytest.mark.parametrize("language", sorted(STEMMERS))
def test_every_real_word_and_each_form_mawjaz_makes_of_it_gets_pagefinds_term(language: str) -> None:
    words = real_words(language)
    assert len(words) >= 1000
    forms: dict[str, None] = {}
    for word in words:
        form = match_form(word)
        forms.update(dict.fromkeys([form, *unprefixed(form)]))
    variants = (arabic_spellings(words[:800]) if language == "ar"
                else [w.capitalize() for w in words[:300]] + [w.upper() for w in words[300:600]])
    assert not mismatches({"words": words, "forms": list(forms), "spellings": variants}, language)


@pytest.mark.parametrize("language", sorted(STEMMERS))
def test_every_character_of_the_checked_blocks_is_read_as_pagefind_reads_it(language: str) -> None:
    """Each character between two words: dropped, kept (and lower-cased, its marks dropped) or a
    break, as Pagefind does it; the blocks are where Python's Unicode tables and Pagefind's
    agree, which is what lets pagefind_terms trust them."""
    left, right = ("كتب", "درس") if language == "ar" else ("cab", "dex")
    chars = [chr(c) for first, last in CHECKED_BLOCKS for c in range(first, last + 1)
             if chr(c) not in "\x00\r"]  # an HTML parser drops NUL and reads CR as LF: never in a body
    pages: dict[str, list[str]] = {}
    bodies: dict[str, bytes] = {}
    for n, start in enumerate(range(0, len(chars), 64)):
        batch = chars[start:start + 64]
        body = "".join(f"<p>{html.escape(left + c + right)}</p>" for c in batch)
        text = body_text(body)
        assert text is not None
        pages[f"chars{n}"] = list(pieces(text))
        bodies[f"chars{n}"] = document(body, language)
    assert not mismatches(pages, language, bodies, sure=False)


def elements_body() -> str:
    """Every element the sanitiser lets through, between words, with and without an ``id``,
    and what else a sanitised body holds: character references, quoted ``>``, nesting."""
    void = {"br", "hr", "img", "wbr"}
    parts = []
    for tag in sorted(TAGS):
        if tag in void:
            parts.append(f"<p>الصحة<{tag}>العامة</p>")
        else:
            parts.append(f"<p>الصحة<{tag}>العامة</{tag}>التعليم</p>")
            parts.append(f'<p>الصحة<{tag} id="k{tag}" title="a>b">العامة</{tag}>التعليم</p>')
    parts += [
        "<p>الصحة&nbsp;العامة&amp;التعليم &lt;المدارس&gt; &quot;الوزير&quot;</p>",
        "<table><thead><tr><th>المدينة</th><th>اليوم</th></tr></thead>"
        "<tbody><tr><td>دمشق</td><td>الجمعة</td></tr></tbody></table>",
        "<blockquote><p>قال الوزير</p></blockquote>بعد<ul><li>أولا</li><li>ثانيا<ol><li>ثالثا</li></ol></li></ul>",
        '<p>دمشق<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>ثم</p>',
        "<p>الوزير<!-- x -->قال</p>",
    ]
    return "\n".join(parts)


def test_the_text_of_every_element_is_cut_as_pagefind_cuts_it() -> None:
    body = elements_body()
    text = body_text(body)
    assert text is not None
    assert not mismatches({"elements": list(pieces(text))}, "ar", {"elements": document(body, "ar")})


def test_a_body_with_what_the_sanitiser_never_writes_is_not_read() -> None:
    assert body_text("<p>a<script>b</script></p>") is None  # Pagefind would drop its text
    assert body_text('<p data-pagefind-ignore="all">a</p>') is None
    assert body_text("<p>a &copy b</p>") is None  # a reference the sanitiser never writes
    assert body_text("<p>a < b</p>") is None
    assert body_text("<p>a</p><p>b</p>") == " a  b "


MARKDOWN = """## خلفية الزيارة

زار **محمد** دمشق[^1] ثم _حلب_ و`الرقة`، وقال: «الأمن أولًا».

| المدينة | اليوم |
|---|---|
| دمشق | الجمعة |
| حلب | السبت |

> قال الوزير إن الحكومة ستعلن خطتها.

1. الصحة
2. والتعليم
    - للوزير

![صورة](https://example.org/a.png) [رابط](https://example.org/) COVID-19 و2024م والـSOC

[^1]: عاصمة سوريا.
"""


def records(sites: Iterable[Path]) -> list[tuple[str, Article, bytes]]:
    """(name, article, record) for every article of ``sites``, and one more whose body
    is ``MARKDOWN`` made by the real pipeline."""
    found = []
    for root in sites:
        site, _ = load_site(root, BuildOptions())
        articles = list(site.articles)
        articles.append(evolve(articles[0], body=render_body(MARKDOWN).encode()))
        for n, article in enumerate(articles):
            found.append((f"{root.name}{n}", article, search.record_page(site, article)))
    return found


def test_records_of_real_articles_are_read_as_pagefind_reads_them() -> None:
    """Each record is cut as Pagefind cuts it and gets its terms; and every form it leaves out
    has a term that Pagefind indexed for that very record."""
    made = records(REPO / "tests" / "sites" / name for name in ("search", "digest", "basic", "archive"))
    for language in ("ar", "en"):
        chosen = [(name, article, record) for name, article, record in made
                  if search.pagefind_language(article.lang) == language]
        assert chosen
        cut = {}
        for name, article, record in chosen:
            forms = record.decode().rsplit("<p>", 1)[1].split("</p>")[0]
            cut[name] = [*pieces(article.title), *pieces(search.record_summary(article)),
                            *pieces(body_text(article.body_html) or ""), *pieces(html.unescape(forms))]
        assert not mismatches(cut, language, {name: record for name, _, record in chosen}, sure=False)
        indexed = index_pages({name: record for name, _, record in chosen}, language)
        ours = terms(language)
        for name, article, _ in chosen:
            every = search.index_forms((article.title, search.record_summary(article),
                                        search.matching_text(article.body_html)),
                                       indexed=frozenset()).split()[1:]
            kept = set(search.article_index_text(article).split()[1:])
            left_out = [form for form in every if form not in kept]
            assert all(ours.of_word(form) in indexed[name].terms for form in left_out), name


def test_the_installed_pagefind_is_a_release_this_was_checked_on() -> None:
    """On a release not in VERIFIED_PAGEFIND every form is kept (see pagefind_terms). When this
    fails after an upgrade and the tests above pass, add the release there."""
    release = search.pagefind_version().rpartition(" ")[2]
    assert pagefind_verified(release), release
    assert search.forms_terms("ar") is not None
    assert search.forms_terms("fr") is None  # not checked: the plain rule
