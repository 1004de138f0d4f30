"""Names the text keeps using that no registry actor answers to (for ``mawjaz actors``).

Cheap signals, tuned to avoid noise rather than to find everything:

* runs of two to four capitalised Latin words (``Geir Pedersen``), leading function words
  such as "The" dropped;
* Latin acronyms in capitals (``SDF``) and single capitalised words in the middle of a
  sentence (after a lower-case word), which are usually names;
* short quotations in Arabic: one to four words between “…”, «…» or "…" (Arabic news
  quotes names this way: “عبد الرحمن مصطفى”); long quotations are speech, not names.

A candidate is reported when it appears at least ``min_count`` times in all and resolves to
no actor (comparison on the normalised form, so a known alias in another spelling is known).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.actors.registry import ActorRegistry, resolve
from generator.text.matcher import alias_key

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = f"[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}{_LOWER}]+)*"
_RUN = re.compile(rf"(?<![\w-]){_WORD}(?:[ \u00a0]+{_WORD}){{1,5}}(?![\w-])")
_ACRONYM = re.compile(r"(?<![\w.])[A-Z]{2,6}(?![\w.])")
_CAPITALISED = re.compile(rf"{_WORD}")
_LOWER_WORD = re.compile(rf"[{_LOWER}]+")
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


def names_in(text: str) -> list[str]:
    """Every candidate occurrence in ``text`` (repeats kept)."""
    found: list[str] = []
    for match in _RUN.finditer(text):
        words = match.group(0).split()
        while words and words[0] in STOP_WORDS:
            words.pop(0)
        if len(words) >= 2:
            found.append(" ".join(words))
    found.extend(m.group(0) for m in _ACRONYM.finditer(text))
    words = [w.strip(".,;:!?()[]“”«»\"'") for w in text.split()]
    for before, word, after in zip([".", *words[:-1]], words, [*words[1:], "."], strict=True):
        if (_LOWER_WORD.fullmatch(before) and _CAPITALISED.fullmatch(word)
                and not _CAPITALISED.match(after) and word not in STOP_WORDS):
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
    mentions: dict[str, int] = {}
    in_articles: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        seen_here: set[str] = set()
        for name in names_in(text):
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
    return tuple(sorted(result, key=lambda c: (-c.mentions, -c.articles, c.name)))
