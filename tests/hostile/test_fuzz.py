"""Property tests: whatever a content file holds, the build either succeeds or stops with
diagnostics that each name a file of the digest and a line in it. Never another exception,
never a hang (each example runs under a time limit, see ``support.time_limit``).

Most examples run the article stages directly (read, split, validate, render the body): they
are where text is interpreted, and they are cheap, so thousands fit in a CI run. A smaller
share runs the whole in-memory build (``load_site`` + ``render_site``) on a digest with the
sample actor registry and checks that every page, feed and JSON file still parses and holds
nothing executable. ``MAWJAZ_FUZZ_EXAMPLES`` sets the total (2,500), shared by weight; the
default run takes ``DEFAULT_SHARE`` of each test's share, and every test has a ``-m slow``
variant that runs ten times its whole share.
"""

from __future__ import annotations

import atexit
import inspect
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.actors.outlets import OUTLETS, parse_outlets
from generator.actors.registry import REGISTRY, parse_registry
from generator.content.articles import Checked, build_article
from generator.content.frontmatter import parse_article
from generator.content.source import decode_source
from generator.core.config import load_config
from generator.core.diagnostics import BuildFailed, Diagnostic
from generator.text.slugs import check_slug
from tests.hostile.strategies import (
    ARTICLE_BYTES,
    BYTE_EDITS,
    LINE_ENDINGS,
    MARKDOWN,
    VALID_FRONT,
    YAML_VALUES,
    assemble,
    damage,
    dump_yaml,
    fuzz_settings,
    hostile_text,
)
from tests.hostile.support import (
    BASE_CONFIG,
    CONFIG_NAME,
    REPO,
    build_in_memory,
    html_problems,
    located_problems,
    output_problems,
    time_limit,
    toml_string,
    unsafe_output_path,
    write_digest,
)

REL = "content/articles/fuzz.md"
LIMIT = 120.0  # CPU seconds per example: a hang guard, far above any honest example
DEFAULT_SHARE = 0.4  # of each test's examples in the default run; all of them, tenfold, under -m slow


def _scratch() -> Path:
    """A temporary folder removed when the test process ends."""
    folder = Path(tempfile.mkdtemp(prefix="mawjaz-fuzz-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _config(tmp: Path):
    (tmp / CONFIG_NAME).write_text(BASE_CONFIG, "utf-8")
    return load_config(tmp / CONFIG_NAME)


CONFIG = _config(_scratch())


def expected_refusal(data: bytes) -> tuple[str, int] | None:
    """The diagnostic code and byte offset a file with NUL bytes or invalid UTF-8 must get."""
    nul = data.find(b"\0")
    if nul >= 0:
        return "file-binary", nul
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "file-encoding", exc.start
    return None


def run_stages(data: bytes) -> Checked | list[Diagnostic]:
    source = decode_source(REL, data)
    if isinstance(source, Diagnostic):
        return [source]
    raw = parse_article(source)
    if isinstance(raw, Diagnostic):
        return [raw]
    return build_article(raw, CONFIG)


def check_stages(data: bytes) -> None:
    with time_limit(LIMIT):
        result = run_stages(data)
    refusal = expected_refusal(data)
    if refusal is not None:
        code, offset = refusal
        assert isinstance(result, list) and [d.code for d in result] == [code], result
        assert f"offset {offset}" in result[0].message, (result[0].message, offset)
    if isinstance(result, Checked):
        article = result.article
        assert check_slug(article.slug) is None, article.slug
        assert article.title.strip()
        assert html_problems(article.body_html, "body") == []
    else:
        assert located_problems(BuildFailed(result), {REL: data}) == []


def _test(body: Callable, weight: float, *strategies: st.SearchStrategy, slow: bool = False):
    """A fuzz test of ``body`` with its share of the examples (a fresh wrapper each time, so
    the default and the slow variant are separate tests)."""

    def test(*args: object) -> None:
        body(*args)

    test.__doc__ = body.__doc__
    test.__signature__ = inspect.signature(body)  # type: ignore[attr-defined]
    return fuzz_settings(weight if slow else weight * DEFAULT_SHARE, slow)(given(*strategies)(test))


# -- article stages -------------------------------------------------------------------------


def _whole_file(data: bytes) -> None:
    """Random front matter (every YAML type, raw YAML, deep nesting, alias bombs), random
    Markdown, any line endings, BOM or not, broken fences."""
    check_stages(data)


def _markdown_body(front: str, body: str, ending: str, bom: bool) -> None:
    """Valid front matter and any Markdown: the article is built (or refused for its bytes,
    or for nesting beyond what the converter can follow), and the body holds nothing
    executable."""
    data = assemble(front, body, ending, bom)
    check_stages(data)
    if expected_refusal(data) is None:
        with time_limit(LIMIT):
            result = run_stages(data)
        if not isinstance(result, Checked):
            assert {d.code for d in result} <= {"body-markdown"}, result


def _damaged_bytes(front: str, body: str, edits: list[tuple[int, bytes]]) -> None:
    """A valid article with bytes inserted: BOMs, NUL, stray CR, broken UTF-8 sequences,
    encoded surrogates. Refusals name the exact byte offset."""
    check_stages(damage(assemble(front, body, "\n", False), edits))


test_whole_file = _test(_whole_file, 0.35, ARTICLE_BYTES)
test_markdown_body = _test(_markdown_body, 0.2, VALID_FRONT, MARKDOWN, LINE_ENDINGS,
                           st.booleans())
test_damaged_bytes = _test(_damaged_bytes, 0.17, VALID_FRONT, hostile_text(200), BYTE_EDITS)


# -- registry and config ---------------------------------------------------------------------

ACTOR = st.fixed_dictionaries({}, optional={
    "id": st.one_of(hostile_text(20), YAML_VALUES),
    "kind": st.one_of(st.sampled_from(["person", "state", "party", "x"]), YAML_VALUES),
    "names": st.one_of(st.dictionaries(st.sampled_from(["ar", "en", "x", "ar-SY", "1"]),
                                       st.one_of(hostile_text(20), YAML_VALUES), max_size=3),
                       YAML_VALUES),
    "aliases": st.one_of(st.lists(hostile_text(20), max_size=3), YAML_VALUES),
    "description": hostile_text(40),
    "slug": st.one_of(hostile_text(12), st.sampled_from(["..", "a/b", "CON", "x\\y", "/x"])),
    "links": st.lists(st.one_of(hostile_text(20),
                                hostile_text(20).map(lambda t: "https://a.example/" + t)),
                      max_size=2),
    "old_slugs": st.lists(hostile_text(12), max_size=2),
    "wikidata": st.one_of(st.sampled_from(["Q1", "Q0", "x"]), YAML_VALUES),
})
REGISTRY_TEXT = st.one_of(
    st.builds(dump_yaml, st.lists(ACTOR, max_size=5), st.booleans(), st.integers(20, 200)),
    st.builds(dump_yaml, YAML_VALUES, st.booleans(), st.integers(20, 200)),
)


def _registry(text: str) -> None:
    """Any actors.yaml: actors that pass have safe slugs; problems are located in the file."""
    with time_limit(LIMIT):
        registry, problems = parse_registry(text, CONFIG.slug_policy)
    for actor in registry.actors:
        assert check_slug(actor.slug) is None, actor.slug
        for old in actor.old_slugs:
            assert check_slug(old) is None, old
    if problems:
        assert located_problems(BuildFailed(problems), {REGISTRY: text}) == []


test_registry = _test(_registry, 0.1, REGISTRY_TEXT)

OUTLET = st.fixed_dictionaries({}, optional={
    "id": st.one_of(hostile_text(20), YAML_VALUES),
    "names": st.one_of(st.dictionaries(st.sampled_from(["ar", "en", "x", "ar-SY", "1"]),
                                       st.one_of(hostile_text(20), YAML_VALUES), max_size=3),
                       YAML_VALUES),
    "aliases": st.one_of(st.lists(hostile_text(20), max_size=3), YAML_VALUES),
    "hosts": st.one_of(st.lists(st.one_of(hostile_text(20), st.sampled_from(
        ["reuters.com", "www.reuters.com", "https://x.example/", "localhost", "مثال.example", "a..b"])),
        max_size=3), YAML_VALUES),
    "url": st.one_of(hostile_text(20).map(lambda t: "https://" + t), st.sampled_from(
        ["https://www.reuters.com/", "ftp://x.example/", "https://[::1/"]), YAML_VALUES),
    "description": hostile_text(40),
    "slug": st.one_of(hostile_text(12), st.sampled_from(["..", "a/b", "CON", "index.html"])),
})
OUTLETS_TEXT = st.one_of(
    st.builds(dump_yaml, st.lists(OUTLET, max_size=5), st.booleans(), st.integers(20, 200)),
    st.builds(dump_yaml, YAML_VALUES, st.booleans(), st.integers(20, 200)),
)


def _outlets(text: str) -> None:
    """Any sources.yaml: outlets that pass have safe slugs and plain hosts; problems are
    located in the file."""
    with time_limit(LIMIT):
        registry, problems = parse_outlets(text, CONFIG.slug_policy)
    for outlet in registry.outlets:
        assert check_slug(outlet.slug) is None, outlet.slug
        assert all(host and host.isascii() and "/" not in host for host in outlet.hosts), outlet.hosts
    if problems:
        assert located_problems(BuildFailed(problems), {OUTLETS: text}) == []


test_outlet_registry = _test(_outlets, 0.05, OUTLETS_TEXT)

CONFIG_VALUES = st.one_of(
    hostile_text(30).map(toml_string),
    st.integers(-(2**63), 2**63 - 1).map(str), st.booleans().map(lambda b: str(b).lower()),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(['"https://e.example/"', '"https://e.example/a b/"', '"ar"', '"en"',
                     '"Asia/Damascus"', '"../x"', '"/abs"', "2026-11-29", "[1, 2]", "{a = 1}",
                     '"\\u0000"', '"https://e.example/\\u0000"', '"ar\\u0000"', "1", "0",
                     "0001-01-01T00:00:00+14:00", "9999-12-31T20:00:00-05:00", "9999-12-31",
                     '"0001-01-01"', "[" * 3000 + "]" * 3000, "{a = " * 500 + "1" + "}" * 500,
                     '"/{year}/{month}/{day}/{slug}/"', '"/{id}/"', '"/{slug}/"', '"/../{slug}/"',
                     '"/{slug.__class__}/"', '"{slug}"', '"/feeds/{slug}/"', '"/topics/{slug}/"',
                     '"/a\\\\b/{slug}/"']),
)
CONFIG_KEYS = st.sampled_from(["title", "description", "author", "base_url", "language",
                               "timezone", "digits", "month_names", "slug_policy", "output_dir",
                               "items_per_page", "max_file_size", "auto_actors", "feed_content",
                               "feed_limit", "feed_id_authority", "search", "build_date", "permalink",
                               "titel"])


def _config_file(pairs: dict[str, str]) -> None:
    """Any mawjaz.toml: either a clean build of a one-article digest or located problems."""
    text = BASE_CONFIG + "".join(f"{key} = {value}\n" for key, value in pairs.items()
                                 if key not in ("title", "base_url", "language", "description",
                                                "timezone", "build_date"))
    for key in ("title", "base_url", "language", "description", "timezone", "build_date"):
        if key in pairs:
            text = "\n".join(line for line in text.split("\n")
                             if not line.startswith(f"{key} =")) + f"\n{key} = {pairs[key]}\n"
    root = Path(tempfile.mkdtemp(prefix="mawjaz-fuzz-"))
    article = "---\ntitle: خبر\ndate: 2026-11-20\n---\nنص.\n"
    try:
        write_digest(root, {"a.md": article}, config=text)
        try:
            with time_limit(LIMIT):
                files = build_in_memory(root)
        except BuildFailed as failed:
            # A setting can make the article fail too (`max_file_size = 1`): located there.
            assert located_problems(failed, {CONFIG_NAME: text, "content/articles/a.md": article}) == []
            return
        assert [f.path for f in files if unsafe_output_path(f.path)] == []
        assert output_problems(files) == []
    finally:
        shutil.rmtree(root, ignore_errors=True)


test_config_file = _test(_config_file, 0.06, st.dictionaries(CONFIG_KEYS, CONFIG_VALUES,
                                                             max_size=5))


# -- whole in-memory builds ---------------------------------------------------------------------


class _Digest:
    """One throw-away digest per test, its article rewritten for each example."""

    def __init__(self) -> None:
        self.root = _scratch()
        write_digest(self.root, {}, actors=(REPO / REGISTRY).read_bytes())
        self.registry = (REPO / REGISTRY).read_bytes()
        (self.root / "content" / "articles" / "fixed.md").write_text(
            "---\ntitle: خبر ثابت عن فرنسا\ndate: 2026-11-20\n---\nالائتلاف الوطني.\n", "utf-8")


def _whole_build(data: bytes) -> None:
    # Made once per process: ``setdefault(key, _Digest())`` would make (and leak) one per example.
    digest = _DIGEST.get("digest") or _DIGEST.setdefault("digest", _Digest())
    (digest.root / REL).write_bytes(data)
    try:
        with time_limit(LIMIT):
            files = build_in_memory(digest.root)
    except BuildFailed as failed:
        refusal = expected_refusal(data)
        if refusal is not None:
            assert any(d.code == refusal[0] and d.path == REL for d in failed.diagnostics)
        texts = {REL: data, REGISTRY: digest.registry, "content/articles/fixed.md": ""}
        assert located_problems(failed, texts) == []
        return
    assert [f.path for f in files if unsafe_output_path(f.path)] == []
    assert output_problems(files) == []


_DIGEST: dict[str, _Digest] = {}


def _full(data: bytes) -> None:
    """The whole in-memory build: pages, feeds and JSON parse and hold nothing executable."""
    _whole_build(data)


def _full_valid(front: str, body: str) -> None:
    """The whole in-memory build with valid front matter and hostile Markdown."""
    _whole_build(assemble(front, body, "\n", False))


test_full_build = _test(_full, 0.03, ARTICLE_BYTES)
test_full_build_markdown = _test(_full_valid, 0.03, VALID_FRONT, MARKDOWN)


# -- slow variants (ten times the examples) ------------------------------------------------------

test_whole_file_slow = pytest.mark.slow(_test(_whole_file, 0.35, ARTICLE_BYTES, slow=True))
test_markdown_body_slow = pytest.mark.slow(_test(_markdown_body, 0.2, VALID_FRONT, MARKDOWN,
                                                 LINE_ENDINGS, st.booleans(), slow=True))
test_damaged_bytes_slow = pytest.mark.slow(_test(_damaged_bytes, 0.17, VALID_FRONT,
                                                 hostile_text(200), BYTE_EDITS, slow=True))
test_registry_slow = pytest.mark.slow(_test(_registry, 0.1, REGISTRY_TEXT, slow=True))
test_full_build_slow = pytest.mark.slow(_test(_full, 0.03, ARTICLE_BYTES, slow=True))
test_full_build_markdown_slow = pytest.mark.slow(_test(_full_valid, 0.03, VALID_FRONT, MARKDOWN,
                                                       slow=True))
test_config_file_slow = pytest.mark.slow(_test(_config_file, 0.06, st.dictionaries(
    CONFIG_KEYS, CONFIG_VALUES, max_size=5), slow=True))
