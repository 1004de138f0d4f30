"""The actor registry: validation with exact diagnostics, defaults, resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.actors import load_registry, nearest, parse_registry, resolve
from generator.core.config import SiteConfig

CONFIG = SiteConfig(title="t", base_url="https://example.org/")


def problems(text: str) -> list[str]:
    _, found = parse_registry(text, CONFIG.slug_policy)
    return [d.format() for d in found]


INVALID = [
    ("not a list", "id: x\n",
     ["content/actors.yaml:1:1: error[actor-type]: the registry must be a list of actors "
      "(`- id: ...`)"]),
    ("item not a mapping", "- france\n",
     ["content/actors.yaml:1:3: error[actor-type]: each actor must be a mapping with `id`, "
      "`kind` and `names`"]),
    ("missing keys", "- id: x\n",
     ["content/actors.yaml:1:3: error[actor-missing-key]: actor has no `kind`",
      "content/actors.yaml:1:3: error[actor-missing-key]: actor has no `names`"]),
    ("unknown key", "- id: x\n  kind: state\n  names: {en: X}\n  alias: [Y]\n",
     ["content/actors.yaml:4:3: error[actor-unknown-key]: unknown key `alias` "
      "(did you mean `aliases`?)"]),
    ("unknown kind", "- id: x\n  kind: organization\n  names: {en: X}\n",
     ["content/actors.yaml:2:3: error[actor-value]: unknown kind `organization` (did you mean "
      "`organisation`?); use one of `person`, `organisation`, `state`, `government`, `party`, "
      "`armed-group`, `media`, `place`, `other`"]),
    ("bad id", "- id: a/b\n  kind: state\n  names: {en: X}\n",
     ["content/actors.yaml:1:3: error[actor-value]: bad id `a/b`: a slug must not contain '/' "
      "(use letters, digits and `-`)"]),
    ("id not text", "- id: 12\n  kind: state\n  names: {en: X}\n",
     ["content/actors.yaml:1:3: error[actor-type]: `id` must be text, not a number"]),
    ("names not a mapping", "- id: x\n  kind: state\n  names: X\n",
     ["content/actors.yaml:3:3: error[actor-type]: `names` must map languages to names, e.g. "
      "`{ar: فرنسا, en: France}`"]),
    ("bad language", "- id: x\n  kind: state\n  names:\n    English: X\n",
     ["content/actors.yaml:4:5: error[actor-value]: `English` is not a language code such as "
      "`ar` or `en`"]),
    ("aliases not a list", "- id: x\n  kind: state\n  names: {en: X}\n  aliases: Y\n",
     ["content/actors.yaml:4:3: error[actor-type]: `aliases` must be a list (`[a, b]` or `- a` "
      "lines), not text"]),
    ("empty alias", "- id: x\n  kind: state\n  names: {en: X}\n  aliases:\n    - Y\n    -\n",
     ["content/actors.yaml:6:6: error[actor-type]: each of `aliases` must be non-empty text or a "
      "mapping with `alias` (and `not_after`, `shared`, `when`), not nothing"]),
    ("alias without letters", "- id: x\n  kind: state\n  names: {en: Alpha}\n  aliases: ['...']\n",
     ["content/actors.yaml:4:13: error[actor-value]: `...` has no letters or digits to match"]),
    ("bad wikidata and link", "- id: x\n  kind: state\n  names: {en: X}\n  wikidata: 142\n"
     "  links: [example.org]\n",
     ["content/actors.yaml:4:3: error[actor-type]: `wikidata` must be text, not a number",
      "content/actors.yaml:5:11: error[actor-value]: link `example.org` must be an absolute "
      "http(s) URL"]),
    ("duplicate id", "- id: x\n  kind: state\n  names: {en: Alpha}\n"
     "- id: x\n  kind: state\n  names: {en: Beta}\n",
     ["content/actors.yaml:4:3: error[actor-duplicate-id]: actor id `x` is already used by the "
      "actor at line 1"]),
    ("duplicate alias on the normalised form",
     "- id: iran\n  kind: state\n  names: {ar: إيران}\n"
     "- id: persia\n  kind: state\n  names: {en: Persia}\n  aliases: [ايران]\n",
     ["content/actors.yaml:7:13: error[actor-duplicate-alias]: `ايران` (actor `persia`) is also "
      "claimed by actor `iran` as `إيران` at line 3"]),
    ("duplicate alias through the عبد spelling",
     "- id: a\n  kind: person\n  names: {ar: عبد الله أحمد}\n"
     "- id: b\n  kind: person\n  names: {ar: عبدالله احمد}\n",
     ["content/actors.yaml:6:11: error[actor-duplicate-alias]: `عبدالله احمد` (actor `b`) is "
      "also claimed by actor `a` as `عبد الله أحمد` at line 3"]),
    ("duplicate slug", "- id: a\n  kind: state\n  names: {en: Alpha}\n  slug: same\n"
     "- id: b\n  kind: state\n  names: {en: Beta}\n  slug: Same\n",
     ["content/actors.yaml:8:3: error[actor-duplicate-slug]: slug `Same` of actor `b` is already "
      "used by actor `a` (line 1); two pages cannot share one URL"]),
    ("old slug equals another actor's default slug",
     "- id: a\n  kind: state\n  names: {en: Alpha}\n"
     "- id: b\n  kind: state\n  names: {en: Beta}\n  old_slugs: [a]\n",
     ["content/actors.yaml:7:15: error[actor-duplicate-slug]: slug `a` of actor `b` is already "
      "used by actor `a` (line 1); two pages cannot share one URL"]),
    ("bad slug", "- id: a\n  kind: state\n  names: {en: Alpha}\n  slug: '..'\n",
     ["content/actors.yaml:4:3: error[actor-value]: bad slug `..`: a slug must not be empty, "
      "`.` or `..`"]),
    ("short alias warns", "- id: a\n  kind: person\n  names: {en: Li Wei}\n  aliases: [Li, UN]\n",
     ["content/actors.yaml:4:13: warning[actor-short-alias]: `Li` is too short to find in text "
      "safely; it is not used for automatic tagging (write an acronym in capitals, or use a "
      "longer form)"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_registry(case: str, text: str, expected: list[str]) -> None:
    assert problems(text) == expected, case


def test_bad_yaml() -> None:
    # The wording comes from the YAML library (libyaml or pure Python); the place and code are ours.
    (found,) = problems("- id: x\n  names: [a\n")
    assert found.startswith("content/actors.yaml:3:1: error[actor-yaml]: invalid YAML: ")


def test_every_problem_is_reported_at_once() -> None:
    text = ("- id: a\n  kind: stat\n  names: {en: Alpha}\n"
            "- id: b\n  kind: state\n  names: {en: Beta}\n  colour: red\n")
    codes = [p.split(": ")[1] for p in problems(text)]
    assert codes == ["error[actor-value]", "error[actor-unknown-key]"]


def test_bad_actor_is_dropped_others_kept() -> None:
    registry, found = parse_registry(
        "- id: a\n  kind: nope\n  names: {en: Alpha}\n- id: b\n  kind: state\n  names: {en: Beta}\n",
        CONFIG.slug_policy)
    assert [a.id for a in registry.actors] == ["b"]
    assert len(found) == 1


def test_missing_file_is_an_empty_registry(tmp_path: Path) -> None:
    registry, found = load_registry(tmp_path, CONFIG.slug_policy)
    assert (len(registry), found) == (0, ())
    assert resolve(registry, "x") is None
    assert nearest(registry, "x") == ()


def test_empty_file_is_an_empty_registry() -> None:
    registry, found = parse_registry("# nothing yet\n", CONFIG.slug_policy)
    assert (len(registry), found) == (0, ())


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "actors.yaml").write_bytes(b"- id: \xff\n")
    _, found = load_registry(tmp_path, CONFIG.slug_policy)
    assert [d.format() for d in found] == [
        "content/actors.yaml:1:7: error[actor-yaml]: not UTF-8 (byte 6)"]


def test_defaults_and_fields() -> None:
    registry, found = parse_registry(
        "- id: Mustafa\n  kind: person\n  names: {ar: عبد الرحمن مصطفى, en: Abdurrahman Mustafa}\n"
        "  description: '  رئيس  '\n  wikidata: Q1\n  links: [https://example.org/m]\n"
        "  old_slugs: [old-mustafa]\n", CONFIG.slug_policy)
    assert found == ()
    (actor,) = registry.actors
    assert actor.slug == "mustafa"  # from the id, which never changes
    assert actor.description == "رئيس"
    assert actor.old_slugs == ("old-mustafa",)
    assert actor.url_path == "actors/mustafa/"


def test_ascii_slug_policy_for_arabic_id() -> None:
    config = SiteConfig(title="t", base_url="https://example.org/", slug_policy="ascii")
    registry, _ = parse_registry("- id: فرنسا\n  kind: state\n  names: {ar: فرنسا}\n", config.slug_policy)
    assert registry.actors[0].slug.isascii()


@pytest.fixture(scope="module")
def sample():
    root = Path(__file__).resolve().parents[3]
    registry, found = load_registry(root, CONFIG.slug_policy)
    assert found == ()
    return registry


RESOLVE = [
    ("syrian-coalition", "syrian-coalition"),
    ("الائتلاف الوطني", "syrian-coalition"),
    ("الإئتلاف الوطنيّ", "syrian-coalition"),
    ("etilaf", "syrian-coalition"),
    ("عبدالرحمن مصطفى", "abdurrahman-mustafa"),
    ("عبد الرّحمن مصطفى", "abdurrahman-mustafa"),
    ("  Abdurrahman   MUSTAFA ", "abdurrahman-mustafa"),
    ("Francois Senemaud", "francois-senemaud"),
    ("فرانسوا سينيمو", "francois-senemaud"),
    ("France", "france"),
    ("الحكومة الفرنسيه", "france"),
    ("إيران", "iran"),
    ("ايران", "iran"),
    ("Turkiye", "turkey"),
    ("مجلس الأمن", "un-security-council"),
    ("نظام الأسد", "assad-regime"),
    ("الخارجية الأميركية", "us-state-department"),
    ("ريتشارد أوتزن", "richard-outzen"),
    ("روسيا", "russia"),
    ("مصطفى", None),
    ("الأسد", None),
    ("السوري", None),
]


@pytest.mark.parametrize(("name", "expected"), RESOLVE)
def test_resolve_sample(sample, name: str, expected: str | None) -> None:
    actor = resolve(sample, name)
    assert (actor.id if actor else None) == expected


@pytest.mark.parametrize(("name", "first"), [
    ("مصطفى", "abdurrahman-mustafa"),
    ("Outzn", "richard-outzen"),
    ("سينيمون", "francois-senemaud"),
    ("روسية", "russia"),
])
def test_nearest_sample(sample, name: str, first: str) -> None:
    close = nearest(sample, name)
    assert close and close[0].id == first
    assert len(close) <= 3


def test_sample_has_arabic_and_english_names(sample) -> None:
    for actor in sample.actors:
        assert {"ar", "en"} <= set(actor.names), actor.id


def test_a_cached_registry_is_parsed_again_only_when_its_file_or_policy_changes(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.actors import registry as registry_module

    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "actors.yaml"
    path.write_text("- id: amal\n  kind: person\n  names: {ar: أمل الخطيب}\n", "utf-8")
    parsed = []
    real = registry_module.parse_registry
    monkeypatch.setattr(registry_module, "parse_registry", lambda *args: parsed.append(args[1]) or real(*args))
    first = load_registry(tmp_path, "unicode", cached=True)
    again = load_registry(tmp_path, "unicode", cached=True)
    assert parsed == ["unicode"] and again == first and again[0].actors[0].id == "amal"
    load_registry(tmp_path, "ascii", cached=True)
    path.write_text("- id: amal\n  kind: person\n  names: {ar: أمل الخطيب, en: Amal}\n", "utf-8")
    changed, _ = load_registry(tmp_path, "ascii", cached=True)
    assert parsed == ["unicode", "ascii", "ascii"] and changed.actors[0].names["en"] == "Amal"
    stored = tmp_path / ".mawjaz-cache" / "registry.pickle"
    data = bytearray(stored.read_bytes())
    data[-1] ^= 0xFF  # not signed any more: parsed again, never unpickled
    stored.write_bytes(bytes(data))
    assert load_registry(tmp_path, "ascii", cached=True) == (changed, ())
    assert parsed == ["unicode", "ascii", "ascii", "ascii"]
    load_registry(tmp_path, "ascii")  # without the cache: always parsed
    assert len(parsed) == 5
