"""A stand-in for the sharded search index of issue #17, for as long as builds lack it.

The search page (static/js/search.js) reads ``pagefind/index.json`` and one Pagefind bundle
per article language, each split into shards; the build that writes them is being written
on its own branch. Until it is merged, a build writes a single bundle, and the browser tests
of the search page call ``ensure_sharded`` after building: when the build wrote no
``pagefind/index.json``, it replaces ``pagefind/`` with what the contract describes, made
with the same Pagefind binary from the digest's articles (title, summary, body, then the
sentinel and the index-only forms of ``generator.pages.search``). Once builds write the
index themselves this does nothing, and the module can go.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.build.pipeline import BuildOptions, load_site
from generator.core.model import Article, Site
from generator.pages.search import SENTINEL, article_index_text, pagefind_executable
from generator.render.views import article_view


def ensure_sharded(root: Path, site_dir: Path, capacity: int) -> bool:
    """Write the contract's bundle into ``site_dir`` unless the build did; True when written."""
    bundle = site_dir / "pagefind"
    if not bundle.is_dir() or (bundle / "index.json").is_file():  # no search, or the real index
        return False
    site, _ = load_site(root, BuildOptions(cache=False))
    by_language: dict[str, list[Article]] = {}
    for article in site.articles:
        by_language.setdefault(article.lang.split("-")[0], []).append(article)
    own = site.config.language.split("-")[0]
    shutil.rmtree(bundle, ignore_errors=True)
    bundle.mkdir()
    groups = []
    for lang in sorted(by_language, key=lambda code: (code != own, code)):
        articles = by_language[lang]
        count = max(1, -(-len(articles) // capacity))
        shards: list[list[Article]] = [[] for _ in range(count)]
        for article in articles:
            shards[int(hashlib.sha256(article.id.encode()).hexdigest(), 16) % count].append(article)
        shards = [shard for shard in shards if shard]
        for number, shard in enumerate(shards):
            _index(site, lang, shard, bundle / lang / (str(number) if number else ""), whole=number == 0)
        groups.append({"language": lang, "dir": "rtl" if lang in {"ar", "fa", "he", "ur"} else "ltr",
                       "bundle": f"{lang}/", "shards": [f"{lang}/{n}/" for n in range(1, len(shards))]})
    index = {"version": 1, "sentinel": SENTINEL, "groups": groups}
    (bundle / "index.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")
    return True


def _index(site: Site, lang: str, articles: list[Article], dest: Path, whole: bool) -> None:
    """One shard: Pagefind run over minimal pages of ``articles``; the scripts and the
    WebAssembly only in the language's first shard (``whole``)."""
    with tempfile.TemporaryDirectory(prefix="mawjaz-standin-") as tmp:
        pages = Path(tmp)
        for article in articles:
            view = article_view(article, site, article.lang)
            page = pages / "articles" / article.slug / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(
                f'<html lang="{article.lang}"><head><meta charset="utf-8">'
                f'<meta data-pagefind-meta="date:{html.escape(view.date_text)}">'
                f'<meta data-pagefind-meta="datetime:{view.date_iso}">'
                f'<meta data-pagefind-meta="lang:{article.lang}"></head><body><main data-pagefind-body>'
                f"<h1>{html.escape(article.title)}</h1><p>{html.escape(article.summary)}</p>"
                f"<div>{article.body_html}</div><p>{html.escape(article_index_text(article))}</p>"
                "</main></body></html>", "utf-8")
        subprocess.run([str(pagefind_executable()), "--site", str(pages), "--force-language", lang,
                        "--output-subdir", "pagefind", "--silent"], check=True, timeout=600)
        made = pages / "pagefind"
        for path in sorted(made.rglob("*")):
            rel = path.relative_to(made).as_posix()
            data = rel.startswith(("index/", "fragment/")) or rel.endswith((".pf_meta", "pagefind-entry.json"))
            code = rel in {"pagefind.js", "pagefind-worker.js"} or rel.startswith("wasm.")
            if path.is_file() and (data or (whole and code)):
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest / rel)
