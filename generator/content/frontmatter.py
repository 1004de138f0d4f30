"""Parse: split YAML front matter from the Markdown body.

Positions are translated from the YAML snippet to the file, so an error points at the line
the curator sees in their editor.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.core.diagnostics import Diagnostic, error
from generator.core.model import RawArticle, SourceFile
from generator.core.yamldoc import YamlError, parse_yaml

FENCE = "---"


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, 1-based line where the body starts), or None without a closed fence."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


def parse_article(source: SourceFile) -> RawArticle | Diagnostic:
    parts = split_front_matter(source.text)
    if parts is None:
        if source.text.startswith(FENCE):
            return error(source.rel, 1, 1, "frontmatter-unclosed",
                         "front matter opened with `---` is never closed by a `---` line")
        return error(source.rel, 1, 1, "frontmatter-missing",
                     "an article starts with YAML front matter between `---` lines "
                     "(at least `title:` and `date:`)")
    yaml_text, body, body_line = parts
    try:
        doc = parse_yaml(yaml_text)
    except YamlError as exc:
        return error(source.rel, exc.line + 2, exc.col + 1, "frontmatter-yaml", exc.message)
    if not isinstance(doc.data, Mapping):
        kind = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
        return error(source.rel, 2, 1, "frontmatter-shape",
                     f"front matter must be a mapping of `key: value` lines, not {kind}")
    lines = {_key(path): (line + 2, col + 1) for path, (line, col) in doc.marks.items() if path}
    return RawArticle(source=source, meta=dict(doc.data), lines=lines, body=body,
                      body_line=body_line)


def _key(path: tuple) -> str:
    """``("actors", 0)`` -> ``"actors.0"``: a flat key for positions of nested values."""
    return ".".join(str(part) for part in path)
