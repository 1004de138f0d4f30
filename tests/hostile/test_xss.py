"""Script injection: every vector of ``xss_vectors.txt`` in every place a curator's content or
config reaches the output (titles, summaries, source names and URLs, bodies, Markdown link and
image targets, actor names, aliases, descriptions and links, config title, description and
author), then every page, feed and JSON file parsed and checked for executable forms.

The same vectors also go through the sanitiser alone, so a failure names the vector
directly. Chromium checks the built sample in tests/e2e; this suite is the parser's view.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from generator.content.articles import Checked, build_article
from generator.content.frontmatter import parse_article
from generator.content.markup import render_body
from generator.content.source import decode_source
from generator.core.config import load_config
from generator.core.model import OutputFile
from tests.hostile.support import (
    BASE_CONFIG,
    build_in_memory,
    html_problems,
    output_problems,
    toml_string,
    write_digest,
)

VECTORS_FILE = Path(__file__).with_name("xss_vectors.txt")
_ESCAPE = re.compile(r"\\(t|n|r|\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}

ARTICLE_PLACES = ("title", "summary", "source.name", "source.url (query)", "body (block)",
                  "body (inline)", "body (link target)", "body (image source)")
ACTOR_PLACES = ("actor name ar", "actor name en", "actor alias", "actor description",
                "actor link")
RAW_URL_PLACE = "source.url (whole)"
CONFIG_PLACES = ("config title", "config description", "config author")
TEMPLATE_MARKERS = (b"197530", b"SiteView(", b"<class ", b"__globals__': {")


def _unescape(line: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return _SIMPLE.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(one, line)


def load_vectors() -> list[str]:
    vectors = []
    for line in VECTORS_FILE.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("# ") or line == "#":
            continue
        vectors.append(_unescape(line))
    return vectors


VECTORS = load_vectors()


def test_corpus_is_substantial() -> None:
    assert len(VECTORS) >= 150
    assert len(set(VECTORS)) == len(VECTORS), "duplicate vectors"


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_sanitiser_alone(vector: str) -> None:
    """A body that is nothing but the vector, as a block, inline, and as link targets."""
    for body in (vector, f"قبل {vector} بعد", f"[رابط]({vector})", f"![صورة]({vector})",
                 f"> {vector}", f"- {vector}", f"| a |\n|---|\n| {vector} |"):
        assert html_problems(render_body(body), "body") == [], body


def _front_matter(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _article(i: int, vector: str) -> str:
    meta = {
        # Control characters are refused in front matter (frontmatter-control): keep the rest.
        "title": f"{_printable(vector)} {i}",
        "date": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00+03:00",
        "slug": f"v-{i}",
        "id": f"v-{i}",
        "summary": _printable(vector),
        "source": {"name": _printable(vector),
                   "url": "https://source.example/?q=" + _printable(vector)},
        "actors": [f"vec-{i}"],
    }
    body = (f"{vector}\n\nقبل {vector} بعد\n\n[رابط]({vector}) و ![صورة]({vector})\n\n"
            "{{ 98765*2 }} {% if true %}نعم{% endif %}\n")
    return _front_matter(meta) + body


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


def _raw_url_article(i: int, vector: str) -> str:
    meta = {"title": f"url {i}", "date": "2026-11-20", "slug": f"u-{i}", "id": f"u-{i}",
            "source": {"name": "مصدر", "url": vector}}
    return _front_matter(meta) + "نص.\n"


def _registry(vectors: list[str]) -> str:
    actors = [{
        "id": f"vec-{i}",
        "kind": "person",
        "names": {"ar": f"{v} ن{i}", "en": f"{v} en{i}"},
        "aliases": [f"{v} alias{i}"],
        "description": v,
        "links": ["https://actor.example/?q=" + " ".join(v.split())],
    } for i, v in enumerate(vectors)]
    return yaml.safe_dump(actors, allow_unicode=True, sort_keys=False)


def _template_leaks(files: tuple[OutputFile, ...]) -> list[str]:
    return [f"{f.path}: {marker!r}" for f in files for marker in TEMPLATE_MARKERS
            if marker in f.content]


def test_every_vector_in_every_content_place(tmp_path: Path) -> None:
    config = load_config_text(tmp_path / "probe", BASE_CONFIG)
    articles = {f"v{i:03d}.md": _article(i, v) for i, v in enumerate(VECTORS)}
    refused = 0
    for i, vector in enumerate(VECTORS):
        text = _raw_url_article(i, vector)
        raw = parse_article(decode_source(f"content/articles/u{i:03d}.md", text.encode()))
        result = build_article(raw, config) if not hasattr(raw, "code") else [raw]
        if isinstance(result, Checked):
            articles[f"u{i:03d}.md"] = text
        else:
            assert {d.code for d in result} <= {"frontmatter-url", "frontmatter-control"}, result
            refused += 1
    root = write_digest(tmp_path / "digest", articles, actors=_registry(VECTORS))
    files = build_in_memory(root)

    pages = [f for f in files if f.path.startswith("articles/") and f.path.endswith(".html")]
    assert len(pages) == len(articles), "every article was built (none was dropped)"
    actor_pages = [f for f in files if re.fullmatch(r"actors/vec-\d+/index\.html", f.path)]
    assert not any(f.path.startswith("actors/") for f in files) or \
        len(actor_pages) == len(VECTORS), "every actor has its page"
    assert output_problems(files) == []
    assert _template_leaks(files) == []
    literal = next(f for f in files if f.path == "articles/v-0/index.html").content
    assert b"{{ 98765*2 }}" in literal, "template syntax in content stays text"
    places = len(ARTICLE_PLACES) + len(ACTOR_PLACES) + 1
    print(f"\nxss: {len(VECTORS)} vectors x {places} content places = {len(VECTORS) * places} "
          f"(whole-URL place: {refused} refused by validation, "
          f"{len(VECTORS) - refused} built); {len(files)} output files parsed")


def load_config_text(folder: Path, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mawjaz.toml").write_text(text, "utf-8")
    return load_config(folder / "mawjaz.toml")


def test_every_vector_in_config_values(tmp_path: Path) -> None:
    article = _front_matter({"title": "خبر", "date": "2026-11-20", "summary": "ملخص"}) + "نص.\n"
    for i, raw in enumerate(VECTORS):
        vector = _printable(raw)  # control characters are refused in config strings
        config = (BASE_CONFIG.replace('title = "موجز الاختبار"', f"title = {toml_string(vector + ' ' + str(i))}")
                  .replace('description = "موقع للاختبارات العدائية"',
                           f"description = {toml_string(vector)}")
                  + f"author = {toml_string(vector)}\n")
        root = write_digest(tmp_path / f"d{i}", {"a.md": article}, config=config)
        files = build_in_memory(root)
        assert output_problems(files) == [], vector
        assert _template_leaks(files) == [], vector
    print(f"\nxss: {len(VECTORS)} vectors x {len(CONFIG_PLACES)} config places = "
          f"{len(VECTORS) * len(CONFIG_PLACES)}")


def test_feed_html_is_checked_as_html() -> None:
    """The checker itself: escaped markup inside a feed is found, so a pass means something."""
    from tests.hostile.support import json_problems, xml_problems

    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b'<content type="html">&lt;img src=x onerror=alert(1)&gt;</content></entry></feed>')
    assert xml_problems(atom, "atom")
    rss = (b'<?xml version="1.0"?><rss><channel><item><description>&lt;script&gt;x'
           b'&lt;/script&gt;</description></item></channel></rss>')
    assert xml_problems(rss, "rss")
    feed = json.dumps({"items": [{"content_html": "<a href='jav&#x09;ascript:x'>x</a>"}]})
    assert json_problems(feed.encode(), "json")
    assert html_problems('<a href="java\tscript:alert(1)">x</a>', "page")
    assert html_problems('<p title="x" ONCLICK="y">', "page")
    assert html_problems('<meta http-equiv="refresh" content="0;url=javascript:x">', "page")
