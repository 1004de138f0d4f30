"""The Arabic rules for matching and search, each defined once.

``text/normalize.py`` (the match form), ``text/matcher.py`` (finding names) and
``pages/search.py`` (the index-only search forms) import what they need from here, and
``static/js/search.js`` carries a block generated from this module (``javascript_block``),
which ``tests/unit/text/test_arabic_js.py`` compares with the file and runs under node
against the Python functions. After changing a rule, regenerate the block with::

    python -m generator.text.arabic --js

The rules and why they exist:

* **Folded letters** (``LETTER_FOLDS``). Writers and keyboards pick between spellings that
  readers treat as one: alef wasla ٱ for ا, final ى for ي (على / علي), Persian ی and ک for
  ي and ك (pasted from Persian or Urdu sources), ة for ه at the end of a word (وزارة /
  وزاره), tatweel ـ stretching a word for layout (الـوزير), and Arabic-Indic digits (٢٠٢٤,
  ۲۰۲۴) for 2024. The match form writes one of each. Hamza seats (أ إ آ) need no entry:
  Unicode decomposes them into alef plus a combining hamza or madda, which the match form
  drops with the other combining marks. The letters are named as in the Unicode Standard,
  chapter 9.2 (Arabic), and its Arabic block chart.
* **Tashkeel** (``TASHKEEL``): short vowels, shadda, sukun and the Quranic annotation marks,
  written in some texts and not in others (وَزِير / وزير). ``strip_tashkeel`` removes them
  from slugs and display keys; the matcher counts them as part of a word, never as a break.
* **Arabic letters** (``ARABIC_LETTERS``): the letters of the Arabic script in the Arabic,
  Arabic Supplement and Arabic Extended-A blocks, without tatweel, digits or punctuation. A
  change of script is a word boundary for the matcher (``الـSOC``, ``وEtilaf``), and only
  words spelled in these letters get attached-prefix spellings.
* **Peelable letters** (``PEELABLE_LETTERS``): the letters U+0620 to U+064A, the ones
  Arabic itself uses. Search peels prefixes only off words spelled entirely in them, which
  leaves Persian, Urdu and Kurdish words (پ چ ژ گ…) as written. That the matcher's range
  is wider is history, not design; making them one would change the search index of
  existing digests, so it is left for a change that says so.
* **Attached prefixes** (``CONJUNCTIONS``, ``PREPOSITIONS``): the conjunctions و ف, then the
  prepositions ب ل ك, are written joined to the next word: وفرنسا، فالرئيس، بالاتحاد،
  للأمم، كالعادة، وبالحكومة. A reader searching for الحكومة, or a registry naming فرنسا,
  expects to find them. This is the kind of prefix removal done by the "light stemmers"
  of Arabic information retrieval (Larkey, Ballesteros and Connell, "Improving Stemming
  for Arabic Information Retrieval: Light Stemming and Co-occurrence Analysis", SIGIR
  2002), limited to particles that may stand before a noun: the future particle س is not
  peeled (وسيقول → سيقول, no further), since it only attaches to verbs, and names and the
  nouns readers search for are not verbs.
* **The article** (``AL``): search also peels ال (الوزير → وزير), since a reader may type
  either; the matcher never does (المصطفى is not مصطفى: see ``matcher``).
* **Lam before the article** (``LAM``, ``ALEF``): ل + ال drops the alef (ل + الأمم → للأمم),
  and ل + ال + a word starting with ل writes its three lams as two (ل + اللجنة → للجنة).
  ``prefixed`` writes both, and ``unprefixed`` reads لل + ل… both ways, since only a
  dictionary could tell which was meant: للوزير gives الوزير (and a spurious اللوزير),
  للجنة gives اللجنة (and a spurious الجنة), each with the bare stem (وزير, لجنة). A
  spurious reading only adds recall.
* **Shortest stem** (``MIN_STEM``): a prefix is only peeled, or added, when at least three
  letters remain. Most Arabic words are built on three-letter roots, so a two-letter rest is
  usually a word that merely starts like a prefix: وضع is "put", not و + ضع.
* **Suffixes** are for search only. The search index strips attached pronouns, plural and
  feminine endings (ـها، ـات، ـون، ـة…) from each peeled reading with the light stemmer of
  ``generator/text/stemming.py``, whose suffix list is generated into search.js with this
  module's rules; names are still matched whole, suffixes and all.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import MappingProxyType

TATWEEL = "\u0640"

LETTER_FOLDS = MappingProxyType({
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a",  # Farsi ya -> ya
    "\u06d2": "\u064a",  # ya barree -> ya
    "\u0629": "\u0647",  # ta marbuta -> ha
    "\u06c1": "\u0647",  # heh goal -> ha
    "\u06a9": "\u0643",  # keheh -> kaf
    TATWEEL: "",
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic digits
})

# Character-class bodies (what goes between [ and ] in a regular expression).
TASHKEEL = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
ARABIC_LETTERS = ("\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef"
                  "\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9")
PEELABLE_LETTERS = "\u0620-\u064a"

CONJUNCTIONS = ("", "\u0648", "\u0641")  # و ف
PREPOSITIONS = ("", "\u0628", "\u0644", "\u0643")  # ب ل ك
AL = "\u0627\u0644"  # ال
LAM = "\u0644"  # ل
ALEF = "\u0627"  # ا
MIN_STEM = 3

_ARABIC_WORD = re.compile(f"[{ARABIC_LETTERS}]+")
# A word of the letters Arabic itself uses: only such a word is peeled (and stemmed, see
# ``generator.text.stemming``); Persian, Urdu and Kurdish words stay whole.
PEELABLE_WORD = re.compile(f"[{PEELABLE_LETTERS}]+")
# The letters a word that ``unprefixed`` peels begins with: a prefix's or the article's first.
_PEEL_STARTS = frozenset(c[0] for c in (*CONJUNCTIONS, *PREPOSITIONS, AL) if c)


def prefixed(word: str) -> tuple[str, ...]:
    """Every spelling of the match-form ``word`` with attached prefixes (itself excluded):
    فرنسا → وفرنسا، بفرنسا، فبفرنسا…; الائتلاف → للائتلاف، وللائتلاف…; اللجنه → للجنه.
    Only Arabic words of at least ``MIN_STEM`` letters get any."""
    if not _ARABIC_WORD.fullmatch(word) or len(word) < MIN_STEM:
        return ()
    forms: list[str] = []
    for conj in CONJUNCTIONS:
        for prep in PREPOSITIONS:
            if not conj and not prep:
                continue
            if prep == LAM and word.startswith(AL):
                rest = word[len(AL):]
                # ل + ال → لل; ل + الل… → لل… (three lams written as two).
                forms.append(conj + LAM + (rest if rest.startswith(LAM) else LAM + rest))
            else:
                forms.append(conj + prep + word)
    return tuple(dict.fromkeys(forms))


def unprefixed(form: str) -> tuple[str, ...]:
    """Readings of a match-form word without attached prefixes or article (itself excluded):
    والتعليم → التعليم, تعليم; للوزير → الوزير, وزير; للجنه → اللجنه, لجنه. A reading
    keeps at least ``MIN_STEM`` letters (but for what the lam rule restores: لله → الله);
    spurious ones (وزير → زير) only add recall."""
    if not form or form[0] not in _PEEL_STARTS or not PEELABLE_WORD.fullmatch(form):
        return ()  # most words: no prefix and no article to peel (made for every word indexed)
    found: list[str] = []
    for conj in CONJUNCTIONS:
        if conj and not form.startswith(conj):
            continue
        for prep in PREPOSITIONS:
            prefix = conj + prep
            if not prefix or not form.startswith(prefix):
                continue
            rest = form[len(prefix):]
            if prep == LAM and rest.startswith(LAM):
                found.append(ALEF + rest)  # ل + الوزير is written للوزير
                found.append(AL + rest)  # ل + اللجنه is written للجنه (three lams as two)
            if len(rest) >= MIN_STEM:
                found.append(rest)
    for word in [form, *found]:
        if word.startswith(AL) and len(word) - len(AL) >= MIN_STEM:
            found.append(word[len(AL):])
    return tuple(f for f in dict.fromkeys(found) if f != form)


# --------------------------------------------------------------------------- short words

# The folds that join letters readers tell apart: a hamza seat (أ إ آ ؤ ئ) and the bare
# letter, final ى and ي. In a long word they are spelling variation (إيران / ايران); in a
# short one they make another word: على is not the name علي, آمن (safe) is not أمن
# (security), and كامل (complete) read as ك + أمل is not the movement أمل. The matcher
# (``text/matcher.py``) lets a short alias match only where these letters agree. ة and ه
# are not among them: final ة written ه is how many keyboards and writers spell every word
# (غزه، حماه), and makes a short name into another word too rarely to cost that recall.
HAMZA_MARKS = "\u0653\u0654\u0655"  # madda and hamza above and below (combining forms)
_WRITTEN_FOLDS = str.maketrans({
    "\u0671": "\u0627",  # alef wasla -> alef: Quranic spelling, the same letter
    "\u06cc": "\u064a", "\u06d2": "\u064a",  # Farsi ya, ya barree -> ya
    "\u06c1": "\u0647",  # heh goal -> ha
    "\u0629": "\u0647",  # ta marbuta -> ha: see above
    "\u06a9": "\u0643",  # keheh -> kaf
    TATWEEL: None,
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
})
_MARKS = re.compile(f"[{TASHKEEL}]")
_LOOSE_HAMZA = re.compile(f"[{HAMZA_MARKS}]")


def _dropped_mark(ch: str) -> bool:
    """Combining marks and format controls but ZWNJ, as the match form drops them."""
    category = unicodedata.category(ch)
    return category == "Mn" or (category == "Cf" and ch != "\u200c")


def written_form(text: str) -> str:
    """``text`` with the letters a reader sees kept apart: like the match form (no tashkeel,
    tatweel or case; Persian letter shapes and digits folded) but hamza seats, ى and ة kept.
    Its words split where the match form's do, so the two can be compared word by word."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    kept = "".join(ch for ch in decomposed if ch in HAMZA_MARKS or not _dropped_mark(ch))
    composed = unicodedata.normalize("NFC", kept).translate(_WRITTEN_FOLDS)
    return _LOOSE_HAMZA.sub("", _MARKS.sub("", composed))


# --------------------------------------------------------------------------- search.js

JS_BEGIN = "  /* BEGIN generated by `python -m generator.text.arabic --js` from generator/text/arabic.py */"
JS_END = "  /* END generated */"
SEARCH_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "search.js"


def _js(value: str) -> str:
    """A JavaScript string literal, ASCII only (the file stays readable in any editor)."""
    return json.dumps(value, ensure_ascii=True)


def _js_class(body: str) -> str:
    """A character-class body with every non-ASCII character written as ``\\uXXXX``."""
    return "".join(ch if ch.isascii() else f"\\u{ord(ch):04x}" for ch in body)


def _ranges(chars: str) -> str:
    """A character-class body for ``chars``: runs of consecutive code points as ranges."""
    codes = sorted(set(map(ord, chars)))
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in runs)


def _js_folds() -> str:
    """``LETTER_FOLDS`` as a JavaScript object literal, four entries a line."""
    pairs = [f"{_js(k)}: {_js(v)}" for k, v in LETTER_FOLDS.items()]
    rows = [", ".join(pairs[i:i + 4]) for i in range(0, len(pairs), 4)]
    return "{\n" + ",\n".join(f"    {row}" for row in rows) + "\n  }"


def javascript_block() -> str:
    """The rules search.js needs, as JavaScript, between the ``JS_BEGIN``/``JS_END`` lines:
    this module's, and the Arabic suffixes of ``generator.text.stemming`` (imported here, as
    that module imports this one)."""
    from generator.text.stemming import ARABIC_SUFFIXES

    lines = (
        JS_BEGIN,
        f"  var FOLDS = {_js_folds()};",
        f"  var FOLDED = /[{_js_class(_ranges(''.join(LETTER_FOLDS)))}]/g;",
        f"  var PEELABLE = /^[{_js_class(PEELABLE_LETTERS)}]+$/;",
        f"  var CONJUNCTIONS = [{', '.join(map(_js, CONJUNCTIONS))}];",
        f"  var PREPOSITIONS = [{', '.join(map(_js, PREPOSITIONS))}];",
        f"  var AL = {_js(AL)};",
        f"  var LAM = {_js(LAM)};",
        f"  var ALEF = {_js(ALEF)};",
        f"  var MIN_STEM = {MIN_STEM};",
        f"  var ARABIC_SUFFIXES = [{', '.join(map(_js, ARABIC_SUFFIXES))}];",
        JS_END,
    )
    return "\n".join(lines) + "\n"


def with_javascript_block(source: str) -> str:
    """``source`` (search.js) with its generated block replaced by ``javascript_block()``."""
    begin = source.index(JS_BEGIN)
    end = source.index(JS_END, begin) + len(JS_END) + 1  # through the newline
    return source[:begin] + javascript_block() + source[end:]


def main(argv: list[str] | None = None) -> int:
    """``--js``: rewrite the generated block of static/js/search.js (``--check``: only say
    whether it is up to date, exit status 1 when not)."""
    parser = argparse.ArgumentParser(prog="python -m generator.text.arabic")
    parser.add_argument("--js", action="store_true", help="regenerate search.js's rule block")
    parser.add_argument("--check", action="store_true", help="fail if the block is out of date")
    parser.add_argument("--file", type=Path, default=SEARCH_JS, help="the search.js to update")
    args = parser.parse_args(argv)
    if not (args.js or args.check):
        parser.error("nothing to do: pass --js or --check")
    old = args.file.read_text("utf-8")
    new = with_javascript_block(old)
    if args.check:
        print(f"{args.file}: {'up to date' if new == old else 'out of date'}")
        return int(new != old)
    if new != old:
        args.file.write_text(new, "utf-8", newline="\n")
    print(f"{args.file}: {'updated' if new != old else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
