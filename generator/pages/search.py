"""Search on a static host: a Pagefind index built after rendering, and a ``/search/`` page.

Pagefind's Arabic stemmer finds الائتلاف for ائتلاف but not الصحة for صحة, والتعليم for
تعليم or الوزير for وزير: attached conjunctions, prepositions and the article defeat it. So
every article page carries, inside its indexed region, a ``hidden`` paragraph (not rendered,
not in the accessibility tree, but read by Pagefind, which indexes the HTML as written) with
the extra forms a reader might type: each word's match form (``generator.text.normalize``) and
that form with و ف / ب ل ك / ال peeled off (``generator.text.arabic.unprefixed``). The search
page normalises the query with the same rules (static/js/search.js, whose rule block is
generated from ``generator.text.arabic``) before Pagefind sees it, and builds every excerpt
itself from the words before ``SENTINEL``, so that readers see the article's own words, never
the index-only forms.

The site's CSP (``script-src 'self'``) needs no exception: Chromium refuses WebAssembly on a
page whose policy lacks ``'wasm-unsafe-eval'``, but Pagefind compiles its WebAssembly in a
same-origin dedicated worker (``pagefind-worker.js``), and a worker loaded from a URL takes
its policy from its own response, not from the page's ``<meta>`` (what Chromium does is
checked in tests/e2e/test_search.py). A host that sends a CSP *header* on every file must
add ``'wasm-unsafe-eval'`` to it (see README, "Search").

Pagefind needs files on disk: the rendered HTML is written to a temporary folder, the indexer
runs there, and the ``pagefind/`` bundle is read back as ``OutputFile``s so the atomic writer
still does all the writing. Only the parts the default UI needs are kept.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from generator.actors.tagging import matching_text
from generator.core.config import CONFIG_NAME, SiteConfig
from generator.core.dates import numbering_system
from generator.core.diagnostics import BuildFailed, Diagnostic, error, warning
from generator.core.labels import catalogue, phrase, plural_forms
from generator.core.model import Article, OutputFile
from generator.render.engine import PageMeta, RenderContext, render_page
from generator.text.arabic import unprefixed
from generator.text.matcher import tokenize

SENTINEL = "mawjazindexforms"
# The bundle files the default UI loads; the other UIs, the highlighter and Pagefind's own
# stylesheet (the theme styles the UI) are left out.
_KEEP = re.compile(r"pagefind(-ui|-worker)?\.js|pagefind-entry\.json|wasm\.[\w-]+\.pagefind"
                   r"|pagefind\.[\w-]+\.pf_meta|(index|fragment|filter)/[^/]+")


def index_forms(texts: Iterable[str]) -> str:
    """The index-only text of a page: forms a normalised query may use that the page's own
    words do not already give Pagefind, in first-seen order, after ``SENTINEL``."""
    written: set[str] = set()
    extra: dict[str, None] = {}
    memo: dict[str, tuple[str, ...]] = {}
    for text in texts:
        scan = tokenize(text, memo)
        written.update(word.casefold() for word in scan.raw)
        for form in scan.forms:
            extra[form] = None
            for reading in unprefixed(form):
                extra[reading] = None
    words = [w for w in extra if w not in written]
    return f"{SENTINEL} {' '.join(words)}" if words else ""


def article_index_text(article: Article) -> str:
    return index_forms((article.title, article.summary, matching_text(article.body_html)))


def search_page(ctx: RenderContext) -> list[OutputFile]:
    """``/search/`` (only when ``search = true``): the form and the empty result list that
    static/js/search.js fills from the index. Counts are made in the browser, so the page
    carries what ``plural`` would use here: every form of the count message, the language
    whose CLDR rule picks one, and the digits numbers take on the page."""
    if not ctx.site.settings.search:
        return []
    config = ctx.site.config
    lang = config.language
    meta = PageMeta(title=phrase(lang, "labels.search"), path="search/", kind="search")
    return [render_page(ctx, "search.html", meta, "the search page",
                        count_forms=plural_forms(lang, "plural.search_results"),
                        plural_lang=catalogue(lang).lang,
                        digits=numbering_system(lang, config.digits))]


def _shipped() -> Any:
    for name in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_search(config: SiteConfig) -> tuple[bool, list[Diagnostic]]:
    """Whether search can run where ``config`` asks for it. ``search = true`` without Pagefind
    installed is a warning, and the site is built without search (no page that cannot work),
    so a plain ``pip install .`` still builds the sample; the config itself stays as read."""
    if not config.search or _shipped() is not None:
        return True, []
    return False, [warning(
        CONFIG_NAME, 0, 0, "search-missing",
        "`search = true` needs Pagefind (pip install 'mawjaz[search]'); building without search")]


def pagefind_executable() -> Path:
    """The binary shipped by the PyPI package ``pagefind[extended]`` (optional extra ``search``)."""
    shipped = _shipped()
    if shipped is None:
        raise BuildFailed([error(CONFIG_NAME, 0, 0, "search-missing",
                                 "`search = true` needs Pagefind: pip install 'mawjaz[search]'")])
    return Path(shipped.get_executable())


def search_bundle(files: Sequence[OutputFile], language: str) -> list[OutputFile]:
    """Index the rendered pages with Pagefind; the bundle as ``pagefind/...`` files.

    The whole site is indexed in the site's language (``--force-language``) so that one
    search page finds articles in every language the digest carries.
    """
    with tempfile.TemporaryDirectory(prefix="mawjaz-search-") as tmp:
        site = Path(tmp) / "site"
        for item in files:
            if item.path.endswith(".html"):
                target = site / item.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.data())
        cmd = [str(pagefind_executable()), "--site", str(site), "--output-subdir", "pagefind",
               "--force-language", language.split("-")[0], "--silent"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        if proc.returncode != 0:
            raise BuildFailed([error(CONFIG_NAME, 0, 0, "search-index",
                                     f"Pagefind failed (status {proc.returncode}): "
                                     f"{(proc.stderr or proc.stdout).strip()[:2000]}")])
        bundle = site / "pagefind"
        out = []
        for path in sorted(bundle.rglob("*")):
            rel = path.relative_to(bundle).as_posix()
            if path.is_file() and _KEEP.fullmatch(rel):
                out.append(OutputFile(f"pagefind/{rel}", path.read_bytes(), "the search index (Pagefind)"))
        return out
