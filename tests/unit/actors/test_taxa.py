"""Filing articles under outlets and topics: grouping by match form, the displayed spelling,
stable slugs and how collisions are resolved, outlets from names, hosts and the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from generator.actors.outlets import OutletRegistry, parse_outlets
from generator.actors.taxa import file_articles, name_language, topic_key
from generator.core.model import SOURCE, TOPIC, Article, Source, Term

START = datetime(2026, 1, 1, tzinfo=UTC)
EMPTY = OutletRegistry()


def article(day: int, *, topics: tuple[str, ...] = (), source: Source | None = None, lang: str = "ar") -> Article:
    return Article(rel=f"content/articles/{day:02d}.md", id=f"a{day}", slug=f"a{day}", title="t",
                   date=START + timedelta(days=day), lang=lang, body=b"", summary="", topics=topics,
                   source=source)


def newest_first(*articles: Article) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: a.date, reverse=True))


def topics(*articles: Article) -> list[tuple[str, str, str, str]]:
    taxa, _ = file_articles(EMPTY, newest_first(*articles), "unicode")
    return [(t.id, t.slug, t.name, t.lang) for t in taxa.topics]


def test_topic_keys_fold_spelling_case_and_marks() -> None:
    assert topic_key("أخبار") == topic_key("اخبار") == topic_key("أخبارٌ") == topic_key("إخبار")
    assert topic_key("Economy") == topic_key("ECONOMY") == topic_key("economy")
    assert topic_key("Cafe\u0301") == topic_key("café") == "cafe"
    assert topic_key("اقتصاد") != topic_key("الاقتصاد")  # the article is a word of its own


def test_spellings_of_one_topic_are_one_group_shown_by_the_most_common() -> None:
    found = topics(article(1, topics=("اخبار",)), article(2, topics=("أخبار",)), article(3, topics=("أخبارٌ", "أخبار")),
                   article(4, topics=("أخبار",)))
    # The slug is the oldest article's spelling, the name the most common one.
    assert found == [("اخبار", "اخبار", "أخبار", "ar")]


def test_a_tie_goes_to_the_spelling_used_first() -> None:
    assert topics(article(2, topics=("economy",), lang="en"), article(1, topics=("Economy",), lang="en")) == [
        ("economy", "economy", "Economy", "en")]


def test_the_slug_stays_as_the_favourite_spelling_changes() -> None:
    first = [article(1, topics=("اخبار",))]
    later = [*first, *(article(day, topics=("أخبار",)) for day in range(2, 6))]
    assert topics(*first)[0][1] == topics(*later)[0][1] == "اخبار"
    assert topics(*later)[0][2] == "أخبار"


def test_two_topics_wanting_one_slug_older_keeps_it() -> None:
    older, newer = article(1, topics=("U.S.",), lang="en"), article(2, topics=("U S",), lang="en")
    assert topics(older, newer) == [("u.s.", "u-s", "U.S.", "en"), ("u s", "u-s-72205b", "U S", "en")]
    # The hash is the key's, so the newer topic's address does not depend on what else collides.
    third = article(3, topics=("u-s",), lang="en")
    assert ("u s", "u-s-72205b", "U S", "en") in topics(older, newer, third)


def test_slugs_are_compared_without_case() -> None:
    found = topics(article(1, topics=("İstanbul",), lang="tr"), article(2, topics=("istanbul",), lang="tr"))
    assert len({slug.casefold() for _, slug, _, _ in found}) == len(found)


def test_a_topic_is_in_the_language_of_its_articles_when_the_script_agrees() -> None:
    assert name_language("Economy", {"ar": 3, "en": 1}) == "en"
    assert name_language("اقتصاد", {"ar": 1, "fa": 2}) == "fa"
    assert name_language("Economy", {"ar": 3}) == "und"
    assert name_language("2026", {"ar": 3}) == "und"


def test_articles_carry_their_terms_and_lists_are_newest_first() -> None:
    a1 = article(1, topics=("اقتصاد", "Economy", "economy"), source=Source("وكالة الأنباء"))
    a2 = article(2, topics=("اقتصاد",))
    taxa, filed = file_articles(EMPTY, newest_first(a1, a2), "unicode")
    assert [a.rel for a in taxa.by_topic["اقتصاد"]] == [a2.rel, a1.rel]
    newest, oldest = filed
    assert oldest.terms == (Term(SOURCE, "وكالة-الأنباء", "وكالة-الأنباء", "وكالة الأنباء", "ar"),
                            Term(TOPIC, "اقتصاد", "اقتصاد", "اقتصاد", "ar"),
                            Term(TOPIC, "economy", "economy", "Economy", "und"))
    assert oldest.outlet == oldest.terms[0] and oldest.topic_terms == oldest.terms[1:]
    assert newest.outlet is None
    # A page showing them changes when they do (a fingerprint holds each term's fields).
    assert oldest.fingerprint[-1] == tuple((t.kind, t.id, t.slug, t.name, t.lang) for t in oldest.terms)
    assert [o.id for o in taxa.outlets] == ["وكالة-الأنباء"]


def test_an_article_without_terms_is_left_as_it_is() -> None:
    plain = article(1)
    _, filed = file_articles(EMPTY, (plain,), "unicode")
    assert filed[0] is plain


def outlets(registry: OutletRegistry, *articles: Article) -> dict[str, tuple[str, str, str]]:
    """rel -> (outlet id, its name as the article shows it, the source name it now has)."""
    _, filed = file_articles(registry, newest_first(*articles), "unicode")
    return {a.rel[-5:-3]: (a.outlet.id, a.outlet.name, a.source.name) for a in filed if a.outlet}


def test_outlets_without_a_registry() -> None:
    found = outlets(
        EMPTY,
        article(1, source=Source("وكالة الأنباء", "https://news.example.org/1")),
        article(2, source=Source("news.example.org", "https://news.example.org/2")),  # only a URL
        article(3, source=Source("وكاله الانباء")),  # another spelling
        article(4, source=Source("www.blog.example.com", "https://www.blog.example.com/4"), lang="en"),
        article(5, source=Source("Blog")),
    )
    assert found == {
        "01": ("وكالة-الأنباء", "وكالة الأنباء", "وكالة الأنباء"),
        # A URL from a host other articles name is theirs, and is named so.
        "02": ("وكالة-الأنباء", "وكالة الأنباء", "وكالة الأنباء"),
        "03": ("وكالة-الأنباء", "وكالة الأنباء", "وكاله الانباء"),
        # A host nobody names is its own outlet, named after the host without www.
        "04": ("blog-example-com", "blog.example.com", "blog.example.com"),
        "05": ("blog", "Blog", "Blog"),
    }


def test_articles_of_one_outlet_in_one_language_share_its_term() -> None:
    _, filed = file_articles(EMPTY, newest_first(
        article(1, source=Source("وكالة الأنباء")), article(2, source=Source("وكاله الانباء")),
        article(3, source=Source("وكالة الأنباء"), lang="en")), "unicode")
    by_day = {a.rel[-5:-3]: a.outlet for a in filed}
    assert by_day["01"] is by_day["02"]  # one object, not one per article
    assert by_day["03"] == by_day["01"]  # its only name, in the outlet's language, on an English article too


def test_registered_outlets_win_and_keep_their_slugs() -> None:
    registry, _ = parse_outlets("- id: reuters\n  names: {ar: رويترز, en: Reuters}\n  hosts: [reuters.com]\n"
                                "- id: blog\n  names: {en: The Blog}\n  slug: the-blog\n", "unicode")
    taxa, filed = file_articles(registry, newest_first(
        article(1, source=Source("uk.reuters.com", "https://uk.reuters.com/x")),
        article(2, source=Source("Reuters"), lang="en"),
        article(3, source=Source("Blog")),  # an unregistered outlet whose slug a registered id has
    ), "unicode")
    by_day = {a.rel[-5:-3]: a for a in filed}
    assert by_day["01"].outlet == Term(SOURCE, "reuters", "reuters", "رويترز", "ar")
    assert by_day["01"].source == Source("رويترز", "https://uk.reuters.com/x")
    assert by_day["02"].outlet == Term(SOURCE, "reuters", "reuters", "Reuters", "en")
    assert by_day["02"].source == Source("Reuters")  # a name given is kept
    assert by_day["03"].outlet.slug.startswith("blog-") and by_day["03"].outlet.id == by_day["03"].outlet.slug
    assert [o.id for o in taxa.outlets] == [by_day["03"].outlet.id, "reuters"]  # with articles, by slug
    assert taxa.registry == registry.outlets


def test_filing_is_deterministic() -> None:
    articles = newest_first(*(article(day, topics=(f"t{day % 3}", f"T{day % 2}"), source=Source(f"s{day % 4}"))
                              for day in range(1, 30)))
    assert file_articles(EMPTY, articles, "unicode") == file_articles(EMPTY, articles, "unicode")
