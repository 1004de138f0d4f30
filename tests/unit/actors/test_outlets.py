"""The outlet registry (``content/sources.yaml``): validation with exact diagnostics, and which
registered outlet a source is, by name, alias or host."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.actors.outlets import (
    SourceNames,
    given_name,
    host_key,
    load_outlets,
    name_key,
    parse_outlets,
    registered_outlet,
    shown_host,
    url_host,
)
from generator.core.model import Source

REGISTRY = """\
- id: reuters
  names:
    ar: رويترز
    en: Reuters
  aliases: [وكالة رويترز]
  hosts: [reuters.com]
  url: https://www.reuters.com/
  description: وكالة أنباء دولية.

- id: enab-baladi
  names: {ar: عنب بلدي, en: Enab Baladi}
  url: https://www.enabbaladi.net/
  slug: enab
"""


def problems(text: str) -> list[str]:
    return [d.format() for d in parse_outlets(text, "unicode")[1]]


INVALID = [
    ("not a list", "id: x\n",
     ["content/sources.yaml:1:1: error[source-type]: the outlet registry must be a list of outlets (`- id: ...`)"]),
    ("item not a mapping", "- reuters\n",
     ["content/sources.yaml:1:3: error[source-type]: each outlet must be a mapping with `id` and `names`"]),
    ("missing names", "- id: x\n",
     ["content/sources.yaml:1:3: error[source-missing-key]: outlet has no `names`"]),
    ("unknown key", "- id: x\n  names: {en: X}\n  host: [x.com]\n",
     ["content/sources.yaml:3:3: error[source-unknown-key]: unknown key `host` (did you mean `hosts`?)"]),
    ("bad id", "- id: a b\n  names: {en: X}\n",
     ["content/sources.yaml:1:3: error[source-value]: bad id `a b`: a slug must not contain ' ' "
      "(use letters, digits and `-`)"]),
    ("names not a mapping", "- id: x\n  names: X\n",
     ["content/sources.yaml:2:3: error[source-type]: `names` must map languages to names, e.g. "
      "`{ar: رويترز, en: Reuters}`"]),
    ("bad language", "- id: x\n  names:\n    English: X\n",
     ["content/sources.yaml:3:5: error[source-value]: `English` is not a language code such as `ar` or `en`"]),
    ("a URL for a host", "- id: x\n  names: {en: X}\n  hosts: [https://x.com/]\n",
     ["content/sources.yaml:3:11: error[source-value]: `https://x.com/` is a URL; write the host only, "
      "such as `reuters.com`"]),
    ("bad hosts", "- id: x\n  names: {en: X}\n  hosts: [localhost, '', 3]\n",
     ["content/sources.yaml:3:11: error[source-value]: `localhost` is not a host name such as `reuters.com`",
      "content/sources.yaml:3:22: error[source-type]: each of `hosts` must be non-empty text",
      "content/sources.yaml:3:26: error[source-type]: each of `hosts` must be non-empty text, not a number"]),
    ("bad url", "- id: x\n  names: {en: X}\n  url: ftp://x.com/\n",
     ["content/sources.yaml:3:3: error[source-value]: `url` must be an absolute http(s) URL, not `ftp://x.com/`"]),
    ("control character", '- id: x\n  names: {en: "X\\x07"}\n',
     ["content/sources.yaml:2:11: error[source-value]: the `en` name contains a control character; remove it"]),
    ("broken YAML", "- id: x\n  names: {en: X\n",
     ["content/sources.yaml:3:1: error[source-yaml]: invalid YAML: did not find expected ',' or '}'"]),
    ("duplicate id", "- id: x\n  names: {en: X}\n- id: x\n  names: {en: Y}\n",
     ["content/sources.yaml:3:3: error[source-duplicate-id]: outlet id `x` is already used by the outlet at line 1"]),
    # Names are compared on their match form: tashkeel does not make another name.
    ("duplicate name", "- id: x\n  names: {ar: رويترز}\n- id: y\n  names: {en: Y}\n  aliases: [رُويترز]\n",
     ["content/sources.yaml:5:13: error[source-duplicate-name]: `رُويترز` (outlet `y`) is also a name of "
      "outlet `x` (`رويترز`, line 2)"]),
    # A url's host is one of the outlet's hosts; "www." does not make another.
    ("duplicate host", "- id: x\n  names: {en: X}\n  hosts: [x.com]\n- id: y\n  names: {en: Y}\n"
     "  url: https://www.x.com/\n",
     ["content/sources.yaml:6:3: error[source-duplicate-host]: host `x.com` of outlet `y` is already a host "
      "of outlet `x` (line 3)"]),
    ("duplicate slug", "- id: x\n  names: {en: X}\n- id: y\n  names: {en: Y}\n  slug: X\n",
     ["content/sources.yaml:5:3: error[source-duplicate-slug]: slug `X` of outlet `y` is already used by "
      "outlet `x` (line 1); two pages cannot share one URL"]),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in INVALID], ids=[n for n, _, _ in INVALID])
def test_invalid_registries(text: str, expected: list[str]) -> None:
    assert sorted(problems(text)) == expected


def test_a_valid_registry() -> None:
    registry, found = parse_outlets(REGISTRY, "unicode")
    assert found == ()
    reuters, enab = registry.outlets
    assert (reuters.id, reuters.slug, dict(reuters.names), reuters.hosts) == (
        "reuters", "reuters", {"ar": "رويترز", "en": "Reuters"}, ("reuters.com",))
    assert reuters.url == "https://www.reuters.com/" and reuters.description == "وكالة أنباء دولية."
    assert reuters.registered and reuters.url_path == "sources/reuters/"
    assert (enab.slug, enab.hosts) == ("enab", ("enabbaladi.net",))  # the url's host, without www.
    assert enab.name("fr") == "عنب بلدي" and enab.name_lang("fr") == "ar"


def test_an_empty_registry_is_no_outlets() -> None:
    assert parse_outlets("", "unicode") == parse_outlets("# nothing yet\n", "unicode")
    assert parse_outlets("", "unicode")[0].outlets == ()


@pytest.mark.parametrize(("source", "expected"), [
    (Source("Reuters"), "reuters"),
    (Source("رُويترز"), "reuters"),  # tashkeel
    (Source("وكاله رويترز"), "reuters"),  # an alias, ة written ه
    (Source("reuters.com", "https://reuters.com/x"), "reuters"),
    (Source("uk.reuters.com", "https://uk.reuters.com/x"), "reuters"),  # a sub-domain
    (Source("WWW.REUTERS.COM", "https://WWW.REUTERS.COM/x"), "reuters"),
    (Source("enabbaladi.net", "https://www.enabbaladi.net/a"), "enab-baladi"),
    # The name wins: a story syndicated on another outlet's site is the named outlet's.
    (Source("Enab Baladi", "https://www.reuters.com/syndicated"), "enab-baladi"),
    (Source("Another agency", "https://www.reuters.com/x"), "reuters"),  # unknown name: the host
    (Source("Another agency", "https://notreuters.com/x"), None),  # not a sub-domain
    (Source("Another agency"), None),
])
def test_which_registered_outlet_a_source_is(source: Source, expected: str | None) -> None:
    registry, _ = parse_outlets(REGISTRY, "unicode")
    found = registered_outlet(registry, source)
    assert (found.id if found else None) == expected


def test_hosts_and_names() -> None:
    assert host_key("WWW.Example.ORG.") == "example.org"
    assert host_key("مثال.example") == "xn--mgbh0fb.example"
    assert url_host("https://www.example.org:8080/x") == "example.org"
    assert url_host(None) == url_host("https://[::1/") == ""
    assert shown_host("https://www.Example.org/x") == "example.org"
    assert given_name(Source("example.org", "https://example.org/x")) == ""  # only a URL was given
    assert given_name(Source("Example", "https://example.org/x")) == "Example"
    assert given_name(Source("Example")) == "Example"


def test_load_reads_the_digest_file(tmp_path: Path) -> None:
    assert load_outlets(tmp_path, "unicode") == (load_outlets(tmp_path, "unicode")[0], ())
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "sources.yaml").write_text(REGISTRY, "utf-8")
    registry, found = load_outlets(tmp_path, "unicode")
    assert [o.id for o in registry.outlets] == ["reuters", "enab-baladi"] and found == ()
    (tmp_path / "content" / "sources.yaml").write_bytes(b"- id: \xff\n")
    assert [d.format() for d in load_outlets(tmp_path, "unicode")[1]] == [
        "content/sources.yaml:1:1: error[source-yaml]: not UTF-8 (byte 6)"]


def test_a_link_out_of_the_digest_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(REGISTRY, "utf-8")
    digest = tmp_path / "digest"
    (digest / "content").mkdir(parents=True)
    (digest / "content" / "sources.yaml").symlink_to(outside)
    registry, found = load_outlets(digest, "unicode")
    assert registry.outlets == ()
    assert [d.code for d in found] == ["file-outside"]


@pytest.mark.parametrize("source", [
    Source("رويترز", "https://www.reuters.com/world/1"), Source("www.reuters.com", "https://www.reuters.com/x"),
    Source("https://example.org/a", "https://example.org/a"), Source("الجسر", None), Source("x", "http://[::1"),
    Source("Example.ORG", "https://Example.ORG./b"),
])
def test_source_names_answer_as_the_functions_do(source: Source) -> None:
    """A build files its articles through one ``SourceNames``, which works each answer out
    once (the same URL's host, the same name's key); the answers are the functions'."""
    names = SourceNames()
    for _ in range(2):  # worked out, then remembered
        assert names.given_name(source) == given_name(source)
        assert names.url_host(source.url) == url_host(source.url)
        assert names.name_key(source.name) == name_key(source.name)


def test_source_names_remember_a_host_across_urls() -> None:
    """Each article has a URL of its own; the host key is remembered by host, and a second
    URL on the same host (or a host in another case, or an IDNA one) answers as the function."""
    names = SourceNames()
    urls = ["https://www.Reuters.com/a", "https://www.reuters.com/b", "https://WWW.REUTERS.COM/c",
            "https://أخبار.example/1", "https://xn--mgbaam6a.example/2", "not a url", ""]
    for url in urls:
        assert names.url_host(url) == url_host(url), url


def _split_host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


HOST_CASES = [
    "https://www.Reuters.com/world/x", "http://enabbaladi.net", "https://a.b.c.example?q=1", "https://x.org#top",
    "HTTPS://UPPER.EXAMPLE/", "svn+ssh://host.example/repo", "https://user:pw@host.example/", "https://host:8080/",
    "https://host.example:bad/", "https://[::1]/", "https://[::1/", "https://exa mple.com/", "https://ex\tample.com/",
    " https://lead.example/", "https://trail.example/\n", "\x00https://c0.example/", "https:///no-host",
    "https://", "//no-scheme.example/", "mailto:a@b.example", "1http://digit.example/", "https://a..b/",
    "https://host.example.", "https://عربي.example/", "https://xn--mgbh0fb.example/", "http://host.example\\path",
    "https://host.example;x", "https://-dash-.example/", "https://host.example/path?x=https://other.example/",
]


@pytest.mark.parametrize("url", HOST_CASES)
def test_host_of_a_source_url_is_what_urlsplit_says(url: str) -> None:
    assert SourceNames()._hostname(url) == _split_host(url)


def test_host_shortcut_agrees_with_urlsplit_on_random_urls() -> None:
    rng = random.Random(7)
    alphabet = "aZ09.-+:/?#@[]% \t\n\\_~éع"
    for _ in range(20_000):
        url = rng.choice(("https://", "http://", "ftp+x://", "h://", "")) + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert SourceNames()._hostname(url) == _split_host(url), url
