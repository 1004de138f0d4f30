"""Boilerplate removal for pasted and imported article text.

Curators paste articles from news sites, and the paste carries the site's furniture: "related
articles" boxes, comment forms, share rows, tag lines, back-to-top buttons. The extraction
libraries work on HTML only, so this cleaner works on plain text or Markdown, line by line,
and runs both at import time and at build time (a pasted article with a web page's tail still
builds clean). It is pure and fast: the lexicon is read once from package data, the normal
forms of words are remembered (news text repeats its words), cheap tests spare most lines
the regular expressions, and every article body goes through :func:`clean_text`.

Precision comes first: a rule only ever removes a *whole line* (or a phrase glued to the end
of a line, below), compared in a normalised form (``generator.text.normalize.match_form`` plus
spacing and punctuation removed), so "التعليق" or "read more" inside a real sentence stays.
Lines that are not removed come out byte for byte as they went in.

Rules, by the name reported in :class:`RemovedLine`:

``lexicon``
    the line is a phrase of the lexicon (``data/boilerplate_lexicon.tsv`` and
    ``data/boilerplate_additions.tsv``), or several of them run together; ``%s`` in an entry
    is a wildcard (a number when it leads the entry, a short name or title otherwise).
``related-zone``
    a "related / read also / most read / next article" heading opens a zone of short teaser
    lines (titles, excerpts ending in an ellipsis, dates) that ends where running text
    resumes, so an inline "read also" block in the middle of the body goes and the article
    after it stays. ``related-inline`` is the one-line form ("اقرأ أيضاً: <title>").
``comment-tail``
    a comment-form heading ("اترك تعليقاً", "Leave a Reply", "Laisser un commentaire", the
    e-mail notice...) in the second half of the article closes it: everything after goes.
``share-row``, ``tag-line``, ``contact``, ``promo``, ``more-link``, ``agency-marker``,
``timestamp``, ``copyright``, ``cookie-notice``, ``breadcrumb``, ``byline``
    pattern rules: rows made only of platform names and share words, "Tags: a, b", bare
    e-mails and @handles, subscription promos, "read more" links, agency credits such as
    "(رويترز)" or "Source: AFP" at the end, lone dates and times, footers, cookie notices,
    "Home » News" trails, "By Jane Example" (capitalised names only: "By the numbers" stays).
``agency-end``, ``dispatch-stamp``
    an agency's end-of-dispatch marker ("(انتهى)", "/ انتهى /", "(النهاية)", "—End—", "(FIN)",
    "Fin de dépêche", "(Reporting by …; Editing by …)") and the filing stamp after it: a line
    made only of desk initials, serials, times and time-zone words ("ت ب / م ع / 14:05
    بتوقيت دمشق", "كونا031245 جمت ماي 24", "mf/ab/xyz"), and a bare serial number after one.
``photo-credit``, ``disclaimer``
    a photo credit alone on its line ("مصدر الصورة، Getty Images", "(AP Photo/…)"; a caption
    after "الصورة:" stays), the opinion disclaimer and the republication note ("المقالات
    المنشورة تعبر عن آراء كتابها…", "This article was originally published on…") unless
    the line quotes someone.
``slider``, ``share-widget``
    carousel buttons ("السابق التالي", "Previous Next", "Précédent Suivant") and share or like
    widgets copied as text ("Like Loading…", "Click to share on X (Opens in new window)").
``related-run``
    teaser titles with no heading: short lines without sentence punctuation behind a photo or
    agency credit ("(رويترز)", "AFP", "Getty Images"), or at the end of the text: three that
    read as headlines, or two behind removed furniture. List items, interview turns (س: / ج:, Q: / A:), rhyming poem
    lines, a list announced by a colon, and every short line of a text that does not end its
    sentences with a full stop, stay.
``glued-tail``, ``glued-promo``, ``glued-agency-end``
    boilerplate glued to the end of a real line ("...عليه.زر الذهاب إلى الأعلى", an author's
    e-mail followed by "تابعونا على تلغرام", "...دولية. (انتهى)") is cut off and the line kept.

Markdown pipe tables (rows with a ``|---|`` rule) are content and never touched, like code.

The curator has the last word. A line is kept whatever the rules say when

* its normalised form equals one of the ``keep`` lines (front matter ``keep:``), or
* it ends with the marker ``<!-- keep -->``, which is stripped from the output::

      اقرأ أيضاً <!-- keep -->

Fenced code blocks are never touched.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from generator.text.normalize import SIMPLE_FORMS, is_simple, match_form, translation

__all__ = ("CleanResult", "RemovedLine", "WordForms", "clean_text", "line_key")


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """One removed line (or glued tail): 1-based line number within the given text."""

    line: int
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class CleanResult:
    text: str
    removed: tuple[RemovedLine, ...]


# --------------------------------------------------------------------------- normal forms

# The spaces before the marker go too, but are not in the pattern: a search would try every
# space of a long run as a start and scan the run from each (quadratic).
_KEEP_MARKER = re.compile(r"<!--\s*keep\s*-->[ \t]*(\r?)$", re.IGNORECASE)
_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+•·▪►◄]\s+|\d{1,3}[.)]\s+)*")
# The character classes exclude the opening bracket too, so a line of ten thousand `[` or `<`
# is scanned once, not once per bracket (which took minutes).
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_HTML_TAG = re.compile(r"<[^<>\n]*>")
_NON_WORD = re.compile(r"[\W_]+")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
_WILDCARD = re.compile(r"%s|\[[a-z_]+\]")


def _visible(text: str) -> str:
    """The words a reader sees on a Markdown line: no link targets, tags or list markers."""
    if "[" in text:
        text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", text))
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return _unprefixed(text).strip()


def _unprefixed(text: str) -> str:
    """``text`` without its Markdown prefix (the pattern is anchored: a sub would rescan)."""
    match = _MD_PREFIX.match(text)
    return text[match.end():] if match else text


# Normalising is the cleaner's main cost, and news text repeats its words, so the forms are
# computed word by word and remembered: ``match_form`` of a text is the space-joined forms
# of its words (tests/unit/text/test_normalize.py holds it to that), hence so are these keys.
# Long "words" (a hostile line without spaces) are not remembered, and a full memory takes no
# more words, so it stays small whatever the input. It keeps the words it met first rather
# than being emptied: a news text's common words come early and keep coming, while most of
# its distinct words occur once, so emptying it threw the common ones away to make room for
# those (for 5,000 articles of the realistic corpus, as one build worker cleans them: 327,000
# misses instead of 458,000, of 224,000 distinct words). The memory is a ``WordForms`` that the
# caller owns (one per build's ingest job), so nothing outlives the build that filled it.
_MEMO_WORD_CHARS = 40
_MEMO_WORDS = 1 << 16


class _WordForms(dict[str, str]):
    """Word -> normal form, computed on first use (a dict: a hit costs one C lookup)."""

    __slots__ = ("_form",)

    def __init__(self, form: Callable[[str], str]) -> None:
        super().__init__()
        self._form = form

    def __missing__(self, word: str) -> str:
        value = self._form(word)
        if len(word) <= _MEMO_WORD_CHARS and len(self) < _MEMO_WORDS:
            self[word] = value
        return value


def _word_key(word: str) -> str:
    return _NON_WORD.sub("", match_form(word))


def _word_spaced(word: str) -> str:
    return " ".join(_NON_WORD.sub(" ", match_form(word)).split())


# Most lines are made only of characters whose match form is a fixed string
# (``normalize.is_simple``): for them, a word's key and spaced form are a translation of it,
# character by character, and so are a whole line's, in one C call rather than a memo lookup
# per word. The memo missed a quarter of a million times per 3,000 articles, on the words
# news text uses once. tests/unit/content/test_cleanup_forms.py holds the two ways equal.
_KEY_FORMS = translation({code: _NON_WORD.sub("", form) for code, form in SIMPLE_FORMS.items()})
_SPACED_FORMS = translation({code: _NON_WORD.sub(" ", form) for code, form in SIMPLE_FORMS.items()})


class WordForms:
    """The comparison forms of the words cleaning has seen, remembered while one build (or
    one import) cleans its articles; pass one to ``clean_text`` to share it between calls."""

    __slots__ = ("key_of", "spaced_of")

    def __init__(self) -> None:
        self.key_of: Callable[[str], str] = _WordForms(_word_key).__getitem__
        self.spaced_of: Callable[[str], str] = _WordForms(_word_spaced).__getitem__

    def key(self, text: str) -> str:
        """``line_key(text)``."""
        return "".join(self.pieces(text))

    def pieces(self, text: str, split: Sequence[str] | None = None) -> list[str]:
        """The keys of the words of ``text`` that have one (letters or digits), in order;
        ``split``: ``text.split()``, when the caller has it."""
        if is_simple(text):
            return text.translate(_KEY_FORMS).split()
        return [k for k in map(self.key_of, text.split() if split is None else split) if k]

    def spaced(self, text: str) -> str:
        """Match form with punctuation turned into single spaces (for token rules)."""
        if is_simple(text):
            return " ".join(text.translate(_SPACED_FORMS).split())
        return " ".join(filter(None, map(self.spaced_of, text.split())))


def line_key(text: str, words: WordForms | None = None) -> str:
    """Compact comparison form: match form with every space and punctuation mark removed
    (``words``: the forms remembered so far, when the caller keeps them)."""
    if words is None:
        return "".join(map(_word_key, text.split()))
    return words.key(text)


# --------------------------------------------------------------------------- the lexicon

ROLE_PRIORITY = ("comment", "related", "tags", "tail", "more", "end", "slider", "widget", "line")
PHRASE_ROLES = frozenset(ROLE_PRIORITY)
_GENERIC_WILD = ".{0,40}"
_GENERIC_REACH = 40
_COUNT_WILD = r"\d{1,6}"
_COUNT_REACH = 6


class _Lazy:
    """A regex compiled the first time it is used: each wildcard entry of the lexicon, tried
    only on the lines the one regex of them all lets through, so that a rebuild that cleans
    one article again compiles few of them. Owned by the lexicon; the compiled regex never
    changes once made."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern  # the source, as ``re.Pattern.pattern``
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._regex().fullmatch(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._regex().match(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._regex().finditer(text)


@dataclass(frozen=True, slots=True)
class _Wild:
    pattern: _Lazy
    role: str
    generic: bool  # the wildcard stands for free text (only short, non-sentence lines)
    reach: int  # the longest key the pattern can match: longer lines need no regex call


@dataclass(frozen=True, slots=True)
class _Affixes:
    """The first and last ``size`` characters of a set of keys.

    A key that does not begin (end) with one of ``heads`` (``tails``) cannot begin (end)
    with any of the keys: a set lookup that spares most lines a regex over hundreds of
    alternatives. ``size`` is the shortest key's length (0: no test possible, all pass).
    """

    size: int
    heads: frozenset[str]
    tails: frozenset[str]

    @classmethod
    def of(cls, keys: Iterable[str]) -> _Affixes:
        keys = list(keys)
        size = min(map(len, keys), default=0)
        return cls(size, frozenset(k[:size] for k in keys),
                   frozenset(k[len(k) - size:] for k in keys))

    def may_start(self, key: str) -> bool:
        return not self.size or key[:self.size] in self.heads

    def may_end(self, key: str) -> bool:
        return not self.size or key[-self.size:] in self.tails


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Literal keys, found in a line's key by looking up its slices of each key length.

    What a regex alternation of the keys (longest first) finds, found without compiling one:
    the lexicon's alternations are 7,000 to 8,000 characters, 15 ms each to compile, and a
    rebuild that cleans one article again compiled them for a line or two. A slice lookup per
    key length (a few dozen) costs no more than the regex trying its hundreds of
    alternatives in turn.
    """

    roles: Mapping[str, str]  # key -> role
    lengths: tuple[int, ...]  # every key's length, once, longest first
    heads: _Affixes  # how every key starts and ends (a cheap test first)

    @classmethod
    def of(cls, roles: Mapping[str, str]) -> _Phrases:
        keys = [k for k in roles if k]  # an empty key would match everywhere and nothing
        return cls(roles, tuple(sorted({len(k) for k in keys}, reverse=True)), _Affixes.of(keys))

    def longest_at(self, text: str, start: int = 0) -> str | None:
        """The longest key ``text`` has at ``start``: what ``re.match`` of the alternation,
        longest first, matches there."""
        if not self.heads.may_start(text[start:start + self.heads.size]):
            return None
        roles, end = self.roles, len(text) - start
        for length in self.lengths:
            if length <= end and text[start:start + length] in roles:
                return text[start:start + length]
        return None

    def joins(self, text: str) -> bool:
        """Whether ``text`` is one or more keys run together: ``re.fullmatch`` of
        ``(?:alternation)+``, which backtracks until some split into keys is found. Found by
        walking every place a key can end (each place once)."""
        roles, total = self.roles, len(text)
        ahead, seen = [0], {0}
        while ahead:
            start = ahead.pop()
            if not self.heads.may_start(text[start:start + self.heads.size]):
                continue
            for length in self.lengths:
                end = start + length
                if end <= total and end not in seen and text[start:end] in roles:
                    if end == total:
                        return True
                    seen.add(end)
                    ahead.append(end)
        return False

    def runs(self, text: str) -> Iterator[str]:
        """The keys ``text`` holds, left to right, each the longest at its place, a key ending
        where the next search begins: what ``re.finditer`` of the alternation finds."""
        start = 0
        while start < len(text):
            found = self.longest_at(text, start)
            if found is None:
                start += 1
            else:
                yield found
                start += len(found)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the rules compare against, compiled once."""

    exact: Mapping[str, str]  # key -> role
    piece_role: Mapping[str, str]  # exact keys and wildcard-ended stems -> role
    wild: tuple[_Wild, ...]
    wild_reach: int  # the longest key any wildcard entry can match
    wild_any: re.Pattern[str]  # all wildcard entries in one regex: most lines need no loop
    wild_fixed: re.Pattern[str]  # the same without the free-text ones
    pieces: _Phrases  # exact keys and stems, of which a line may be several run together
    piece_ends: _Affixes  # how every run of pieces starts and ends (a cheap test first)
    glue: _Phrases  # reversed keys of phrases that may be glued to a line's end, -> role
    related: frozenset[str]
    tags: frozenset[str]
    more: frozenset[str]
    source_labels: frozenset[str]
    home: frozenset[str]
    agency: re.Pattern[str]
    share_words: frozenset[str]
    share_fillers: frozenset[str]
    promo_verbs: tuple[str, ...]
    # Spaced phrases, each with a space either side, in one regex: a search of the padded
    # spaced form ``f" {spaced} "`` finds any of them as whole words.
    promo_channels: re.Pattern[str]
    promo_words: frozenset[str]  # the one-word channels, as word keys
    promo_phrases: tuple[str, ...]  # the longer channels, as keys (no spaces)
    promo_sure: frozenset[str]  # words that make an opening verb and a channel an invitation
    attribution: frozenset[str]  # words of reported speech: the line is news
    copyright: re.Pattern[str]
    cookie: re.Pattern[str]
    cookie_keys: re.Pattern[str]  # the cookie phrases without spaces, to search line keys
    date_words: frozenset[str]
    byline: re.Pattern[str]


def _read_tsv(name: str) -> list[dict[str, str]]:
    data = resources.files("generator").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(data), delimiter="\t", quoting=csv.QUOTE_NONE))


def _entry_texts(raw: str) -> list[str]:
    """Lexicon cells may hold HTML, entities and ``\\n`` paragraph breaks: one text per line."""
    text = html.unescape(_HTML_TAG.sub(" ", raw))
    return [part for part in text.split("\\n") if part.strip()]


def _wild_regex(text: str) -> tuple[str, bool, int] | None:
    """Regex over line keys for an entry with wildcards, whether the wildcard is free text,
    and the longest key the regex can match."""
    parts = _WILDCARD.split(text)
    keys = [line_key(p) for p in parts]
    if not "".join(keys):
        return None
    leading = not keys[0]
    out = []
    reach = 0
    for i, key in enumerate(keys):
        if i:
            count = leading and i == 1
            out.append(_COUNT_WILD if count else _GENERIC_WILD)
            reach += _COUNT_REACH if count else _GENERIC_REACH
        out.append(re.escape(key))
        reach += len(key)
    return "".join(out), not leading or len(keys) > 2, reach


@functools.cache
def load_lexicon() -> Lexicon:
    """Read the packaged TSV files (cached: the data never changes while running)."""
    words = WordForms()
    entries: list[tuple[str, str]] = []  # (text, role)
    for row in _read_tsv("boilerplate_lexicon.tsv"):
        entries += [(t, "line") for t in _entry_texts(row["translation"])]
    vocab: dict[str, list[str]] = {}
    for row in _read_tsv("boilerplate_additions.tsv"):
        role, phrase = row["role"], row["phrase"]
        if role in PHRASE_ROLES:
            entries += [(t, role) for t in _entry_texts(phrase)]
        else:
            vocab.setdefault(role, []).append(phrase)

    exact: dict[str, str] = {}
    wild: list[_Wild] = []
    glue_role: dict[str, str] = {}
    stems: dict[str, str] = {}  # entries whose wildcard ends them, wildcard dropped
    rank = {role: i for i, role in enumerate(ROLE_PRIORITY)}
    for text, role in entries:
        if _WILDCARD.search(text):
            compiled = _wild_regex(text)
            if compiled:
                wild.append(_Wild(_Lazy(compiled[0]), role, compiled[1], compiled[2]))
            stem = _WILDCARD.sub("", text)
            if text.rstrip().endswith(("%s", "]")) and len(stem.split()) >= 2:
                _add_glue(glue_role, words.key(stem), role, rank)
                stems.setdefault(words.key(stem), role)
            continue
        key = words.key(text)
        if not key:
            continue
        if key not in exact or rank[role] < rank[exact[key]]:
            exact[key] = role
        if len(text.split()) >= 2 and len(key) >= 6:
            _add_glue(glue_role, key, role, rank)

    pieces = {**stems, **exact}
    keys_of = {role: frozenset(k for k, r in exact.items() if r == role) for role in ROLE_PRIORITY}

    def spaced_all(role: str) -> tuple[str, ...]:
        return tuple(sorted({words.spaced(p) for p in vocab.get(role, ()) if words.spaced(p)}))

    def padded(role: str) -> re.Pattern[str]:
        return _any_of(re.escape(f" {p} ") for p in spaced_all(role))

    def tokens(role: str) -> frozenset[str]:
        return frozenset(t for p in vocab.get(role, ()) for t in words.spaced(p).split())

    agencies = "|".join(sorted((r"\s*".join(map(re.escape, a.replace(" ", ""))) if len(a) <= 6
                                else r"\s*".join(map(re.escape, a.split())))
                               for a in spaced_all("agency")))
    labels = "|".join(r"\s*".join(map(re.escape, a.split())) for a in spaced_all("source-label"))
    agency = re.compile(rf"(?:(?:{labels})\s*)?(?:(?:و|and|et|with|avec|\+)?\s*(?:{agencies})\s*)+")
    return Lexicon(
        exact=exact,
        piece_role=pieces,
        wild=tuple(wild),
        wild_reach=max((w.reach for w in wild), default=0),
        wild_any=_any_of(w.pattern.pattern for w in wild),
        wild_fixed=_any_of(w.pattern.pattern for w in wild if not w.generic),
        pieces=_Phrases.of(pieces),
        piece_ends=_Affixes.of(pieces),
        glue=_Phrases.of(glue_role),
        related=keys_of["related"],
        tags=keys_of["tags"],
        more=keys_of["more"],
        source_labels=frozenset(words.key(p) for p in vocab.get("source-label", ())),
        home=frozenset(words.key(p) for p in vocab.get("home", ())),
        agency=agency,
        share_words=tokens("platform"),
        share_fillers=tokens("share-filler"),
        promo_verbs=spaced_all("promo-verb"),
        promo_channels=padded("promo-channel"),
        promo_words=frozenset(p for p in spaced_all("promo-channel") if " " not in p),
        promo_phrases=tuple(p.replace(" ", "") for p in spaced_all("promo-channel") if " " in p),
        promo_sure=tokens("promo-sure"),
        attribution=tokens("attribution"),
        copyright=padded("copyright"),
        cookie=padded("cookie"),
        cookie_keys=_any_of(re.escape(p.replace(" ", "")) for p in spaced_all("cookie")),
        date_words=tokens("date-word"),
        byline=_byline_pattern(vocab.get("byline", ())),
    )


def _any_of(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex for several: it matches where one of them does (nothing when none given)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")


_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_NAME_JOINERS = r"(?:and|et|&|,|de|du|van|von|der|al|el|bin|ben)"


def _byline_pattern(labels: Iterable[str]) -> re.Pattern[str]:
    """"By Jane Example" but not "By the numbers": Latin bylines need capitalised names."""
    alternation = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    name = rf"{_NAME}(?:\s+(?:{_NAME_JOINERS}\s+)?{_NAME}){{0,3}}"
    return re.compile(rf"(?i:{alternation})\s*:?\s+{name}(?:\s*(?:,|and|et|&)\s*{name}){{0,2}}"
                      r"(?:\s*[|,/–—-]\s*[\w .'’-]{1,40})?")


def _add_glue(table: dict[str, str], key: str, role: str, rank: Mapping[str, int]) -> None:
    rev = key[::-1]
    if rev not in table or rank[role] < rank[table[rev]]:
        table[rev] = role


# --------------------------------------------------------------------------- line shapes

_CLOSERS = "\"'”’»)]*"
_TERMINAL = re.compile(rf"[.!。;؛][{re.escape(_CLOSERS)}]*\s*$")
_QUESTION = re.compile(rf"[?؟][{re.escape(_CLOSERS)}]*\s*$")
_COLON = re.compile(r"[:：]\s*$")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)[\"'”’»)]*\s*$")
_BRACKET_ELLIPSIS = re.compile(r"[\[(]\s*(?:\.\.\.|…)\s*[\])]\s*$")
_GLUE_BOUNDARY = ".!?؟…»”\"')]:;؛*|"


@dataclass(slots=True)  # not frozen: that makes creating one, per line, four times slower
class _Line:
    raw: str
    visible: str
    key: str
    words: int
    blank: bool
    code: bool
    keep: bool
    heading: bool
    split: Sequence[str] = ()  # visible.split(): the words, split once
    keyed: int = 0  # words with letters or digits: the spaced form has at least that many
    pieces: Sequence[str] = ()  # the keys of the words of ``split`` that have one

    @property
    def running(self) -> bool:
        """Looks like article prose rather than a teaser title, label or button."""
        return _is_running(self.visible, self.words)


def _is_running(visible: str, words: int) -> bool:
    if "…" in visible or "..." in visible:  # both patterns need one: spare most lines a scan
        if _BRACKET_ELLIPSIS.search(visible):
            return False
        if _ELLIPSIS.search(visible):
            return words > 45
    if words >= 22:
        return True
    if _TERMINAL.search(visible) or _COLON.search(visible):
        return words >= 5
    if _QUESTION.search(visible):
        return words >= 16
    return False


_HEAD_SPLIT = re.compile(r"^(.{1,60}?)\s*(?::|：|\s[-–—]\s|\||»|›|>|(?=\[))\s*(.+)$")
_HEAD_SEPARATOR = re.compile(r"[:：|»›>\[]|\s[-–—]\s")  # the separators of _HEAD_SPLIT
_HEAD_LABEL = 60  # the longest label _HEAD_SPLIT takes
_SPACES_FROM = re.compile(r"\s*")
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"@[A-Za-z0-9_.]{2,30}"
_CONTACTS = re.compile(rf"(?:(?:{_EMAIL}|{_HANDLE})[\s,;|/·•،]*)+")
_TIME = re.compile(r"(?<!\d)\d{1,2}\s?[:h]\s?\d{2}(?!\d)")
_DATE = re.compile(r"(?<!\d)\d{1,4}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{1,4}(?!\d)")
_NUMBERISH = re.compile(r"\d+(?:h\d*|st|nd|rd|th|er|am|pm|k|m)?")
_RELATIVE = _any_of(re.escape(f" {p} ") for p in ("منذ", "ago", "il y a", "depuis"))
# The parts keep the spaces around the separators: every use ignores them, and a pattern
# taking them would rescan a long run of spaces from each of its spaces (quadratic).
_CRUMB_SPLIT = re.compile(r"[»›>/|]")


def _head_split(raw: str, words: WordForms) -> tuple[str, str] | None:
    """Split "Label: rest" (or "Label [link](url)"): the label's key and the rest as written.

    The rest's visible words are left to the caller: only a known label needs them.
    """
    text = _unprefixed(raw).strip()
    # The separator follows the label and its spaces: look for one there first, which
    # spares most lines the lazy label match (it tries every length up to the longest).
    spaces = _SPACES_FROM.match(text, _HEAD_LABEL)  # always matches, maybe nothing
    label_end = spaces.end() if spaces else len(text)
    if not _HEAD_SEPARATOR.search(text, 1, label_end + 3):  # + the longest separator
        return None
    match = _HEAD_SPLIT.match(text)
    if not match:
        return None
    return words.key(match.group(1)), match.group(2)


def _lexicon_role(info: _Line, lex: Lexicon) -> str | None:
    key = info.key
    role = lex.exact.get(key)
    if role:
        return role
    if len(key) > 1200:
        return None
    if len(key) <= lex.wild_reach:
        role = _wild_role(info, lex)
        if role:
            return role
    if (lex.piece_ends.may_start(key) and lex.piece_ends.may_end(key)
            and lex.pieces.joins(key)):
        found = {lex.piece_role.get(piece, "line") for piece in lex.pieces.runs(key)}
        return next((r for r in ROLE_PRIORITY if r in found), "line")
    return None


def _wild_role(info: _Line, lex: Lexicon) -> str | None:
    """The first wildcard entry matching the line (free-text ones on short non-sentences)."""
    key = info.key
    sentence = bool(_TERMINAL.search(info.visible) or _QUESTION.search(info.visible))
    if not (lex.wild_fixed if info.words > 8 or sentence else lex.wild_any).fullmatch(key):
        return None
    for wild in lex.wild:
        if len(key) > wild.reach or (wild.generic and (info.words > 8 or sentence)):
            continue
        if wild.pattern.fullmatch(key):
            return wild.role
    return None


_ROLE_RULE = MappingProxyType({"line": "lexicon", "tail": "lexicon", "related": "related-zone",
                               "comment": "lexicon", "tags": "tag-line", "more": "more-link",
                               "end": "agency-end", "slider": "slider",
                               "widget": "share-widget"})


def _pattern_rule(info: _Line, lex: Lexicon, words_seen: WordForms) -> str | None:
    """Pattern rules for one line; None when the line is not boilerplate by itself."""
    visible, words = info.visible, info.words
    rule = _labelled_rule(info.raw, lex, words_seen)
    if rule:
        return rule
    if words > 80:
        return None
    if words <= 12 and lex.byline.fullmatch(visible):
        return "byline"
    if "(" in visible and _SHARE_WIDGET.fullmatch(visible):
        return "share-widget"
    if words <= 14 and _is_photo_credit(visible, lex, words_seen):
        return "photo-credit"
    if words <= 40 and _WIRE_CREDITS.fullmatch(visible):
        return "agency-end"
    if words <= 8 and _SITE_WITH_AGENCY.fullmatch(visible):
        return "agency-marker"
    if words <= 40 and (_may_disclaim(visible) or _REPUBLISHED.fullmatch(visible)) and (
            not _quotes_someone(_spaced_of(info, words_seen), lex)):
        return "disclaimer"  # unless someone is quoted saying it
    if "#" in visible and _HASHTAGS.fullmatch(visible):
        return "tag-line"
    if words > 25 and info.keyed > 14:
        # Prose: no rule for short lines applies (they take 25 words or 14 tokens at most),
        # and the spaced form is needed only if the key holds a cookie phrase.
        if lex.cookie_keys.search(info.key) and lex.cookie.search(f" {_spaced_of(info, words_seen)} "):
            return "cookie-notice"
    else:
        spaced = _spaced_of(info, words_seen)
        if not spaced:
            return None
        padded = f" {spaced} "
        if words <= 25 or spaced.count(" ") < 14:  # else no rule for short lines can apply
            rule = _short_line_rule(visible, words, spaced, padded, lex, words_seen)
            if rule:
                return rule
        if lex.cookie.search(padded):
            return "cookie-notice"
    if _is_breadcrumb(visible, lex, words_seen):
        return "breadcrumb"
    return None


def _spaced_of(info: _Line, words: WordForms) -> str:
    """``words.spaced(info.visible)``."""
    return words.spaced(info.visible)


def _short_line_rule(visible: str, words: int, spaced: str, padded: str,
                     lex: Lexicon, words_seen: WordForms) -> str | None:
    """The rules for lines of at most 25 words or 14 tokens, in order."""
    tokens = spaced.split()
    if words <= 25 and _is_share_row(tokens, lex):
        return "share-row"
    if words <= 12 and _is_contact(visible):
        return "contact"
    if words <= 25 and _is_promo(visible, spaced, padded, lex, words_seen):
        return "promo"
    if len(tokens) <= 12 and lex.agency.fullmatch(spaced):
        return "agency-marker"
    if len(tokens) <= 14 and _is_dispatch_stamp(visible):
        return "dispatch-stamp" if _STAMP_ENDS.isdisjoint(tokens) else "agency-end"
    if words <= 25 and _is_sms_promo(visible):
        return "promo"
    if len(tokens) <= 14 and _is_timestamp(visible, tokens, padded, lex):
        return "timestamp"
    if words <= 25 and (lex.copyright.search(padded)
                        or visible.startswith("©") or tokens[0] == "copyright"):
        return "copyright"
    return None


def _labelled_rule(raw: str, lex: Lexicon, words: WordForms) -> str | None:
    """"Related: <title>", "Tags: a, b", "Read more: <link>" on one line."""
    split = _head_split(raw, words)
    if not split:
        return None
    head, rest_text = split
    if head not in lex.related and head not in lex.tags and head not in lex.more:
        return None
    rest = _visible(rest_text)
    rest_words = len(rest.split())
    if rest:
        if head in lex.related and rest_words <= 30:
            return "related-inline"
        if head in lex.tags and rest_words <= 40 and not (
                _TERMINAL.search(rest) and rest_words >= 8):
            return "tag-line"
        if head in lex.more and rest_words <= 15 and not _is_running(rest, rest_words):
            return "more-link"
    return None


def _is_share_row(tokens: Sequence[str], lex: Lexicon) -> bool:
    has_platform = False
    for token in tokens:
        if token in lex.share_words:
            has_platform = True
        elif token not in lex.share_fillers and not _NUMBERISH.fullmatch(token):
            return False
    return has_platform


def _is_contact(visible: str) -> bool:
    text = visible
    head, sep, rest = visible.partition(":")
    if sep and len(head.split()) <= 5 and "@" in rest:
        text = rest
    return bool(_CONTACTS.fullmatch(text.strip()))


def _is_promo(visible: str, spaced: str, padded: str, lex: Lexicon, words: WordForms) -> bool:
    if not lex.promo_channels.search(padded):
        return False
    starts = [spaced]
    for comma in ("،", ","):
        lead, sep, after = visible.partition(comma)
        if sep and len(lead.split()) <= 5:
            starts.append(words.spaced(after))
    if not any(s == v or s.startswith(v + " ") for s in starts for v in lex.promo_verbs):
        return False
    # "تابع الوزير جولته في قناة السويس" opens like "تابع قناتنا": an invitation also speaks
    # to the reader or for the site, or calls to act, and quotes nobody.
    words_of = spaced.split()
    tokens = set(words_of)
    if _quotes_someone(spaced, lex):
        return False
    # An imperative is followed by its preposition ("اشترك في النشرة"), a past tense by its
    # subject ("اشترك أكثر من ألف شخص").
    # ... or by its object, the channel itself ("حمّل تطبيق الجزيرة").
    second = words_of[1] if len(words_of) > 1 else ""
    return (not tokens.isdisjoint(lex.promo_sure) or second in _PROMO_PREPOSITIONS
            or second in lex.promo_words)


def _quotes_someone(spaced: str, lex: Lexicon) -> bool:
    """Whether the line holds a word of reported speech (وقال and فقالت count too)."""
    for token in spaced.split():
        if token in lex.attribution or (token[:1] in "وف" and token[1:] in lex.attribution):
            return True
    return False


_PROMO_PREPOSITIONS = frozenset({"في", "علي", "عبر", "الي", "مع", "معنا", "بقناه", "بنشرتنا",
                                 "to", "for", "on", "up", "à", "sur", "a"})


def _is_timestamp(visible: str, tokens: Sequence[str], padded: str, lex: Lexicon) -> bool:
    for token in tokens:
        if token not in lex.date_words and not _NUMBERISH.fullmatch(token):
            return False
    if _RELATIVE.search(padded):
        return True
    if not any(ch.isdigit() for ch in padded):
        return False
    form = match_form(visible)
    return bool(_TIME.search(form) or _DATE.search(form)
                or any(len(t) >= 3 and t in lex.date_words for t in tokens))


# Dispatch stamps: agencies end a dispatch with the desk's and editors' initials, a serial
# number and the filing time ("ت ب / م ع / 1405 / 14:05 بتوقيت دمشق", "كونا031245 جمت ماي 24",
# "mf/ab/xyz", "12:34 GMT"). Such a line is made only of codes of one to four letters,
# numbers, times, an agency name glued to a serial, and time-zone words; prose never is.
_STAMP_SPLIT = re.compile(r"[\s/|\\–—]+")
_STAMP_CODE = re.compile(r"[^\W\d_]{1,4}|[A-Za-z]{1,4}(?:-[A-Za-z]{1,4})+")
_STAMP_SERIAL = re.compile(r"[^\W\d_]{2,8}\d{4,10}")
_STAMP_NUMBER = re.compile(r"\d{1,8}")
_STAMP_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_STAMP_ZONES = frozenset({"gmt", "utc", "cet", "est", "bst", "غرينتش", "جرينتش", "بتوقيت", "توقيت"})
_STAMP_GLUED = re.compile(r"(?<=\d)(?=[^\W\d_])")  # "14:32ت م": a time glued to its zone
_STAMP_DOTS = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")  # "ع.ع": initials with dots
_STAMP_ENDS = frozenset({"انتهي", "النهايه", "end", "ends", "fin"})  # "(انتهى) ع.ع"
_STAMP_END_HINT = re.compile(r"(?i)انته|النهاي|end|fin")  # a cheap test before the tokens
_STAMP_PLACE_WORDS = 2  # "بتوقيت مكة المكرمة": the place after the zone word
_STAMP_TRIM = "()[]{}.,;:*_«»\"'"


def _is_dispatch_stamp(visible: str) -> bool:
    """Whether the line is an agency's filing stamp (see above)."""
    text = visible.strip(" " + _STAMP_TRIM)
    if " " not in text and text.startswith("/") and text.endswith("/"):
        return False  # a path, not a stamp
    if ("/" not in text and not _STAMP_TIME.search(text) and not _STAMP_SERIAL.search(text)
            and not _STAMP_END_HINT.search(text)):
        return False
    spread = _STAMP_DOTS.sub(" ", _STAMP_GLUED.sub(" ", text))
    tokens = [t.strip(_STAMP_TRIM) for t in _STAMP_SPLIT.split(spread)]
    tokens = [t for t in tokens if t]
    if len(tokens) < 2:
        return False
    codes = serials = times = zones = place = ends = 0
    for token in tokens:
        if place:
            place -= 1
            continue
        low = match_form(token)
        if low in _STAMP_ENDS:
            ends += 1
        elif low in _STAMP_ZONES:
            zones += 1
            place = _STAMP_PLACE_WORDS if low in ("بتوقيت", "توقيت") else 0
        elif _STAMP_TIME.fullmatch(token):
            times += 1
        elif _STAMP_SERIAL.fullmatch(token):
            serials += 1
        elif _STAMP_CODE.fullmatch(token):
            codes += 1
        elif not _STAMP_NUMBER.fullmatch(token):
            return False
    return bool((ends and codes) or ("/" in text and codes >= 2) or (serials and codes)
                or (times and zones) or (times and codes and len(tokens) <= 4))


# The desk credits wire copy ends with: "(Reporting by A; Editing by B)", "(Rédigé par A,
# édité par B)", "(إعداد: أ ب؛ تحرير: ج د)" in brackets, alone on their line.
_CREDIT_VERB = (r"(?:(?:additional\s+)?reporting|writing|editing|compiled|translated|rédigé|"
                r"édité|traduit|avec|إعداد|تحرير|ترجمة|تغطية\s+صحفية|كتابة|"
                r"(?:شارك|ساهم|ساهمت|شاركت)\s+في\s+(?:التغطية|الإعداد|إعداد\s+التقرير))")
_WIRE_CREDITS = re.compile(
    rf"(?i)\(\s*{_CREDIT_VERB}(?:\s+by|\s+par)?\s*:?\s*[^()]{{2,200}}\)"
    # Without brackets, only the two-part desk line: "Reporting by A; Editing by B".
    r"|(?:additional\s+)?(?:reporting|writing)\s+by\s+[^();]{2,120};\s*"
    r"(?:editing|writing|additional\s+reporting)\s+by\s+[^();]{2,120}"
    # "The Associated Press contributed to this report."
    r"|[\w .,'’&-]{2,80}\s+contributed(?:\s+reporting)?\s+to\s+this\s+(?:report|story|article)\.?")


# "Le Monde avec AFP", "The Example Times with Reuters": a site's credit for wire copy.
_SITE_WITH_AGENCY = re.compile(
    r"(?i)[\w .'’-]{2,40}\s+(?:avec|with|\+|و)\s*(?:AFP|Reuters|AP|agences|wires|وكالات|"
    r"رويترز|أ ف ب)")
# The opinion disclaimer and the republication note sites append to a column or a story.
_DISCLAIMER = re.compile(
    r"(?i)(?:[تي]عبر|يعكس|تعكس)\s+(?:عن\s+)?(?:رأي|آراء|وجهة\s+نظر)\s+(?:كاتبها|كاتبه|كتابها|"
    r"أصحابها|صاحبها|الكاتب)|لا\s+[تي]عبر\s+بالضرورة\s+عن\s+(?:رأي|وجهة\s+نظر)|"
    r"(?:do|does)\s+not\s+necessarily\s+(?:reflect|represent)|"
    r"n'engagent\s+que\s+(?:leur|son)\s+auteur|ne\s+reflètent?\s+pas\s+nécessairement")
def _may_disclaim(visible: str) -> bool:
    """``_DISCLAIMER.search(visible)``, spared on lines that hold none of what every one of
    its branches needs: "عبر" or "عكس" (Arabic has no case), or an "n" (the only character
    that matches "n" ignoring case is "N"). The search tried the pattern at every ت, ي and
    ل of a line."""
    if "عبر" in visible or "عكس" in visible or "n" in visible or "N" in visible:
        return _DISCLAIMER.search(visible) is not None
    return False


_REPUBLISHED = re.compile(
    r"(?i)(?:تم\s+نشر|نشر|نُشر)\s+(?:هذا\s+)?(?:المقال|التقرير|الخبر|الموضوع)\s+"
    r"(?:في\s+الأصل\s+|أصلا\s+|أصلاً\s+|لأول\s+مرة\s+)?(?:على|في|عبر)\s+.{1,80}"
    r"|this\s+(?:article|story|piece|post)\s+(?:was\s+)?(?:originally\s+|first\s+)?"
    r"(?:published|appeared|ran)\s+(?:on|in|by|at)\s+.{1,80}"
    r"|cet\s+article\s+a\s+(?:d'abord\s+)?été\s+(?:initialement\s+|originellement\s+)?"
    r"publié\s+(?:sur|dans|par)\s+.{1,80}")


# SMS promos: "send a word to a short code" ("أرسل كلمة أخبار إلى 95123 للاشتراك",
# "Text NEWS to 12345 to subscribe", "Envoyez INFO au 81234"), told from a sentence about
# sending something by the subscription word the line must also hold.
_SMS = re.compile(
    r"(?i)(?<!\w)(?:أرسل|ارسل|أرسلوا|ارسلوا|text|envoyez|envoie)(?!\w).{1,80}?"
    r"(?<!\w)(?:إلى|الى|على|to|au)\s+(?:الرقم\s+|رقم\s+|the\s+number\s+|number\s+|le\s+)?\d{3,6}(?!\d)")
_SMS_HINTS = ("ارسل", "text", "envoy")  # the SMS verbs in a line key (no spaces)
_SMS_WORDS = re.compile(r"(?i)اشتراك|اشترك|الرسائل القصيرة|رسالة قصيرة|sms|subscri|abonne|mensuel")


def _is_sms_promo(visible: str) -> bool:
    """The line is one SMS promo: nothing before the "send" but a short lead-in with no
    sentence end, address or link (else the promo is glued to a real line: ``_promo_cut``)."""
    match = _SMS.search(visible)
    if not match or not _SMS_WORDS.search(visible):
        return False
    lead = visible[:match.start()]
    return len(lead.split()) <= 8 and not any(ch in lead for ch in ".!?؟@/")


# Share widgets copied as text: Jetpack's "Click to share on Twitter (Opens in new window)"
# buttons, one or several on a line, in the languages of the digest.
_WIDGET_PIECE = (
    r"(?:click|cliquez|cliquer|tap|share|partager|print|imprimer|e-?mail|اضغط|انقر|شارك|اطبع)"
    r"[^()\n]{0,80}\((?:opens? in (?:a )?new window|(?:s'|qui s')?ouvre dans une nouvelle "
    r"fen[êe]tre|[يت]?فتح في (?:نافذة|علامة تبويب) جديدة)\)")
_SHARE_WIDGET = re.compile(
    rf"(?i)(?:(?:share|like) this\s*:?\s*)?(?:\s*{_WIDGET_PIECE}(?:\s*[\w-]{{1,20}}\b(?!\s*\())?[\s,|·•]*)+")
# A line of hashtags only ("#سوريا #الزراعة #الجفاف"): a tag line without its label.
_HASHTAGS = re.compile(r"\s*(?:#[^\s#]{2,40}[\s,،]*){2,}")


def _is_breadcrumb(visible: str, lex: Lexicon, words: WordForms) -> bool:
    if _CRUMB_SPLIT.search(visible) is None:  # one part: no trail
        return False
    parts = [p for p in _CRUMB_SPLIT.split(visible) if p.strip()]
    if len(parts) < 2 or words.key(parts[0]) not in lex.home:
        return False
    return all(len(p.split()) <= 8 for p in parts)


# --------------------------------------------------------------------------- glued tails

def _glue_cut(raw: str, key: str, lex: Lexicon, words: WordForms) -> list[tuple[str, str]] | None:
    """Split off boilerplate phrases glued to the end of a line: (kept text, [cut parts]).

    A phrase is cut when what precedes it ends a sentence (``.``, ``؟``, a closing quote) or
    is glued with no space at all, or, for phrases that never occur in prose (the back-to-top
    button, the comment-form e-mail notice), whatever precedes it. Once one phrase is cut,
    a further phrase separated by a space is part of the same run of furniture.
    """
    cuts: list[tuple[str, str]] = []  # (text cut, role)
    text = raw.rstrip()
    trail = raw[len(text):]
    while True:
        rev = key[::-1]
        glued = lex.glue.longest_at(rev)
        if glued is None or len(glued) >= len(key):
            break
        role = lex.glue.roles[glued]
        cut = _cut_index(text, len(glued), words)
        if cut is None:
            break
        prefix = text[:cut].rstrip()
        if not words.key(prefix):
            break
        spaced_boundary = len(prefix) < cut
        last = prefix[-1]
        latin = text[cut:cut + 1].isascii()
        ok = (last in _GLUE_BOUNDARY or role == "tail"
              or (cuts and spaced_boundary)
              or (not spaced_boundary and not latin and not last.isascii() and role != "line"))
        if not ok:
            break
        cuts.append((text[cut:], role))
        text = prefix
        key = words.key(text)
    if not cuts:
        return None
    return [(text + trail, ""), *cuts[::-1]]


# An end-of-dispatch marker glued to the last sentence: "...دولية. (انتهى)", "...year. -- END --".
_END_GLUED = re.compile(
    r"(?<=[.!?؟…»”\"')\]])(\s*(?:[-–—ـ(\[/]+\s*)(?:انتهى|النهاية|end|ends|fin)(?:\s*[-–—ـ)\]/]+))\s*$",
    re.IGNORECASE)
_GLUED_RULE = MappingProxyType({"end": "glued-agency-end", "promo": "glued-promo",
                                "more": "glued-more-link"})
# A one-word "more" link after the ellipsis that cut a teaser short: "…قال الوزير… المزيد".
_MORE_GLUED = re.compile(
    r"(?:(?<=…)|(?<=\.\.\.))(\s*(?:المزيد|للمزيد|التفاصيل|more|suite)\s*[»›>]*)\s*$",
    re.IGNORECASE)
_WORD_START = re.compile(r"(?<!\S)\S")
_LINK_END = re.compile(rf"(?:{_EMAIL}|{_HANDLE}|https?://\S+)$")


_END_TAIL = 24  # the longest glued marker with its brackets and spaces, and the mark before
_END_WORDS = ("انتهى", "النهاية", "end", "fin", "المزيد", "التفاصيل", "more", "suite")


def _end_marker_cut(raw: str) -> list[tuple[str, str]] | None:
    """Cut an agency's end marker, or a one-word "more" link after an ellipsis, off the end
    of a line (kept text, [cut part]). Only the line's last characters are searched: most
    lines end with no such word at all."""
    tail = raw.rstrip()[-_END_TAIL:]
    folded = tail.casefold()
    if not any(word in folded for word in _END_WORDS):
        return None
    offset = len(raw.rstrip()) - len(tail)
    match, role = _END_GLUED.search(tail), "end"
    if not match:
        match, role = _MORE_GLUED.search(tail), "more"
    if not match or not raw[:offset + match.start(1)].strip():
        return None
    trail = raw[len(raw.rstrip()):]
    return [(raw[:offset + match.start(1)].rstrip() + trail, ""), (match.group(1).strip(), role)]


def _promo_cut(info: _Line, lex: Lexicon, words: WordForms) -> list[tuple[str, str]] | None:
    """A subscription promo glued to the end of a real line, after the end of a sentence or
    after an e-mail address, handle or URL (the author's contact line): cut it off."""
    if info.words < 4 or info.words > 80 or len(info.raw) > 2_000:
        return None
    if (lex.promo_words.isdisjoint(info.pieces)
            and not any(map(info.key.__contains__, lex.promo_phrases))  # in C: most lines get here
            and not (any(map(info.key.__contains__, _SMS_HINTS)) and _SMS.search(info.visible))):
        return None  # no channel and no SMS verb: the spaced form is not needed
    padded = f" {_spaced_of(info, words)} "
    if not lex.promo_channels.search(padded) and not _SMS.search(info.visible):
        return None
    raw = info.raw.rstrip()
    trail = info.raw[len(raw):]
    for start in _WORD_START.finditer(raw):
        cut = start.start()
        head = raw[:cut].rstrip()
        if not head or not (head[-1] in _GLUE_BOUNDARY or _ends_with_link(head)):
            continue
        tail = raw[cut:]
        visible = _visible(tail)
        count = len(visible.split())
        if count < 2 or count > 25 or not words.key(head):
            continue
        spaced = words.spaced(visible)
        if _is_promo(visible, spaced, f" {spaced} ", lex, words) or _is_sms_promo(visible):
            return [(head + trail, ""), (tail, "promo")]
    return None


def _ends_with_link(head: str) -> bool:
    """``_LINK_END.search(head)``, looking only at the last word: none of its addresses
    holds a space, and a search of the whole head at each of a line's words was quadratic."""
    return _LINK_END.search(head[head.rfind(" ") + 1:]) is not None


def _cut_index(text: str, length: int, words: WordForms) -> int | None:
    """Index in ``text`` where its last ``length`` key characters begin."""
    count = 0
    for i in range(len(text) - 1, -1, -1):
        count += len(words.key(text[i]))
        if count == length:
            return i
        if count > length:
            return None
    return None


# --------------------------------------------------------------------------- the cleaner

_TABLE_ROW = re.compile(r"^ {0,3}\|.*\|[ \t]*\r?$")
_TABLE_RULE = re.compile(r"^ {0,3}\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*\r?$")


def _table_lines(lines: Sequence[str]) -> frozenset[int]:
    """The lines of Markdown pipe tables (a run of ``| … |`` rows with a ``|---|`` rule
    among them): content the curator or the importer laid out, never boilerplate, so the
    rules leave them alone as they leave code."""
    found: set[int] = set()
    start = None
    for i in range(len(lines) + 1):
        row = i < len(lines) and "|" in lines[i] and _TABLE_ROW.match(lines[i])
        if row and start is None:
            start = i
        elif not row and start is not None:
            if any(_TABLE_RULE.match(lines[j]) for j in range(start, i)):
                found.update(range(start, i))
            start = None
    return frozenset(found)


def _scan(lines: Sequence[str], keep_keys: frozenset[str], words_seen: WordForms,
          ) -> tuple[list[_Line], dict[int, str]]:
    infos: list[_Line] = []
    edited: dict[int, str] = {}
    fenced = False
    tables = _table_lines(lines)
    for i, raw in enumerate(lines):
        if _FENCE.match(raw):
            fenced = not fenced
            infos.append(_Line(raw, "", "", 0, False, True, True, False))
            continue
        if fenced or i in tables:
            infos.append(_Line(raw, "", "", 0, not raw.strip(), True, True, False))
            continue
        if not raw.strip():  # half the lines: nothing to normalise, no marker, no heading
            infos.append(_Line(raw, "", "", 0, True, False, False, False))
            continue
        text = raw
        marked = _KEEP_MARKER.search(raw) if "<!--" in raw else None
        if marked:
            text = raw[:marked.start()].rstrip(" \t") + marked.group(1)
            edited[i] = text
        visible = _visible(text)
        words = visible.split()
        pieces = words_seen.pieces(visible, words)
        key = "".join(pieces)  # line_key(visible)
        keep = bool(marked) or (bool(key) and key in keep_keys)
        infos.append(_Line(text, visible, key, len(words), not text.strip(), False,
                           keep, bool(_HEADING.match(text)), words, len(pieces), pieces))
    return infos, edited


def clean_text(text: str, keep: Iterable[str] = (), words: WordForms | None = None) -> CleanResult:
    """Remove boilerplate lines from an article body (see the module docstring). ``words``:
    the word forms remembered across the caller's articles (without, remembered for this
    text only)."""
    lex = load_lexicon()
    words = WordForms() if words is None else words
    keep_keys = frozenset(k for k in (words.key(_visible(str(x))) for x in keep) if k)
    lines = text.split("\n")
    infos, edited = _scan(lines, keep_keys, words)
    n = len(infos)
    verdict: dict[int, str] = {}
    roles: dict[int, str] = {}
    glued: dict[int, list[tuple[str, str]]] = {}

    for i, info in enumerate(infos):
        if info.blank or info.code or not info.key:
            continue
        role = _lexicon_role(info, lex)
        if role:
            roles[i] = role
            if not info.keep:
                verdict[i] = _ROLE_RULE[role]
            continue
        if info.keep:
            continue
        rule = _pattern_rule(info, lex, words)
        if rule:
            verdict[i] = rule
            continue
        parts = (_glue_cut(info.raw, info.key, lex, words) or _end_marker_cut(info.raw)
                 or _promo_cut(info, lex, words))
        if parts:
            glued[i] = parts
            opener = next((r for _, r in parts[1:] if r in ("comment", "related", "tags")), None)
            if opener:
                roles[i] = opener

    content = [i for i, info in enumerate(infos) if not info.blank and not info.code]
    _close_comments(infos, content, roles, verdict, glued)
    _zones(infos, roles, verdict)
    _related_runs(infos, content, verdict, glued, lex, words)
    _stamp_serials(infos, content, verdict)
    _tail_credits(infos, content, verdict, lex, words)

    removed: list[RemovedLine] = []
    out: list[str | None] = []
    for i in range(n):
        if i in verdict:
            removed.append(RemovedLine(i + 1, lines[i], verdict[i]))
            out.append(None)
        elif i in glued:
            parts = glued[i]
            out.append(parts[0][0])
            removed += [RemovedLine(i + 1, cut, _GLUED_RULE.get(role, "glued-tail"))
                        for cut, role in parts[1:]]
        else:
            out.append(edited.get(i, lines[i]))
    if not removed:
        if not edited:
            return CleanResult(text, ())
        return CleanResult("\n".join(x for x in out if x is not None), ())
    return CleanResult(_join(out, text.endswith("\n")), tuple(removed))


def _near_end(heading: _Line, position: int, prose: int, total: int) -> bool:
    """Whether a comment heading sits after the article rather than inside it.

    Comments are prose too, so "near the end" is judged by what comes before: some article
    text (``prose``: words of running lines before it), and a ``position`` among the
    ``total`` content lines past the first third (past the middle for one-word headings such
    as "Comments", which are less certain).
    """
    if heading.words < 2:
        return position >= 0.5 * total or prose >= 150
    return prose >= 40 or position >= 0.3 * total


def _close_comments(infos: Sequence[_Line], content: Sequence[int], roles: Mapping[int, str],
                    verdict: dict[int, str], glued: Mapping[int, object]) -> None:
    """A comment-form heading in the second half closes the article."""
    if "comment" not in roles.values():
        return
    prose = 0  # summed as the loop goes: a line of "Comments" per line stays linear
    for position, i in enumerate(content):
        info = infos[i]
        if (roles.get(i) != "comment" or info.keep
                or not _near_end(info, position, prose, len(content))):
            if info.running:
                prose += info.words
            continue
        if i in verdict:
            verdict[i] = "comment-tail"
        for j in range(i + 1, len(infos)):
            if not infos[j].blank and not infos[j].keep:
                verdict[j] = "comment-tail"
        return


_ZONE_CAP = 25


def _zones(infos: Sequence[_Line], roles: Mapping[int, str], verdict: dict[int, str]) -> None:
    """A related or tags heading removes the short lines after it, up to running text."""
    i = 0
    while i < len(infos):
        role = roles.get(i)
        if role not in ("related", "tags") or infos[i].keep:
            i += 1
            continue
        rule = "tag-line" if role == "tags" else "related-zone"
        taken = 0
        j = i + 1
        while j < len(infos) and taken < _ZONE_CAP:
            info = infos[j]
            if (info.code and not info.blank) or (roles.get(j) in ("related", "tags")
                                                   and not info.keep):
                break
            if info.blank or info.keep or j in verdict:
                j += 1
                continue
            if info.heading or info.running or _QA_LABEL.match(info.visible):
                break  # prose, a heading or an interview turn: the article resumes
            verdict[j] = rule
            taken += 1
            j += 1
        i = j


# Related headlines without a heading. Sites put boxes of teaser titles after the article or
# between its paragraphs, and a paste keeps them as short lines with no sentence punctuation,
# often behind the credit of the box's photo ("(رويترز)", "AFP", "Getty Images"). What tells
# them from real short lines: real ones are list items (a marker), interview turns (س: / ج:,
# Q: / A:), poem lines (they rhyme), subheadings (one line, then prose), or the items of a
# list announced by a line ending in a colon.
_QA_LABEL = re.compile(r"^\s*(?:[سجQRA]|س\d+|ج\d+|Q\d+|A\d+|سؤال|جواب|Question|Réponse|Answer)"
                       r"\s*[:：.)-]", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪►◄]|\d{1,3}[.)])\s")
_PHOTO_LABEL = re.compile(r"(?i)^(?:[(\[]?\s*)(?:©|الصورة|صورة|تصوير|photo|photos|image|crédit(?: photo)?|"
                          r"credit|picture)\s*[:：-]?\s*")
_PHOTO_CREDITS = frozenset({"gettyimages", "epa", "shutterstock", "afpgettyimages", "getty",
                            "صورهارشيفيه", "ارشيفيه", "ارشيف", "archives", "archive", "fileimage",
                            "filephoto", "aa", "apimages", "sipa", "maxppp", "abacapress"})
TITLE_WORDS = (3, 16)  # a teaser title's length in words
_RUN_UNLABELLED = 3  # teaser lines in a row that need no credit or label in front


def _is_credit(info: _Line, lex: Lexicon, words: WordForms) -> bool:
    """A photo or agency credit standing alone on its line."""
    if info.words > 6 or not info.key:
        return False
    text = _PHOTO_LABEL.sub("", info.visible).strip(" ()[]")
    key = words.key(text)
    if not key:
        return False
    if key in _PHOTO_CREDITS or key.replace("via", "") in _PHOTO_CREDITS:
        return True
    if "/" in text:  # "REUTERS/Jane Example", "AFP/Getty Images": the agency before a name
        text = text.split("/", 1)[0]
    spaced = words.spaced(text)
    return bool(spaced) and lex.agency.fullmatch(spaced) is not None


_PHOTO_CREDIT_LINE = re.compile(
    r"(?i)^[(\[]?\s*(?P<label>مصدر الصورة|حقوق الصورة|الصورة|صورة|تصوير|photo|photos|image|"
    r"credit|crédit(?: photo)?|photograph|picture)\s*(?P<sep>[:：،,|/-]|by|par)\s*"
    r"(?P<rest>[^.!?؟]{1,80}?)\s*[)\]]?$")
# Labels that only ever introduce a credit; "صورة:" or "Photo:" may introduce a caption.
_CREDIT_ONLY_LABELS = frozenset({"مصدر الصوره", "حقوق الصوره", "تصوير", "credit", "credit photo"})
_LATIN_NAME = re.compile(r"[A-ZÀ-Þ][\w'’.-]*(?:\s+[A-ZÀ-Þ][\w'’.-]*){0,3}(?:\s*/\s*[\w .'’-]{1,40})?")
_AGENCY_PHOTO = re.compile(r"(?i)\s+(?:photo|photos|images)$")
_VIA_GETTY = re.compile(r"(?i)\b(?:via|/)\s*getty\s*images\s*\)?$")


def _is_photo_credit(visible: str, lex: Lexicon, words: WordForms) -> bool:
    """A photo credit standing alone: "مصدر الصورة، Getty Images", "تصوير: سامر خليل",
    "صورة: رويترز", "Photo: Jane Example/AFP", "(Photo by … via Getty Images)". After "صورة:"
    or "Photo:" only an agency, a photo service or a Latin name is a credit: anything else
    is the picture's caption, which stays."""
    if words.key(visible) in _PHOTO_CREDITS or _VIA_GETTY.search(visible):
        return True
    if "/" in visible:  # "(AP Photo/Jane Example)", "REUTERS/Jane Example"
        head = _AGENCY_PHOTO.sub("", visible.split("/", 1)[0].strip(" ([")).strip()
        spaced = words.spaced(head)
        if spaced and lex.agency.fullmatch(spaced) and len(visible.split()) <= 8:
            return True
    match = _PHOTO_CREDIT_LINE.match(visible)
    if not match or len(match.group("rest").split()) > 5:
        return False
    label = match_form(match.group("label"))
    if label in _CREDIT_ONLY_LABELS or match.group("sep").strip().casefold() in ("by", "par"):
        return True
    rest = match.group("rest").strip(" ()[]")
    spaced = words.spaced(rest.split("/", 1)[0])
    return bool((spaced and lex.agency.fullmatch(spaced)) or words.key(rest) in _PHOTO_CREDITS
                or _LATIN_NAME.fullmatch(rest))


def _title_like(info: _Line) -> bool:
    """A short line that could be a teaser title: no punctuation ending a sentence, no list
    marker, no interview label."""
    if (info.blank or info.code or info.keep or info.heading
            or not TITLE_WORDS[0] <= info.words <= TITLE_WORDS[1]):
        return False
    visible = info.visible
    if (_TERMINAL.search(visible) or _QUESTION.search(visible) or _COLON.search(visible)
            or _ELLIPSIS.search(visible) or visible.endswith(("،", ","))):
        return False
    return not (_LIST_ITEM.match(info.raw) or _QA_LABEL.match(visible))


def _rhymes(infos: Sequence[_Line], run: Sequence[int]) -> bool:
    """Whether most lines of the run end alike, as the lines of a poem do (its rhyme letter
    and the vowel letter after it: ثاويا / باكيا / شاكيا)."""
    ends = [infos[i].key[-2:] for i in run if len(infos[i].key) >= 2]
    if len(ends) < 2:
        return False
    most = max(ends.count(e) for e in set(ends))
    return most >= 2 and most * 5 >= len(ends) * 3


def _related_runs(infos: Sequence[_Line], content: Sequence[int], verdict: dict[int, str],
                  glued: Mapping[int, Sequence[tuple[str, str]]], lex: Lexicon,
                  words: WordForms) -> None:
    """Teaser titles after a credit line, at the end of the text, or three in a row. A line
    that lost a glued tail is judged by what is left of it, and is never a teaser."""
    live = [i for i in content if not infos[i].keep]

    def running(i: int) -> bool:
        if i in glued:
            kept = _visible(glued[i][0][0])
            return _is_running(kept, len(kept.split()))
        return infos[i].running

    last_prose = next((i for i in reversed(live) if i not in verdict and running(i)), -1)
    # Where the writer leaves sentences without a full stop, a short unpunctuated line says
    # nothing: only a credit line in front still marks a run of teasers.
    punctuated = _punctuated(infos, live)
    pos = 0
    while pos < len(live):
        i = live[pos]
        credit = _is_credit(infos[i], lex, words)
        if i in verdict and not credit:
            pos += 1
            continue
        start = pos + 1 if credit else pos
        end = start
        while end < len(live) and (live[end] in verdict or (
                live[end] not in glued and _title_like(infos[live[end]]))):
            end += 1
        run = [j for j in live[start:end] if j not in verdict]
        if not run or _rhymes(infos, run) or _announced(infos, live, start):
            pos = max(end, pos + 1)
            continue
        if _teasers(infos, live, verdict, run, start, end, credit, punctuated, last_prose):
            for j in ([i] if credit else []) + run:
                verdict[j] = "related-run"
        pos = max(end, pos + 1)


def _teasers(infos: Sequence[_Line], live: Sequence[int], verdict: Mapping[int, str],
             run: Sequence[int], start: int, end: int, credit: bool, punctuated: bool,
             last_prose: int) -> bool:
    """Whether a run of title-like lines is a box of teasers. Losing an article line costs
    more than leaving a teaser, so each case asks for its own evidence:

    * behind a credit line, two or more; where the text does not punctuate its sentences,
      only at its end (nothing but removed lines after the run);
    * with no credit, only in a text that punctuates and only after its last sentence:
      three or more that read as headlines (``_headlines``: five words or more, no two
      opening alike, as a list's items do), or two or more when furniture that was removed
      stands between the sentence and the run. Inside the body a run with neither credit
      nor label stays: a pasted list that lost its bullets looks the same.
    """
    at_end = all(j in verdict for j in live[end:])
    if credit:
        return len(run) >= 2 and (punctuated or at_end)
    if not punctuated or run[0] < last_prose or not at_end:
        return False
    if len(run) >= _RUN_UNLABELLED and _headlines(infos, run):
        return True
    return len(run) >= 2 and any(j in verdict for j in live[:start] if j > last_prose)


_HEADLINE_WORDS = 5


def _headlines(infos: Sequence[_Line], run: Sequence[int]) -> bool:
    """Lines that read as separate headlines rather than a list's items: each of at least
    ``_HEADLINE_WORDS`` words, and no two opening with the same word."""
    firsts = [match_form(infos[i].split[0]) if infos[i].split else "" for i in run]
    return (all(infos[i].words >= _HEADLINE_WORDS for i in run)
            and len(set(firsts)) == len(firsts))


_PUNCTUATED_SHARE = 0.6
_SENTENCE_WORDS = 10


def _punctuated(infos: Sequence[_Line], live: Sequence[int]) -> bool:
    """Whether the text ends its sentences with punctuation: most of its lines of
    ``_SENTENCE_WORDS`` words or more do (a text with none such gives no evidence: no)."""
    long = [infos[i] for i in live if infos[i].words >= _SENTENCE_WORDS]
    ended = sum(1 for info in long if _TERMINAL.search(info.visible) or _QUESTION.search(info.visible)
                or _COLON.search(info.visible) or _ELLIPSIS.search(info.visible))
    return bool(long) and ended >= _PUNCTUATED_SHARE * len(long)


def _announced(infos: Sequence[_Line], live: Sequence[int], start: int) -> bool:
    """Whether the lines from ``live[start]`` follow a line ending in a colon (a list)."""
    return start > 0 and bool(_COLON.search(infos[live[start - 1]].visible))


_SERIAL = re.compile(r"\s*\(?\d{1,8}\)?\s*")


def _stamp_serials(infos: Sequence[_Line], content: Sequence[int], verdict: dict[int, str]) -> None:
    """A bare number next to an end marker or a filing stamp is the dispatch's serial."""
    for before, i in itertools.pairwise(content):
        if (i not in verdict and not infos[i].keep and _SERIAL.fullmatch(infos[i].visible)
                and verdict.get(before) in ("agency-end", "dispatch-stamp")):
            verdict[i] = "dispatch-stamp"


def _tail_credits(infos: Sequence[_Line], content: Sequence[int], verdict: dict[int, str],
                  lex: Lexicon, words: WordForms) -> None:
    """After the last line of prose, "Source: <name>" credits go too."""
    kept = [i for i in content if i not in verdict]
    last_prose = next((i for i in reversed(kept) if infos[i].running), None)  # kept ascends
    if last_prose is None:
        return
    for i in kept:
        if i <= last_prose or infos[i].keep:
            continue
        split = _head_split(infos[i].raw, words)
        if (split and split[0] in lex.source_labels
                and 0 < len(_visible(split[1]).split()) <= 6):
            verdict[i] = "agency-marker"


def _join(out: Sequence[str | None], trailing_newline: bool) -> str:
    """Join kept lines; blank runs where lines were removed shrink to one (none at the ends)."""
    result: list[str] = []
    between: list[str | None] = []
    for item in out:
        if item is None or not item.strip():
            between.append(item)
            continue
        if None not in between:
            result += [b for b in between if b is not None]
        elif result:
            result += [b for b in between if b is not None][:1]
        between = []
        result.append(item)
    if None not in between:
        result += [b for b in between if b is not None]
    text = "\n".join(result)
    if trailing_newline and result and not text.endswith("\n"):
        text += "\n"
    return text
