"""Finding known names in running text: one token automaton over every alias.

Why tokens and not a big regular expression: an alternation of ten thousand aliases is slow
in Python's backtracking engine, while names only ever start and end at word boundaries. So
the text is cut into words once (``tokenize``), each word is normalised with
``generator.text.normalize.match_form`` (memoised across calls, news repeats its words), and
the words are walked through a trie of alias words. The cost grows with the length of the
text; the number of aliases only changes the size of two dictionaries built once.

Why ``AliasIndex.find`` does not call ``tokenize``: tagging runs on every article of every
build, and a Python loop over each word was most of its cost. ``find`` cuts the text at plain
spaces (no word contains one), looks each piece's normal forms up in the index's memo (a
``FormMemo``, kept across the calls of one build), and lets C-level ``map``/``compress`` pick
the few words that can start a name. Where a word sits, what was written and whether
punctuation separates it from the word before are worked out only when a name's walk needs
them, by tokenising just those pieces the same way ``tokenize`` does, so both paths give the
same answers.

Arabic specifics, decided here except for the letter and prefix rules themselves, which
``generator.text.arabic`` holds for the matcher and search alike:

* **Attached prefixes.** The conjunctions و ف, then the prepositions ب ل ك, may be glued to
  the first word of a name: وفرنسا، بفرنسا، ولفرنسا، فبفرنسا، للائتلاف (the rules are in
  ``generator.text.arabic``). The prefixed spellings are generated from the aliases when the
  index is built (``arabic.prefixed``), so the scan does one dictionary lookup per word.
* **The article ال is part of the name, never stripped.** A name either carries it
  (الائتلاف، العراق) or does not (مصر، مصطفى), and adding it makes a different word:
  المصطفى is not مصطفى. A curator who wants both lists both.
* **Never inside a word.** Matches start and end at word boundaries, so مصر does not match
  in مصرف and ايران does not match inside a longer word; a prefix is only accepted when the
  rest of the word is exactly the alias word.
* **عبد compounds.** عبد الرحمن and عبدالرحمن (likewise عبد الله / عبدالله) are one name
  written two ways; each alias is indexed in both spellings when a word ``عبد`` is followed
  by a word that starts with ال.
* **Script changes are word boundaries** (``الـSOC``, ``وEtilaf``), so mixed Arabic/Latin
  text works; bidi controls and tashkeel vanish in the match form.
* **Multi-word names do not span punctuation.** Only spaces, line breaks, hyphens,
  apostrophes and ZWNJ may sit between the words of a match (plus the dot after a single
  Latin letter, for ``U.S.``), so "… مجلس. الأمن …" is not مجلس الأمن.
* **Overlaps.** The scan is leftmost-longest: at each word the longest alias wins, and the
  words it covers are not reused (الخارجية الأمريكية is the State Department, not also the
  United States through الأمريكية).
* **Short aliases.** An alias written in Latin capitals (``SOC``, ``UN``, ``U.S.``) is an
  acronym and only matches text in capitals ("us" is not the US). Any other one-word alias
  shorter than ``MIN_STEM`` letters matches too much to be used for tagging at all (the
  registry warns); prefixes are only peeled off words whose rest is at least that long.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress, count
from operator import not_

from generator.text.arabic import AL, ARABIC_LETTERS, MIN_STEM, TASHKEEL, prefixed, written_form
from generator.text.normalize import SIMPLE_FORMS, SIMPLE_TRANSLATION, match_form

# A raw word: word characters plus what ``match_form`` will erase inside a word (combining
# marks such as tashkeel and Latin accents, bidi and joiner controls, soft hyphen).
_RAW = (
    rf"[\w\u00ad\u0300-\u036f{TASHKEEL}\u061c\u08d3-\u08ff\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff]+"
)
_SPLIT = re.compile(f"({_RAW})")
_WORD = re.compile(_RAW)
# After normalisation a raw word may still hold a script change or a ZWNJ: both split it.
_FORMS = re.compile(f"[{ARABIC_LETTERS}]+|[^\\W{ARABIC_LETTERS}]+")
_ARABIC_ONLY = re.compile(f"[{ARABIC_LETTERS}]+")

# What may separate the words of one name (anything else breaks a multi-word match).
# (A set of characters for str.strip, not a regex class: every character is listed.)
SOFT_GAP = ("\t\n\r\f\v \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u202f\u205f\u3000\u200c-\u2010\u2011'\u2019\u02bc")
# Text that can never be part of a match on either side (block boundaries, title/body).
HARD_BREAK = "\u2029"

_ABD = "\u0639\u0628\u062f"  # عبد

Tokens = tuple[str, ...]
Memo = dict[str, Tokens]

# How many words and pieces a ``FormMemo`` remembers before it starts afresh.
_CACHE_LIMIT = 100_000


class FormMemo:
    """What an index remembers between calls of one build, so it ends with the registry.

    ``forms()`` gives the normal forms of words and space-free pieces of text (each build
    worker tags thousands of articles that repeat their words); the dictionary is replaced,
    not cleared, when full, so a call in another thread keeps the one it started with.
    ``starting`` says which pieces hold a word that may start a name. Results never depend
    on either: they only save work.
    """

    __slots__ = ("_forms", "starting")

    def __init__(self) -> None:
        self._forms: Memo = {}
        self.starting: dict[str, bool] = {}

    def forms(self) -> Memo:
        if len(self._forms) > _CACHE_LIMIT:
            self._forms = {}
        return self._forms


@dataclass(frozen=True, slots=True)
class Scan:
    """A text cut into normalised words; ``hard[i]`` is true when no name may join word i to
    the word before it; ``raw[i]`` is the word as written (for acronym case checks)."""

    forms: tuple[str, ...]
    raw: tuple[str, ...]
    hard: tuple[bool, ...]


def alias_tokens(alias: str) -> Tokens:
    """The normalised words of an alias (punctuation and spacing ignored)."""
    return tuple(_FORMS.findall(match_form(alias)))


def alias_key(alias: str) -> str:
    """A comparable key for a name: its normalised words joined by single spaces."""
    return " ".join(alias_tokens(alias))


def is_acronym(alias: str) -> bool:
    """Written in Latin capitals (``SOC``, ``U.S.``, ``G20``): match only capitals."""
    letters = [ch for ch in alias if ch.isalpha()]
    return bool(letters) and all(ch.isascii() and ch.isupper() for ch in letters)


def is_too_short(alias: str) -> bool:
    """One word, fewer than ``MIN_STEM`` letters, and not an acronym: unsafe for tagging."""
    words = alias_tokens(alias)
    return len(words) == 1 and len(words[0]) < MIN_STEM and not is_acronym(alias)


def spellings(words: Tokens) -> tuple[Tokens, ...]:
    """The alias as written plus its other عبد spelling (joined or split), without repeats."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == _ABD and i + 1 < len(words) and words[i + 1].startswith(AL):
            joined.append(_ABD + words[i + 1])
            i += 2
        else:
            joined.append(words[i])
            i += 1
    split: list[str] = []
    for word in words:
        if word.startswith(_ABD + AL) and len(word) > len(_ABD + AL):
            split.extend((_ABD, word[len(_ABD):]))
        else:
            split.append(word)
    result = [words]
    for variant in (tuple(joined), tuple(split)):
        if variant not in result:
            result.append(variant)
    return tuple(result)


# Short aliases and letter folds (the rule, from the alias's first word's length in letters):
#
# | letters | attached prefix peeled | a fold was needed to match        | the match  |
# | ------- | ---------------------- | --------------------------------- | ---------- |
# | <= 3    | either                 | any (hamza seat, ى/ي; ة/ه is none)  | refused    |
# | 4       | yes                    | any                               | refused    |
# | 4       | no                     | one marked letter for another (آ/أ) | refused    |
# | 4       | no                     | a marked letter for a bare one     | accepted   |
# | >= 5    | either                 | any                               | accepted   |
#
# Why: a word of three letters after a one-letter prefix is the commonest Arabic word shape
# (فاعل: كامل، فاسد، كاتب), so ك + أمل and ف + أسد are everyday words, and so are على next to
# علي and آمن next to أمن; four-letter aliases meet such words far less often (آمين next to
# أمين), and five letters almost never (tests/unit/text/test_matcher_folds.py holds the rule
# to the 30,000 commonest words of benchmarks/data/ar_news_words.tsv). A curator who wants a
# spelling without hamza matched lists it as an alias of its own.
SHORT_ALIAS = 3
GUARDED_ALIAS = 4
MARKED_LETTERS = frozenset("\u0622\u0623\u0625\u0624\u0626\u0649")  # آ أ إ ؤ ئ ى


@dataclass(frozen=True, slots=True)
class Terminal:
    """What a complete alias path means: which target, and under which conditions."""

    target: int
    acronym: bool  # match only text written in capitals
    prefixable: bool  # may carry attached prefixes
    # The first word as its aliases spell it (``written_form``), when it is short enough
    # for the fold rule above to apply; None otherwise.
    written: frozenset[str] | None = None


def spelled_alike(written: frozenset[str], raw: str, form: str, stripped: bool) -> bool:
    """Whether the text word ``raw`` (match form ``form``; a prefix peeled when ``stripped``)
    may stand for an alias first word spelled one of ``written`` (see the table above)."""
    letters = min(len(w) for w in written)
    text = next((t for t in _FORMS.findall(written_form(raw)) if match_form(t) == form), form)
    readings = {p for w in written for p in prefixed(w)} if stripped else written
    if text in readings:
        return True
    if letters <= SHORT_ALIAS or stripped:
        return False
    return not any(len(w) == len(text) and any(
        a != b and a in MARKED_LETTERS and b in MARKED_LETTERS for a, b in zip(w, text, strict=True))
        for w in written)


@dataclass(frozen=True, slots=True)
class AliasIndex:
    """The automaton: first words (with every prefixed spelling) and a trie of alias words.

    ``starts`` maps a text word to the alias first words it may stand for, with a flag telling
    whether a prefix was peeled off; ``trie`` maps words to child nodes, the empty string to a
    ``Terminal``. Built once per registry and never changed after ``build_index`` returns;
    ``memo`` is the registry's ``FormMemo``, what its searches remember (not part of what the
    index is: not compared, not shown).
    """

    starts: Mapping[str, tuple[tuple[str, bool], ...]]
    trie: Mapping[str, object]
    memo: FormMemo = field(default_factory=FormMemo, repr=False, compare=False)
    # Targets whose matches ``find_with_context`` reports with the word before them.
    contextual: frozenset[int] = frozenset()

    def scan(self, scan: Scan) -> list[int]:
        """Targets found in ``scan``, in text order (repeats kept), leftmost-longest."""
        forms, n = scan.forms, len(scan.forms)

        def form(j: int) -> str | None:
            return forms[j] if j < n else None

        found: list[int] = []
        resume = 0
        for i in compress(count(), map(self.starts.__contains__, forms)):
            if i < resume:
                continue
            end, target = self._longest(form, scan.raw.__getitem__, scan.hard.__getitem__,
                                        i, self.starts[forms[i]])
            if target >= 0:
                found.append(target)
                resume = end
        return found

    def find(self, text: str, memo: Memo | None = None) -> list[int]:
        """``self.scan(tokenize(text, memo))``, without tokenising the whole text (see the
        module docstring): what tagging calls once per article. Positions are (piece, word
        of the piece) pairs, compared as tuples."""
        return [target for target, _ in self.find_with_context(text, memo)]

    def find_with_context(self, text: str, memo: Memo | None = None) -> list[tuple[int, str]]:
        """``find``, each target with the match form of the word before its match when the
        target is one of ``contextual`` (empty otherwise, and when punctuation or a block
        boundary separates that word from the match: "صحيفة. الوطن" has none)."""
        memo = self.memo.forms() if memo is None else memo
        pieces = _Pieces(text, memo)
        found: list[tuple[int, str]] = []
        resume = (0, 0)
        for piece in self._candidates(pieces.pieces, memo):
            if piece < resume[0]:
                continue
            for index, form in enumerate(pieces.forms(piece)):
                heads = self.starts.get(form)
                if heads is None or (piece, index) < resume:
                    continue
                cursor = _Cursor(pieces, piece, index)
                end, target = self._longest(cursor.form, cursor.raw, cursor.hard, 0, heads)
                if target >= 0:
                    before = _word_before(pieces, piece, index) if target in self.contextual else ""
                    found.append((target, before))
                    last_piece, last_index = cursor.where[end - 1]
                    resume = (last_piece, last_index + 1)
        return found

    def _candidates(self, pieces: list[str], memo: Memo) -> list[int]:
        """Indexes of the pieces holding a word that may start a name, picked out in C from
        the memo's ``starting`` (pieces not in it yet are worked out first, once each)."""
        starting = self.memo.starting
        if len(starting) > _CACHE_LIMIT:
            starting.clear()
        try:
            return self._picked(pieces)
        except KeyError:  # new pieces: work each out once, then pick again
            self._learn(set(pieces).difference(starting), memo)
        try:
            return self._picked(pieces)
        except KeyError:  # emptied by another thread meanwhile
            return [i for i, piece in enumerate(pieces) if self._may_start(piece, memo)]

    def _picked(self, pieces: list[str]) -> list[int]:
        return list(compress(count(), map(self.memo.starting.__getitem__, pieces)))

    def _learn(self, new: set[str], memo: Memo) -> None:
        """Whether each of the ``new`` pieces may start a name, into the memo's ``starting``.
        Most new pieces are words a text uses once, and none of them starts a name: when the
        forms of all of them together (read off the translated pieces joined by spaces, as
        ``_piece_forms`` reads one plain piece) meet no first word, they are marked in one
        go, rather than by a call per piece (what a third of tagging an article cost).
        Their forms are not remembered: only the pieces a walk reads need them."""
        pieces = list(new)
        joined = " ".join(pieces)
        if not _PLAIN_PIECES.fullmatch(joined):
            for piece in pieces:
                self._may_start(piece, memo)
            return
        translated = joined.translate(SIMPLE_TRANSLATION)
        firsts = self.starts.keys() & set(_FORMS.findall(translated))
        if not firsts:
            self.memo.starting.update(dict.fromkeys(pieces, False))
            return
        # Some do: each piece's forms against the first words met (a few), still in C.
        met = map(not_, map(firsts.isdisjoint, map(_FORMS.findall, translated.split(" "))))
        self.memo.starting.update(zip(pieces, met, strict=True))

    def _may_start(self, piece: str, memo: Memo) -> bool:
        flag = self.memo.starting.get(piece)
        if flag is None:
            flag = not self.starts.keys().isdisjoint(_piece_forms(piece, memo))
            self.memo.starting[piece] = flag
        return flag

    def _longest(self, form: Callable[[int], str | None], raw: Callable[[int], str],
                 hard: Callable[[int], bool], i: int,
                 heads: tuple[tuple[str, bool], ...]) -> tuple[int, int]:
        """The end and target of the longest alias starting at word ``i`` (target -1: none).
        ``form(j)`` is word ``j`` (None past the end); ``raw`` and ``hard`` are asked only
        when an alias needs them, as they may be costly."""
        trie = self.trie
        best_end, best_target = 0, -1
        for head, stripped in heads:
            node = trie[head]
            j = i + 1
            while True:
                term = node.get("")  # type: ignore[attr-defined]
                if term is not None and j > best_end and (term.prefixable or not stripped) \
                        and (not term.acronym or all(word == word.upper()
                                                     for word in map(raw, range(i, j)))) \
                        and (term.written is None
                             or spelled_alike(term.written, raw(i), form(i) or "", stripped)):
                    best_end, best_target = j, term.target
                word = form(j)
                if word is None:
                    break
                node = node.get(word)  # type: ignore[attr-defined]
                if node is None or hard(j):
                    break
                j += 1
        return best_end, best_target


def build_index(aliases: Iterable[tuple[str, int]], contextual: frozenset[int] = frozenset()
                ) -> AliasIndex:
    """Index ``(alias, target)`` pairs; the first claim of a word sequence wins (the registry
    reports conflicting claims before it gets here). Too-short aliases are skipped.
    ``contextual``: the targets whose matches are reported with the word before them."""
    trie: dict[str, dict] = {}
    starts: dict[str, dict[tuple[str, bool], None]] = {}
    for alias, target in aliases:
        if is_too_short(alias):
            continue
        acronym = is_acronym(alias)
        written_words = tuple(_FORMS.findall(written_form(alias)))
        for words in spellings(alias_tokens(alias)):
            if not words:
                continue
            first = (written_words[0] if written_words and match_form(written_words[0]) == words[0]
                     else words[0])
            written = (frozenset((first,)) if len(words[0]) <= GUARDED_ALIAS
                       and _ARABIC_ONLY.fullmatch(words[0]) else None)
            node = trie
            for word in words:
                node = node.setdefault(word, {})
            old = node.get("")
            if old is not None and old.target != target:
                continue
            prefixable = not acronym and len(words[0]) >= MIN_STEM
            if old is not None:  # same target again: keep the most permissive reading
                acronym = acronym and old.acronym
                prefixable = prefixable or old.prefixable
                written = (None if written is None or old.written is None
                           else written | old.written)
            node[""] = Terminal(target, acronym, prefixable, written)
            starts.setdefault(words[0], {})[(words[0], False)] = None
            if prefixable:
                for form in prefixed(words[0]):
                    starts.setdefault(form, {})[(words[0], True)] = None
    # Unprefixed readings first: when a word is both a name and a prefix plus a name, the
    # plain reading is tried first and wins ties.
    frozen = {word: tuple(sorted(heads, key=lambda h: h[1])) for word, heads in starts.items()}
    return AliasIndex(frozen, trie, contextual=contextual)


def tokenize(text: str, memo: Memo | None = None) -> Scan:
    """Cut ``text`` into normalised words, recording where names may not continue.

    ``memo`` caches the normal forms of raw words across calls of one batch (without one, they
    are remembered for this call only).
    """
    memo = {} if memo is None else memo
    parts = _SPLIT.split(text)
    forms: list[str] = []
    raws: list[str] = []
    hard: list[bool] = []
    previous = ""
    for index in range(1, len(parts), 2):
        word = parts[index]
        words = _word_forms(word, memo)
        if not words:
            continue
        is_hard = _gap_is_hard(parts[index - 1], previous)
        for k, form in enumerate(words):
            forms.append(form)
            raws.append(word)
            hard.append(is_hard if k == 0 else False)
        previous = word
    return Scan(tuple(forms), tuple(raws), tuple(hard))


def raw_words(text: str) -> list[str]:
    """The raw words of ``text``, in order, repeats included: the words ``tokenize`` reads,
    without the gaps between them."""
    return _WORD.findall(text)


def forms_of_word(word: str) -> Tokens:
    """The normalised words of one raw word (a script change or ZWNJ may split it), made
    anew: for a caller that remembers them its own way."""
    return tuple(_FORMS.findall(match_form(word)))


def _gap_is_hard(gap: str, previous: str) -> bool:
    """Whether the text ``gap`` between two words stops a name (``previous`` is the word
    before it): anything but soft spacing does, except the dot of ``U.S.``."""
    if gap == " ":
        return False
    rest = gap.strip(SOFT_GAP)
    return bool(rest) and not (
        rest == "." and len(previous) == 1 and previous.isascii() and previous.isalpha())


def _word_forms(word: str, memo: Memo) -> Tokens:
    """The normalised words of one raw word (a script change or ZWNJ may split it)."""
    forms = memo.get(word)
    if forms is None:
        forms = memo[word] = forms_of_word(word)
    return forms


def _plain_chars() -> str:
    """The characters of plain pieces, whose words' forms are those of the whole piece at
    once: characters with a fixed match form (``normalize.SIMPLE_FORMS``), where every one
    that is not part of a raw word keeps a form of non-word characters only. Between two raw
    words such a form still separates their forms; one that vanished (a format control) or
    left a word character (a superscript digit) would join or lengthen them."""
    chars = [chr(code) for code, form in SIMPLE_FORMS.items()
             if _WORD.fullmatch(chr(code)) or (form and not re.search(r"\w", form))]
    return "".join(map(re.escape, chars))


_PLAIN_PIECE = re.compile(f"[{_plain_chars()}]*")
# Plain pieces joined by spaces: a space is not translated and separates forms, so the forms
# of such a text are those of its pieces, in order.
_PLAIN_PIECES = re.compile(f"[ {_plain_chars()}]*")


def _piece_forms(piece: str, memo: Memo) -> Tokens:
    """The normalised words of a space-free piece of text, in order. Stored in the same memo
    as raw words: a piece that is one raw word has exactly that word's forms. Most pieces
    are plain (``_plain_piece``): their forms are read off the translated piece in one
    pass, where a piece of news text is new more often than not."""
    forms = memo.get(piece)
    if forms is None:
        if _PLAIN_PIECE.fullmatch(piece):
            forms = tuple(_FORMS.findall(piece.translate(SIMPLE_TRANSLATION)))
        else:
            forms = _piece_forms_by_word(piece, memo)
        memo[piece] = forms
    return forms


def _piece_forms_by_word(piece: str, memo: Memo) -> Tokens:
    """``_piece_forms`` the long way, word by word: for a piece that is not plain, and what
    the tests hold the one-pass way to."""
    return tuple(chain.from_iterable(_word_forms(w, memo) for w in _WORD.findall(piece)))


class _Pieces:
    """A text cut at plain spaces (no word holds one), for ``AliasIndex.find``.

    ``scan(first, last)`` is ``tokenize`` of pieces ``first`` to ``last`` joined again: it
    cuts their words as ``tokenize(text)`` does, and for the words after the first one it
    also sees the same gaps and word before. Kept per call, so that however a walk asks, no
    stretch of text is tokenised more than a few times (a text with no spaces is one piece).
    """

    __slots__ = ("_scans", "memo", "pieces")

    def __init__(self, text: str, memo: Memo) -> None:
        self.pieces = text.split(" ")
        self.memo = memo
        self._scans: dict[tuple[int, int], Scan] = {}

    def forms(self, piece: int) -> Tokens:
        return _piece_forms(self.pieces[piece], self.memo)

    def scan(self, first: int, last: int) -> Scan:
        scan = self._scans.get((first, last))
        if scan is None:
            span = " ".join(self.pieces[first:last + 1])
            scan = self._scans[first, last] = tokenize(span, self.memo)
        return scan

    def starts_with_word(self, piece: int) -> bool:
        """Whether ``piece`` begins with a raw word that has a normal form."""
        head = _WORD.match(self.pieces[piece])
        return head is not None and bool(_word_forms(head.group(), self.memo))

    def ends_with_word(self, piece: int) -> bool:
        """Whether ``piece`` ends with a raw word's last character."""
        return _WORD.fullmatch(self.pieces[piece][-1:]) is not None


def _word_before(pieces: _Pieces, piece: int, index: int) -> str:
    """The match form of the word before word ``index`` of ``piece``, or "" when there is
    none or a hard gap (punctuation, a block boundary) stands between them."""
    first = piece
    if index == 0:
        first = piece - 1
        while first >= 0 and not pieces.forms(first):
            first -= 1
        if first < 0:
            return ""
    scan = pieces.scan(first, piece)
    at = index if first == piece else len(pieces.forms(first)) + index
    if at == 0 or at >= len(scan.forms) or scan.hard[at]:
        return ""
    return scan.forms[at - 1]


class _Cursor:
    """The words of a ``_Pieces`` text read from one word on, as far as a walk asks:
    ``form(j)``, ``raw(j)`` and ``hard(j)`` are ``tokenize(text)``'s ``forms``, ``raw`` and
    ``hard`` at the ``j``-th word from there; ``where[j]`` is its (piece, word of the piece).

    ``raw`` and ``hard`` tokenise only the pieces from word ``j - 1`` to word ``j``: the gap
    before a word and the word before it are all ``tokenize`` looks at.
    """

    __slots__ = ("_next", "_text", "forms", "where")

    def __init__(self, text: _Pieces, piece: int, index: int) -> None:
        self._text, self._next = text, (piece, index)
        self.forms: list[str] = []
        self.where: list[tuple[int, int]] = []
        self._read()  # word 0: the one the walk starts from

    def form(self, j: int) -> str | None:
        while j >= len(self.forms):
            if not self._read():
                return None
        return self.forms[j]

    def raw(self, j: int) -> str:
        piece, index = self.where[j]
        return self._text.scan(piece, piece).raw[index]

    def hard(self, j: int) -> bool:
        (first, index), (last, _) = self.where[j - 1], self.where[j]
        text = self._text
        if last == first + 1 and text.ends_with_word(first) and text.starts_with_word(last):
            return False  # the gap before word j is one space (the common case, made cheap)
        return text.scan(first, last).hard[index + 1]

    def _read(self) -> bool:
        """Append the next word; False at the end of the text."""
        piece, index = self._next
        pieces, memo = self._text.pieces, self._text.memo
        while piece < len(pieces):
            forms = memo.get(pieces[piece]) or _piece_forms(pieces[piece], memo)
            if index < len(forms):
                self.forms.append(forms[index])
                self.where.append((piece, index))
                self._next = (piece, index + 1)
                return True
            piece, index = piece + 1, 0
        self._next = (piece, 0)
        return False
