"""The outlet registry, ``content/sources.yaml``, and which outlet an article's source is.

Readers follow an outlet ("everything the digest took from Reuters") as they follow an actor,
but a source is written many ways: "Reuters", "رويترز", "وكالة رويترز", or only a URL on
``www.reuters.com`` or ``uk.reuters.com``. The registry, optional, says which spellings and
hosts are one outlet and what it is called in each language::

    - id: reuters                      # required; stable, never shown, never changes
      names:                           # required; display name per language
        ar: رويترز
        en: Reuters
      aliases: [وكالة رويترز, Reuters UK]   # optional: other names sources are given
      hosts: [reuters.com]             # optional: its sites (sub-domains and "www." match)
      url: https://www.reuters.com/    # optional: its home page (its host is one of hosts)
      description: …                   # optional, plain text
      slug: reuters                    # optional; default: the id made into a slug

A list, like the actor registry, so that a duplicated id is an error naming both entries.
Names and aliases are compared on their match form (``text.normalize``), so spelling
variants, case and tashkeel do not matter.

An article's source is the registered outlet whose name or alias its ``source.name`` is,
else the one whose host its ``source.url`` is on (the name wins: a syndicated story names its
outlet and sits on another's site). A source the registry does not know is an outlet of its
own, by its name; a source given as a URL only is by the name other articles from that host
give, else by the host without ``www.`` (see ``taxa``).

Problems are reported at their line: ``source-yaml``, ``source-type``, ``source-unknown-key``,
``source-missing-key``, ``source-value``, and ``source-duplicate-id``, ``-name``, ``-host``
and ``-slug`` (errors naming the other entry's line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.actors.registry import kind_of, unknown_keys
from generator.core.diagnostics import Diagnostic, error
from generator.core.model import Outlet, Source, frozen_map
from generator.core.yamldoc import YamlDoc, YamlError, parse_yaml
from generator.text.normalize import match_form
from generator.text.slugs import check_slug, make_slug

OUTLETS = "content/sources.yaml"

FIELDS = ("id", "names", "aliases", "hosts", "url", "description", "slug")
REQUIRED = ("id", "names")


@dataclass(frozen=True, slots=True)
class OutletRegistry:
    """Registered outlets in file order, with lookups by name key and by host."""

    outlets: tuple[Outlet, ...] = ()
    names: Mapping[str, int] = field(default_factory=frozen_map)  # match form -> position
    hosts: Mapping[str, int] = field(default_factory=frozen_map)  # host -> position


def host_key(host: str) -> str:
    """A host as outlets are matched on it: lower case, ASCII (IDNA), no trailing dot, no
    leading ``www.``; empty when it is not a host name."""
    host = host.strip().rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return host[4:] if host.startswith("www.") else host


def url_host(url: str | None) -> str:
    """``host_key`` of the host of ``url`` ("" without one)."""
    if not url:
        return ""
    return host_key(_hostname(url) or "")


def shown_host(url: str) -> str:
    """The host of ``url`` as a reader knows it (as written, without ``www.``)."""
    host = (_hostname(url) or "").rstrip(".")
    return host[4:] if host.startswith("www.") else host


def given_name(source: Source) -> str:
    """The name the curator gave a source: "" when it was only a URL (the article stage then
    names it after the URL's host, which says nothing the host does not)."""
    if source.url and source.name == (_hostname(source.url) or source.url):
        return ""
    return source.name


# A URL whose host ``urlsplit`` returns as it is written, lower-cased: a scheme, ``//``, a
# host of ASCII letters, digits, dots and hyphens, then the end or a path, query or fragment
# (no user, port, brackets, spaces or control characters, which ``urlsplit`` treats apart).
# Nearly every source URL is one; filing an archive splits each article's own URL, and
# ``urlsplit`` was two fifths of it. tests/unit/actors/test_outlets.py holds the two equal.
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?:[/?#]|\Z)")


def _hostname(url: str) -> str | None:
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        return plain.group(1).lower()
    try:
        return urlsplit(url).hostname
    except ValueError:  # an unclosed IPv6 bracket or a bad port
        return None


def name_key(name: str) -> str:
    """What two names of one outlet have in common: their match form."""
    return match_form(name) or name.casefold()


class SourceNames:
    """``given_name``, ``url_host`` and ``name_key`` for one build's filing of its articles,
    each worked out once: filing asked for each article's source URL's host five times and
    matched the same few outlet names 20,000 times, a tenth of an edit's build at 10,000
    articles. Owned by that filing (``taxa.file_articles``); nothing outlives it."""

    __slots__ = ("_host_keys", "_hosts", "_keys")

    def __init__(self) -> None:
        self._hosts: dict[str, str | None] = {}
        self._keys: dict[str, str] = {}
        # host -> ``host_key``: each article has a URL of its own, but its outlet's few hosts
        # are shared by thousands, and IDNA-encoding each again was a twentieth of an edit
        self._host_keys: dict[str, str] = {}

    def _hostname(self, url: str) -> str | None:
        if url not in self._hosts:
            self._hosts[url] = _hostname(url)
        return self._hosts[url]

    def given_name(self, source: Source) -> str:
        """``given_name``."""
        if source.url and source.name == (self._hostname(source.url) or source.url):
            return ""
        return source.name

    def url_host(self, url: str | None) -> str:
        """``url_host``."""
        if not url:
            return ""
        host = self._hostname(url) or ""
        found = self._host_keys.get(host)
        if found is None:
            found = self._host_keys[host] = host_key(host)
        return found

    def name_key(self, name: str) -> str:
        """``name_key``."""
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = name_key(name)
        return found


def registered_outlet(registry: OutletRegistry, source: Source, names: SourceNames | None = None) -> Outlet | None:
    """The registered outlet ``source`` is: by its given name or an alias, else by its host
    or the nearest parent domain of it (``uk.reuters.com`` is on ``reuters.com``).
    ``names``: the caller's ``SourceNames``, when it files many sources."""
    names = names or SourceNames()
    return outlet_named(registry, names.given_name(source), names.url_host(source.url), names)


def outlet_named(registry: OutletRegistry, name: str, host: str, names: SourceNames) -> Outlet | None:
    """``registered_outlet`` of a source whose ``given_name`` and ``url_host`` the caller
    has (filing needs both for the sources no outlet claims)."""
    if not registry.outlets:  # no sources.yaml: nothing to look for
        return None
    if name:
        position = registry.names.get(names.name_key(name))
        if position is not None:
            return registry.outlets[position]
    while host:
        position = registry.hosts.get(host)
        if position is not None:
            return registry.outlets[position]
        host = host.partition(".")[2] if host.count(".") > 1 else ""
    return None


def load_outlets(root: Path, slug_policy: str) -> tuple[OutletRegistry, tuple[Diagnostic, ...]]:
    """Read ``content/sources.yaml`` under ``root``; a missing file is an empty registry.
    Returns the outlets that passed validation and every diagnostic."""
    path = root / OUTLETS
    if path.exists() and not path.resolve().is_relative_to(root.resolve()):
        return OutletRegistry(), (error(OUTLETS, 0, 0, "file-outside",
                                        "refusing a link that leads outside the digest "
                                        f"(to {path.resolve()})"),)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return OutletRegistry(), ()
    except IsADirectoryError:
        return OutletRegistry(), (error(OUTLETS, 0, 0, "source-type", "must be a file, not a folder"),)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return OutletRegistry(), (error(OUTLETS, 1, 1, "source-yaml", f"not UTF-8 (byte {exc.start})"),)
    return parse_outlets(text, slug_policy)


def parse_outlets(text: str, slug_policy: str, rel: str = OUTLETS
                  ) -> tuple[OutletRegistry, tuple[Diagnostic, ...]]:
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        return OutletRegistry(), (error(rel, exc.line + 1, exc.col + 1, "source-yaml", exc.message),)
    checker = _Checker(doc, rel, slug_policy)
    return checker.run(), tuple(checker.problems)


class _Checker:
    """Validation of one outlet registry; collects every problem before returning."""

    def __init__(self, doc: YamlDoc, rel: str, slug_policy: str):
        self.doc = doc
        self.rel = rel
        self.slug_policy = slug_policy
        self.problems: list[Diagnostic] = []

    def line(self, path: tuple[Any, ...]) -> int:
        return self.doc.where(path)[0] + 1

    def fail(self, path: tuple[Any, ...], code: str, message: str) -> None:
        line, col = self.doc.where(path)
        self.problems.append(error(self.rel, line + 1, col + 1, code, message))

    def run(self) -> OutletRegistry:
        data = self.doc.data
        if data is None:
            return OutletRegistry()
        if not isinstance(data, list):
            self.fail((), "source-type", "the outlet registry must be a list of outlets (`- id: ...`)")
            return OutletRegistry()
        found = [(index, outlet) for index, item in enumerate(data)
                 if (outlet := self.outlet(index, item)) is not None]
        return self.unique(found)

    # -- one outlet ------------------------------------------------------------------------

    def outlet(self, index: int, item: Any) -> Outlet | None:
        here = (index,)
        if not isinstance(item, dict):
            self.fail(here, "source-type", "each outlet must be a mapping with `id` and `names`")
            return None
        before = len(self.problems)
        for key, message in unknown_keys(item, FIELDS):
            self.fail((*here, key), "source-unknown-key", message)
        for key in REQUIRED:
            if key not in item:
                self.fail(here, "source-missing-key", f"outlet has no `{key}`")
        outlet_id = self.text(item, here, "id")
        if outlet_id is not None:
            problem = check_slug(outlet_id) or (
                "an id must not contain spaces" if any(ch.isspace() for ch in outlet_id) else None)
            if problem:
                self.fail((*here, "id"), "source-value", f"bad id `{outlet_id}`: {problem}")
        names = self.names(item, here)
        aliases = self.strings(item, here, "aliases")
        hosts = [self.host((*here, "hosts", i), value) for i, value in enumerate(self.strings(item, here, "hosts"))]
        url = self.text(item, here, "url", required=False)
        if url is not None and (not url.startswith(("http://", "https://")) or not url_host(url)):
            self.fail((*here, "url"), "source-value", f"`url` must be an absolute http(s) URL, not `{url}`")
        description = self.text(item, here, "description", required=False) or ""
        slug = self.text(item, here, "slug", required=False)
        if slug is not None and (problem := check_slug(slug)):
            self.fail((*here, "slug"), "source-value", f"bad slug `{slug}`: {problem}")
        for i, alias in enumerate(aliases):
            if not name_key(alias).strip():
                self.fail((*here, "aliases", i), "source-value", f"`{alias}` has no letters or digits")
        if any(d.severity == "error" for d in self.problems[before:]):
            return None
        assert outlet_id is not None
        if url is not None:
            hosts.append(url_host(url))
        return Outlet(
            id=outlet_id,
            slug=unicodedata.normalize("NFC", slug) if slug else make_slug(outlet_id, self.slug_policy),
            names=frozen_map(names),
            hosts=tuple(dict.fromkeys(h for h in hosts if h)),
            aliases=tuple(aliases),
            url=url,
            description=description,
            registered=True,
        )

    def text(self, item: dict, here: tuple[Any, ...], key: str, required: bool = True) -> str | None:
        if key not in item:
            return None
        value = item[key]
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.fail((*here, key), "source-type", f"`{key}` must be text, not {kind_of(value)}")
            return None
        if not value.strip():
            self.fail((*here, key), "source-value", f"`{key}` must not be empty")
            return None
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            self.fail((*here, key), "source-value", f"`{key}` contains a control character; remove it")
            return None
        return " ".join(value.split())

    def strings(self, item: dict, here: tuple[Any, ...], key: str) -> list[str]:
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail((*here, key), "source-type",
                      f"`{key}` must be a list (`[a, b]` or `- a` lines), not {kind_of(value)}")
            return []
        result = []
        for i, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                what = "" if isinstance(entry, str) else f", not {kind_of(entry)}"
                self.fail((*here, key, i), "source-type", f"each of `{key}` must be non-empty text{what}")
            elif any(unicodedata.category(ch) == "Cc" for ch in entry):
                self.fail((*here, key, i), "source-value", f"`{key}` contains a control character; remove it")
            else:
                result.append(" ".join(entry.split()))
        return result

    def names(self, item: dict, here: tuple[Any, ...]) -> dict[str, str]:
        value = item.get("names")
        if value is None:
            return {}
        if not isinstance(value, dict) or not value:
            self.fail((*here, "names"), "source-type",
                      "`names` must map languages to names, e.g. `{ar: رويترز, en: Reuters}`")
            return {}
        names: dict[str, str] = {}
        for lang, name in value.items():
            if not isinstance(lang, str) or not _is_language(lang):
                self.fail((*here, "names", lang), "source-value",
                          f"`{lang}` is not a language code such as `ar` or `en`")
            elif not isinstance(name, str) or not name.strip():
                self.fail((*here, "names", lang), "source-type",
                          f"the `{lang}` name must be non-empty text, not {kind_of(name)}")
            elif any(unicodedata.category(ch) == "Cc" for ch in name):
                self.fail((*here, "names", lang), "source-value",
                          f"the `{lang}` name contains a control character; remove it")
            else:
                names[lang] = " ".join(name.split())
        return names

    def host(self, path: tuple[Any, ...], value: str) -> str:
        if "/" in value or ":" in value:
            self.fail(path, "source-value", f"`{value}` is a URL; write the host only, such as `reuters.com`")
            return ""
        key = host_key(value)
        if not key or "." not in key or any(ch.isspace() for ch in key):
            self.fail(path, "source-value", f"`{value}` is not a host name such as `reuters.com`")
            return ""
        return key

    # -- across outlets ------------------------------------------------------------------

    def host_path(self, index: int, host: str) -> tuple[Any, ...]:
        """Where entry ``index`` names ``host``: in ``hosts``, else in ``url``."""
        listed = self.doc.data[index].get("hosts")
        for i, value in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(value, str) and host_key(value) == host:
                return (index, "hosts", i)
        return (index, "url")

    def unique(self, found: list[tuple[int, Outlet]]) -> OutletRegistry:
        """Drop and report outlets that reuse an id, a name or alias, a host or a slug of an
        earlier one; index the rest."""
        ids: dict[str, int] = {}
        names: dict[str, tuple[int, str, tuple[Any, ...]]] = {}
        hosts: dict[str, tuple[int, tuple[Any, ...]]] = {}
        slugs: dict[str, int] = {}
        kept: list[Outlet] = []
        data = self.doc.data
        for index, outlet in found:
            here = (index,)
            if outlet.id in ids:
                first = self.line((ids[outlet.id],))
                self.fail((*here, "id"), "source-duplicate-id",
                          f"outlet id `{outlet.id}` is already used by the outlet at line {first}")
                continue
            ids[outlet.id] = index
            ok = True
            mine: dict[str, tuple[str, tuple[Any, ...]]] = {}
            for lang, name in outlet.names.items():
                mine.setdefault(name_key(name), (name, (*here, "names", lang)))
            for i, alias in enumerate(outlet.aliases):
                mine.setdefault(name_key(alias), (alias, (*here, "aliases", i)))
            for key, (text, path) in mine.items():
                other = names.get(key)
                if other is not None:
                    o_index, o_text, o_path = other
                    self.fail(path, "source-duplicate-name",
                              f"`{text}` (outlet `{outlet.id}`) is also a name of outlet "
                              f"`{found_id(data, o_index)}` (`{o_text}`, line {self.line(o_path)})")
                    ok = False
            for host in outlet.hosts:
                other_host = hosts.get(host)
                if other_host is not None:
                    self.fail(self.host_path(index, host), "source-duplicate-host",
                              f"host `{host}` of outlet `{outlet.id}` is already a host of outlet "
                              f"`{found_id(data, other_host[0])}` (line {self.line(other_host[1])})")
                    ok = False
            fold = outlet.slug.casefold()
            if fold in slugs:
                slug_path = (*here, "slug") if (*here, "slug") in self.doc.marks else (*here, "id")
                self.fail(slug_path, "source-duplicate-slug",
                          f"slug `{outlet.slug}` of outlet `{outlet.id}` is already used by outlet "
                          f"`{found_id(data, slugs[fold])}` (line {self.line((slugs[fold],))}); "
                          "two pages cannot share one URL")
                ok = False
            if not ok:
                continue
            for key, (text, path) in mine.items():
                names[key] = (index, text, path)
            for host in outlet.hosts:
                hosts[host] = (index, self.host_path(index, host))
            slugs[fold] = index
            kept.append(outlet)
        return OutletRegistry(
            tuple(kept),
            frozen_map({key: position for position, outlet in enumerate(kept) for key in _name_keys(outlet)}),
            frozen_map({host: position for position, outlet in enumerate(kept) for host in outlet.hosts}))


def found_id(data: list[Any], index: int) -> str:
    """The id written at entry ``index`` of the registry document."""
    return str(data[index].get("id", f"#{index + 1}"))


def _name_keys(outlet: Outlet) -> list[str]:
    return [name_key(text) for text in (*outlet.names.values(), *outlet.aliases)]


def _is_language(code: str) -> bool:
    parts = code.split("-")
    return (2 <= len(parts[0]) <= 3 and parts[0].isascii() and parts[0].isalpha() and parts[0].islower()
            and all(p.isascii() and p.isalnum() and 2 <= len(p) <= 8 for p in parts[1:]))
