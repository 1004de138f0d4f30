"""A fixture digest made of what curators really paste: news text with a web page's furniture
still attached, and markup that tries to run script.

Ten articles (Arabic, English, French). The six "pasted" ones read like a copy of a news page:
running text, an inline "read also" block in the middle, and a tail of share rows, tag lines,
"related articles" teasers, a comment form and a back-to-top button; a few script canaries sit
at the ends of their paragraphs. The four "hostile" ones carry the whole script-injection
corpus of ``tests/hostile/xss_vectors.txt``, one vector per paragraph, each vector twice: as
written (it calls ``alert``, so a dialog would open) and rewritten to call
``window.__pwned(...)``, the canary the browser test installs. Titles, summaries, source names
and URLs, actor names, aliases, descriptions and links, and the site's title and description
carry vectors too.

Several corpus vectors (an unclosed ``<script``, ``<plaintext>``, an open comment) legitimately
hide whatever follows them in their article, so in the corpus articles the sentence the browser
test expects to see comes before the first vector; the canaries of the pasted articles are
closed elements that hide nothing.

Deterministic: the same digest every run.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .conftest import REPO

VECTORS_FILE = REPO / "tests" / "hostile" / "xss_vectors.txt"
CANARY = "__pwned"

# The five classes (script element, event handler, javascript: link, iframe, SVG with
# script), written to call the canary. They go into the pasted articles, in prose positions.
CANARIES = (
    "<script>window.__pwned('script')</script>",
    "<img src=x onerror=\"window.__pwned('onerror')\">",
    "<a href=\"javascript:window.__pwned('js-link')\">رابط</a>",
    "[link](javascript:window.__pwned('md-link'))",
    "<iframe src=\"javascript:window.__pwned('iframe')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__pwned('srcdoc')</script>\"></iframe>",
    "<svg><script>window.__pwned('svg-script')</script></svg>",
    "<svg onload=\"window.__pwned('svg-onload')\"><circle r=\"4\"/></svg>",
    "<details open ontoggle=\"window.__pwned('ontoggle')\">x</details>",
    "<video><source onerror=\"window.__pwned('source')\"></video>",
)


@dataclass(frozen=True, slots=True)
class Pasted:
    """An article as pasted from a news site. ``prose`` paragraphs must be visible on its
    page; ``teasers`` and ``tail`` are the furniture the cleaner must take out."""

    slug: str
    lang: str
    title: str
    prose: tuple[str, str, str]
    teasers: str  # an inline "read also" block, between the first and second paragraphs
    tail: str
    source: str
    # A last sentence with a button's label glued to it, as copying a page often leaves it:
    # the sentence must stay, the label must go.
    closing: str = ""
    glued: str = ""


@dataclass(frozen=True, slots=True)
class HostileDigest:
    root: Path
    # slug -> sentences that must be visible on the article's page
    expected: dict[str, tuple[str, ...]]
    vectors: int


PASTED = (
    Pasted(
        slug="aleppo-water",
        lang="ar",
        title="عودة المياه إلى أحياء شرق حلب بعد إصلاح محطة الضخ",
        prose=(
            "أعلنت المؤسسة العامة لمياه الشرب في حلب عودة الضخ إلى أحياء الشعار والصاخور "
            "وطريق الباب بعد انقطاع دام أحد عشر يوماً.",
            "وقال مدير المؤسسة إن فرق الصيانة استبدلت مضختين رئيسيتين في محطة سليمان الحلبي، "
            "وإن الضخ سيكون بنظام التناوب خلال الأسبوع الأول.",
            "وأضاف أن المؤسسة تعمل مع منظمات إنسانية على تأهيل خطوط التوزيع القديمة في "
            "الأحياء الشرقية قبل حلول الصيف.",
        ),
        teasers="اقرأ أيضاً:\n\nانقطاع الكهرباء عن ريف حلب الشمالي لليوم الثالث\n\n"
                "افتتاح مخبز آلي جديد في منبج",
        tail="شارك هذا المقال\n\nفيسبوك تويتر واتساب تيليجرام\n\n"
             "الوسوم: حلب، المياه، الخدمات\n\n"
             "مقالات ذات صلة\n\nتأهيل محطة كهرباء جديدة في ريف إدلب\n\n"
             "المجلس المحلي يعلن خطة لترميم المدارس\n\n"
             "اترك تعليقاً\n\n"
             "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *\n\n"
             "التعليق *\n\nالاسم *\n\nالبريد الإلكتروني *\n\nالموقع الإلكتروني\n\n"
             "احفظ اسمي، بريدي الإلكتروني، والموقع الإلكتروني في هذا المتصفح لاستخدامها "
             "المرة المقبلة في تعليقي.\n\nإرسال التعليق\n\nزر الذهاب إلى الأعلى",
        source="عنب بلدي",
    ),
    Pasted(
        slug="daraa-schools",
        lang="ar",
        title="مديرية التربية في درعا تعيد فتح اثنتي عشرة مدرسة في الريف الغربي",
        prose=(
            "أعادت مديرية التربية في درعا فتح اثنتي عشرة مدرسة في الريف الغربي بعد ترميمها "
            "بتمويل من صندوق محلي للتعليم.",
            "وأوضحت المديرية أن المدارس ستستقبل نحو أربعة آلاف طالب، وأن الدوام سيبدأ "
            "صباح الأحد المقبل بعد توزيع الكتب.",
            "وطالب معلمون في المنطقة بتحسين الرواتب وتأمين وسائل نقل للطلاب القادمين من "
            "القرى البعيدة.",
        ),
        teasers="إقرأ أيضا: انطلاق امتحانات الشهادة الثانوية في المحافظات الجنوبية",
        tail="الكلمات المفتاحية: درعا، التعليم، المدارس\n\n"
             "أخبار ذات صلة\n\nحملة لقاح ضد الحصبة في مدارس حوران\n\n"
             "افتتاح مركز صحي في بصرى الشام\n\n"
             "اترك تعليقاً\n\nإلغاء الرد\n\n"
             "لن يتم نشر عنوان بريدك الإلكتروني.\n\n"
             "جميع الحقوق محفوظة © 2026",
        source="تلفزيون سوريا",
    ),
    Pasted(
        slug="homs-bread",
        lang="ar",
        title="ارتفاع سعر ربطة الخبز في حمص وسط أزمة في توريد الطحين",
        prose=(
            "ارتفع سعر ربطة الخبز في أفران حمص الخاصة إلى أربعة آلاف ليرة بعد تأخر توريد "
            "الطحين للأسبوع الثاني على التوالي.",
            "وقال أصحاب أفران إن الكميات الموزعة لا تكفي سوى نصف ساعات العمل، وإن الطوابير "
            "تبدأ قبل شروق الشمس.",
            "ووعدت مديرية التجارة الداخلية بزيادة المخصصات مطلع الشهر المقبل، دون أن تحدد "
            "الكميات.",
        ),
        teasers="قد يهمك أيضاً\n\nأسعار الخضار في أسواق دمشق اليوم\n\n"
                "تراجع قيمة الليرة أمام الدولار",
        tail="تابعونا على تلغرام\n\n"
             "الأكثر قراءة\n\nقرار جديد بشأن جوازات السفر\n\nموعد صرف المنحة الحكومية\n\n"
             "التعليقات مغلقة.",
        source="السورية نت",
        closing="وتبقى الأزمة مرهونة بوصول شحنات القمح الجديدة من الموانئ.",
        glued="زر الذهاب إلى الأعلى",
    ),
    Pasted(
        slug="geneva-talks",
        lang="en",
        title="Constitutional committee talks resume in Geneva after a six-month pause",
        prose=(
            "The constitutional committee resumed its talks in Geneva on Monday after a pause "
            "of six months, with both delegations present.",
            "The UN envoy said the first session would deal with the committee's rules of "
            "procedure and a timetable for the drafting group.",
            "Opposition delegates asked for detainee files to be added to the agenda, a request "
            "the government side did not answer.",
        ),
        teasers="Read Also:\n\nAid convoy reaches Idlib through Bab al-Hawa\n\n"
                "Winter storm floods camps near the border",
        tail="Share this:\n\nFacebook Twitter WhatsApp Telegram\n\n"
             "Tags: Geneva, constitution, talks\n\n"
             "Related Articles\n\nEnvoy briefs the Security Council\n\n"
             "Leave a Reply\n\nCancel reply\n\n"
             "Your email address will not be published. Required fields are marked *\n\n"
             "Comment *\n\nName *\n\nEmail *\n\nWebsite\n\n"
             "Save my name, email, and website in this browser for the next time I comment.\n\n"
             "Post Comment\n\nBack to top",
        source="Example Wire",
        closing="The next round is expected to open in the second week of January.",
        glued="Back to top",
    ),
    Pasted(
        slug="idlib-clinics",
        lang="en",
        title="Three clinics in rural Idlib close for lack of funding",
        prose=(
            "Three clinics in rural Idlib closed their doors this week after the organisation "
            "running them lost its main grant.",
            "Local doctors said about nine thousand patients a month relied on the clinics for "
            "maternal care and chronic disease treatment.",
            "The health directorate said it was looking for another donor but gave no date for "
            "reopening.",
        ),
        teasers="You may also like\n\nHospitals in the north run short of insulin\n\n"
                "Vaccination campaign reaches remote villages",
        tail="Most Read\n\nPrices soar in northern markets\n\n"
             "Subscribe to our newsletter\n\n"
             "Leave a comment\n\n"
             "Your email address will not be published.\n\n"
             "© 2026 Example Wire. All rights reserved.",
        source="Example Health Desk",
    ),
    Pasted(
        slug="raqqa-pont",
        lang="fr",
        title="Le pont de l'ancien Raqqa rouvert à la circulation après deux ans de travaux",
        prose=(
            "Le pont de l'ancien Raqqa a été rouvert à la circulation mardi, après deux ans de "
            "travaux financés par plusieurs bailleurs.",
            "Les habitants de la rive sud n'auront plus à faire un détour de quarante "
            "kilomètres pour rejoindre le centre-ville.",
            "Le conseil civil de la ville prévoit d'installer un éclairage public sur le pont "
            "avant la fin de l'année.",
        ),
        teasers="À lire aussi :\n\nLa crue de l'Euphrate menace les cultures\n\n"
                "Les écoles de Tabqa manquent d'enseignants",
        tail="Partager sur Facebook\n\nPartager sur X\n\n"
             "Étiquettes : Raqqa, reconstruction, transport\n\n"
             "Articles similaires\n\nUn nouveau marché couvert à Deir ez-Zor\n\n"
             "Laisser un commentaire\n\nAnnuler la réponse\n\n"
             "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués "
             "avec *\n\n"
             "Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain "
             "commentaire.\n\nRetour en haut",
        source="Exemple Info",
    ),
)

HOSTILE_ARTICLES = (
    ("corpus-ar-1", "ar", "ملف اختبار للمدخلات العدائية: الجزء الأول",
     "نشر المجلس المحلي في إدلب جدول توزيع المساعدات الشتوية على المخيمات الحدودية."),
    ("corpus-en", "en", "Hostile input test file, part two",
     "The council published the winter aid schedule for the border camps on Sunday."),
    ("corpus-fr", "fr", "Fichier de test des entrées hostiles, troisième partie",
     "Le conseil local a publié dimanche le calendrier de l'aide hivernale aux camps."),
    ("corpus-ar-2", "ar", "ملف اختبار للمدخلات العدائية: الجزء الرابع",
     "أعلنت مديرية الزراعة في حماة بدء حملة لمكافحة آفات القمح في سهل الغاب."),
)
# A "read also" block and a tail for the corpus articles too (they may be hidden by a vector
# that swallows the rest of its article; the pasted articles are the real boilerplate test).
CORPUS_TEASERS = {
    "ar": "اقرأ أيضاً:\n\nجولة جديدة من المفاوضات في جنيف",
    "en": "Related Stories\n\nCamps brace for the first snow",
    "fr": "Lire aussi :\n\nLes camps se préparent à la première neige",
}
CORPUS_TAILS = {
    "ar": "اترك تعليقاً\n\nلن يتم نشر عنوان بريدك الإلكتروني.\n\nزر الذهاب إلى الأعلى",
    "en": "Leave a Reply\n\nYour email address will not be published.\n\nBack to top",
    "fr": "Laisser un commentaire\n\nVotre adresse e-mail ne sera pas publiée.",
}

ACTORS = (
    ("water-foundation", "organisation", "المؤسسة العامة لمياه الشرب", "Public Water Foundation",
     "مؤسسة المياه"),
    ("education-directorate", "government", "مديرية التربية في درعا",
     "Daraa Education Directorate", "مديرية التربية"),
    ("constitutional-committee", "organisation", "اللجنة الدستورية", "Constitutional Committee",
     "constitutional committee"),
    ("raqqa-civil-council", "organisation", "مجلس الرقة المدني", "Raqqa Civil Council",
     "conseil civil"),
)


def load_vectors() -> list[str]:
    """The hostile suite's corpus, read with its own escape rules."""
    from tests.hostile.test_xss import load_vectors as hostile_vectors

    return hostile_vectors()


def to_canary(vector: str) -> str:
    """The same vector calling the browser test's canary instead of opening a dialog."""
    return re.sub(r"\balert(?=[(`])", f"window.{CANARY}", vector)


def _front(meta: dict[str, object]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**6) \
        + "---\n"


def _pick(vectors: Sequence[str], i: int) -> str:
    return vectors[(i * 37) % len(vectors)]


def _pasted_article(n: int, art: Pasted, vectors: Sequence[str]) -> str:
    canary = CANARIES[n % len(CANARIES)]
    meta: dict[str, object] = {
        "title": f"{art.title} {to_canary(_pick(vectors, n))}",
        "date": f"2026-11-{20 + n:02d}T09:30:00+03:00",
        "slug": art.slug,
        "lang": art.lang,
        "summary": f"{art.prose[0]} {to_canary(_pick(vectors, n + 11))}",
        "source": {"name": f"{art.source} {_pick(vectors, n + 23)}",
                   "url": "https://news.example/" + art.slug + "?ref="
                          + _printable(to_canary(_pick(vectors, n + 31)))},
        "actors": [ACTORS[n % len(ACTORS)][0]],
    }
    body = [
        art.prose[0],
        art.teasers,
        art.prose[1],
        # Canaries after the last expected sentence: one glued to the end of a paragraph,
        # two on their own.
        f"{art.prose[2]} {CANARIES[(n + 3) % len(CANARIES)]}",
        canary,
        CANARIES[(n + 6) % len(CANARIES)],
        *([art.closing + art.glued] if art.closing else []),
        art.tail,
    ]
    return _front(meta) + "\n" + "\n\n".join(body) + "\n"


def _corpus_article(n: int, slug: str, lang: str, title: str, lead: str,
                    vectors: Sequence[str]) -> str:
    meta: dict[str, object] = {
        "title": f"{title} {_pick(vectors, n + 5)}",
        "date": f"2026-11-{10 + n:02d}T12:00:00+03:00",
        "slug": slug,
        "lang": lang,
        "summary": to_canary(_pick(vectors, n + 7)),
        "source": {"name": to_canary(_pick(vectors, n + 13)),
                   "url": "https://source.example/?q=" + _printable(_pick(vectors, n + 17))},
        "actors": [a[0] for a in ACTORS],
    }
    share = [v for i, v in enumerate(vectors) if i % len(HOSTILE_ARTICLES) == n]
    payload = [p for v in share for p in (v, to_canary(v), f"قبل {to_canary(v)} بعد")]
    body = [lead, CORPUS_TEASERS[lang], *payload, CORPUS_TAILS[lang]]
    return _front(meta) + "\n" + "\n\n".join(body) + "\n"


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace())


def _registry(vectors: Sequence[str]) -> str:
    actors = []
    for i, (actor_id, kind, ar, en, alias) in enumerate(ACTORS):
        actors.append({
            "id": actor_id,
            "kind": kind,
            "names": {"ar": f"{ar} {to_canary(_pick(vectors, i + 41))}",
                      "en": f"{en} {_pick(vectors, i + 43)}"},
            "aliases": [alias, to_canary(_pick(vectors, i + 47))],
            "description": f"وصف {to_canary(_pick(vectors, i + 53))}",
            "links": ["https://actor.example/?q=" + _printable(to_canary(_pick(vectors, i + 59)))],
        })
    return yaml.safe_dump(actors, allow_unicode=True, sort_keys=False, width=10**6)


def _config(vectors: Sequence[str]) -> str:
    title = "موجز عدائي " + to_canary("<script>alert(1)</script>")
    description = "موجز للاختبار " + to_canary('"><img src=x onerror=alert(1)>')
    return (f"title = {json.dumps(title)}\n"
            f"description = {json.dumps(description)}\n"
            'base_url = "https://example.org/hostile/"\n'
            'language = "ar"\n'
            'timezone = "Asia/Damascus"\n'
            "build_date = 2026-11-29T12:00:00+03:00\n"
            'auto_actors = "add"\n')


def write_hostile_digest(dest: Path) -> HostileDigest:
    """Write the digest into ``dest`` (the repository's theme, this module's content)."""
    vectors = load_vectors()
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("templates", "static"):
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part, dirs_exist_ok=True)
    articles = dest / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (dest / "mawjaz.toml").write_text(_config(vectors), "utf-8")
    (dest / "content" / "actors.yaml").write_text(_registry(vectors), "utf-8")
    expected: dict[str, tuple[str, ...]] = {}
    for n, art in enumerate(PASTED):
        (articles / f"{art.slug}.md").write_text(_pasted_article(n, art, vectors), "utf-8")
        expected[art.slug] = (*art.prose, *([art.closing] if art.closing else []))
    for n, (slug, lang, title, lead) in enumerate(HOSTILE_ARTICLES):
        (articles / f"{slug}.md").write_text(
            _corpus_article(n, slug, lang, title, lead, vectors), "utf-8")
        expected[slug] = (lead,)
    return HostileDigest(dest, expected, len(vectors))
