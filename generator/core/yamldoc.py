"""YAML with positions.

Front matter and the actor registry are YAML, and a curator needs errors at the line of the
file they edit, so we build plain Python data from PyYAML's node graph while recording where
every mapping key sits. The safe loader's scalar rules apply; no Python objects are built.
Alias expansion is bounded so a "billion laughs" document is an error, not a hang, and so is
nesting: libyaml composes nodes recursively in C, where a few thousand ``[`` overflow the stack
and kill the process, so the depth is measured on the (flat) event stream first.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is several times faster; the pure-Python loader behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 100_000
MAX_DEPTH = 64  # front matter needs 3 levels, the actor registry 4

Path = tuple[Any, ...]


class YamlError(Exception):
    """A YAML problem at a 0-based line and column of the parsed text."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """Parsed data plus the 0-based (line, col) of every mapping key and sequence item."""

    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (0, 0))


# YAML also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR; editors, and so the
# line numbers a curator looks up, count only "\n" (the source reader has already turned
# "\r\n" and "\r" into "\n").
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def parse_yaml(text: str) -> YamlDoc:
    if not _YAML_ONLY_BREAKS.search(text):
        return _parse(text)
    at = _EditorLines(text)
    try:
        doc = _parse(text)
    except YamlError as exc:
        raise YamlError(exc.message, *at(exc.line, exc.col)) from None
    return YamlDoc(doc.data, {path: at(line, col) for path, (line, col) in doc.marks.items()})


class _EditorLines:
    """Turns a 0-based (line, column) counted at every YAML line break into one counted at
    "\n" only."""

    def __init__(self, text: str):
        self.yaml_starts = [0, *(m.end() for m in re.finditer("[\n\x85\u2028\u2029]", text))]
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def __call__(self, line: int, col: int) -> tuple[int, int]:
        index = self.yaml_starts[min(line, len(self.yaml_starts) - 1)] + col
        editor_line = bisect.bisect_right(self.starts, index) - 1
        return editor_line, index - self.starts[editor_line]


def _parse(text: str) -> YamlDoc:
    loader = _Loader(text)
    try:
        if _may_nest_deeply(text):
            _check_depth(text)
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {(): (0, 0)})
        marks: dict[Path, tuple[int, int]] = {(): (node.start_mark.line, node.start_mark.column)}
        budget = [MAX_NODES]
        data = _build(loader, node, (), marks, budget)
        return YamlDoc(data, marks)
    except yaml.MarkedYAMLError as exc:
        raise _explained(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", 0, 0) from None
    except RecursionError:  # e.g. a long chain of `<<:` merges, flattened recursively
        raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", 0, 0) from None
    finally:
        loader.dispose()


def _explained(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    """PyYAML's message with a hint for the mistakes people make writing front matter by
    hand, at the place to fix: a headline with ``: `` in it (``title: خبر: عاجل``), a quote
    never closed (reported where it opens, not at the end of the file), a tab, a value
    starting with ``[`` or ``{`` followed by more text."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line, mark.column) if mark else (0, 0)
    problem = exc.problem or exc.context or "invalid YAML"
    lines = text.split("\n")
    here = lines[line] if 0 <= line < len(lines) else ""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        start = exc.context_mark
        quote = (lines[start.line][start.column:start.column + 1] or '"') if start.line < len(lines) else '"'
        return YamlError(f"invalid YAML: the value opened here with {quote} is never closed: end it with "
                         f"{quote} on the same line", start.line, start.column)
    if "tab character" in problem or here[col:col + 1] == "\t":
        return YamlError("invalid YAML: a tab character; YAML indents with spaces only, so replace "
                         "the tab with spaces", line, col)
    pair = _KEY_VALUE.match(here)
    if problem.startswith("mapping values are not allowed") and pair and col >= pair.start("value"):
        key, value = pair.group("key"), pair.group("value").strip()
        return YamlError(f"invalid YAML: a value with `: ` in it must be in quotes: "
                         f"`{key}: {_quoted(value)}`", line, pair.start("value"))
    after_block = problem.startswith(("expected <block end>", "did not find expected key"))
    if pair and after_block and pair.group("value")[:1] in "[{":
        key, value = pair.group("key"), pair.group("value").strip()
        return YamlError(f"invalid YAML: a value starting with `{value[0]}` is read as a "
                         f"{'list' if value[0] == '[' else 'mapping'}; to write text, put it in "
                         f"quotes: `{key}: {_quoted(value)}`", line, pair.start("value"))
    return YamlError(f"invalid YAML: {problem}", line, col)


# ``key: value`` on one line (optionally a list item), for the hints above.
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"][^:#]*?):\s+(?P<value>\S.*?)(?:\s+#.*)?\s*$")


def _quoted(value: str) -> str:
    """``value`` as a double-quoted YAML string (backslashes and quotes escaped)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# Each collection starts at a character of its own: ``[`` or ``{`` (flow), the first ``-`` of
# a block sequence, the first ``:`` or ``?`` of a block mapping (aliases repeat collections
# without nesting them in the event stream; ``_build`` bounds those).
_COLLECTION_STARTS = "[{-:?"


def _may_nest_deeply(text: str) -> bool:
    """Whether ``text`` has enough characters that may start a collection to nest more than
    ``MAX_DEPTH`` deep; front matter has a few dozen, and is then spared the event pass that
    measures the depth (a third of its parsing)."""
    return sum(map(text.count, _COLLECTION_STARTS)) > MAX_DEPTH


def _check_depth(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep",
                                mark.line, mark.column)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _build(loader: Any, node: yaml.Node, path: Path, marks: dict, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError("YAML document expands to too many values", node.start_mark.line, 0)
    if len(path) > MAX_DEPTH:  # aliases can nest without brackets: &b [*a], &c [*b], ...
        raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep",
                        node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                mark = key_node.start_mark
                raise YamlError("mapping keys must be plain text", mark.line, mark.column)
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                mark = key_node.start_mark
                raise YamlError("mapping keys must be plain text", mark.line, mark.column)
            here = (*path, key)
            marks.setdefault(here, (key_node.start_mark.line, key_node.start_mark.column))
            result[key] = _build(loader, value_node, here, marks, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            here = (*path, index)
            marks.setdefault(here, (item.start_mark.line, item.start_mark.column))
            items.append(_build(loader, item, here, marks, budget))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:
        # An impossible timestamp such as 2026-02-30 matches YAML's date pattern but cannot be
        # built; keep the text so the field's validator can say what is wrong with it.
        return node.value
