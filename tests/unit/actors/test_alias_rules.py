"""Where an alias counts (actors.yaml): ``not_after`` context words, aliases two actors share
(chosen by co-occurring actors or context words, or left to the curator), opt-in nisba
adjectives after head words; their validation with exact, located diagnostics; and
``mawjaz actors`` suggestions without noise."""

from __future__ import annotations

import pytest

from generator.actors import (
    Ambiguous,
    ambiguous_mentions,
    find_actors,
    parse_registry,
    resolve,
    suggest_actors,
)
from generator.actors.candidates import names_in, unknown_names
from generator.core.model import Article

REGISTRY = """\
- id: ahly
  kind: organisation
  names: {ar: النادي الأهلي, en: Al Ahly SC}
  aliases:
    - alias: الأهلي
      not_after: [صحيفة, بنك, دول, البنك]
- id: jordan
  kind: state
  names: {ar: الأردن, en: Jordan}
- id: oman
  kind: state
  names: {ar: سلطنة عمان, en: Oman}
  aliases:
    - alias: عمان
      shared: true
      when: [مسقط, السلطنة, العمانية]
- id: amman
  kind: place
  names: {ar: عمّان العاصمة, en: Amman}
  aliases:
    - alias: عمان
      shared: true
      when: [jordan, الأردنية]
- id: syria
  kind: state
  names: {ar: سوريا, en: Syria}
  nisba:
    forms: [السوري]
    after: [الرئيس, الحكومة, النظام, الجيش, وزير]
- id: iran
  kind: state
  names: {ar: إيران, en: Iran}
  aliases: [الإيراني]
  nisba:
    forms: [الإيراني]
    after: [الرئيس]
"""


@pytest.fixture(scope="module")
def registry():
    found, problems = parse_registry(REGISTRY, "unicode")
    assert [p.format() for p in problems] == []
    return found


# ------------------------------------------------------------------ not_after

@pytest.mark.parametrize(("text", "expected"), [
    ("فاز الأهلي على الزمالك بهدفين.", ("ahly",)),
    ("وقالت صحيفة الأهلي إن المباراة تأجلت.", ()),
    ("نقلت وصحيفة الأهلي الخبر.", ()),  # the context word with a prefix
    ("ارتفعت أرباح البنك الأهلي هذا العام.", ()),
    ("ودول الأهلي المتحدة", ()),
    ("قالت الصحيفة. الأهلي فاز", ("ahly",)),  # punctuation: "الصحيفة" is not right before it
    ("صحيفة الأهلي، والأهلي فاز", ("ahly",)),  # one occurrence counts
])
def test_not_after(registry, text: str, expected: tuple[str, ...]) -> None:
    assert find_actors(registry, text) == expected


# ------------------------------------------------------------------ shared aliases

@pytest.mark.parametrize(("text", "expected"), [
    ("وصل الوزير إلى عمان قادماً من الأردن.", ("jordan", "amman")),  # co-occurring actor
    ("زار الوزير عمان والتقى السلطان في مسقط.", ("oman",)),  # a context word
    ("وقالت الحكومة الأردنية إن عمان ستستضيف القمة.", ("amman",)),
])
def test_shared_alias_chosen_by_its_context(registry, text: str, expected: tuple[str, ...]) -> None:
    assert find_actors(registry, text) == expected


def test_shared_alias_without_context_is_left_to_the_curator(registry) -> None:
    article = Article(rel="content/articles/a.md", id="a", slug="a", title="زيارة إلى عمان",
                      date=None, lang="ar", body="<p>وصل الوفد.</p>".encode(), summary="")
    assert find_actors(registry, "زيارة إلى عمان") == ()
    (suggestion,) = suggest_actors([article], registry)
    assert suggestion.ambiguous == (Ambiguous("عمان", ("oman", "amman")),)
    assert suggestion.format() == ("content/articles/a.md: ambiguous, add the right actor to "
                                   "`actors:`: `عمان` (oman or amman?)")
    assert ambiguous_mentions([article], registry) == (("content/articles/a.md",
                                                        Ambiguous("عمان", ("oman", "amman"))),)
    decided = Article(rel=article.rel, id="a", slug="a", title=article.title, date=None,
                      lang="ar", body=article.body, summary="", actors=("amman",))
    assert ambiguous_mentions([decided], registry) == ()


def test_shared_alias_with_one_usual_reading() -> None:
    text = REGISTRY.replace("      when: [jordan, الأردنية]\n", "")
    found, problems = parse_registry(text, "unicode")
    assert problems == ()
    assert find_actors(found, "زيارة إلى عمان") == ("amman",)  # the sharer without `when`
    assert find_actors(found, "زيارة إلى عمان ثم مسقط") == ("oman",)


def test_front_matter_resolves_a_shared_alias_to_the_first_actor(registry) -> None:
    assert resolve(registry, "عمان").id == "oman"


# ------------------------------------------------------------------ nisba

@pytest.mark.parametrize(("text", "expected"), [
    ("قال الرئيس السوري في خطاب", ("syria",)),
    ("أعلنت الحكومة السورية خطة جديدة", ("syria",)),  # the feminine is added
    ("وقالت والحكومة السورية", ("syria",)),
    ("انتشر الجيش السوري في المدينة", ("syria",)),
    ("التقى اللاجئ السوري بعائلته", ()),  # a person, not the state
    ("ارتفعت الليرة السورية أمام الدولار", ()),  # a market
    ("المطبخ السوري غني", ()),
    ("قال الرئيس. السوري", ()),
])
def test_nisba_only_after_a_head_word(registry, text: str, expected: tuple[str, ...]) -> None:
    assert find_actors(registry, text) == expected


def test_a_plain_alias_wins_over_the_same_nisba(registry) -> None:
    assert find_actors(registry, "المطبخ الإيراني") == ("iran",)


# ------------------------------------------------------------------ diagnostics

def problems(text: str) -> list[str]:
    _, found = parse_registry(text, "unicode")
    return [d.format() for d in found]


HEAD = "- id: x\n  kind: state\n  names: {ar: إكس}\n"
OTHER = "- id: y\n  kind: place\n  names: {ar: واي}\n"

INVALID = [
    ("unknown alias key", HEAD + "  aliases:\n    - alias: عمان\n      not_befor: [صحيفة]\n",
     ["content/actors.yaml:6:7: error[actor-unknown-key]: unknown key `not_befor` in an alias "
      "(did you mean `not_after`?); an alias mapping has `alias`, `not_after`, `shared` and "
      "`when`"]),
    ("alias mapping without alias", HEAD + "  aliases:\n    - not_after: [صحيفة]\n",
     ["content/actors.yaml:5:7: error[actor-missing-key]: an alias mapping needs "
      "`alias: <the alias>`"]),
    ("not_after not a list", HEAD + "  aliases:\n    - alias: عمان\n      not_after: صحيفة\n",
     ["content/actors.yaml:6:7: error[actor-type]: `not_after` must be a list (`[a, b]` or "
      "`- a` lines), not text"]),
    ("shared not a boolean", HEAD + "  aliases:\n    - alias: عمان\n      shared: yes please\n",
     ["content/actors.yaml:6:7: error[actor-type]: `shared` must be true or false, not text"]),
    ("when without shared", HEAD + "  aliases:\n    - alias: عمان\n      when: [مسقط]\n",
     ["content/actors.yaml:6:7: error[actor-value]: `when` chooses between actors that share "
      "an alias; add `shared: true` (and the same alias, shared, on the other actor)"]),
    ("empty not_after", HEAD + "  aliases:\n    - alias: عمان\n      not_after: []\n",
     ["content/actors.yaml:6:7: error[actor-value]: `not_after` is empty; leave it out or list "
      "words"]),
    ("shared on one side only",
     HEAD + "  aliases:\n    - alias: عمان\n      shared: true\n" + OTHER + "  aliases: [عمان]\n",
     ["content/actors.yaml:10:13: error[actor-duplicate-alias]: `عمان` (actor `y`) is also "
      "claimed by actor `x` as `عمان` at line 5; to let both actors answer to it, mark it "
      "`shared: true` on both"]),
    ("nisba not a mapping", HEAD + "  nisba: [السوري]\n",
     ["content/actors.yaml:4:3: error[actor-type]: `nisba` must be a mapping with `forms` (the "
      "adjectives, e.g. [السوري]) and `after` (the head words), not a list"]),
    ("nisba without after", HEAD + "  nisba:\n    forms: [السوري]\n",
     ["content/actors.yaml:4:3: error[actor-missing-key]: `nisba` needs `after`: the head "
      "words they must follow, e.g. [الرئيس, الحكومة]"]),
    ("nisba unknown key", HEAD + "  nisba:\n    forms: [السوري]\n    after: [الرئيس]\n    head: []\n",
     ["content/actors.yaml:7:5: error[actor-unknown-key]: unknown key `head` in `nisba`"]),
    ("nisba form claimed by another actor",
     HEAD + "  nisba:\n    forms: [السوري]\n    after: [الرئيس]\n" + OTHER + "  aliases: [السورية]\n",
     ["content/actors.yaml:10:13: error[actor-duplicate-alias]: `السورية` (actor `y`) is also "
      "claimed by actor `x` as `السورية` at line 5"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_alias_rules(case: str, text: str, expected: list[str]) -> None:
    assert problems(text) == expected, case


def test_rules_are_kept_on_the_actor(registry) -> None:
    oman = registry.get("oman")
    assert oman.aliases == ("عمان",)
    assert oman.rules[0].shared and oman.rules[0].when == ("مسقط", "السلطنة", "العمانية")
    syria = registry.get("syria")
    assert syria.nisba is not None and syria.nisba.forms == ("السوري",)


# ------------------------------------------------------------------ suggestions without noise

def test_no_two_letter_capitals() -> None:
    assert names_in("Officials in CA and NY met the SDF and NATO envoys.") == ["SDF", "NATO"]


def test_no_sentence_initial_common_words() -> None:
    texts = ["Moreover, the talks stalled. However Pedersen said it would resume.",
             "It was, moreover, late. The envoy, however, stayed. Moreover the envoy left.",
             "He said. Moreover Geir Pedersen was there; moreover, the rest."]
    found = {c.name for c in unknown_names(texts, parse_registry("", "unicode")[0], 1)}
    assert "Moreover" not in found and "However" not in found
    assert not any(name.startswith(("Moreover ", "However ")) for name in found)
    assert "Geir Pedersen" in found


def test_a_capitalised_word_after_a_sentence_end_is_not_mid_sentence() -> None:
    assert "Moreover" not in names_in("the talks stalled. Moreover the envoy left.")


def test_prefix_duplicates_keep_the_longer() -> None:
    # "the Democratic party" (lower-case party) gives the candidate "Democratic", which the
    # texts only ever write as the start of "Democratic Party".
    texts = ["The Democratic Party won. A Democratic Party official said the Democratic party "
             "would vote.", "Leaders of the Democratic party met the Democratic Party."]
    assert "Democratic" in names_in(texts[1])
    found = [c.name for c in unknown_names(texts, parse_registry("", "unicode")[0], 1)]
    assert "Democratic Party" in found and "Democratic" not in found


def test_a_shorter_name_used_alone_stays() -> None:
    texts = ["The Democratic Party won.", "The Democratic Party met Pedersen.",
             "the Democratic senators and the Democratic governors"]
    found = [c.name for c in unknown_names(texts, parse_registry("", "unicode")[0], 2)]
    assert "Democratic Party" in found and "Democratic" in found
