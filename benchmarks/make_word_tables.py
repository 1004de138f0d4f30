"""Make the word-frequency tables the realistic benchmark corpus samples from.

Run once, by hand, in a throwaway environment that has `wordfreq` (it is not a dependency of
mawjaz or of its benchmarks, which read only the committed tables):

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    /tmp/wf/bin/python benchmarks/make_word_tables.py

Why a committed table rather than calling wordfreq at benchmark time: the corpus must be the
same on every machine and at every commit, with no extra install, and a table of the top words
is all the generator needs. Why wordfreq: it is maintained, versioned, documents its sources,
and its Arabic list blends news text (NewsCrawl 2014, Global Voices) with Wikipedia, subtitles,
web text (OSCAR) and Twitter; no pure Arabic news list is published on a package registry.

Each table keeps words of one script only (Arabic letters; Latin lower-case letters with an
optional apostrophe), drops one-letter tokens (tokeniser leftovers such as a detached و), and
records in its header the share of all tokens that falls past its last word: the generator
spends that share on the open-class tail (see realistic_corpus.py) so that the vocabulary keeps
growing with the archive, as a real one does.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import wordfreq

OUT = Path(__file__).resolve().parent / "data"
TABLES = (
    # (language, rows kept, pattern a kept word matches, file)
    ("ar", 30000, re.compile(r"[\u0621-\u063A\u0641-\u064A]{2,}"), "ar_news_words.tsv"),
    ("en", 10000, re.compile(r"[a-z]{2,}(?:'[a-z]+)?|[ai]"), "en_news_words.tsv"),
)
LICENCE = ("wordfreq's data files are licensed CC BY-SA 4.0 "
           "(https://creativecommons.org/licenses/by-sa/4.0/); so is this derived table")


def make(lang: str, rows: int, pattern: re.Pattern[str], name: str) -> None:
    found = wordfreq.get_frequency_dict(lang, "large")
    total = sum(found.values())
    kept = [(w, f) for w, f in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
            if pattern.fullmatch(w)][:rows]
    covered = sum(f for _, f in kept)
    header = [
        f"# Word frequencies, {lang}: the {rows:,} most frequent words of wordfreq "
        f"{version('wordfreq')} ('large' list),",
        "# by Robyn Speer and contributors (https://github.com/rspeer/wordfreq), made by",
        "# benchmarks/make_word_tables.py. Sources blended by wordfreq for this language: see its README.",
        f"# Licence: {LICENCE}.",
        "# per_billion: occurrences per 10^9 tokens (wordfreq's frequency, already binned by it).",
        f"# tail: {1 - covered / total:.4f} of all tokens are words past this table",
        "word\tper_billion",
    ]
    lines = [f"{w}\t{round(f * 1e9)}" for w, f in kept]
    (OUT / name).write_text("\n".join(header + lines) + "\n", "utf-8")
    print(f"{name}: {len(kept)} words, cover {covered / total:.3f} of tokens")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for table in TABLES:
        make(*table)


if __name__ == "__main__":
    main()
