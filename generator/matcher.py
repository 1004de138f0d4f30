"""Finding known names in running text: one token automaton over every alias.

Why tokens and not a big regular expression: an alternation of ten thousand aliases is slow
in Python's backtracking engine, while names only ever start and end at word boundaries. So
the text is cut into words once (``tokenize``), each word is normalised with
``generator.normalize.match_form`` (memoised per call, news text repeats its words), and
the words are walked through a trie of alias words. The cost grows with the length of the
text; the number of aliases only changes the size of two dictionaries built once.

Arabic specifics, all decided here:

* **Attached prefixes.** The conjunctions و ف, then the prepositions ب ل ك, may be glued to
  the first word of a name: وفرنسا، بفرنسا، ولفرنسا، فبفرنسا. Before a name that starts
  with the article ال, the preposition ل swallows the alef: ل + الائتلاف → للائتلاف, and
  ل + اللجنة → للجنة (three lams are written as two). The prefixed spellings are generated
  from the aliases when the index is built, so the scan does one dictionary lookup per word.
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
  shorter than ``MIN_ALIAS`` letters matches too much to be used for tagging at all (the
  registry warns); prefixes are only peeled off words whose rest is at least that long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.normalize import match_form

MIN_ALIAS = 3

# A raw word: word characters plus what ``match_form`` will erase inside a word (combining
# marks such as tashkeel and Latin accents, bidi and joiner controls, soft hyphen).
_RAW = (
    r"[\w\u00ad\u0300-\u036f\u0610-\u061a\u061c\u064b-\u065f\u0670\u06d6-\u06dc"
    r"\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u2069\ufe00-\ufe0f\ufeff]+"
)
_SPLIT = re.compile(f"({_RAW})")
_ARABIC = (r"\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
           r"\u06ff\u0750-\u077f\u08a0-\u08c9")
# After normalisation a raw word may still hold a script change or a ZWNJ: both split it.
_FORMS = re.compile(f"[{_ARABIC}]+|[^\\W{_ARABIC}]+")
_ARABIC_WORD = re.compile(f"[{_ARABIC}]+")

# What may separate the words of one name (anything else breaks a multi-word match).
# (A set of characters for str.strip, not a regex class: every character is listed.)
SOFT_GAP = ("\t\n\r\f\v \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u202f\u205f\u3000\u200c-\u2010\u2011'\u2019\u02bc")
# Text that can never be part of a match on either side (block boundaries, title/body).
HARD_BREAK = "\u2029"

CONJUNCTIONS = ("", "\u0648", "\u0641")  # و ف
PREPOSITIONS = ("", "\u0628", "\u0644", "\u0643")  # ب ل ك
_AL = "\u0627\u0644"  # ال
_LAM = "\u0644"
_ABD = "\u0639\u0628\u062f"  # عبد

Tokens = tuple[str, ...]


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
    """One word, fewer than ``MIN_ALIAS`` letters, and not an acronym: unsafe for tagging."""
    words = alias_tokens(alias)
    return len(words) == 1 and len(words[0]) < MIN_ALIAS and not is_acronym(alias)


def spellings(words: Tokens) -> tuple[Tokens, ...]:
    """The alias as written plus its other عبد spelling (joined or split), without repeats."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == _ABD and i + 1 < len(words) and words[i + 1].startswith(_AL):
            joined.append(_ABD + words[i + 1])
            i += 2
        else:
            joined.append(words[i])
            i += 1
    split: list[str] = []
    for word in words:
        if word.startswith(_ABD + _AL) and len(word) > len(_ABD + _AL):
            split.extend((_ABD, word[len(_ABD):]))
        else:
            split.append(word)
    result = [words]
    for variant in (tuple(joined), tuple(split)):
        if variant not in result:
            result.append(variant)
    return tuple(result)


def prefixed(word: str) -> tuple[str, ...]:
    """Every spelling of ``word`` with attached prefixes (the word itself excluded)."""
    if not _ARABIC_WORD.fullmatch(word) or len(word) < MIN_ALIAS:
        return ()
    forms: list[str] = []
    for conj in CONJUNCTIONS:
        for prep in PREPOSITIONS:
            if not conj and not prep:
                continue
            if prep == _LAM and word.startswith(_AL):
                rest = word[len(_AL):]
                # ل + ال → لل; ل + الل… → لل… (three lams written as two).
                forms.append(conj + _LAM + (rest if rest.startswith(_LAM) else _LAM + rest))
            else:
                forms.append(conj + prep + word)
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True, slots=True)
class Terminal:
    """What a complete alias path means: which target, and under which conditions."""

    target: int
    acronym: bool  # match only text written in capitals
    prefixable: bool  # may carry attached prefixes


@dataclass(frozen=True, slots=True)
class AliasIndex:
    """The automaton: first words (with every prefixed spelling) and a trie of alias words.

    ``starts`` maps a text word to the alias first words it may stand for, with a flag telling
    whether a prefix was peeled off; ``trie`` maps words to child nodes, the empty string to a
    ``Terminal``. Built once per registry; never mutated after ``build_index`` returns.
    """

    starts: Mapping[str, tuple[tuple[str, bool], ...]]
    trie: Mapping[str, object]

    def scan(self, scan: Scan) -> list[int]:
        """Targets found in ``scan``, in text order (repeats kept), leftmost-longest."""
        forms, raw, hard = scan.forms, scan.raw, scan.hard
        starts, trie = self.starts, self.trie
        found: list[int] = []
        n = len(forms)
        i = 0
        while i < n:
            heads = starts.get(forms[i])
            if heads is None:
                i += 1
                continue
            best_end, best_target = 0, -1
            for head, stripped in heads:
                node = trie[head]
                j = i + 1
                while True:
                    term = node.get("")  # type: ignore[attr-defined]
                    if term is not None and j > best_end and (term.prefixable or not stripped) \
                            and (not term.acronym or all(raw[k] == raw[k].upper()
                                                         for k in range(i, j))):
                        best_end, best_target = j, term.target
                    if j >= n or hard[j]:
                        break
                    node = node.get(forms[j])  # type: ignore[attr-defined]
                    if node is None:
                        break
                    j += 1
            if best_target >= 0:
                found.append(best_target)
                i = best_end
            else:
                i += 1
        return found


def build_index(aliases: Iterable[tuple[str, int]]) -> AliasIndex:
    """Index ``(alias, target)`` pairs; the first claim of a word sequence wins (the registry
    reports conflicting claims before it gets here). Too-short aliases are skipped."""
    trie: dict[str, dict] = {}
    starts: dict[str, dict[tuple[str, bool], None]] = {}
    for alias, target in aliases:
        if is_too_short(alias):
            continue
        acronym = is_acronym(alias)
        for words in spellings(alias_tokens(alias)):
            if not words:
                continue
            node = trie
            for word in words:
                node = node.setdefault(word, {})
            old = node.get("")
            if old is not None and old.target != target:
                continue
            prefixable = not acronym and len(words[0]) >= MIN_ALIAS
            if old is not None:  # same target again: keep the most permissive reading
                acronym = acronym and old.acronym
                prefixable = prefixable or old.prefixable
            node[""] = Terminal(target, acronym, prefixable)
            starts.setdefault(words[0], {})[(words[0], False)] = None
            if prefixable:
                for form in prefixed(words[0]):
                    starts.setdefault(form, {})[(words[0], True)] = None
    # Unprefixed readings first: when a word is both a name and a prefix plus a name, the
    # plain reading is tried first and wins ties.
    frozen = {word: tuple(sorted(heads, key=lambda h: h[1])) for word, heads in starts.items()}
    return AliasIndex(frozen, trie)


def tokenize(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> Scan:
    """Cut ``text`` into normalised words, recording where names may not continue.

    ``memo`` caches the normal forms of raw words across calls of one batch.
    """
    if memo is None:
        memo = {}
    parts = _SPLIT.split(text)
    forms: list[str] = []
    raws: list[str] = []
    hard: list[bool] = []
    previous = ""
    for index in range(1, len(parts), 2):
        word = parts[index]
        gap = parts[index - 1]
        words = memo.get(word)
        if words is None:
            words = tuple(_FORMS.findall(match_form(word)))
            memo[word] = words
        if not words:
            continue
        if gap == " ":
            is_hard = False
        else:
            rest = gap.strip(SOFT_GAP)
            is_hard = bool(rest) and not (
                rest == "." and len(previous) == 1 and previous.isascii() and previous.isalpha())
        for k, form in enumerate(words):
            forms.append(form)
            raws.append(word)
            hard.append(is_hard if k == 0 else False)
        previous = word
    return Scan(tuple(forms), tuple(raws), tuple(hard))
