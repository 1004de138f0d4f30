"""Compiled templates kept between builds are used only when their MAC checks."""

from __future__ import annotations

from pathlib import Path

import jinja2

from generator.cache.templates import SignedBytecodeCache


def environment(folder: Path, templates: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                              bytecode_cache=SignedBytecodeCache(folder))


def test_a_compiled_template_is_kept_and_a_tampered_one_compiled_again(tmp_path: Path) -> None:
    templates, kept = tmp_path / "templates", tmp_path / "kept"
    templates.mkdir()
    kept.mkdir()
    (templates / "page.html").write_text("<p>{{ word }}</p>", "utf-8")
    assert environment(kept, templates).get_template("page.html").render(word="نص") == "<p>نص</p>"
    [stored] = kept.glob("*.jinja")
    cache = SignedBytecodeCache(kept)
    source = (templates / "page.html").read_text("utf-8")

    def loaded() -> bool:
        bucket = cache.get_bucket(jinja2.Environment(), "page.html", str(templates / "page.html"), source)
        return bucket.code is not None

    assert loaded()
    data = bytearray(stored.read_bytes())
    data[-1] ^= 0xFF  # one flipped byte: not given to Jinja
    stored.write_bytes(bytes(data))
    assert not loaded()
    assert environment(kept, templates).get_template("page.html").render(word="نص") == "<p>نص</p>"
