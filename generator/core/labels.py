"""Interface wording, per language: one catalogue each, ``core/catalogue/<lang>.toml``.

Every word a reader sees that is not content comes from a catalogue, for templates (views such
as ``labels.archive``) and for code (``phrase(lang, "labels.archive")``), so wording changes in
one place and a new language is one more file. What CLDR already knows comes from CLDR through
Babel rather than from rules and tables of our own: which plural form a count takes (Arabic has
six) and what every language is called in every other.

A page's language picks the catalogue by its primary subtag (``ar-SY`` reads ``ar``); a
language without a catalogue reads English.

The catalogues are package data read once per process (``_load`` is an ``lru_cache``: they
cannot change while mawjaz runs, and every page asks for them). ``store.code_digest`` hashes
them with the code, so editing one re-renders every page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from babel import Locale, UnknownLocaleError

from generator.core.dates import format_number
from generator.core.model import frozen_map

CATALOGUES = ("ar", "en")
FALLBACK = "en"

# The names templates see each catalogue section under (the theme's contract): the page's
# language for ``labels``, ``actor_labels`` and ``edition_labels``, the site's for
# ``site_labels`` (the header and footer around a page in another language).
TEMPLATE_VIEWS: Mapping[str, str] = frozen_map({
    "labels": "labels", "site_labels": "labels", "actor_labels": "actor", "edition_labels": "edition"})


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One language's wording: ``messages`` by dotted key (``actor.kind.person``), and each
    plural message (``plural.articles``) as its forms by CLDR category (``zero``…``other``)."""

    lang: str
    messages: Mapping[str, str]
    plurals: Mapping[str, Mapping[str, str]]


def catalogue_language(lang: str) -> str:
    """The catalogue a page in ``lang`` reads: its primary subtag's, else English."""
    primary = lang.split("-")[0].lower()
    return primary if primary in CATALOGUES else FALLBACK


def catalogue(lang: str) -> Catalogue:
    return _load(catalogue_language(lang))


@lru_cache(maxsize=len(CATALOGUES))
def _load(name: str) -> Catalogue:
    text = resources.files("generator.core").joinpath("catalogue", f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    plurals = data.pop("plural", {})
    return Catalogue(
        lang=name,
        messages=frozen_map(dict(_flatten(data))),
        plurals=frozen_map({f"plural.{key}": frozen_map(forms) for key, forms in plurals.items()}))


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def phrase(lang: str, key: str, **fields: object) -> str:
    """The message ``key`` for a page in ``lang``, its ``{field}`` places filled from ``fields``."""
    text = catalogue(lang).messages[key]
    return text.format(**fields) if fields else text


@lru_cache(maxsize=64)
def phrases(lang: str, prefix: str) -> Mapping[str, str]:
    """The messages just below ``prefix`` by their last part, for wording picked by a value
    (``phrases(lang, "actor.kind")[actor.kind]``)."""
    start = prefix + "."
    return frozen_map({key[len(start):]: text for key, text in catalogue(lang).messages.items()
                       if key.startswith(start) and "." not in key[len(start):]})


@lru_cache(maxsize=64)
def labels_for(lang: str, view: str = "labels") -> Mapping[str, Any]:
    """What templates see of section ``view`` (see ``TEMPLATE_VIEWS``), nested as in the
    catalogue (``actor_labels.kind.person``). Cached: every page asks for two."""
    start = view + "."
    nested: dict[str, Any] = {}
    for key, text in catalogue(lang).messages.items():
        if key.startswith(start):
            *parents, last = key[len(start):].split(".")
            table = nested
            for part in parents:
                table = table.setdefault(part, {})
            table[last] = text
    return _freeze(nested)


def _freeze(table: Mapping[str, Any]) -> Mapping[str, Any]:
    return frozen_map({k: _freeze(v) if isinstance(v, Mapping) else v for k, v in table.items()})


def plural(lang: str, key: str, n: int, digits: str = "latn") -> str:
    """``key``'s form for the count ``n`` ("٣ مقالات", "11 مقالًا", "1 article"): the
    category is CLDR's rule for the catalogue's language, ``{n}`` is in the site's digits."""
    found = catalogue(lang)
    forms = found.plurals[key]
    form = forms.get(_plural_rule(found.lang)(n), forms["other"])
    return form.format(n=format_number(n, lang, digits))


def plural_forms(lang: str, key: str) -> tuple[tuple[str, str], ...]:
    """Every form of the plural message ``key`` as (CLDR category, form), with the language
    whose rule picks among them (``catalogue(lang).lang``): for a count only the browser
    knows (search results), where the page's script picks the form with
    ``Intl.PluralRules``, which reads the same CLDR rules as ``plural``."""
    return tuple(catalogue(lang).plurals[key].items())


@lru_cache(maxsize=len(CATALOGUES))
def _plural_rule(name: str) -> Callable[[int], str]:
    return Locale.parse(name).plural_form


def language_name(code: str, lang: str) -> str:
    """What language ``code`` is called on a page in ``lang`` (``en`` is الإنجليزية in Arabic),
    from CLDR by the primary subtag, in the catalogue's language; the code when CLDR has none."""
    return _language_names(catalogue_language(lang)).get(code.split("-")[0], code)


@lru_cache(maxsize=len(CATALOGUES))
def _language_names(name: str) -> Mapping[str, str]:
    return frozen_map(Locale.parse(name).languages)


def autonym(lang: str) -> str:
    """The language's own name for itself (``العربية``, ``English``, ``العربية (سوريا)``), else
    its code: the heading a reader of that language looks for."""
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return lang
    return name or lang
