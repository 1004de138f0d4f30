"""Run the real Pagefind on pages and read back, per page, which term it indexed at each word.

For tests that hold mawjaz's idea of Pagefind's terms (generator/pages/pagefind_terms.py) to
the binary's. What is read, as Pagefind 1.5 writes it (each file gzip-compressed, a 12-byte
signature, then the data):

* ``pagefind.*.pf_meta`` (CBOR): ``[version, [[page hash, word count], ...], ...]``; a page's
  number is its place in that list.
* ``fragment/<page hash>.pf_fragment`` (JSON): the page's ``url``, ``content``, ``word_count``.
* ``index/*.pf_index`` (CBOR): ``[[[term, pages, variants], ...]]``. ``pages`` is a list of
  ``[page number, locations, meta locations]`` with each page number given as the difference
  from the one before; ``variants`` (``[[written form, pages], ...]``) hold the pages where the
  term was written with diacritics. ``locations`` is a run of weights and word positions: a
  negative number is a weight (``-(weight + 1)``) and starts a group, whose positions follow,
  each given as the difference from the one before in the group.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cbor2

from generator.pages.search import pagefind_executable

_SIGNATURE = 12  # b"pagefind_dcd"


@dataclass(frozen=True)
class Indexed:
    """What Pagefind made of one page: its ``content`` and ``word_count`` (words it counted),
    and the terms it indexed at each word position (compound parts share their word's)."""

    content: str
    word_count: int
    terms_at: dict[int, set[str]] = field(default_factory=dict)

    @property
    def terms(self) -> set[str]:
        return set().union(*self.terms_at.values())


def document(body: str, language: str) -> bytes:
    """A page whose ``<main data-pagefind-body>`` holds the HTML ``body``."""
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>t</title></head>'
            f"<body><main data-pagefind-body>{body}</main></body></html>\n").encode()


def index_pages(pages: Mapping[str, bytes], language: str) -> dict[str, Indexed]:
    """Each page of ``pages`` (folder name -> the page, see ``document``), indexed by Pagefind
    with ``--force-language language``, by folder name."""
    work = Path(tempfile.mkdtemp(prefix="mawjaz-pagefind-test-"))
    try:
        for name, page in pages.items():
            folder = work / "site" / name
            folder.mkdir(parents=True)
            (folder / "index.html").write_bytes(page)
        out = work / "out"
        subprocess.run([str(pagefind_executable()), "--site", str(work / "site"), "--output-path", str(out),
                        "--force-language", language, "--silent"], check=True, timeout=600)
        return _read(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd"), path
    return data[_SIGNATURE:]


def _read(out: Path) -> dict[str, Indexed]:
    (meta,) = out.glob("pagefind.*.pf_meta")
    hashes = [entry[0] for entry in cbor2.loads(_load(meta))[1]]
    pages: list[tuple[str, Indexed]] = []
    for page_hash in hashes:
        fragment = json.loads(_load(out / "fragment" / f"{page_hash}.pf_fragment"))
        name = fragment["url"].strip("/")
        pages.append((name, Indexed(fragment["content"], fragment["word_count"])))
    for path in sorted((out / "index").glob("*.pf_index")):
        for term, on_pages, variants in cbor2.loads(_load(path))[0]:
            _place(term, on_pages, pages)
            for _form, variant_pages in variants:
                _place(term, variant_pages, pages)
    return dict(pages)


def _place(term: str, on_pages: list[Any], pages: list[tuple[str, Indexed]]) -> None:
    number = 0
    for delta, locations, _meta in on_pages:
        number += delta
        terms_at = pages[number][1].terms_at
        position = 0
        for value in locations:
            if value < 0:  # a weight: a new group of positions
                position = 0
                continue
            position += value
            terms_at.setdefault(position, set()).add(term)
