"""The actor registry: ``content/actors.yaml``, validated into an immutable ``ActorRegistry``.

Format: a YAML list, one item per actor::

    - id: syrian-coalition           # required; stable, never shown, never changes
      kind: organisation             # required; one of KINDS
      names:                         # required; display name per language (ar, en, ...)
        ar: الائتلاف الوطني لقوى الثورة والمعارضة السورية
        en: National Coalition of Syrian Revolution and Opposition Forces
      aliases: [الائتلاف الوطني, الائتلاف السوري, Etilaf, SOC]   # other spellings, short forms
      description: ...               # optional, plain text
      slug: syrian-coalition         # optional; default: the id made into a slug
      wikidata: Q1234                # optional
      links: [https://...]           # optional, absolute http(s) URLs
      old_slugs: [old-name]          # optional; each gets a small redirect page
      nisba:                         # optional, opt-in: adjectives that name the actor only
        forms: [السوري]              #   after a head word; the feminine (السورية) is added
        after: [الرئيس, الحكومة, النظام, الجيش]

An alias may also be a mapping that says where it counts::

      aliases:
        - alias: الأهلي
          not_after: [صحيفة, بنك, دول]   # "صحيفة الأهلي" is a newspaper: not this actor
        - alias: عمان
          shared: true                   # another actor (the city) claims it too
          when: [jordan, الأردن]          # this actor when the article names one of these
                                         # (actor ids or words); otherwise the curator decides

Two actors may claim one alias only when both mark it ``shared``. In an article, a shared
alias names the actors whose ``when`` the article meets (another actor it names, or a word
it contains); when none or several do, the one sharer with no ``when`` (the usual reading),
if there is exactly one; otherwise nobody, and ``suggest`` and ``mawjaz actors`` list the
occurrence for the curator. Words of ``not_after`` and ``after`` are compared in the match
form and also with attached prefixes (وصحيفة، للحكومة).

A list rather than a mapping keyed by id because YAML silently keeps the last of two equal
keys, and a duplicated id must be an error naming both actors. Names in every language and
the aliases are all matched (see ``generator.text.matcher``); the id is accepted in front matter
but never searched for in text. The default slug is the id, not a name: ids are chosen once
and never change, while a corrected English spelling would silently move the page.

Every problem is reported at its line with a code: ``actor-yaml``, ``actor-type``,
``actor-unknown-key``, ``actor-missing-key``, ``actor-value``, ``actor-duplicate-id``,
``actor-duplicate-alias`` and ``actor-duplicate-slug`` (errors, naming both actors and both
lines; an alias both actors mark ``shared`` is not a duplicate), ``actor-short-alias``
(warning: a one-word alias under three letters that is not an acronym in capitals is kept
for front matter but not used to tag text).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.core.diagnostics import Diagnostic, byte_position, did_you_mean, error, warning
from generator.core.model import Actor, AliasRule, Nisba, frozen_map
from generator.core.yamldoc import YamlDoc, YamlError, parse_yaml
from generator.text.arabic import prefixed
from generator.text.matcher import (
    AliasIndex,
    alias_key,
    alias_tokens,
    build_index,
    is_too_short,
    spellings,
)
from generator.text.slugs import check_slug, make_slug

REGISTRY = "content/actors.yaml"

KINDS = ("person", "organisation", "state", "government", "party", "armed-group", "media",
         "place", "other")
FIELDS = ("id", "kind", "names", "aliases", "description", "slug", "wikidata", "links",
          "old_slugs", "nisba")
ALIAS_FIELDS = ("alias", "not_after", "shared", "when")
NISBA_FIELDS = ("forms", "after")
REQUIRED = ("id", "kind", "names")

_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True, slots=True)
class Claim:
    """What a match of the index means: the actors it may name and when it counts.

    ``actors`` holds one position, or several for an alias they share (``when`` then gives,
    per actor, the actor ids and the word keys that choose it). ``not_after`` and ``after``
    hold match forms of the word before the match, prefixed spellings included: a match
    right after one of ``not_after`` does not count, and with ``after`` (a nisba) only a
    match right after one of them does."""

    actors: tuple[int, ...]
    alias: str = ""
    not_after: frozenset[str] = frozenset()
    after: frozenset[str] | None = None
    when: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()

    @property
    def contextual(self) -> bool:
        return bool(self.not_after) or self.after is not None


@dataclass(frozen=True, slots=True)
class ActorRegistry:
    """Actors in file order plus lookup indexes; built by ``make_registry``, never mutated.
    The index's targets are positions in ``claims``."""

    actors: tuple[Actor, ...] = ()
    by_id: Mapping[str, int] = field(default_factory=frozen_map)
    keys: Mapping[str, int] = field(default_factory=frozen_map)  # normalised name -> position
    index: AliasIndex = field(default_factory=lambda: build_index(()))
    claims: tuple[Claim, ...] = ()

    def get(self, actor_id: str) -> Actor | None:
        position = self.by_id.get(actor_id)
        return None if position is None else self.actors[position]

    def __len__(self) -> int:
        return len(self.actors)


def claims(actor: Actor) -> tuple[str, ...]:
    """Every spelling an actor answers to in text: names in all languages, then aliases."""
    return tuple(dict.fromkeys((*actor.names.values(), *actor.aliases)))


def nisba_forms(nisba: Nisba) -> tuple[str, ...]:
    """The forms as listed plus the feminine of each masculine one (السوري → السورية)."""
    out: list[str] = []
    for form in nisba.forms:
        out.append(form)
        if form.endswith("\u064a"):  # ي
            out.append(form + "\u0629")  # ة
    return tuple(dict.fromkeys(out))


def context_forms(words: tuple[str, ...]) -> frozenset[str]:
    """The match forms of ``words`` and of their prefixed spellings (وصحيفة، للحكومة)."""
    forms: set[str] = set()
    for word in words:
        for token in alias_tokens(word)[-1:]:  # the word right before the match
            forms.add(token)
            forms.update(prefixed(token))
    return frozenset(forms)


def make_registry(actors: tuple[Actor, ...]) -> ActorRegistry:
    """Index validated actors (the first claim of a name wins; ``load_registry`` has already
    reported conflicts). Plain names and aliases are claimed before conditional ones, so an
    alias listed both ways counts everywhere."""
    by_id: dict[str, int] = {}
    keys: dict[str, int] = {}
    for position, actor in enumerate(actors):
        by_id.setdefault(actor.id, position)
        for text in claims(actor):
            for words in spellings(alias_tokens(text)):
                if words:
                    keys.setdefault(" ".join(words), position)
    for position, actor in enumerate(actors):  # ids last: a name wins over another's id
        keys.setdefault(alias_key(actor.id), position)
    table, pairs = _claims(actors, by_id)
    contextual = frozenset(i for i, claim in enumerate(table) if claim.contextual)
    return ActorRegistry(tuple(actors), frozen_map(by_id), frozen_map(keys),
                         build_index(pairs, contextual), tuple(table))


def _claims(actors: tuple[Actor, ...], by_id: Mapping[str, int]
            ) -> tuple[list[Claim], list[tuple[str, int]]]:
    """The claims table and the (alias, claim) pairs to index, plain ones first."""
    table: list[Claim] = []
    pairs: list[tuple[str, int]] = []
    ruled = [{alias_key(rule.alias) for rule in actor.rules} for actor in actors]
    for position, actor in enumerate(actors):
        table.append(Claim((position,)))
        pairs += [(text, len(table) - 1) for text in claims(actor)
                  if alias_key(text) not in ruled[position]]
    shared: dict[str, int] = {}  # alias key -> claim of the actors sharing it
    for position, actor in enumerate(actors):
        for rule in actor.rules:
            key = alias_key(rule.alias)
            if rule.shared and key in shared:
                old = table[shared[key]]
                table[shared[key]] = Claim(
                    (*old.actors, position), old.alias, old.not_after | context_forms(rule.not_after),
                    None, (*old.when, _when(rule, by_id)))
                continue
            table.append(Claim((position,), rule.alias, context_forms(rule.not_after), None,
                               (_when(rule, by_id),) if rule.shared else ()))
            if rule.shared:
                shared[key] = len(table) - 1
            pairs.append((rule.alias, len(table) - 1))
    for position, actor in enumerate(actors):
        if actor.nisba is not None:
            table.append(Claim((position,), actor.nisba.forms[0], frozenset(),
                               context_forms(actor.nisba.after)))
            pairs += [(form, len(table) - 1) for form in nisba_forms(actor.nisba)]
    return table, pairs


def _when(rule: AliasRule, by_id: Mapping[str, int]) -> tuple[frozenset[str], frozenset[str]]:
    """A shared alias's ``when``: the actor ids it names, and the keys of its other words."""
    ids = frozenset(w for w in rule.when if w in by_id)
    words = frozenset(alias_key(w) for w in rule.when if w not in by_id and alias_key(w))
    return ids, words


def resolve(registry: ActorRegistry, name: str) -> Actor | None:
    """The actor ``name`` designates: an id, or any name or alias in any language, compared on
    the normalised form (so spelling, tashkeel, case and accents do not matter)."""
    actor = registry.get(name.strip())
    if actor is not None:
        return actor
    position = registry.keys.get(alias_key(name))
    return None if position is None else registry.actors[position]


def nearest(registry: ActorRegistry, name: str, n: int = 3) -> tuple[Actor, ...]:
    """Actors whose names look most like ``name``: close spellings first, then actors one of
    whose names contains all of its words (مصطفى → عبد الرحمن مصطفى)."""
    key = alias_key(name)
    if not key or n < 1:
        return ()
    import difflib  # only for a name no actor has: every build imports this module, few need it

    picked: dict[int, None] = {}
    for close in difflib.get_close_matches(key, registry.keys.keys(), n=n * 4, cutoff=0.6):
        picked.setdefault(registry.keys[close], None)
    words = set(key.split(" "))
    for other, position in registry.keys.items():
        if len(picked) >= n:
            break
        if words <= set(other.split(" ")):
            picked.setdefault(position, None)
    return tuple(registry.actors[p] for p in list(picked)[:n])


def load_registry(root: Path, slug_policy: str, cached: bool = False) -> tuple[ActorRegistry, tuple[Diagnostic, ...]]:
    """Read ``content/actors.yaml`` under ``root``; a missing file is an empty registry.

    Returns the actors that passed validation and every diagnostic; the caller decides
    whether errors stop the build. ``slug_policy`` is the site's, for actors without a ``slug``.
    ``cached``: keep the result in the digest's build cache, and take it from there while
    the file's bytes and the policy are the same (see ``_parsed``).
    """
    path = root / REGISTRY
    if path.exists() and not path.resolve().is_relative_to(root.resolve()):
        return ActorRegistry(), (error(REGISTRY, 0, 0, "file-outside",
                                       "refusing a link that leads outside the digest "
                                       f"(to {path.resolve()})"),)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ActorRegistry(), ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = error(REGISTRY, *byte_position(data, exc.start), "actor-yaml", f"not UTF-8 (byte {exc.start})")
        return ActorRegistry(), (problem,)
    return _parsed(root, data, text, slug_policy) if cached else parse_registry(text, slug_policy)


_PARSED = "registry.pickle"  # (hash of the file's bytes and the slug policy, registry, problems)


def _parsed(root: Path, data: bytes, text: str, slug_policy: str) -> tuple[ActorRegistry, tuple[Diagnostic, ...]]:
    """``parse_registry`` of the registry file, kept in the build cache (signed, and from this
    code only: see ``cache.store``) with the hash of what it was made from. Parsing the YAML,
    checking every actor and indexing every spelling of every alias took 40 ms of CPU on
    each build of a digest with 158 actors; loading the result takes 4."""
    from generator.cache.store import load_signed, save_signed  # only builds that keep a cache

    digest = hashlib.sha256(b"%s\0%s" % (slug_policy.encode(), data)).hexdigest()
    stored = load_signed(root, _PARSED)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == digest:
        return stored[1], stored[2]
    registry, problems = parse_registry(text, slug_policy)
    save_signed(root, _PARSED, (digest, registry, problems))
    return registry, problems


def parse_registry(text: str, slug_policy: str, rel: str = REGISTRY
                   ) -> tuple[ActorRegistry, tuple[Diagnostic, ...]]:
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        return ActorRegistry(), (error(rel, exc.line + 1, exc.col + 1, "actor-yaml", exc.message),)
    checker = _Checker(doc, rel, slug_policy)
    actors = checker.run()
    return make_registry(actors), tuple(checker.problems)


class _Checker:
    """Validation of one registry document; collects every problem before returning."""

    def __init__(self, doc: YamlDoc, rel: str, slug_policy: str):
        self.doc = doc
        self.rel = rel
        self.slug_policy = slug_policy
        self.problems: list[Diagnostic] = []

    def at(self, path: tuple[Any, ...]) -> tuple[int, int]:
        line, col = self.doc.where(path)
        return line + 1, col + 1

    def fail(self, path: tuple[Any, ...], code: str, message: str) -> None:
        line, col = self.at(path)
        self.problems.append(error(self.rel, line, col, code, message))

    def run(self) -> tuple[Actor, ...]:
        data = self.doc.data
        if data is None:
            return ()
        if not isinstance(data, list):
            self.fail((), "actor-type", "the registry must be a list of actors (`- id: ...`)")
            return ()
        actors: list[tuple[int, Actor]] = []
        for index, item in enumerate(data):
            actor = self.actor(index, item)
            if actor is not None:
                actors.append((index, actor))
        return self.unique(actors)

    # -- one actor ---------------------------------------------------------------------

    def actor(self, index: int, item: Any) -> Actor | None:
        here = (index,)
        if not isinstance(item, dict):
            self.fail(here, "actor-type",
                      "each actor must be a mapping with `id`, `kind` and `names`")
            return None
        before = len(self.problems)
        for key, message in unknown_keys(item, FIELDS):
            self.fail((*here, key), "actor-unknown-key", message)
        for key in REQUIRED:
            if key not in item:
                self.fail(here, "actor-missing-key", f"actor has no `{key}`")
        actor_id = self.text(item, here, "id")
        if actor_id is not None:
            problem = check_slug(actor_id) or (
                "an id must not contain spaces" if any(ch.isspace() for ch in actor_id) else None)
            if problem:
                self.fail((*here, "id"), "actor-value", f"bad id `{actor_id}`: {problem}")
        kind = self.text(item, here, "kind")
        if kind is not None and kind not in KINDS:
            options = ", ".join(f"`{k}`" for k in KINDS)
            self.fail((*here, "kind"), "actor-value",
                      f"unknown kind `{kind}`{did_you_mean(kind, KINDS)}; use one of {options}")
        names = self.names(item, here)
        aliases, rules = self.alias_entries(item, here)
        nisba = self.nisba(item, here)
        description = self.text(item, here, "description", required=False) or ""
        slug = self.text(item, here, "slug", required=False)
        if slug is not None:
            self.slug_ok((*here, "slug"), slug)
        wikidata = self.text(item, here, "wikidata", required=False)
        if wikidata is not None and not _WIKIDATA.match(wikidata):
            self.fail((*here, "wikidata"), "actor-value",
                      f"`wikidata` must be an item id such as `Q142`, not `{wikidata}`")
        links = self.strings(item, here, "links")
        for i, link in enumerate(links):
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.fail((*here, "links", i), "actor-value",
                          f"link `{link}` must be an absolute http(s) URL")
        old_slugs = self.strings(item, here, "old_slugs")
        for i, old in enumerate(old_slugs):
            self.slug_ok((*here, "old_slugs", i), old)
        for i, alias in enumerate(aliases):
            at = (*here, "aliases", i)
            self.alias_ok((*at, "alias") if (*at, "alias") in self.doc.marks else at, alias)
        for i, form in enumerate(nisba.forms if nisba else ()):
            self.alias_ok((*here, "nisba", "forms", i), form)
        for lang, name in names.items():
            self.alias_ok((*here, "names", lang), name)
        if len(self.problems) > before and any(
                d.severity == "error" for d in self.problems[before:]):
            return None
        assert actor_id is not None and kind is not None
        return Actor(
            id=actor_id,
            slug=(unicodedata.normalize("NFC", slug) if slug
                  else make_slug(actor_id, self.slug_policy)),
            kind=kind,
            names=frozen_map(names),
            aliases=tuple(aliases),
            description=description.strip(),
            wikidata=wikidata,
            links=tuple(links),
            old_slugs=tuple(unicodedata.normalize("NFC", s) for s in old_slugs),
            rules=tuple(rules),
            nisba=nisba,
        )

    def text(self, item: dict, here: tuple[Any, ...], key: str,
             required: bool = True) -> str | None:
        if key not in item:
            return None
        value = item[key]
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.fail((*here, key), "actor-type", f"`{key}` must be text, not {kind_of(value)}")
            return None
        if not value.strip():
            self.fail((*here, key), "actor-value", f"`{key}` must not be empty")
            return None
        return value.strip()

    def strings(self, item: dict, here: tuple[Any, ...], key: str) -> list[str]:
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail((*here, key), "actor-type",
                      f"`{key}` must be a list (`[a, b]` or `- a` lines), not {kind_of(value)}")
            return []
        result = []
        for i, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.fail((*here, key, i), "actor-type",
                          f"each of `{key}` must be non-empty text, not {kind_of(entry)}")
                continue
            result.append(entry.strip())
        return result

    def alias_entries(self, item: dict, here: tuple[Any, ...]) -> tuple[list[str], list[AliasRule]]:
        """``aliases``: text, or a mapping with the alias and where it counts."""
        value = item.get("aliases")
        if value is None:
            return [], []
        if not isinstance(value, list):
            self.fail((*here, "aliases"), "actor-type",
                      f"`aliases` must be a list (`[a, b]` or `- a` lines), not {kind_of(value)}")
            return [], []
        aliases: list[str] = []
        rules: list[AliasRule] = []
        for i, entry in enumerate(value):
            at = (*here, "aliases", i)
            if isinstance(entry, dict):
                rule = self.alias_rule(entry, at)
                if rule is not None:
                    aliases.append(rule.alias)
                    rules.append(rule)
            elif isinstance(entry, str) and entry.strip():
                aliases.append(entry.strip())
            else:
                self.fail(at, "actor-type", "each of `aliases` must be non-empty text or a mapping "
                          f"with `alias` (and `not_after`, `shared`, `when`), not {kind_of(entry)}")
        return aliases, rules

    def alias_rule(self, entry: dict, at: tuple[Any, ...]) -> AliasRule | None:
        before = len(self.problems)
        for key in entry:
            if key not in ALIAS_FIELDS:
                self.fail((*at, key), "actor-unknown-key",
                          f"unknown key `{key}` in an alias{did_you_mean(str(key), ALIAS_FIELDS)}; "
                          "an alias mapping has `alias`, `not_after`, `shared` and `when`")
        if "alias" not in entry:
            self.fail(at, "actor-missing-key", "an alias mapping needs `alias: <the alias>`")
        alias = self.text(entry, at, "alias")
        not_after = self.strings(entry, at, "not_after")
        when = self.strings(entry, at, "when")
        shared = entry.get("shared", False)
        if not isinstance(shared, bool):
            self.fail((*at, "shared"), "actor-type",
                      f"`shared` must be true or false, not {kind_of(shared)}")
            shared = False
        if when and not shared:
            self.fail((*at, "when"), "actor-value",
                      "`when` chooses between actors that share an alias; add `shared: true` "
                      "(and the same alias, shared, on the other actor)")
        for key in ("not_after", "when"):
            if key in entry and isinstance(entry[key], list) and not entry[key]:
                self.fail((*at, key), "actor-value", f"`{key}` is empty; leave it out or list words")
        if alias is None or len(self.problems) > before:
            return None
        return AliasRule(alias, tuple(not_after), shared, tuple(when))

    def nisba(self, item: dict, here: tuple[Any, ...]) -> Nisba | None:
        """``nisba: {forms: [...], after: [...]}``: both lists required and non-empty."""
        value = item.get("nisba")
        at = (*here, "nisba")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(at, "actor-type", "`nisba` must be a mapping with `forms` (the adjectives, "
                      f"e.g. [السوري]) and `after` (the head words), not {kind_of(value)}")
            return None
        before = len(self.problems)
        for key, message in unknown_keys(value, NISBA_FIELDS, " in `nisba`"):
            self.fail((*at, key), "actor-unknown-key", message)
        lists = {}
        for key, what in (("forms", "the adjectives, e.g. [السوري]"),
                          ("after", "the head words they must follow, e.g. [الرئيس, الحكومة]")):
            if key not in value:
                self.fail(at, "actor-missing-key", f"`nisba` needs `{key}`: {what}")
            elif isinstance(value[key], list) and not value[key]:
                self.fail((*at, key), "actor-value", f"`nisba.{key}` is empty: list {what}")
            lists[key] = self.strings(value, at, key)
        if len(self.problems) > before:
            return None
        return Nisba(tuple(lists["forms"]), tuple(lists["after"]))

    def names(self, item: dict, here: tuple[Any, ...]) -> dict[str, str]:
        value = item.get("names")
        if value is None:
            return {}
        if not isinstance(value, dict) or not value:
            self.fail((*here, "names"), "actor-type",
                      "`names` must map languages to names, e.g. `{ar: فرنسا, en: France}`")
            return {}
        names: dict[str, str] = {}
        for lang, name in value.items():
            if not isinstance(lang, str) or not _LANG.match(lang):
                self.fail((*here, "names", lang), "actor-value",
                          f"`{lang}` is not a language code such as `ar` or `en`")
            elif not isinstance(name, str) or not name.strip():
                self.fail((*here, "names", lang), "actor-type",
                          f"the `{lang}` name must be non-empty text, not {kind_of(name)}")
            else:
                names[lang] = name.strip()
        return names

    def slug_ok(self, path: tuple[Any, ...], slug: str) -> None:
        problem = check_slug(slug)
        if problem:
            self.fail(path, "actor-value", f"bad slug `{slug}`: {problem}")

    def alias_ok(self, path: tuple[Any, ...], alias: str) -> None:
        if not alias_tokens(alias):
            self.fail(path, "actor-value", f"`{alias}` has no letters or digits to match")
        elif is_too_short(alias):
            line, col = self.at(path)
            self.problems.append(warning(
                self.rel, line, col, "actor-short-alias",
                f"`{alias}` is too short to find in text safely; it is not used for automatic "
                "tagging (write an acronym in capitals, or use a longer form)"))

    # -- across actors -----------------------------------------------------------------

    def claim_paths(self, actor: Actor, here: tuple[Any, ...]):
        """Each spelling the actor claims with where it is written (a mapping alias at its
        ``alias`` key; nisba forms, the added feminines at their masculine)."""
        for lang, name in actor.names.items():
            yield name, (*here, "names", lang)
        for i, alias in enumerate(actor.aliases):
            at = (*here, "aliases", i)
            yield alias, ((*at, "alias") if (*at, "alias") in self.doc.marks else at)
        if actor.nisba is not None:
            listed = {form: i for i, form in enumerate(actor.nisba.forms)}
            for form in nisba_forms(actor.nisba):
                base = form if form in listed else form[:-1]
                yield form, (*here, "nisba", "forms", listed.get(base, 0))

    def unique(self, found: list[tuple[int, Actor]]) -> tuple[Actor, ...]:
        """Drop and report actors that reuse an id, a name/alias or a slug of an earlier one."""
        ids: dict[str, int] = {}
        keys: dict[str, tuple[int, Actor, str, tuple[Any, ...]]] = {}
        slugs: dict[str, tuple[int, Actor]] = {}
        kept: list[Actor] = []
        for index, actor in found:
            here = (index,)
            ok = True
            if actor.id in ids:
                line, _ = self.at((ids[actor.id],))
                self.fail((*here, "id"), "actor-duplicate-id",
                          f"actor id `{actor.id}` is already used by the actor at line {line}")
                continue
            ids[actor.id] = index
            mine: dict[str, tuple[str, tuple[Any, ...]]] = {}
            for text, path in self.claim_paths(actor, here):
                for words in spellings(alias_tokens(text)):
                    mine.setdefault(" ".join(words), (text, path))
            reported: set[str] = set()
            for key, (text, path) in mine.items():
                other = keys.get(key)
                if other is None or text in reported:
                    continue
                o_index, o_actor, o_text, o_path = other
                if _shares(actor, text) and _shares(o_actor, o_text):
                    continue
                reported.add(text)
                o_line, _ = self.at(o_path)
                hint = ("; to let both actors answer to it, mark it `shared: true` on both"
                        if _shares(actor, text) or _shares(o_actor, o_text) else "")
                self.fail(path, "actor-duplicate-alias",
                          f"`{text}` (actor `{actor.id}`) is also claimed by actor "
                          f"`{o_actor.id}` as `{o_text}` at line {o_line}{hint}")
                ok = False
            slug_path = (*here, "slug") if (*here, "slug") in self.doc.marks else (*here, "id")
            all_slugs = [(actor.slug, slug_path),
                         *((s, (*here, "old_slugs", i)) for i, s in enumerate(actor.old_slugs))]
            for slug, path in all_slugs:
                fold = slug.casefold()
                other_slug = slugs.get(fold)
                if other_slug is not None:
                    o_index, o_actor = other_slug
                    o_line, _ = self.at((o_index,))
                    what = "the same actor" if o_actor.id == actor.id else f"actor `{o_actor.id}`"
                    self.fail(path, "actor-duplicate-slug",
                              f"slug `{slug}` of actor `{actor.id}` is already used by {what} "
                              f"(line {o_line}); two pages cannot share one URL")
                    ok = False
                else:
                    slugs[fold] = (index, actor)
            if not ok:
                continue
            for key, (text, path) in mine.items():
                keys.setdefault(key, (index, actor, text, path))
            kept.append(actor)
        return tuple(kept)


def _shares(actor: Actor, text: str) -> bool:
    """Whether ``text`` is an alias ``actor`` marks ``shared``."""
    return any(rule.shared and rule.alias == text for rule in actor.rules)


def unknown_keys(mapping: Mapping[Any, Any], allowed: Collection[str], where: str = ""
                 ) -> Iterator[tuple[Any, str]]:
    """Each key of ``mapping`` outside ``allowed``, with the message that names it (``where``
    says in what, e.g. `` in `nisba` ``): the actor and outlet registries word it alike."""
    for key in mapping:
        if key not in allowed:
            yield key, f"unknown key `{key}`{where}{did_you_mean(str(key), allowed)}"


def kind_of(value: Any) -> str:
    """How a diagnostic names what a YAML value is (the outlet registry says it the same way)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", float: "a number", list: "a list", dict: "a mapping",
            str: "text"}.get(type(value), type(value).__name__)
