"""The interface catalogues (``generator/core/catalogue/<lang>.toml``) against the code and
templates that read them: the same keys in every language, every key read exists and every
key is read, plural forms are CLDR's categories, and no template writes wording of its own.
A key missing from one language would only show up as a failed build of a digest in that
language; a key nobody reads is wording a translator keeps up for nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel import Locale

from generator.actors.registry import KINDS
from generator.core.config import SETTINGS
from generator.core.labels import (
    CATALOGUES,
    TEMPLATE_VIEWS,
    catalogue,
    labels_for,
    language_name,
    phrase,
    phrases,
    plural,
    plural_forms,
)

REPO = Path(__file__).resolve().parents[3]
LOOKUPS = ("phrase", "phrases", "plural", "plural_forms")  # functions taking (lang, key, ...)
# Keys chosen by a value rather than written out: each family must cover its values exactly.
FAMILIES = {"actor.kinds": set(KINDS), "actor.kind": set(KINDS),
            "edition.title": set(next(s.allowed for s in SETTINGS if s.name == "editions")) - {"none"}}


def keys(lang: str) -> set[str]:
    found = catalogue(lang)
    return set(found.messages) | set(found.plurals)


def lookups() -> list[tuple[str, str, ast.Call]]:
    """(function, file:line, call) for every catalogue lookup in ``generator/``."""
    found = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS:
                found.append((node.func.id, f"{path.relative_to(REPO)}:{node.lineno}", node))
    return found


def code_keys() -> set[str]:
    used = set()
    for function, _where, call in lookups():
        key = call.args[1].value  # type: ignore[attr-defined]
        used |= {f"{key}.{value}" for value in FAMILIES[key]} if function == "phrases" else {key}
    return used


def template_keys() -> set[str]:
    used = set()
    for path in sorted((REPO / "templates").glob("*.html")):
        text = path.read_text("utf-8")
        for view, section in TEMPLATE_VIEWS.items():
            used |= {f"{section}.{key}" for key in re.findall(rf"\b{view}\.([\w.]*\w)", text)}
    return used


def test_both_catalogues_have_the_same_keys() -> None:
    assert keys("ar") == keys("en")
    assert {lang: catalogue(lang).lang for lang in CATALOGUES} == {lang: lang for lang in CATALOGUES}


def test_every_lookup_names_its_key_literally() -> None:
    """Otherwise the key checks below could not see it."""
    dynamic = [where for _f, where, call in lookups()
               if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant)]
    assert dynamic == []


def test_every_key_read_exists() -> None:
    assert (code_keys() | template_keys()) - keys("en") == set()


def test_every_key_is_read() -> None:
    assert keys("en") - code_keys() - template_keys() == set()


@pytest.mark.parametrize("prefix", sorted(FAMILIES))
def test_a_family_covers_exactly_its_values(prefix: str) -> None:
    for lang in CATALOGUES:
        assert set(phrases(lang, prefix)) == FAMILIES[prefix]


@pytest.mark.parametrize("lang", CATALOGUES)
def test_plural_forms_are_the_cldr_categories_of_the_language(lang: str) -> None:
    categories = Locale.parse(lang).plural_form.tags | {"other"}
    for key, forms in catalogue(lang).plurals.items():
        assert set(forms) == categories, key


def hand_rule(n: int, lang: str) -> str:
    """The rule the catalogue replaced, kept as the reference CLDR's categories must match."""
    if not lang.startswith("ar"):
        return f"{n} article{'' if n == 1 else 's'}"
    tail = n % 100
    return ("لا مقالات" if n == 0 else "مقال" if n == 1 else "مقالان" if n == 2
            else f"{n} مقالات" if 3 <= tail <= 10 else f"{n} مقالًا" if tail >= 11 else f"{n} مقال")


@pytest.mark.parametrize("lang", ["ar", "en", "ar-SY", "fr"])
def test_cldr_plurals_give_what_the_hand_rule_gave(lang: str) -> None:
    assert [plural(lang, "plural.articles", n) for n in range(2500)] == [hand_rule(n, lang) for n in range(2500)]


def test_counts_use_the_site_digits() -> None:
    assert plural("ar", "plural.articles", 11, "arab") == "١١ مقالًا"
    assert plural("ar", "plural.articles", 103, "arab") == "١٠٣ مقالات"


@pytest.mark.parametrize("lang", ["ar", "en", "ar-SY"])
def test_plural_forms_are_what_plural_picks_from(lang: str) -> None:
    """The search page counts in the browser from these forms; picked by CLDR's rule for
    the catalogue's language they give what ``plural`` gives."""
    forms = dict(plural_forms(lang, "plural.articles"))
    rule = Locale.parse(catalogue(lang).lang).plural_form
    for n in range(250):
        assert forms.get(rule(n), forms["other"]).format(n=n) == plural(lang, "plural.articles", n)


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert labels_for("fr") == labels_for("en")
    assert labels_for("ar-SY") == labels_for("ar")
    assert phrase("de", "labels.archive") == "Archive"
    assert phrase("ar", "labels.page_number", n="٣") == "الصفحة ٣"


def test_template_views_nest_like_the_catalogue() -> None:
    actor = labels_for("ar", "actor")
    assert actor["names"] == "الأسماء"
    assert actor["kind"]["state"] == "دولة"
    with pytest.raises(TypeError):
        actor["names"] = "x"  # type: ignore[index]


# The names the hand table gave before language names came from CLDR: still the same.
HAND_TABLE = {"ar": ("العربية", "Arabic"), "en": ("الإنجليزية", "English"),
              "fr": ("الفرنسية", "French"), "tr": ("التركية", "Turkish"),
              "fa": ("الفارسية", "Persian"), "ku": ("الكردية", "Kurdish"),
              "ru": ("الروسية", "Russian"), "de": ("الألمانية", "German")}


@pytest.mark.parametrize("code", sorted(HAND_TABLE))
def test_language_names_come_from_cldr(code: str) -> None:
    assert (language_name(code, "ar"), language_name(f"{code}-XX", "en")) == HAND_TABLE[code]
    assert language_name(code, "fr") == HAND_TABLE[code][1]  # English catalogue, English names


def test_a_language_cldr_does_not_know_keeps_its_code() -> None:
    assert language_name("qaa-x-local", "ar") == "qaa-x-local"


_HUMAN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


@pytest.mark.parametrize("path", sorted((REPO / "templates").glob("*.html")), ids=lambda p: p.name)
def test_templates_hard_code_no_wording(path: Path) -> None:
    """Wording in a template would be in one language only; it belongs in the catalogues."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", path.read_text("utf-8"), flags=re.DOTALL)
    shown = [*_HUMAN_ATTRIBUTES.findall(text), *re.split(r"<[^>]*>", text)]
    assert [part.strip() for part in shown if re.search(r"[^\W\d_]", part)] == []
