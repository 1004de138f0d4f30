"""The plain-text rule families of issue 22: agency end markers and filing stamps, SMS and
newsletter promos (also glued to a real line), tag lines and slider residue, "more" tails,
runs of related headlines, share-widget residue. Each family: Arabic first, then English and
French, and the real lines that look like them and must stay."""

from __future__ import annotations

import pytest

from generator.content.cleanup import clean_text

AR = ("وقال مدير الصحة في المحافظة خلال مؤتمر صحفي إن المستشفى سيقدم خدمات الإسعاف والجراحة "
      "العامة وطب الأطفال، وإن كوادره تضم أكثر من ثمانين طبيباً.")
AR2 = ("وأضاف أن المرحلة الثانية من المشروع ستشمل قسماً لغسيل الكلى وآخر للعناية المشددة، "
       "متوقعاً أن تنتهي الأعمال قبل نهاية الصيف.")
EN = ("The meeting, the first in six months, lasted more than four hours and ended without a "
      "joint statement, diplomats said.")
EN2 = "Another round is expected in June if the delegations agree on an agenda for the talks."
FR = ("Le texte prévoit notamment d'assouplir les conditions d'ouverture de comptes en devises "
      "pour les résidents, selon le ministère.")
FR2 = "Les premiers décrets d'application sont attendus avant l'été, a précisé le ministre."
PARAS = {"ar": (AR, AR2), "en": (EN, EN2), "fr": (FR, FR2)}


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def removed(text: str) -> list[tuple[str, str]]:
    return [(r.text, r.rule) for r in clean_text(text).removed]


def assert_untouched(text: str) -> None:
    result = clean_text(text)
    assert result.removed == ()
    assert result.text == text


# ------------------------------------------------------------------ agency end markers, stamps

@pytest.mark.parametrize(("lang", "line"), [
    ("ar", "(انتهى)"), ("ar", "-انتهى-"), ("ar", "/ انتهى /"), ("ar", "// انتهى //"),
    ("ar", "(النهاية)"), ("ar", "انتهى الخبر"), ("ar", "(انتهى) ع.ع"), ("ar", "انتهى/ س ع"),
    ("ar", "(النهاية) م ع ع / ع خ"),
    ("en", "—End—"), ("en", "-- END --"), ("en", "(ENDS)"),
    ("fr", "(FIN)"), ("fr", "Fin de dépêche"), ("fr", "-- FIN --"),
])
def test_end_of_dispatch_markers(lang: str, line: str) -> None:
    first, second = PARAS[lang]
    assert removed(lines(first, second, line)) == [(line, "agency-end")]


@pytest.mark.parametrize(("lang", "line"), [
    ("ar", "ت ب / م ع / 1405 / 14:05 بتوقيت دمشق"), ("ar", "ع ا ص / م ع ع"),
    ("ar", "كونا031245 جمت ماي 24"), ("ar", "14:32ت م"), ("ar", "م ع/ع ن"),
    ("ar", "أ ش أ / س ع / م ن"), ("ar", "ز ا / ع س / ر ن"), ("ar", "ع.ع/ م.ح"),
    ("en", "jm/ab/xyz"), ("en", "bur-jm/ser/dcp"),
    ("fr", "mf/ab/xyz"),
])
def test_dispatch_stamps(lang: str, line: str) -> None:
    first, second = PARAS[lang]
    assert removed(lines(first, second, line)) == [(line, "dispatch-stamp")]


def test_a_serial_number_goes_only_after_a_stamp() -> None:
    text = lines(AR, "// انتهى //", "14:32ت م", "0090")
    assert [rule for _, rule in removed(text)] == ["agency-end", "dispatch-stamp", "dispatch-stamp"]
    assert_untouched(lines(AR, "0090", AR2))


@pytest.mark.parametrize("line", ["(أ.ش.أ)", "(وفا)", "سبأ", "(MENA)", "WAFA", "(بنا)"])
def test_regional_agency_credits(line: str) -> None:
    assert removed(lines(AR, AR2, line)) == [(line, "agency-marker")]


@pytest.mark.parametrize("line", [
    "(Reporting by Jane Example; Editing by John Example)",
    "Reporting by Jane Example; Editing by John Example",
    "The Associated Press contributed to this report.",
    "Jane Example contributed reporting to this story.",
])
def test_wire_desk_credits(line: str) -> None:
    assert removed(lines(EN, EN2, line)) == [(line, "agency-end")]


def test_reporting_in_prose_stays() -> None:
    assert_untouched(lines(EN, "Reporting by the BBC found that prices rose, the study said.", EN2))


def test_end_marker_glued_to_the_last_sentence() -> None:
    text = lines(AR, AR2 + " (انتهى)")
    result = clean_text(text)
    assert result.text == lines(AR, AR2)
    assert [(r.text, r.rule) for r in result.removed] == [("(انتهى)", "glued-agency-end")]


@pytest.mark.parametrize("line", [
    "قال 14 شخصاً إنهم غادروا المدينة صباح اليوم.", "9/11", "TV/2024",
    "/2025/11/27/خبر-ثان/", "انتهى الاجتماع بعد ساعتين من النقاش دون اتفاق.",
    "The talks will end on Friday.", "La fin du conflit n'est pas en vue.",
])
def test_lines_like_markers_that_stay(line: str) -> None:
    assert_untouched(lines(AR, line, AR2))


# ------------------------------------------------------------------ promos

@pytest.mark.parametrize("line", [
    "أرسل كلمة \"أخبار\" إلى الرقم 95123 للاشتراك في خدمة الرسائل القصيرة",
    "لمتابعة أخبارنا على تلغرام اضغط هنا",
    "حمّل تطبيق الموقع على هاتفك لتصلك الأخبار العاجلة أولاً بأول",
    "لمزيد من الأخبار تابعونا على قناتنا على واتساب",
    "Subscribe to our newsletter to get the morning briefing in your inbox",
    "Text NEWS to 12345 to subscribe to breaking news alerts",
    "Download our app for breaking news alerts",
    "Abonnez-vous à notre newsletter pour recevoir l'essentiel de l'actualité",
    "Recevez nos alertes sur WhatsApp", "اشترك في النشرة الإخبارية",
    "Download the Example News app for breaking news",
    "Téléchargez l'application Example Info",
])
def test_subscription_and_sms_promos(line: str) -> None:
    assert removed(lines(AR, line, AR2)) == [(line, "promo")]


@pytest.mark.parametrize(("kept", "tail"), [
    ("سامر الأحمد - صحفي من الحسكة. samer.ahmad@example.com",
     "تابعونا على تلغرام وواتساب لتصلكم آخر الأخبار"),
    ("بقلم: ريم خليل reem@example.org", "أرسل كلمة اشتراك إلى 95123 للاشتراك في الرسائل القصيرة"),
    ("Jane Example covers the Levant for the paper. jane@example.com",
     "Subscribe to our newsletter"),
    ("Par Karim B., notre correspondant à Alger. karim.b@exemple.dz",
     "Abonnez-vous à notre newsletter"),
])
def test_promo_glued_to_a_real_line(kept: str, tail: str) -> None:
    result = clean_text(lines(AR, f"{kept} {tail}"))
    assert result.text == lines(AR, kept)
    assert [(r.text, r.rule) for r in result.removed] == [(tail, "glued-promo")]


@pytest.mark.parametrize("line", [
    "تابع الوزير جولته في منطقة قناة السويس.", "تابع الرئيس النشرة الجوية قبل السفر.",
    "اشترك أكثر من ألف شخص في النشرة الأولى للمبادرة.",
    "حمل المتظاهرون لافتات تطالب بإغلاق التطبيق.",
    "Get the full story: the app was banned in March, officials said.",
    "Join the protest, the union told members on Telegram.",
    "Follow the money, the prosecutor told the court, citing the channel.",
])
def test_a_sentence_opening_like_a_promo_stays(line: str) -> None:
    """The opening verb is also a past tense (تابع، اشترك، حمل) or the line quotes someone:
    without the reader, the site's own channel or a call to act, it is news."""
    assert_untouched(lines(AR, line, AR2))


def test_sending_in_prose_is_not_a_promo() -> None:
    assert_untouched(lines("أرسل الرئيس رسالة إلى 150 زعيماً يدعوهم فيها إلى قمة طارئة في الرياض.",
                           "وطالب المتحدث أنصاره بمتابعة قناة الحركة على تيليجرام.",
                           "The group told supporters to text friends to 12 numbers, police said."))


# ------------------------------------------------------------------ tags and slider residue

@pytest.mark.parametrize("line", [
    "الوسوم: #سوريا #الزراعة #الجفاف", "كلمات مفتاحية: لبنان، الكهرباء", "#مصر #الري #المياه",
    "Tags: Geneva, United Nations, constitution", "Mots-clés : Tunisie, Parlement",
    "Tags : Algérie, forêts, reboisement",
])
def test_tag_lines_under_any_label(line: str) -> None:
    assert removed(lines(AR, line, AR2)) == [(line, "tag-line")]


@pytest.mark.parametrize(("lang", "line"), [
    ("ar", "السابق التالي"), ("ar", "الصورة السابقة الصورة التالية"), ("en", "Previous Next"),
    ("en", "Prev Next"), ("fr", "Précédent Suivant"),
])
def test_slider_residue_at_the_start(lang: str, line: str) -> None:
    first, second = PARAS[lang]
    assert removed(lines(line, "", first, second)) == [(line, "slider")]


@pytest.mark.parametrize(("lang", "glue"), [
    ("ar", "السابق التالي"), ("en", "Previous Next"), ("fr", "Précédent Suivant")])
def test_slider_residue_glued_to_the_last_paragraph(lang: str, glue: str) -> None:
    first, second = PARAS[lang]
    for joiner in ("", " "):
        assert clean_text(lines(first, second + joiner + glue)).text == lines(first, second)


def test_the_next_step_in_prose_stays() -> None:
    assert_untouched(lines("وقال إن الاجتماع التالي سيعقد في عمّان، بعد الاجتماع السابق في القاهرة.",
                           "The next meeting follows the previous one, he said."))


# ------------------------------------------------------------------ more tails

@pytest.mark.parametrize("line", [
    "المزيد", "اقرأ المزيد...", "المزيد...", "Read more »", "Read More...", "Lire la suite",
    "Lire la suite »",
])
def test_more_tails(line: str) -> None:
    assert [rule for _, rule in removed(lines(AR, AR2, line))] == ["more-link"]


@pytest.mark.parametrize(("kept", "tail"), [
    ("وأضاف أن الحكومة ستعلن الخطة الأسبوع المقبل…", "المزيد"),
    ("The minister said the plan would be announced next week...", "More »"),
    ("Il a ajouté que le plan serait annoncé…", "Suite"),
])
def test_one_word_more_link_glued_after_an_ellipsis(kept: str, tail: str) -> None:
    result = clean_text(lines(AR, f"{kept} {tail}"))
    assert result.text == lines(AR, kept)
    assert [(r.text, r.rule) for r in result.removed] == [(tail, "glued-more-link")]


def test_more_at_the_end_of_a_sentence_stays() -> None:
    assert_untouched(lines(AR, "وطالب بالمزيد من الدعم...", "He wanted more..."))


def test_more_link_after_an_ellipsis_is_cut() -> None:
    line = "ويختم أبو خالد حديثه قائلاً: \"الأرض لا تخون، لكننا تعبنا\"..."
    assert clean_text(lines(AR, line + " اقرأ المزيد")).text == lines(AR, line)


# ------------------------------------------------------------------ related headline runs

TEASERS_AR = ("الحكومة تعد بخطة طوارئ لتأمين الكهرباء خلال أسابيع",
              "أزمة المحروقات تدفع أصحاب المولدات إلى رفع الاشتراكات",
              "البنك الدولي يحذر من انكماش جديد للاقتصاد اللبناني")
TEASERS_EN = ("Lebanon's parliament delays vote on banking secrecy law",
              "IMF mission ends visit without staff-level agreement")


@pytest.mark.parametrize("credit", ["(رويترز)", "AFP", "Getty Images", "REUTERS/Jane Example",
                                    "صورة: أ ف ب"])
def test_teasers_behind_a_photo_credit_inside_the_body(credit: str) -> None:
    text = lines(AR, "", credit, *TEASERS_AR[:2], "", AR2)
    result = clean_text(text)
    assert result.text == lines(AR, "", AR2)
    assert {r.rule for r in result.removed} == {"related-run"}


def test_three_teasers_without_a_label_at_the_end() -> None:
    assert clean_text(lines(AR, "", AR2, "", *TEASERS_AR)).text == lines(AR, "", AR2)


def test_unlabelled_short_lines_inside_the_body_stay() -> None:
    """A pasted list that lost its bullets looks like a box of teasers: inside the body,
    without a credit or a label, it stays."""
    assert_untouched(lines(AR, "", *TEASERS_AR, "", AR2))
    items = ("تقديم دعم مالي مباشر للمزارعين المتضررين", "تأجيل سداد القروض الزراعية لمدة عام",
             "توسيع شبكات الري الحديث في المناطق الشرقية")
    assert_untouched(lines(AR, "وفيما يلي أبرز بنود الخطة.", *items, "", AR2))


def test_list_items_sharing_their_first_word_are_not_headlines() -> None:
    items = ("دعم أسعار البذور والأسمدة للموسم المقبل", "دعم أسعار المازوت المخصص للري",
             "دعم صغار المربين بالأعلاف المدعومة")
    assert_untouched(lines(AR, AR2, "وتشمل الحزمة عدة بنود.", *items))


def test_teasers_after_the_end_of_the_text_behind_removed_furniture() -> None:
    text = lines(EN, EN2, "Tags: Geneva, talks", *TEASERS_EN)
    assert clean_text(text).text == lines(EN, EN2)


def test_teasers_after_a_see_also_label() -> None:
    for label in ("اقرأ أيضاً:", "À lire aussi", "Read also"):
        assert clean_text(lines(FR, label, *TEASERS_EN, FR2)).text == lines(FR, FR2)


POEM = ("يا حمصُ يا دارَ الأحبّةِ والهوى", "ما زالَ قلبي في ربوعكِ ثاويا",
        "أمشي على حجرِ الأزقّةِ باكياً", "وأعودُ منكِ إلى المنافي شاكيا")


@pytest.mark.parametrize("block", [
    POEM,
    ("س: وماذا عن المنفى", "ج: المنفى سؤال مفتوح لا أملك له جواباً", "س: هل تكتب كل يوم",
     "ج: لا، أنتظر القصيدة ولا أطاردها"),
    ("Q: What comes next for the talks", "A: Another round in June if they agree",
     "Q: And the constitution"),
    ("- شح الأمطار في الأشهر الأولى من الموسم", "- ارتفاع أسعار المحروقات",
     "- هجرة اليد العاملة الشابة"),
    ("1. مرثية الساعة القديمة", "2. باب السباع في الشتاء", "3. رسالة إلى أمي"),
])
def test_real_short_lines_stay(block: tuple[str, ...]) -> None:
    assert_untouched(lines(AR, "", *block, "", AR2))  # inside the body
    assert_untouched(lines(AR, AR2, "", *block))  # at the end


def test_a_list_announced_by_a_colon_stays() -> None:
    assert_untouched(lines("وضمت القائمة ثلاثة وعشرين لاعباً من الأندية المحلية والمحترفين:",
                           "حراسة المرمى أحمد مدنية وإبراهيم عالمة", "الدفاع عمرو ميداني ومؤيد العجان",
                           "الوسط محمود المواس وكامل حميشة", "", AR2))


def test_short_paragraphs_and_subheadings_stay() -> None:
    assert_untouched(lines(AR, "", "تراجع الإنتاج", "", AR2, "", "المدرب يتحدث", "", AR,
                           "", "وكانت آخر مواجهة بين المنتخبين قد انتهت بالتعادل السلبي"))


def test_text_without_full_stops_keeps_its_short_paragraphs() -> None:
    text = lines("افتتح محافظ اللاذقية صباح اليوم معرض الكتاب السنوي في المدينة الرياضية بمشاركة "
                 "أكثر من مئة دار نشر", "",
                 "ويستمر المعرض عشرة أيام تتخللها ندوات وأمسيات شعرية وتوقيع كتب", "",
                 "وقال مدير المعرض إن عدد العناوين هذا العام تجاوز خمسة عشر ألف عنوان", "",
                 "وتشارك دور نشر من لبنان والأردن ومصر والعراق")
    assert_untouched(text)


# ------------------------------------------------------------------ share widgets

@pytest.mark.parametrize("line", [
    "Like Loading…", "Like Loading...", "Share this:", "Like this:",
    "Click to share on Twitter (Opens in new window)",
    "Click to email a link to a friend (Opens in new window)",
    "Click to share on Facebook (Opens in new window) Click to share on WhatsApp (Opens in new window)",
    "Share this: Click to share on Twitter (Opens in new window) Twitter",
    "Cliquez pour partager sur Facebook(ouvre dans une nouvelle fenêtre)", "J'aime chargement…",
])
def test_share_widget_residue(line: str) -> None:
    assert removed(lines(EN, EN2, line)) == [(line, "share-widget")]


def test_widget_words_in_prose_stay() -> None:
    assert_untouched(lines("Readers who like this kind of reporting can share it, the editor said.",
                           "He asked them to click the link, which opens in a new window."))


# ------------------------------------------------------------------ keep wins

def test_keep_wins_over_every_new_family() -> None:
    text = lines(AR, "(انتهى)", "ت ب / م ع / 1405", "السابق التالي", "Like Loading…", AR2)
    keep = ["(انتهى)", "ت ب / م ع / 1405", "السابق التالي", "Like Loading…"]
    assert clean_text(text).removed != ()
    assert clean_text(text, keep=keep).removed == ()
    marked = lines(AR, "", "(رويترز)", *TEASERS_AR[:2], "", AR2)
    kept = clean_text(marked, keep=TEASERS_AR[:2])
    assert [r.text for r in kept.removed] == ["(رويترز)"]
    assert all(t in kept.text.split("\n") for t in TEASERS_AR[:2])


# ------------------------------------------------------------------ photo credits, teasers

@pytest.mark.parametrize("line", [
    "مصدر الصورة، Getty Images", "صورة: رويترز", "تصوير: سامر خليل", "Getty Images",
    "AFP via Getty Images", "Photo: Reuters", "Crédit photo : AFP", "(AP Photo/Jane Example)",
    "REUTERS/Jane Example",
])
def test_photo_credits(line: str) -> None:
    # "Photo %s" and "Crédit photo %s" are lexicon entries too: the first rule to match names it.
    assert removed(lines(AR, line, AR2)) in ([(line, "photo-credit")], [(line, "lexicon")])


@pytest.mark.parametrize("caption", [
    "الصورة: الوزير خلال المؤتمر الصحفي الذي عقده أمس في دمشق مع نظيره التركي.",
    "الصورة: الرئيس خلال الاجتماع", "صورة - الرئيس يلتقي الوفد",
])
def test_a_caption_stays(caption: str) -> None:
    assert_untouched(lines(AR, caption, AR2))


@pytest.mark.parametrize("line", [
    "شاهد: لحظة انهيار المبنى في حلب", "فيديو: طوابير أمام الأفران في دمشق",
    "Watch: The moment the bridge collapsed", "VIDÉO : les images de l'incendie",
])
def test_video_teasers(line: str) -> None:
    assert removed(lines(AR, line, AR2)) == [(line, "related-inline")]


def test_a_related_zone_stops_at_an_interview_turn() -> None:
    text = lines(EN, "Related", *TEASERS_EN, "Q: What comes next?", "A: Another round in June.")
    assert clean_text(text).text == lines(EN, "Q: What comes next?", "A: Another round in June.")


# ------------------------------------------------------------------ credits and notes

@pytest.mark.parametrize(("line", "rule"), [
    ("Le Monde avec AFP", "agency-marker"), ("الجزيرة نت + وكالات", "agency-marker"),
    ("(شارك في التغطية: سامر خليل)", "agency-end"),
    ("المقالات المنشورة تعبر عن آراء كتابها ولا تعبر بالضرورة عن رأي الموقع", "disclaimer"),
    ("ملاحظة: الآراء الواردة في المقال تعبر عن رأي كاتبها", "disclaimer"),
    ("تم نشر هذا المقال عبر موقع المثال", "disclaimer"),
    ("This article was originally published on Example News.", "disclaimer"),
    ("The views expressed do not necessarily reflect those of the editors.", "disclaimer"),
    ("Les opinions exprimées n'engagent que leur auteur.", "disclaimer"),
    ("حمّل تطبيق المثال", "promo"),
])
def test_site_credits_disclaimers_and_short_calls(line: str, rule: str) -> None:
    assert removed(lines(AR, AR2, line)) == [(line, rule)]


@pytest.mark.parametrize("line", [
    "وقال الوزير إن البيان لا يعبر عن رأي الحكومة بل عن رأي الحزب.",
    "وقال الوزير إن المقال يعبر عن رأي كاتبه فقط.", "تابع الوزير قناة السويس",
])
def test_quoted_or_narrated_lines_stay(line: str) -> None:
    assert_untouched(lines(AR, line, AR2))
