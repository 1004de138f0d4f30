"""Generate a deterministic digest shaped like a real Arabic news archive, for benchmarks.

Why not the synthetic corpus (corpus.py): its 60-word vocabulary, uniform lengths and unique
titles make every stage look cheaper than it is on a real archive. A search index grows with
the vocabulary, related-article weights and actor pages with how names recur, and the slug and
page machinery meets repeated titles every day in a real one. What this corpus imitates:

- **Words** sampled by their frequency in real text: benchmarks/data/ar_news_words.tsv and
  en_news_words.tsv, the top of wordfreq 3.1.1's lists (CC BY-SA 4.0; see their headers and
  make_word_tables.py). The share of tokens past a table's last word is spent on an open-class
  tail: a table word with attached clitics (و ف ب ل ك before it, a pronoun after it), which is
  what most rare Arabic surface forms are, so the vocabulary keeps growing with the archive.
  About 1.5% of Arabic tokens are numbers. English has no such tail: its vocabulary stops at
  the table's 10,000 words.
- **Lengths**: log-normal, median 280 words, clamped to 40..2,000; sentences of about 20 words
  with commas (، in Arabic), paragraphs of one to three sentences, some headings, lists,
  quotes, links, images and bold, and a dateline on agency-style stories.
- **Names**: a registry of about 250 actors (persons from common given and family names,
  states, ministries, international organisations, parties, armed groups, the outlets) and
  100 people not in it, mentioned with a skewed (Zipf) popularity and the spellings real text
  uses (attached و ب ل ف, لل for ل+ال, hamza left off, عبد joined or split, ة written ه).
- **Titles**: mostly unique headlines, plus daily and weekly columns that repeat one title on
  many dates, the same agency story published by two outlets (same title, or one differing
  only in punctuation, hamza or tashkeel; a slightly different body), and section prefixes
  such as «عاجل:».
- **Outlets and dates**: 14 outlets (two English, about 10% of articles), about 36 articles a
  day from 1 January 2021, each with a `source:`; some bodies end in pasted boilerplate.

Until article URLs carry their date (issue #18), two articles with one title would make a
build fail on a duplicate slug, so by default every article whose title repeats an earlier
one (after the normalisation slugs use, made coarser here to be safe) gets an explicit `slug:`
of its title, date and outlet, as a curator would give it. `--no-explicit-slugs` writes the
archive as it would be with dated URLs: titles repeat and nothing tells their articles apart.

    python benchmarks/realistic_corpus.py DIR --articles 10000 [--seed 7] [--search]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
START = datetime(2021, 1, 1, tzinfo=timezone(timedelta(hours=3)))
PER_DAY = 36  # articles a day over all outlets, on average
MEDIAN_WORDS = 280
MAX_WORDS = 2000
MIN_WORDS = 40
NUMBER_SHARE = 0.015  # of Arabic tokens; numbers are part of wordfreq's tail too

# -- outlets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    """A publication; fictional names, so no real outlet is credited with generated text."""

    code: str
    ar: str
    en: str
    lang: str
    weight: float  # share of the day's articles
    quotes: tuple[str, str]  # the quotation marks its house style uses
    tail: int  # which boilerplate tail its pages leave in a pasted body (-1: none)
    dateline: str  # agency style opens stories with «city - outlet:»

    @property
    def domain(self) -> str:
        return f"{self.code}.example"


OUTLETS = (
    Outlet("alrased", "الراصد", "Al-Rased", "ar", 1.4, ("«", "»"), 0, "الراصد"),
    Outlet("sawt-shamal", "صوت الشمال", "Sawt al-Shamal", "ar", 1.1, ("\"", "\""), 1, ""),
    Outlet("wakalat-sham", "وكالة أنباء الشام", "Sham News Agency", "ar", 1.6, ("“", "”"), -1, "أنباء الشام"),
    Outlet("almarsad", "المرصد الاقتصادي", "Economic Observer", "ar", 0.8, ("«", "»"), 2, ""),
    Outlet("nabd", "نبض المدينة", "Nabd al-Madina", "ar", 0.9, ("\"", "\""), 3, ""),
    Outlet("alwadi", "الوادي نت", "Alwadi Net", "ar", 0.7, ("“", "”"), 0, ""),
    Outlet("sada", "صدى الساحل", "Sada al-Sahel", "ar", 0.6, ("«", "»"), 4, ""),
    Outlet("aljisr", "الجسر", "Al-Jisr", "ar", 0.9, ("\"", "\""), 1, ""),
    Outlet("manbar", "منبر الحوار", "Manbar al-Hiwar", "ar", 0.5, ("«", "»"), -1, ""),
    Outlet("alhadath-yawmi", "الحدث اليومي", "Daily Event", "ar", 1.0, ("“", "”"), 5, ""),
    Outlet("qanat-sharq", "قناة الشرق الجديد", "New East TV", "ar", 0.8, ("\"", "\""), 3, ""),
    Outlet("wakalat-khabar", "وكالة خبر", "Khabar Agency", "ar", 1.0, ("«", "»"), -1, "خبر"),
    Outlet("levant-monitor", "ليفانت مونيتور", "Levant Monitor", "en", 0.7, ("\"", "\""), 6, ""),
    Outlet("gulf-wire", "غلف واير", "Gulf Wire", "en", 0.6, ("“", "”"), 7, "Gulf Wire"),
)

# The pasted tails real imports carry (the phrases are common news-theme text; see
# generator/data/boilerplate_additions.tsv for where each is seen).
TAILS = (
    "مقالات ذات صلة\n\nاترك تعليقاً\n\nلن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها"
    " بـ *\n\nزر الذهاب إلى الأعلى",
    "شارك هذا المقال\n\nفيسبوك تويتر واتساب تلغرام",
    "اقرأ أيضاً\n\nالأكثر قراءة\n\nتابعونا على تلغرام",
    "أخبار ذات صلة\n\nالمقال السابق\n\nالمقال التالي",
    "شاهد أيضاً\n\nإغلاق",
    "المصدر: وكالات\n\nالوسوم\n\nالأكثر مشاهدة",
    "Related posts\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *",
    "Share this:\n\nTwitter Facebook\n\nLike this:\n\nRelated",
)
TAIL_SHARE = 0.18

# -- actors ---------------------------------------------------------------------------------
# Common given and family names (Arabic; usual English spelling, then other spellings).

GIVEN = (
    ("محمد", "Mohammed", "Muhammad", "Mohamed"), ("أحمد", "Ahmed", "Ahmad"), ("علي", "Ali"),
    ("عمر", "Omar", "Umar"), ("خالد", "Khaled", "Khalid"), ("حسن", "Hassan", "Hasan"),
    ("حسين", "Hussein", "Hussain"), ("إبراهيم", "Ibrahim", "Ebrahim"), ("يوسف", "Youssef", "Yusuf"),
    ("مصطفى", "Mustafa", "Moustafa"), ("عبد الله", "Abdullah", "Abdallah"),
    ("عبد الرحمن", "Abdulrahman", "Abdul Rahman"), ("عبد العزيز", "Abdulaziz", "Abdel Aziz"),
    ("عبد الكريم", "Abdulkarim", "Abdel Karim"), ("سامي", "Sami", "Samy"), ("فادي", "Fadi"),
    ("رامي", "Rami", "Ramy"), ("طارق", "Tarek", "Tariq"), ("ماهر", "Maher"), ("نبيل", "Nabil"),
    ("وليد", "Walid", "Waleed"), ("هشام", "Hisham", "Hesham"), ("زياد", "Ziad", "Ziyad"),
    ("باسل", "Basel", "Bassel"), ("أنس", "Anas"), ("أيمن", "Ayman"), ("أسامة", "Osama", "Usama"),
    ("إياد", "Iyad", "Eyad"), ("عماد", "Imad", "Emad"), ("جمال", "Jamal", "Gamal"),
    ("كمال", "Kamal"), ("منذر", "Munther", "Monzer"), ("سليم", "Salim", "Selim"),
    ("سعيد", "Said", "Saeed"), ("رياض", "Riad", "Riyad"), ("فراس", "Firas"), ("غسان", "Ghassan"),
    ("هيثم", "Haitham", "Haytham"), ("نادر", "Nader"), ("ياسر", "Yasser", "Yasir"),
    ("بشير", "Bashir", "Basheer"), ("فاطمة", "Fatima", "Fatma"), ("مريم", "Maryam", "Mariam"),
    ("ليلى", "Layla", "Leila"), ("هدى", "Huda", "Hoda"), ("رنا", "Rana"), ("سلمى", "Salma"),
    ("نور", "Nour", "Noor"), ("ريم", "Reem", "Rim"), ("دينا", "Dina"), ("سارة", "Sara", "Sarah"),
    ("لينا", "Lina"), ("هالة", "Hala"), ("منى", "Mona", "Muna"), ("أمل", "Amal"),
)
FAMILY = (
    ("الأحمد", "al-Ahmad"), ("العلي", "al-Ali"), ("الخطيب", "al-Khatib"), ("الحسن", "al-Hassan"),
    ("الشامي", "al-Shami"), ("الحلبي", "al-Halabi"), ("المصري", "al-Masri"), ("العمر", "al-Omar"),
    ("الحمد", "al-Hamad"), ("السيد", "al-Sayed"), ("الزعبي", "al-Zoubi"), ("النجار", "al-Najjar"),
    ("الحداد", "al-Haddad"), ("العطار", "al-Attar"), ("الخوري", "al-Khoury"), ("الرفاعي", "al-Rifai"),
    ("القاسم", "al-Qasim"), ("الصالح", "al-Saleh"), ("المحمد", "al-Mohammed"), ("البكري", "al-Bakri"),
    ("الجاسم", "al-Jasim"), ("الدباغ", "al-Dabbagh"), ("الطويل", "al-Taweel"), ("الكردي", "al-Kurdi"),
    ("الحمصي", "al-Homsi"), ("الإدلبي", "al-Idlibi"), ("الحوراني", "al-Hourani"),
    ("الدمشقي", "al-Dimashqi"), ("عثمان", "Othman"), ("منصور", "Mansour"), ("خليل", "Khalil"),
    ("ناصر", "Nasser"), ("سليمان", "Suleiman"), ("عيسى", "Issa"), ("موسى", "Moussa"),
    ("حمدان", "Hamdan"), ("شاهين", "Shaheen"), ("درويش", "Darwish"), ("صبري", "Sabri"),
    ("زيدان", "Zidan"), ("الجبوري", "al-Jubouri"), ("العبيدي", "al-Obeidi"), ("الشمري", "al-Shammari"),
    ("الأسعد", "al-Asaad"), ("البيطار", "al-Bitar"), ("الحكيم", "al-Hakim"), ("الأيوبي", "al-Ayoubi"),
    ("قباني", "Qabbani"), ("العظمة", "al-Azma"), ("الأتاسي", "al-Atassi"),
)
ROLES = ("وزير الخارجية", "رئيس الوزراء", "المتحدث باسم الحكومة", "السفير", "الناشط", "الصحفي",
         "المحلل السياسي", "الباحث", "رئيس المجلس المحلي", "المبعوث الخاص", "النائب", "المحافظ",
         "الخبير الاقتصادي", "مدير المنظمة", "قائد الشرطة")
EN_ROLES = ("Foreign Minister", "Prime Minister", "government spokesperson", "ambassador",
            "activist", "journalist", "analyst", "researcher", "envoy", "governor", "economist")

# (Arabic, English, Arabic adjective (feminine, with ال), English adjective, other spellings)
STATES = (
    ("سوريا", "Syria", "السورية", "Syrian", ("سورية", "الجمهورية العربية السورية", "Syrian Arab Republic")),
    ("تركيا", "Turkey", "التركية", "Turkish", ("الجمهورية التركية", "Türkiye")),
    ("روسيا", "Russia", "الروسية", "Russian", ("روسيا الاتحادية", "Russian Federation")),
    ("إيران", "Iran", "الإيرانية", "Iranian", ("الجمهورية الإسلامية الإيرانية",)),
    ("الولايات المتحدة", "United States", "الأمريكية", "US",
     ("الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية", "أمريكا", "أميركا", "USA")),
    ("فرنسا", "France", "الفرنسية", "French", ()),
    ("ألمانيا", "Germany", "الألمانية", "German", ()),
    ("بريطانيا", "United Kingdom", "البريطانية", "British", ("المملكة المتحدة", "Britain", "UK")),
    ("الصين", "China", "الصينية", "Chinese", ()),
    ("لبنان", "Lebanon", "اللبنانية", "Lebanese", ()),
    ("الأردن", "Jordan", "الأردنية", "Jordanian", ("المملكة الأردنية الهاشمية",)),
    ("العراق", "Iraq", "العراقية", "Iraqi", ()),
    ("مصر", "Egypt", "المصرية", "Egyptian", ("جمهورية مصر العربية",)),
    ("السعودية", "Saudi Arabia", "السعودية", "Saudi", ("المملكة العربية السعودية",)),
    ("قطر", "Qatar", "القطرية", "Qatari", ()),
    ("الإمارات", "United Arab Emirates", "الإماراتية", "Emirati", ("الإمارات العربية المتحدة", "UAE")),
    ("الكويت", "Kuwait", "الكويتية", "Kuwaiti", ()),
    ("اليمن", "Yemen", "اليمنية", "Yemeni", ()),
    ("ليبيا", "Libya", "الليبية", "Libyan", ()),
    ("تونس", "Tunisia", "التونسية", "Tunisian", ()),
    ("الجزائر", "Algeria", "الجزائرية", "Algerian", ()),
    ("السودان", "Sudan", "السودانية", "Sudanese", ()),
    ("إيطاليا", "Italy", "الإيطالية", "Italian", ()),
    ("اليابان", "Japan", "اليابانية", "Japanese", ()),
    ("البحرين", "Bahrain", "البحرينية", "Bahraini", ()),
)
MINISTRIES = (("الخارجية", "Foreign Ministry"), ("الدفاع", "Defence Ministry"),
              ("الداخلية", "Interior Ministry"), ("الصحة", "Health Ministry"),
              ("الاقتصاد", "Economy Ministry"))
ORGANISATIONS = (
    ("الأمم المتحدة", "United Nations", ("منظمة الأمم المتحدة", "UN")),
    ("مجلس الأمن الدولي", "UN Security Council", ("مجلس الأمن", "Security Council")),
    ("جامعة الدول العربية", "Arab League", ("الجامعة العربية", "League of Arab States")),
    ("الاتحاد الأوروبي", "European Union", ("EU",)),
    ("حلف شمال الأطلسي", "NATO", ("الناتو", "حلف الناتو")),
    ("صندوق النقد الدولي", "International Monetary Fund", ("IMF",)),
    ("البنك الدولي", "World Bank", ()),
    ("منظمة الصحة العالمية", "World Health Organization", ("WHO",)),
    ("اللجنة الدولية للصليب الأحمر", "International Committee of the Red Cross", ("الصليب الأحمر", "ICRC")),
    ("مفوضية الأمم المتحدة لشؤون اللاجئين", "UNHCR", ("المفوضية السامية لشؤون اللاجئين",)),
    ("برنامج الأغذية العالمي", "World Food Programme", ("WFP",)),
    ("منظمة العفو الدولية", "Amnesty International", ("العفو الدولية",)),
    ("هيومن رايتس ووتش", "Human Rights Watch", ()),
    ("منظمة التعاون الإسلامي", "Organisation of Islamic Cooperation", ()),
    ("مجلس التعاون الخليجي", "Gulf Cooperation Council", ("مجلس التعاون لدول الخليج العربية", "GCC")),
    ("منظمة حظر الأسلحة الكيميائية", "OPCW", ()),
    ("المحكمة الجنائية الدولية", "International Criminal Court", ("ICC",)),
    ("يونيسف", "UNICEF", ("منظمة الأمم المتحدة للطفولة", "اليونيسف")),
    ("أوبك", "OPEC", ("منظمة أوبك",)),
    ("الاتحاد الأفريقي", "African Union", ("الاتحاد الإفريقي",)),
    ("الهلال الأحمر العربي السوري", "Syrian Arab Red Crescent", ("الهلال الأحمر السوري",)),
)
# Fictional parties and armed groups: generated news must not be about real ones.
PARTIES = (("حزب الغد المدني", "Civic Tomorrow Party"), ("تيار النهضة الوطني", "National Renaissance Current"),
           ("حزب العمل الديمقراطي الحر", "Free Democratic Labour Party"),
           ("الكتلة الوطنية المستقلة", "Independent National Bloc"),
           ("حزب الخضر المشرقي", "Levant Greens"), ("التجمع الشعبي للإصلاح", "Popular Reform Rally"))
GROUPS = (("لواء الساحل الأخضر", "Green Coast Brigade"), ("جبهة الوادي الشرقي", "Eastern Valley Front"),
          ("كتائب الفجر الجديد", "New Dawn Battalions"), ("قوات حماية البادية", "Badia Protection Forces"),
          ("فرقة الجبل الثالثة", "Third Mountain Division"))


@dataclass(frozen=True)
class Actor:
    """One registry entry (or, with ``registered`` false, a person the registry lacks)."""

    id: str
    kind: str
    ar: str
    en: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    registered: bool = True
    role: int = -1  # index into ROLES for persons

    def forms(self, lang: str) -> tuple[str, ...]:
        """Spellings a writer in ``lang`` uses: the name first (the most common)."""
        if lang == "ar":
            return (self.ar, *(a for a in self.aliases if _is_arabic(a)))
        return (self.en, *(a for a in self.aliases if not _is_arabic(a)))


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def fold(text: str) -> str:
    """A coarse match key: letters only, tashkeel and tatweel gone, hamza seats, ة/ه and ى/ي
    folded, case folded. Coarser than both the slug and the actor matcher, so two texts they
    would take as one are always one here."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u064B-\u065F\u0670\u0640]", "", text)
    text = text.translate(_FOLDS)
    return "".join(ch for ch in text if ch.isalnum())


_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ء": "",
                        "ة": "ه", "ى": "ي"})


def make_actors(rng: random.Random) -> tuple[Actor, ...]:
    """About 250 registered actors and 100 unregistered people, in a seeded popularity order."""
    actors: list[Actor] = []
    taken: set[str] = set()

    def claim(*names: str) -> bool:
        keys = [fold(n) for n in names]
        if any(k in taken for k in keys) or len(set(keys)) < len(keys):
            return False
        taken.update(keys)
        return True

    for ar, en, _, _, more in STATES:
        claim(ar, en, *more)
        actors.append(Actor(f"state-{_ascii(en)}", "state", ar, en, more))
    # Every ministry of the five states most in the news, the foreign ministry of six more.
    for rank, (_, _, adj_ar, adj_en, _) in enumerate(STATES[:5] + STATES[9:15]):
        for m_ar, m_en in MINISTRIES if rank < 5 else MINISTRIES[:1]:
            ar, en = f"وزارة {m_ar} {adj_ar}", f"{adj_en} {m_en}"
            alias = (f"{m_ar} {adj_ar}",)
            claim(ar, en, *alias)
            actors.append(Actor(f"ministry-{_ascii(en)}", "government", ar, en, alias))
    for ar, en, more in ORGANISATIONS:
        claim(ar, en, *more)
        actors.append(Actor(f"org-{_ascii(en)}", "organisation", ar, en, more))
    for kind, table in (("party", PARTIES), ("armed-group", GROUPS)):
        for ar, en in table:
            claim(ar, en)
            actors.append(Actor(f"{kind}-{_ascii(en)}", kind, ar, en))
    for outlet in OUTLETS:
        claim(outlet.ar, outlet.en)
        actors.append(Actor(f"media-{outlet.code}", "media", outlet.ar, outlet.en))
    people = 0
    while people < 250:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        ar, en = f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        variants = tuple(f"{g} {family[1]}" for g in given[2:])
        if given[0].startswith("عبد "):
            variants = (f"{given[0].replace(' ', '')} {family[0]}", *variants)
        if not claim(ar, en, *variants):
            continue
        registered = people < 150
        role = rng.randrange(len(ROLES))
        actors.append(Actor(f"person-{_ascii(en)}", "person", ar, en, variants,
                            description=ROLES[role] if rng.random() < 0.5 else "",
                            registered=registered, role=role))
        people += 1
    order = list(range(len(actors)))
    rng.shuffle(order)  # popularity rank is not registry order
    return tuple(actors[i] for i in order)


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
                  .decode().lower()).strip("-")


def registry_yaml(actors: Sequence[Actor]) -> str:
    """``content/actors.yaml`` in the format mawjaz reads (registry order: kind, then id)."""
    lines = ["# Benchmark registry made by benchmarks/realistic_corpus.py: real states and",
             "# international organisations, fictional people, parties, groups and outlets.", ""]
    for actor in sorted((a for a in actors if a.registered), key=lambda a: (a.kind, a.id)):
        lines += [f"- id: {actor.id}", f"  kind: {actor.kind}", "  names:",
                  f"    ar: {_q(actor.ar)}", f"    en: {_q(actor.en)}"]
        if actor.aliases:
            lines.append("  aliases:")
            lines += [f"    - {_q(a)}" for a in actor.aliases]
        if actor.description:
            lines.append(f"  description: {_q(actor.description)}")
        lines.append("")
    return "\n".join(lines)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# -- words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordTable:
    """A frequency list ready for weighted sampling."""

    words: tuple[str, ...]
    cumulative: tuple[float, ...]
    tail: float  # share of real tokens past the table's last word

    def sample(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def band(self, low: int, high: int) -> WordTable:
        """The words ranked ``low`` to ``high``: content words for titles and the tail."""
        words = self.words[low:high]
        weights = [b - a for a, b in itertools.pairwise((0.0, *self.cumulative))][low:high]
        return WordTable(words, tuple(itertools.accumulate(weights)), 0.0)


def load_table(lang: str) -> WordTable:
    """The committed table for ``lang``."""
    name = {"ar": "ar_news_words.tsv", "en": "en_news_words.tsv"}[lang]
    words, counts, tail = [], [], 0.0
    for line in (DATA / name).read_text("utf-8").splitlines():
        if line.startswith("# tail:"):
            tail = float(line.split()[2])
        elif line and not line.startswith("#") and not line.startswith("word\t"):
            word, count = line.split("\t")
            words.append(word)
            counts.append(int(count))
    return WordTable(tuple(words), tuple(itertools.accumulate(counts)), tail)


@dataclass(frozen=True)
class Tables:
    """Both languages' tables and the bands cut from them, loaded once per corpus."""

    words: dict[str, WordTable]
    titles: dict[str, WordTable]  # past the function words: headlines are content words
    tail: WordTable  # Arabic words that take clitics in the open-class tail

    @classmethod
    def load(cls) -> Tables:
        words = {lang: load_table(lang) for lang in ("ar", "en")}
        return cls(words, {lang: t.band(120, 8000) for lang, t in words.items()},
                   words["ar"].band(300, 30000))


PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
SUFFIXES = ("ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي", "ك")


def clitic_form(rng: random.Random, word: str) -> str:
    """A rarer surface form of a real word: attached prefixes and/or a pronoun suffix, with
    the spelling rules that apply (ل + ال is لل; ة becomes ت before a suffix). A word that
    already carries a conjunction or a pronoun gets no second one."""
    if word.startswith("ال"):
        prefix = rng.choice(PREFIXES)
        return prefix[:-1] + "لل" + word[2:] if prefix.endswith("ل") else prefix + word
    suffix = ""
    if rng.random() < 0.7 and len(word) > 2 and not word.endswith(_SUFFIXED):
        suffix = rng.choice(SUFFIXES)
        if word.endswith("ة"):
            word = word[:-1] + "ت"
    prefix = ""
    if (not suffix or rng.random() < 0.4) and word[0] not in "وف":
        prefix = rng.choice(PREFIXES)
    return prefix + word + suffix if prefix or suffix else "و" + word


_SUFFIXED = (*SUFFIXES, "ين", "ون", "وا", "ى", "ا", "ء")


def number(rng: random.Random) -> str:
    """Years, counts, amounts and percentages, as news prints them."""
    kind = rng.random()
    if kind < 0.35:
        return str(rng.randint(1946, 2025))
    if kind < 0.7:
        return str(rng.randint(2, 99))
    if kind < 0.85:
        return f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}"
    return f"{rng.randint(1, 95)}%"


# -- text -----------------------------------------------------------------------------------


@dataclass
class Writer:
    """What one article's text is made from; holds the rng and the tables for brevity."""

    rng: random.Random
    tables: Tables
    lang: str
    outlet: Outlet
    mentions: list[Actor] = field(default_factory=list)

    @property
    def table(self) -> WordTable:
        return self.tables.words[self.lang]

    def words(self, count: int) -> list[str]:
        rng = self.rng
        out = self.table.sample(rng, count)
        if self.lang == "ar":
            tail = self.tables.tail
            for i in range(count):
                r = rng.random()
                if r < NUMBER_SHARE:
                    out[i] = number(rng)
                elif r < self.table.tail:
                    out[i] = clitic_form(rng, tail.sample(rng, 1)[0])
        return out

    def sentence(self, size: int | None = None) -> str:
        rng = self.rng
        if size is None:
            size = max(5, min(60, round(rng.lognormvariate(math.log(19), 0.45))))
        words = self.words(size)
        if self.mentions and rng.random() < 0.3:
            actor = self.mentions[min(int(rng.paretovariate(1.3)) - 1, len(self.mentions) - 1)]
            if rng.random() < 0.5:
                start = self.opener(actor)
                words[:2] = [start]
            else:
                words.insert(rng.randrange(1, len(words)), self.mention(actor, prefixed=True))
        comma = "،" if self.lang == "ar" else ","
        for i in range(3, len(words) - 2):
            if rng.random() < 0.09 and not words[i - 1].endswith(comma):
                words[i] += comma
        if self.lang == "en":
            words[0] = words[0][:1].upper() + words[0][1:]
        end = "." if rng.random() < 0.97 else ("؟" if self.lang == "ar" else "?")
        if self.lang == "ar" and rng.random() < 0.02:
            end = "؛"
        return " ".join(words) + end

    def opener(self, actor: Actor) -> str:
        rng = self.rng
        name = self.mention(actor, prefixed=False)
        if self.lang == "en":
            return f"{name} said" if rng.random() < 0.6 else f"According to {name},"
        verb = rng.choice(("قال", "وقال", "أكد", "وأكد", "أعلن", "وأعلن", "ودعا", "وأشار", "وبحث",
                           "والتقى", "ورحب", "وأدان", "وطالب", "ونفى", "وكشف", "من جهته، قال"))
        if actor.kind == "person" and rng.random() < 0.4:
            name = f"{ROLES[actor.role]} {name}"
        return f"{verb} {name}"

    def mention(self, actor: Actor, prefixed: bool) -> str:
        """One way real text writes the actor: a name or alias, often with a spelling variant."""
        rng = self.rng
        forms = actor.forms(self.lang)
        text = forms[0] if rng.random() < 0.6 else rng.choice(forms)
        if self.lang == "en":
            return text
        if rng.random() < 0.25:
            text = text.translate(_HAMZA_OFF)
        if rng.random() < 0.03:
            text = re.sub(r"ة\b", "ه", text)
        if rng.random() < 0.03:
            text = re.sub(r"ى\b", "ي", text)
        if prefixed and rng.random() < 0.35:
            prefix = rng.choice(("و", "ب", "ل", "ف", "وب", "ول"))
            joined = text.startswith("ال") and prefix.endswith("ل")  # ل + ال is لل
            text = prefix[:-1] + "لل" + text[2:] if joined else prefix + text
        return text

    def paragraph(self) -> str:
        rng = self.rng
        count = rng.choices((1, 2, 3), (0.45, 0.4, 0.15))[0]
        text = " ".join(self.sentence() for _ in range(count))
        if rng.random() < 0.08:
            open_, close = self.outlet.quotes
            quote = self.sentence(rng.randint(8, 25)).rstrip(".؟?؛")
            lead = self.opener(self.mentions[0]) if self.mentions else (
                "وقال مصدر مطلع" if self.lang == "ar" else "A source said")
            text += f" {lead}{' إن' if self.lang == 'ar' else ' that'} {open_}{quote}{close}."
        if rng.random() < 0.03:
            words = text.split(" ")
            i = rng.randrange(len(words))
            words[i] = f"**{words[i].rstrip('،,.')}**" + (words[i][-1] if words[i][-1] in "،,." else "")
            text = " ".join(words)
        return text

    def heading(self) -> str:
        return "## " + " ".join(self.tables.titles[self.lang].sample(self.rng, self.rng.randint(2, 6)))

    def link(self, index: int) -> str:
        anchor = " ".join(self.tables.titles[self.lang].sample(self.rng, self.rng.randint(2, 5)))
        other = self.rng.choice(OUTLETS)
        return f"[{anchor}](https://{other.domain}/news/{index * 7 + self.rng.randint(1, 999)})"

    def body(self, length: int, index: int) -> list[str]:
        """Paragraphs (and the odd heading, list, quote, link, image) of about ``length`` words."""
        rng = self.rng
        blocks: list[str] = []
        total, since_heading = 0, 0
        while total < length - 25:  # stop near the target, not a paragraph past it
            if length > 500 and since_heading > rng.randint(150, 260) and total < length - 80:
                blocks.append(self.heading())
                since_heading = 0
            block = self.paragraph()
            roll = rng.random()
            if roll < 0.02:
                items = [" ".join(self.words(rng.randint(3, 9))) for _ in range(rng.randint(3, 6))]
                block = "\n".join(f"- {item}" for item in items)
            elif roll < 0.035:
                block = "> " + self.sentence()
            elif roll < 0.06:
                block += " " + self.link(index)
            elif roll < 0.07:
                block = (f"![{' '.join(self.words(4))}](https://img.{self.outlet.domain}/"
                         f"{index:07d}-{rng.randint(1, 9)}.jpg)")
            size = len(block.split())
            total += size
            since_heading += size
            blocks.append(block)
        return blocks


_HAMZA_OFF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


# -- titles ---------------------------------------------------------------------------------

# Headline verbs, masculine; the feminine form starts with ت instead of ي.
AR_VERBS = ("يبحث", "يدعو", "يؤكد", "يعلن", "يلتقي", "يرفض", "يحذر", "يطالب", "ينفي", "يكشف",
            "يستقبل", "يدين")
FEMININE_GIVEN = frozenset(("فاطمة", "مريم", "ليلى", "هدى", "رنا", "سلمى", "نور", "ريم", "دينا",
                            "سارة", "لينا", "هالة", "منى", "أمل"))
FEMININE_HEADS = ("وزارة", "منظمة", "جامعة", "مفوضية", "المحكمة", "اللجنة", "قوات", "فرقة",
                  "كتائب", "جبهة", "وكالة", "قناة", "الكتلة", "الأمم")
EN_VERBS = ("discusses", "calls for", "warns of", "announces", "rejects", "meets", "denies",
            "reveals", "condemns", "backs", "urges")
AR_SECTIONS = ("عاجل:", "بالفيديو:", "بالصور:", "تقرير:", "خاص:", "عاجل |", "متابعة |")
EN_SECTIONS = ("Breaking:", "Analysis:", "Explainer:", "Watch:")

# Columns that run under one title on many dates: (title, outlet code, period, kind). The
# period is "daily" or a weekday (0 = Monday); kind picks the body.
COLUMNS = (
    ("هذا اليوم في التاريخ", "alrased", "daily", "history"),
    ("جولة في الصحف", "alhadath-yawmi", 0, "review"),
    ("أسعار الصرف والذهب", "almarsad", "daily", "rates"),
    ("نشرة الطقس", "nabd", 2, "weather"),
    ("فواصل", "sawt-shamal", 3, "opinion"),
    ("الاقتصاد في صور", "almarsad", 6, "photos"),
    ("حصاد الأسبوع", "wakalat-khabar", 4, "review"),
    ("من الأرشيف", "aljisr", 1, "history"),
    ("كلمة العدد", "manbar", 5, "opinion"),
    ("Morning Briefing", "levant-monitor", "daily", "review"),
    ("This Week in Pictures", "gulf-wire", 4, "photos"),
)
CITIES = ("دمشق", "حلب", "إدلب", "حمص", "دير الزور", "القامشلي", "درعا", "بيروت", "عمّان", "أنقرة",
          "إسطنبول", "القاهرة", "جنيف", "موسكو", "واشنطن", "الدوحة", "بغداد")
CURRENCIES = ("الدولار الأمريكي", "اليورو", "الليرة التركية", "الريال السعودي", "الدينار الأردني",
              "الجنيه المصري", "غرام الذهب عيار 21", "غرام الذهب عيار 18")


def headline(rng: random.Random, tables: Tables, lang: str, actors: Sequence[Actor]) -> str:
    """A news-shaped headline: an actor and a verb, a label and a colon, or a quote."""
    band = tables.titles[lang]
    writer = Writer(rng, tables, lang, OUTLETS[0])
    noun = " ".join(band.sample(rng, rng.randint(2, 6)))
    pattern = rng.random()
    if actors and pattern < 0.45:
        who = writer.mention(actors[0], prefixed=False)
        verb = rng.choice(AR_VERBS if lang == "ar" else EN_VERBS)
        if lang == "ar" and _feminine(actors[0]):
            verb = "ت" + verb[1:]  # the verb agrees with its subject
        title = f"{who} {verb} {noun}"
    elif actors and pattern < 0.55:
        who = writer.mention(actors[0], prefixed=False)
        title = f"{who}: \"{noun}\""
    elif pattern < 0.75:
        place = rng.choice(CITIES) if lang == "ar" else rng.choice(("Damascus", "Aleppo", "Idlib", "Geneva", "Ankara"))
        title = f"{place}: {noun}"
    else:
        title = " ".join(band.sample(rng, rng.randint(5, 11)))
    if rng.random() < 0.05:
        title = f"{rng.choice(AR_SECTIONS if lang == 'ar' else EN_SECTIONS)} {title}"
    return title[:1].upper() + title[1:] if lang == "en" else title


def _feminine(actor: Actor) -> bool:
    """Whether an Arabic verb before the actor takes the feminine form."""
    first = actor.ar.split()[0]
    if actor.kind == "person":
        return first in FEMININE_GIVEN
    return actor.kind == "state" or first in FEMININE_HEADS


def title_variant(rng: random.Random, title: str) -> str:
    """The same title as another outlet or an update prints it: different punctuation, a hamza
    left off, tashkeel added, or a tatweel. Tashkeel, tatweel and punctuation do not reach the
    slug; a hamza does."""
    kind = rng.randrange(4)
    if kind == 0 and re.search("[أإآ]", title):
        return title.translate(_HAMZA_OFF)
    words = title.split(" ")
    i = rng.randrange(len(words))
    if kind == 1 and _is_arabic(words[i]) and len(words[i]) > 2:
        words[i] = words[i][0] + rng.choice("\u064E\u064F\u0650\u0651") + words[i][1:]
        return " ".join(words)
    if kind == 2 and _is_arabic(words[i]) and len(words[i]) > 3:
        words[i] = words[i][:2] + "\u0640" + words[i][2:]
        return " ".join(words)
    if ":" in title:
        return title.replace(":", " -", 1)
    return title + rng.choice(("!", "…", ".", " (محدث)"))


# -- the archive ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One article, before its text is written: what makes it part of an archive."""

    serial: int
    when: datetime
    outlet: Outlet
    lang: str
    title: str
    kind: str  # "news", a column kind, or "copy" (a second outlet's version of a story)
    seed: int  # of the text; a copy shares its original's
    actors: tuple[int, ...]  # popularity ranks of the actors it names
    length: int


def plan(rng: random.Random, tables: Tables, count: int, actors: Sequence[Actor]) -> list[Planned]:
    """Day by day from START until ``count`` articles (the last day cut short): a smaller
    corpus is the start of a larger one made with the same seed."""
    popularity = tuple(itertools.accumulate(1 / (r + 1) ** 1.05 for r in range(len(actors))))
    out: list[Planned] = []
    day = 0
    while len(out) < count:
        out += plan_day(rng, tables, START + timedelta(days=day), actors, popularity)
        day += 1
    return [replace(p, serial=i) for i, p in enumerate(out[:count])]


def plan_day(rng: random.Random, tables: Tables, date: datetime, actors: Sequence[Actor],
             popularity: Sequence[float]) -> list[Planned]:
    """One day: the columns due, each outlet's news (a Poisson number, fewer on Fridays), and
    the agency stories a second outlet runs the same day."""
    by_code = {o.code: o for o in OUTLETS}
    total_weight = sum(o.weight for o in OUTLETS)
    today: list[Planned] = []

    def at(hour: float) -> datetime:
        return date + timedelta(hours=hour)

    for title, code, period, kind in COLUMNS:
        if period == "daily" or period == date.weekday():
            outlet = by_code[code]
            length = _length(rng) if kind in ("history", "opinion", "review") else rng.randint(80, 220)
            today.append(Planned(0, at(rng.uniform(7, 10)), outlet, outlet.lang, title, kind,
                                 rng.getrandbits(32), (), length))
    friday = date.weekday() == 4
    for outlet in OUTLETS:
        mean = PER_DAY * outlet.weight / total_weight * (0.6 if friday else 1.0)
        for _ in range(_poisson(rng, mean)):
            ranks = _choose_actors(rng, popularity)
            title = headline(rng, tables, outlet.lang, [actors[r] for r in ranks])
            hour = min(23.5, max(6.0, rng.gauss(13, 4.5)))
            item = Planned(0, at(hour), outlet, outlet.lang, title, "news", rng.getrandbits(32),
                           ranks, _length(rng))
            today.append(item)
            if rng.random() < 0.05:  # an agency story a second outlet runs too
                other = rng.choice([o for o in OUTLETS if o.lang == outlet.lang and o is not outlet])
                copy_title = title if rng.random() < 0.7 else title_variant(rng, title)
                later = at(min(23.95, hour + rng.uniform(0.2, 5)))
                today.append(replace(item, when=later, outlet=other, title=copy_title, kind="copy"))
    today.sort(key=lambda p: (p.when, p.outlet.code, p.title))
    return today


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _length(rng: random.Random) -> int:
    """Words in a body: log-normal with median MEDIAN_WORDS (sigma 0.65 puts about one article
    in a thousand past MAX_WORDS, where it is cut)."""
    return max(MIN_WORDS, min(MAX_WORDS, round(rng.lognormvariate(math.log(MEDIAN_WORDS), 0.65))))


def _choose_actors(rng: random.Random, popularity: Sequence[float]) -> tuple[int, ...]:
    count = rng.choices((0, 1, 2, 3, 4, 5, 6), (0.12, 0.22, 0.24, 0.18, 0.12, 0.08, 0.04))[0]
    ranks = rng.choices(range(len(popularity)), cum_weights=popularity, k=count)
    return tuple(dict.fromkeys(ranks))


def write_article(item: Planned, tables: Tables, actors: Sequence[Actor],
                  original: Planned | None) -> tuple[list[str], list[str]]:
    """(front matter lines without the slug, body blocks) of one planned article."""
    rng = random.Random(item.seed)
    named = [actors[r] for r in item.actors]
    writer = Writer(rng, tables, item.lang, item.outlet, named)
    if item.kind in ("news", "copy"):
        blocks = writer.body(item.length, item.serial)
        if blocks and (original or item).outlet.dateline and rng.random() < 0.8:
            source = (original or item).outlet
            blocks[0] = f"{rng.choice(CITIES)} - {source.dateline}: {blocks[0]}"
    else:
        blocks = column_body(writer, item)
    after = random.Random(item.seed ^ (item.serial * 2654435761))  # differs between copies
    if item.kind == "copy":
        if len(blocks) > 3 and after.random() < 0.5:
            del blocks[after.randrange(1, len(blocks))]
        else:
            blocks.append(Writer(after, tables, item.lang, item.outlet, named).paragraph())
        blocks[0] = blocks[0].replace("«", item.outlet.quotes[0]).replace("»", item.outlet.quotes[1])
    if item.outlet.tail >= 0 and after.random() < TAIL_SHARE:
        blocks.append(TAILS[item.outlet.tail])
    front = [f"title: {_q(item.title)}", f"date: {item.when.isoformat(timespec='seconds')}",
             f"lang: {item.lang}", "source:", f"  name: {_q(item.outlet.ar if item.lang == 'ar' else item.outlet.en)}",
             f"  url: https://{item.outlet.domain}/{item.when:%Y/%m/%d}/{item.serial}"]
    curated = [a.id for a in named if a.registered]
    if curated and after.random() < 0.3:
        front.append(f"actors: [{', '.join(curated[:3])}]")
    if after.random() < 0.08:
        front.append(f"summary: {_q(writer.sentence().rstrip('.'))}")
    return front, blocks


def column_body(writer: Writer, item: Planned) -> list[str]:
    """The body of a recurring column: the same shape every time, new text."""
    rng = writer.rng
    if item.kind == "rates":
        lines = [f"- {c}: {rng.randint(1, 20000):,} {rng.choice(('ليرة', 'ليرة سورية'))}" for c in CURRENCIES]
        return [writer.paragraph(), "\n".join(lines), writer.paragraph()]
    if item.kind == "weather":
        return [writer.paragraph() for _ in range(rng.randint(2, 4))]
    if item.kind == "photos":
        blocks = []
        for n in range(rng.randint(4, 9)):
            blocks.append(f"![{' '.join(writer.words(5))}](https://img.{item.outlet.domain}/"
                          f"{item.when:%Y%m%d}-{n}.jpg)")
            blocks.append(writer.sentence())
        return blocks
    if item.kind == "history":
        blocks = []
        while sum(len(b.split()) for b in blocks) < item.length:
            year = rng.randint(1900, item.when.year - 1)
            lead = f"في مثل هذا اليوم من عام {year}،" if item.lang == "ar" else f"On this day in {year},"
            blocks.append(f"{lead} {writer.paragraph()}")
        return blocks
    if item.kind == "review":
        blocks = []
        while sum(len(b.split()) for b in blocks) < item.length:
            blocks.append(f"## {rng.choice(OUTLETS).ar if item.lang == 'ar' else rng.choice(OUTLETS).en}")
            blocks += [writer.paragraph() for _ in range(rng.randint(1, 3))]
        return blocks
    return writer.body(item.length, item.serial)  # opinion


def simple_slug(text: str, limit: int = 60) -> str:
    """A readable file-name slug (tashkeel and tatweel dropped, anything not a letter or a
    digit a hyphen); mawjaz makes its own from the title."""
    text = re.sub(r"[\u064B-\u065F\u0670\u0640]", "", unicodedata.normalize("NFKC", text)).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    return slug[:limit].rstrip("-_") or "item"


def generate(folder: Path, articles: int, seed: int = 7, explicit_slugs: bool = True,
             search: bool = False) -> Path:
    """Write the digest (config, registry, articles) into ``folder``; the same arguments always
    write the same bytes."""
    rng = random.Random(seed)
    tables = Tables.load()
    actors = make_actors(rng)
    items = plan(rng, tables, articles, actors)
    target = folder / "content" / "articles"
    target.mkdir(parents=True, exist_ok=True)
    (folder / "mawjaz.toml").write_text(
        'title = "أرشيف القياس"\nbase_url = "https://example.org/bench/"\nlanguage = "ar"\n'
        'timezone = "Asia/Damascus"\nbuild_date = 2030-01-01T00:00:00+02:00\n'
        f'search = {"true" if search else "false"}\n', "utf-8")
    (folder / "content" / "actors.yaml").write_text(registry_yaml(actors), "utf-8")
    titles_seen: set[str] = set()
    originals: dict[int, Planned] = {}
    used_files: set[str] = set()
    used_slugs: set[str] = set()
    for item in items:
        original = originals.get(item.seed) if item.kind == "copy" else None
        originals.setdefault(item.seed, item)
        front, blocks = write_article(item, tables, actors, original)
        base = simple_slug(item.title)
        # As a curator does: the first article under a title keeps the URL made from it, a
        # later one gets its own. Deciding from earlier articles only keeps a smaller corpus
        # the start of a larger one.
        key = fold(item.title)[:50]
        if explicit_slugs and key in titles_seen:
            slug = f"{base}-{item.when:%Y-%m-%d}-{item.outlet.code}"
            n = 2
            while slug.casefold() in used_slugs:
                slug, n = f"{base}-{item.when:%Y-%m-%d}-{item.outlet.code}-{n}", n + 1
            used_slugs.add(slug.casefold())
            front.insert(1, f"slug: {_q(slug)}")
        titles_seen.add(key)
        name, n = f"{item.when:%Y-%m-%d}-{base}", 2
        while name in used_files:
            name, n = f"{item.when:%Y-%m-%d}-{base}-{n}", n + 1
        used_files.add(name)
        (target / f"{name}.md").write_text("---\n" + "\n".join(front) + "\n---\n\n"
                                           + "\n\n".join(blocks) + "\n", "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explicit-slugs", action=argparse.BooleanOptionalAction, default=True,
                        help="give articles whose titles repeat a `slug:` of title, date and outlet "
                             "(default on, until mawjaz dates its URLs)")
    parser.add_argument("--search", action="store_true", help="write `search = true` in mawjaz.toml")
    args = parser.parse_args()
    generate(args.folder, args.articles, args.seed, args.explicit_slugs, args.search)


if __name__ == "__main__":
    main()
