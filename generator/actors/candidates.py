"""Names the text keeps using that no registry actor answers to (for ``mawjaz actors``).

Cheap signals, tuned to avoid noise rather than to find everything:

* runs of two to four capitalised Latin words (``Geir Pedersen``), leading function words
  such as "The" dropped, and at the start of a sentence so are leading words the texts also
  write in lower case ("Moreover Pedersen" is Pedersen after a sentence adverb);
* Latin acronyms of three to six capitals (``SDF``; two capitals are mostly US state codes
  and initials: ``CA``, ``NY``) and single capitalised words in the middle of a sentence
  (after a lower-case word with no sentence end between), which are usually names, unless
  the texts also write them in lower case (a common word at the start of a clause);
* short quotations in Arabic: one to four words between “…”, «…» or "…" (Arabic news
  quotes names this way: “عبد الرحمن مصطفى”); long quotations are speech, not names.

A candidate is reported when it appears at least ``min_count`` times in all and resolves to
no actor (comparison on the normalised form, so a known alias in another spelling is known).
Of two candidates where one begins the other (``Democratic``, ``Democratic Party``), the
shorter is dropped when every occurrence of it in the texts is the start of the longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.actors.registry import ActorRegistry, resolve
from generator.text.matcher import HARD_BREAK, alias_key

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = f"[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}{_LOWER}]+)*"
_RUN = re.compile(rf"(?<![\w-]){_WORD}(?:[ \u00a0]+{_WORD}){{1,5}}(?![\w-])")
_ACRONYM = re.compile(r"(?<![\w.])[A-Z]{3,6}(?![\w.])")
_CAPITALISED = re.compile(rf"{_WORD}")
_LOWER_WORD = re.compile(rf"[{_LOWER}]+")
_SENTENCE_END = re.compile(r"[.!?;:؟…»”\"]$")
_LATIN_WORD = re.compile(rf"[{_UPPER}{_LOWER}]+(?:[-'’][{_UPPER}{_LOWER}]+)*")
_QUOTED = re.compile(r"“([^”\n]{2,60})”|«([^»\n]{2,60})»|\"([^\"\n]{2,60})\"")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")

STOP_WORDS = frozenset({
    "The", "A", "An", "And", "But", "Or", "In", "On", "At", "Of", "For", "To", "From", "By",
    "With", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "His", "Her",
    "Their", "Our", "As", "After", "Before", "When", "While", "If", "Mr", "Mrs", "Ms", "Dr",
})
MAX_QUOTED_WORDS = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name seen ``mentions`` times in ``articles`` texts that the registry does not know."""

    name: str
    mentions: int
    articles: int


def lower_words(texts: Iterable[str]) -> frozenset[str]:
    """The Latin words the texts write in lower case: common words, not names."""
    return frozenset(w for text in texts for w in _LATIN_WORD.findall(text) if w.islower())


def _opens_sentence(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence: only punctuation or nothing before it."""
    before = text[max(0, start - 40):start].rstrip()
    return not before or bool(_SENTENCE_END.search(before)) or before.endswith(HARD_BREAK)


def names_in(text: str, common: frozenset[str] = frozenset()) -> list[str]:
    """Every candidate occurrence in ``text`` (repeats kept); ``common``: words the texts
    write in lower case (``lower_words``), which a candidate may not start with or be."""
    found: list[str] = []
    for match in _RUN.finditer(text):
        words = match.group(0).split()
        opening = _opens_sentence(text, match.start())
        while words and (words[0] in STOP_WORDS or (opening and words[0].lower() in common)):
            words.pop(0)
        if len(words) >= 2:
            found.append(" ".join(words))
    found.extend(m.group(0) for m in _ACRONYM.finditer(text))
    raw = text.split()
    words = [w.strip(".,;:!?()[]“”«»\"'") for w in raw]
    ends = [bool(_SENTENCE_END.search(w)) for w in raw]
    for k, word in enumerate(words):
        before = words[k - 1] if k else "."
        after = words[k + 1] if k + 1 < len(words) else "."
        if (k and not ends[k - 1] and _LOWER_WORD.fullmatch(before)
                and _CAPITALISED.fullmatch(word) and not _CAPITALISED.match(after)
                and word not in STOP_WORDS and word.lower() not in common):
            found.append(word)
    for match in _QUOTED.finditer(text):
        quoted = next(g for g in match.groups() if g is not None).strip()
        if _ARABIC_LETTER.search(quoted) and 0 < len(quoted.split()) <= MAX_QUOTED_WORDS:
            found.append(quoted)
    return found


def unknown_names(texts: Iterable[str], registry: ActorRegistry, min_count: int = 2
                  ) -> tuple[Candidate, ...]:
    """Candidates seen at least ``min_count`` times that resolve to no actor, most frequent
    first. Spellings that normalise alike are counted together under the most common one."""
    texts = list(texts)
    common = lower_words(texts)
    mentions: dict[str, int] = {}
    in_articles: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        seen_here: set[str] = set()
        for name in names_in(text, common):
            key = alias_key(name)
            if not key:
                continue
            mentions[key] = mentions.get(key, 0) + 1
            forms = spellings.setdefault(key, {})
            forms[name] = forms.get(name, 0) + 1
            if key not in seen_here:
                seen_here.add(key)
                in_articles[key] = in_articles.get(key, 0) + 1
    result = []
    for key, count in mentions.items():
        if count < min_count:
            continue
        name = max(spellings[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
        if resolve(registry, name) is None:
            result.append(Candidate(name, count, in_articles[key]))
    result = _without_prefix_duplicates(result, texts)
    return tuple(sorted(result, key=lambda c: (-c.mentions, -c.articles, c.name)))


def _without_prefix_duplicates(found: list[Candidate], texts: list[str]) -> list[Candidate]:
    """Drop a candidate whose every occurrence in the texts begins a longer candidate
    ("Democratic" when the texts only write "Democratic Party"; case is ignored). Only
    candidates sharing a first word are compared, and the texts' match forms are made only
    when such a pair exists."""
    keys = {c.name: alias_key(c.name).split() for c in found}
    by_first: dict[str, list[str]] = {}
    for name, words in keys.items():
        if words:
            by_first.setdefault(words[0], []).append(name)
    pairs = [(short, long) for names in by_first.values() if len(names) > 1
             for short in names for long in names
             if len(keys[long]) > len(keys[short])
             and keys[long][:len(keys[short])] == keys[short]]
    if not pairs:
        return found
    keyed = [f" {alias_key(text)} " for text in texts]

    def count(words: list[str]) -> int:
        needle = f" {' '.join(words)} "
        return sum(text.count(needle) for text in keyed)

    drop = {short for short, long in pairs if count(keys[short]) <= count(keys[long])}
    return [c for c in found if c.name not in drop]
