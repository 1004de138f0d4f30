"""The boilerplate cleaner: one test group per rule, Arabic, English and French, with
negative controls that must come out byte for byte."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.cleanup import clean_text, line_key, load_lexicon
from generator.text.normalize import match_form
from tests.hostile.support import time_limit

SEED = Path(__file__).parents[2] / "fixtures" / "seed" / "000_33ebafb7f274a61d.txt"

AR_PARA = ("وقال رئيس الائتلاف الوطني إن الوفد الأميركي وضعه بصورة آخر التطورات السياسية، "
           "مشيراً إلى وجود فرصة للتقدم في العملية السياسية.")
AR_PARA2 = ("ودعا فرنسا إلى التحرك الجاد خارج مجلس الأمن برفقة الدول الفاعلة لإيقاف الهجمات "
            "العسكرية التي تستهدف المنشآت المدنية والطبية.")
EN_PARA = ("The minister told reporters on Friday that the talks had made real progress and "
           "that a new round would begin next month in Geneva.")
EN_PARA2 = ("Officials from both sides said the agreement still needed approval from parliament, "
            "which is expected to vote before the end of the year.")
FR_PARA = ("Le ministre a déclaré vendredi que les discussions avaient beaucoup progressé et "
           "qu'un nouveau cycle commencerait le mois prochain à Genève.")
FR_PARA2 = ("Les responsables des deux camps ont indiqué que l'accord devait encore être approuvé "
            "par le Parlement, qui devrait voter avant la fin de l'année.")


def body(*paras: str) -> str:
    return "\n\n".join(paras) + "\n"


def rules(text: str) -> list[tuple[str, str]]:
    return [(r.text, r.rule) for r in clean_text(text).removed]


def assert_clean(dirty: str, clean: str) -> None:
    assert clean_text(dirty).text == clean


def assert_untouched(text: str) -> None:
    result = clean_text(text)
    assert result.removed == ()
    assert result.text == text


# ------------------------------------------------------------------ the seed and the lexicon

def test_seed_tail_goes() -> None:
    text = SEED.read_text(encoding="utf-8")
    result = clean_text(text)
    assert [r.text for r in result.removed] == [
        "مقالات ذات صلة", "اترك تعليقاً",
        "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",
        "زر الذهاب إلى الأعلى"]
    assert [r.line for r in result.removed] == [23, 25, 27, 29]
    assert result.text == text[:text.index("\n\nمقالات ذات صلة")]


def test_lexicon_loads_from_package_data() -> None:
    lex = load_lexicon()
    assert len(lex.exact) > 300
    assert "مقالاتذاتصله" in lex.related


def test_phrases_find_what_an_alternation_of_them_finds() -> None:
    """The lexicon's runs of phrases and glued tails are found by slice lookups: what the
    regexes of their alternation, longest first, found, on the keys themselves, runs of
    them, and runs cut or broken anywhere."""
    lex = load_lexicon()
    chosen = random.Random(5)
    for phrases in (lex.pieces, lex.glue):
        keys = sorted(phrases.roles)
        alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
        run, one = re.compile(f"(?:{alternation})+"), re.compile(alternation)
        texts = {*keys, "", "x"}
        for _ in range(1500):
            text = "".join(chosen.choice(keys) for _ in range(chosen.randint(1, 3)))
            cut = chosen.randrange(len(text) + 1)
            texts |= {text, text[:cut], text[cut:], text[:cut] + "x" + text[cut:]}
        for text in sorted(texts):
            match = one.match(text)
            assert phrases.longest_at(text) == (match.group(0) if match else None), text
            assert phrases.joins(text) == bool(run.fullmatch(text)), text
            assert list(phrases.runs(text)) == [m.group(0) for m in one.finditer(text)], text


@pytest.mark.parametrize("line", [
    "زر الذهاب إلى الأعلى", "زر الذهاب الى الاعلى", "زرّ الذّهاب إلى الأعلى",
    "زر الذهـــاب إلى الأعلى", "\u200fزر الذهاب إلى الأعلى\u200f", "**مقالات ذات صلة**",
    "## مقالات ذات صلة:", "Required fields are marked *", "Share this:", "5 تعليقات",
    "١٢ تعليقات", "Lire la suite", "Article précédent", "ADVERTISEMENT", "Publicité",
])
def test_lexicon_lines(line: str) -> None:
    result = clean_text(body(AR_PARA, line, AR_PARA2))
    assert [r.text for r in result.removed] == [line]
    assert result.text == body(AR_PARA, AR_PARA2)


@pytest.mark.parametrize("text", [
    body("وأكد أن التعليق على القرار سابق لأوانه، وأن المزيد من المعلومات سيعلن لاحقاً.",
         "وقال إن زر الذهاب إلى الأعلى في الموقع لا يعمل منذ أسبوع، بحسب مستخدمين."),
    body("She declined to comment, and said she would share more details next week.",
         "Readers can leave a reply on the forum, the editor said in a statement."),
    body("Il a refusé de laisser un commentaire, ajoutant qu'il faudrait lire la suite du "
         "rapport avant de conclure.", "Comment la France a perdu son influence au Sahel"),
    body("الاسم الكامل للمشروع لم يعلن بعد، لكن مصادر مطلعة قالت إنه سيتضمن مرحلتين."),
    body("By 2030 the city will double its tram network, officials said."),
])
def test_trap_words_inside_sentences_stay(text: str) -> None:
    assert_untouched(text)


def test_clean_article_is_byte_identical() -> None:
    text = ("# عنوان فرعي\r\n\r\n" + AR_PARA + "\r\n\r\n\r\n- نقطة أولى\r\n- نقطة ثانية\r\n\r\n"
            + AR_PARA2 + "   \r\n\n\n")
    assert_untouched(text)
    assert_untouched("")
    assert_untouched("\n\n")
    assert_untouched(body(EN_PARA, "## Context", EN_PARA2, "What happens next?", FR_PARA))


# ------------------------------------------------------------------ zones

def test_related_zone_in_the_middle_ends_where_text_resumes() -> None:
    text = body(AR_PARA, "اقرأ أيضاً", "الائتلاف يبحث مع وفد أمريكي تطورات العملية السياسية",
                "فرنسا تدين قصف المنشآت المدنية في إدلب", AR_PARA2)
    result = clean_text(text)
    assert [r.rule for r in result.removed] == ["related-zone"] * 3
    assert result.text == body(AR_PARA, AR_PARA2)


@pytest.mark.parametrize(("heading", "teasers", "para"), [
    ("Related Articles", ["UN envoy says Syria talks could resume in Geneva",
                          "What the sanctions mean for ordinary Syrians?",
                          "Officials say the deal is close, but many questions remain…"], EN_PARA2),
    ("À lire aussi", ["Syrie : les pourparlers pourraient reprendre à Genève",
                      "12 mars 2024"], FR_PARA2),
    ("الأكثر قراءة", ["مجلس الأمن يبحث الوضع في إدلب", "منذ 3 ساعات"], AR_PARA2),
])
def test_related_zone_en_fr_ar(heading: str, teasers: list[str], para: str) -> None:
    lead = {EN_PARA2: EN_PARA, FR_PARA2: FR_PARA, AR_PARA2: AR_PARA}[para]
    result = clean_text(body(lead, heading, *teasers, para))
    assert result.text == body(lead, para)
    assert len(result.removed) == 1 + len(teasers)


def test_related_zone_stops_at_markdown_heading() -> None:
    text = body(EN_PARA, "Read also", "Talks resume in Geneva", "## The French position", EN_PARA2)
    assert clean_text(text).text == body(EN_PARA, "## The French position", EN_PARA2)


def test_related_inline() -> None:
    text = body(AR_PARA, "اقرأ أيضاً: الائتلاف يبحث مع وفد أمريكي تطورات العملية السياسية",
                "**Read also:** [Talks resume in Geneva](https://example.org/a)",
                "Lire aussi : Syrie, les pourparlers reprennent", AR_PARA2)
    result = clean_text(text)
    assert [r.rule for r in result.removed] == ["related-inline"] * 3
    assert result.text == body(AR_PARA, AR_PARA2)


@pytest.mark.parametrize(("heading", "lead", "tail"), [
    ("اترك تعليقاً", AR_PARA, ["الاسم *", "البريد الإلكتروني *", "الموقع الإلكتروني",
                               "احفظ اسمي، بريدي الإلكتروني، والموقع الإلكتروني في هذا المتصفح "
                               "لاستخدامها المرة المقبلة في تعليقي.", "إرسال التعليق"]),
    ("Leave a Reply", EN_PARA, ["Your email address will not be published. Required fields are "
                                "marked *", "Comment *", "Name *", "Post Comment",
                                "Great article, thanks for sharing it with all of us today."]),
    ("Laisser un commentaire", FR_PARA, ["Annuler la réponse",
                                         "Votre adresse e-mail ne sera pas publiée.",
                                         "Très bon article, merci beaucoup pour ce travail."]),
])
def test_comment_form_closes_the_article(heading: str, lead: str, tail: list[str]) -> None:
    text = body(lead, lead, lead, heading, *tail)
    result = clean_text(text)
    assert result.text == body(lead, lead, lead)
    assert {r.rule for r in result.removed} == {"comment-tail"}


def test_comment_notice_lines_run_together() -> None:
    line = "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"
    assert rules(body(AR_PARA, AR_PARA2, line)) == [(line, "comment-tail")]


def test_comment_heading_early_is_only_a_line() -> None:
    text = body("Comments", EN_PARA, EN_PARA2, EN_PARA, EN_PARA2)
    result = clean_text(text)
    assert result.text == body(EN_PARA, EN_PARA2, EN_PARA, EN_PARA2)


# ------------------------------------------------------------------ pattern rules

@pytest.mark.parametrize("line", [
    "فيسبوك تويتر واتساب تيليجرام", "شاركها فيسبوك X لينكدإن بينتيريست البريد الإلكتروني طباعة",
    "Facebook | Twitter | WhatsApp | Email", "Share on Facebook Share on X",
    "Partager sur Facebook · LinkedIn · Copier le lien", "Facebook 12 Twitter 3",
])
def test_share_rows(line: str) -> None:
    assert rules(body(AR_PARA, line, AR_PARA2)) in ([(line, "share-row")], [(line, "lexicon")])


def test_platform_list_after_colon_is_content_when_it_is_prose() -> None:
    assert_untouched(body("He said Facebook and Twitter had been warned.",
                          "Facebook, Twitter et Instagram ont été avertis."))


@pytest.mark.parametrize("line", [
    "الوسوم: الائتلاف الوطني، سوريا، فرنسا", "الكلمات الدلالية: جنيف | مجلس الأمن",
    "Tags: Syria, France, United Nations", "Mots-clés : Syrie, Genève",
    "Étiquettes : Syrie",
])
def test_tag_lines(line: str) -> None:
    assert rules(body(AR_PARA, line, AR_PARA2)) == [(line, "tag-line")]


def test_tag_heading_opens_a_zone() -> None:
    text = body(EN_PARA, EN_PARA2, "Tags", "Syria", "Geneva talks", "United Nations")
    assert clean_text(text).text == body(EN_PARA, EN_PARA2)


@pytest.mark.parametrize("line", [
    "editor@example.org", "البريد الإلكتروني: news@example.com", "@SyrianCoalition",
    "Twitter: @reporter_1 | @desk", "Contact : redaction@exemple.fr",
])
def test_contacts(line: str) -> None:
    assert rules(body(AR_PARA, line, AR_PARA2)) == [(line, "contact")]


@pytest.mark.parametrize("line", [
    "اشترك في قناتنا على تيليجرام ليصلك كل جديد", "تابعونا على فيسبوك وتويتر",
    "لمتابعة آخر الأخبار اشترك في النشرة البريدية.",
    "Subscribe to our newsletter for the latest news.", "Follow us on Instagram and YouTube",
    "Abonnez-vous à notre newsletter", "Pour ne rien manquer, abonnez-vous à notre newsletter.",
])
def test_promos(line: str) -> None:
    assert [rule for _, rule in rules(body(AR_PARA, line, AR_PARA2))] in (["promo"], ["lexicon"])


def test_promo_words_in_prose_stay() -> None:
    assert_untouched(body("The group told supporters to follow its Telegram channel for "
                          "updates, the report said.",
                          "وطالب المتحدث أنصاره بمتابعة قناة الحركة على تيليجرام."))


@pytest.mark.parametrize("line", [
    "اقرأ المزيد", "اقرأ المزيد »", "[Read more](https://example.org/x)", "Continue reading →",
    "Lire la suite…", "للمزيد اضغط هنا", "Read more: Talks resume in Geneva",
])
def test_more_links(line: str) -> None:
    assert [rule for _, rule in rules(body(EN_PARA, line, EN_PARA2))] in (
        ["more-link"], ["lexicon"])


@pytest.mark.parametrize("line", [
    "(رويترز)", "رويترز", "أ ف ب", "(أ.ف.ب)", "المصدر: وكالات", "المصدر : الجزيرة + وكالات",
    "(AFP)", "— Reuters", "Source: AFP", "With AP and Reuters", "avec AFP", "Source : AFP",
])
def test_agency_markers(line: str) -> None:
    assert rules(body(AR_PARA, AR_PARA2, line)) == [(line, "agency-marker")]


def test_source_credit_only_at_the_end() -> None:
    text = body(AR_PARA, AR_PARA2, "المصدر: الجزيرة نت")
    assert rules(text) == [("المصدر: الجزيرة نت", "agency-marker")]
    middle = body(AR_PARA, "المصدر: مصادر خاصة في دمشق", AR_PARA2)
    assert_untouched(middle)


@pytest.mark.parametrize("line", [
    "12:30", "2024-03-05", "الجمعة 5 يناير 2024 - 10:30 م", "منذ 3 ساعات", "5 hours ago",
    "Published 12 March 2024", "Updated: 05/03/2024 14:20 GMT", "il y a 3 heures",
    "Publié le 12 mars 2024 à 10h30", "آخر تحديث: 12 آذار 2024",
])
def test_lone_timestamps(line: str) -> None:
    assert rules(body(AR_PARA, line, AR_PARA2)) == [(line, "timestamp")]


def test_numbers_and_dates_in_prose_stay() -> None:
    assert_untouched(body("2024", "12 مارس موعداً للجولة الجديدة من المفاوضات",
                          "On 12 March 2024 the council met again.", "1.", "15"))


def test_copyright_cookie_breadcrumb() -> None:
    text = body("الرئيسية » أخبار » سياسة", AR_PARA,
                "We use cookies to give you the best experience on our website.",
                AR_PARA2, "© 2024 جميع الحقوق محفوظة لموقع المثال")
    assert [rule for _, rule in rules(text)] == ["breadcrumb", "cookie-notice", "copyright"]
    assert clean_text(text).text == body(AR_PARA, AR_PARA2)


@pytest.mark.parametrize(("line", "removed"), [
    ("By Jane Example", True), ("Par Marie Exemple", True), ("By JANE DOE | Reuters", True),
    ("By the numbers", False), ("Par ailleurs", False), ("هيئة التحرير", True),
])
def test_bylines(line: str, removed: bool) -> None:
    assert bool(rules(body(EN_PARA, line, EN_PARA2))) is removed


# ------------------------------------------------------------------ glued tails

@pytest.mark.parametrize(("glued", "kept"), [
    ("وتكسر العقوبات المفروضة عليه.زر الذهاب إلى الأعلى", "وتكسر العقوبات المفروضة عليه."),
    ("وتكسر العقوبات المفروضة عليه زر الذهاب إلى الأعلى", "وتكسر العقوبات المفروضة عليه"),
    ("وتكسر العقوبات المفروضة عليه. مقالات ذات صلة اترك تعليقاً لن يتم نشر عنوان بريدك "
     "الإلكتروني. الحقول الإلزامية مشار إليها بـ * زر الذهاب إلى الأعلى",
     "وتكسر العقوبات المفروضة عليه."),
    ("The talks will resume next month. Related Articles", "The talks will resume next month."),
    ("Les discussions reprendront le mois prochain. Laisser un commentaire",
     "Les discussions reprendront le mois prochain."),
])
def test_glued_tail_is_cut(glued: str, kept: str) -> None:
    result = clean_text(body(AR_PARA, glued))
    assert result.text == body(AR_PARA, kept)
    assert {r.rule for r in result.removed} == {"glued-tail"}


@pytest.mark.parametrize("line", [
    "وقال إن الأسعار ارتفعت إلى الأعلى",
    "Researchers compared the results with unrelated articles",
    "ونصح القراء بالعودة إلى مقالات ذات صلة",
])
def test_phrase_ending_a_sentence_is_not_glue(line: str) -> None:
    assert_untouched(body(AR_PARA, line, AR_PARA2))


def test_glued_comment_heading_closes_the_article() -> None:
    text = body(AR_PARA, AR_PARA2 + " اترك تعليقاً", "الاسم *", "إرسال التعليق")
    assert clean_text(text).text == body(AR_PARA, AR_PARA2)


# ------------------------------------------------------------------ the curator's last word

def test_keep_list_and_marker() -> None:
    text = body(AR_PARA, "اقرأ أيضاً", "الائتلاف يبحث مع وفد أمريكي", AR_PARA2,
                "Tags: Syria <!-- keep -->")
    result = clean_text(text, keep=["اقرا ايضا"])
    assert result.text == body(AR_PARA, "اقرأ أيضاً", "الائتلاف يبحث مع وفد أمريكي", AR_PARA2,
                               "Tags: Syria")
    assert result.removed == ()


def test_keep_marker_alone_strips_the_marker() -> None:
    assert clean_text("سطر <!-- keep -->\n").text == "سطر\n"


def test_kept_line_inside_a_zone() -> None:
    text = body(EN_PARA, "Related", "Talks resume in Geneva", "Sanctions explained", EN_PARA2)
    result = clean_text(text, keep=["Sanctions explained"])
    assert result.text == body(EN_PARA, "Sanctions explained", EN_PARA2)


# ------------------------------------------------------------------ structure

def test_code_blocks_are_never_touched() -> None:
    text = body(EN_PARA, "```", "Share this:", "", "Leave a Reply", "```", EN_PARA2)
    assert_untouched(text)


def test_line_numbers_and_blank_collapse() -> None:
    text = "a line of text here.\n\n\nShare this:\nFacebook Twitter\n\n\nanother line of text.\n"
    result = clean_text(text)
    assert [(r.line, r.rule) for r in result.removed] == [(4, "share-widget"), (5, "share-row")]
    assert result.text == "a line of text here.\n\nanother line of text.\n"


def test_everything_removed() -> None:
    assert clean_text("Share this:\n\nFacebook\n").text == ""


# ------------------------------------------------------------------ forms and speed

@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab ،.-\t\u00a0أإة\u064b\u0640e\u0301\ufdfa\u00a8")
               | st.characters(), max_size=120))
def test_line_key_remembered_word_by_word_is_the_whole_line_form(text: str) -> None:
    for _ in range(2):  # computed, then remembered
        assert line_key(text) == re.sub(r"[\W_]+", "", match_form(text))


def test_long_words_have_keys_too() -> None:
    word = "كلمة" * 50  # longer than the words remembered
    assert line_key(word) == re.sub(r"[\W_]+", "", match_form(word))
    assert line_key(f"{word} {word}") == line_key(word) * 2


def test_spaces_around_separators_and_markers() -> None:
    text = body(EN_PARA, "Home \t»   World  »  Talks resume in Geneva", EN_PARA2)
    assert rules(text) == [("Home \t»   World  »  Talks resume in Geneva", "breadcrumb")]
    assert clean_text("سطر \t <!-- keep -->\r\nاقرأ أيضاً  <!-- KEEP -->\r\n").text == (
        "سطر\r\nاقرأ أيضاً\r\n")


@pytest.mark.parametrize("text", [
    "Comments\n" * 100_000,  # each comment heading once summed the lines before it
    "Home" + " " * 200_000 + "x » y\n",  # the breadcrumb split rescanned the spaces
    "a" + " " * 200_000 + "b\n",  # (tried on every short line)
    "x" + " " * 200_000 + "<!-- not a marker -->\n",  # so did the keep marker's search
], ids=["comment-headings", "crumb-spaces", "short-line-spaces", "marker-spaces"])
def test_long_runs_take_linear_time(text: str) -> None:
    with time_limit(20):  # well under a second; quadratic took minutes
        clean_text(text)


def test_a_full_word_memory_keeps_its_words_and_takes_no_more(monkeypatch) -> None:
    """The words met first stay remembered (a news text's common words come early); once
    full, new words are worked out each time and the results do not change. (The memory
    serves lines with a character outside ``normalize.SIMPLE_FORMS``, here a presentation
    form: the others are translated whole.)"""
    from generator.content import cleanup

    monkeypatch.setattr(cleanup, "_MEMO_WORDS", 3)
    words = cleanup.WordForms()
    memo = words.key_of.__self__
    text = "قال الوزير إن الحكومة، كما قال الوزير، ﻻ تعمل"
    assert clean_text(text, words=words) == clean_text(text)
    assert list(memo) == ["قال", "الوزير", "إن"]
    assert words.key_of("الحكومة،") == "الحكومه" and "الحكومة،" not in memo
