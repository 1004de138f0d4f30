"""YAML with positions: every key's place, safe scalars, bounded aliases, no Python objects."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.yamldoc import MAX_DEPTH, MAX_NODES, YamlError, _may_nest_deeply, parse_yaml

DOC = """\
title: قمة طارئة
actors:
  - الأمم المتحدة
  - فيروز
source:
  name: Reuters
  url: https://example.org/x
"""


def test_positions_of_keys_and_items_are_zero_based():
    doc = parse_yaml(DOC)
    assert doc.data == {
        "title": "قمة طارئة",
        "actors": ["الأمم المتحدة", "فيروز"],
        "source": {"name": "Reuters", "url": "https://example.org/x"},
    }
    assert doc.marks == {
        (): (0, 0),
        ("title",): (0, 0),
        ("actors",): (1, 0),
        ("actors", 0): (2, 4),
        ("actors", 1): (3, 4),
        ("source",): (4, 0),
        ("source", "name"): (5, 2),
        ("source", "url"): (6, 2),
    }


def test_where_falls_back_to_the_nearest_ancestor():
    doc = parse_yaml(DOC)
    assert doc.where(("source", "url")) == (6, 2)
    assert doc.where(("source", "url", "deeper")) == (6, 2)
    assert doc.where(("missing",)) == (0, 0)


def test_flow_collections_have_positions():
    doc = parse_yaml("actors: [a, b]\nsource: {name: n}\n")
    assert doc.marks[("actors", 1)] == (0, 12)
    assert doc.marks[("source", "name")] == (1, 9)


@pytest.mark.parametrize(("text", "value"), [
    ("d: 2026-11-27", date(2026, 11, 27)),
    ("d: 2026-11-27T10:00:00+03:00",
     datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=3)))),
    ("d: '2026-11-27'", "2026-11-27"),
    ("d: yes", True),
    ("d: null", None),
    ("d: 12", 12),
    ("d: ٢٧", "٢٧"),
])
def test_safe_loader_scalars(text, value):
    assert parse_yaml(text).data["d"] == value


@pytest.mark.parametrize("text", ["date: 2026-02-30", "date: 2026-13-01", "date: 2026-11-27T25:00:00"])
def test_impossible_date_is_kept_as_text_for_the_validator(text):
    assert parse_yaml(text).data["date"] == text.removeprefix("date: ")


def test_empty_document():
    doc = parse_yaml("")
    assert doc.data is None
    assert doc.marks == {(): (0, 0)}


def test_merge_keys_are_expanded():
    doc = parse_yaml("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n")
    assert doc.data["item"] == {"x": 1, "y": 2}


def test_billion_laughs_is_an_error_not_a_hang():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        name, prev = chr(ord("a") + index), chr(ord("a") + index - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    started = time.process_time()
    with pytest.raises(YamlError) as raised:
        parse_yaml("\n".join(lines))
    assert raised.value.message == "YAML document expands to too many values"
    # Bounded by MAX_NODES, not by the 10^9 values the document describes (CPU time: a busy
    # machine makes it wait, not work more).
    assert time.process_time() - started < 10


def test_a_document_just_under_the_bound_loads():
    items = "\n".join(f"- {i}" for i in range(MAX_NODES - 1))
    assert len(parse_yaml(items).data) == MAX_NODES - 1


@pytest.mark.parametrize(("text", "message", "line", "col"), [
    ("title: [unclosed\n", "invalid YAML: did not find expected ',' or ']'", 1, 0),
    # A colon in an unquoted value: the hint shows the line quoted, at the value.
    ("a: b: c\n", 'invalid YAML: a value with `: ` in it must be in quotes: `a: "b: c"`', 0, 3),
    ('title: خبر: "عاجل" \\ هنا  # comment\n',
     'invalid YAML: a value with `: ` in it must be in quotes: `title: "خبر: \\"عاجل\\" \\\\ هنا"`', 0, 7),
    # A key indented under another is not that mistake: PyYAML's own words.
    ("a: 1\n  b: 2\n", "invalid YAML: mapping values are not allowed in this context", 1, 3),
    ("title: x\n\ttabbed: y\n",
     "invalid YAML: a tab character; YAML indents with spaces only, so replace the tab with spaces", 1, 0),
    ("actors:\n\t- a\n",
     "invalid YAML: a tab character; YAML indents with spaces only, so replace the tab with spaces", 1, 0),
    # An unclosed quote is reported where it opens, not at the end of the text.
    ('title: "خبر\ndate: 2026-11-29\nlang: ar\n',
     'invalid YAML: the value opened here with " is never closed: end it with " on the same line', 0, 7),
    ("summary: 'a\nb: 1\n",
     "invalid YAML: the value opened here with ' is never closed: end it with ' on the same line", 0, 9),
    ("title: [عاجل] خبر\n", 'invalid YAML: a value starting with `[` is read as a list; to write text, '
     'put it in quotes: `title: "[عاجل] خبر"`', 0, 7),
    ("? [a, b]\n: 1\n", "mapping keys must be plain text", 0, 2),
])
def test_errors_carry_message_and_position(text, message, line, col):
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert (raised.value.message, raised.value.line, raised.value.col) == (message, line, col)


@pytest.mark.parametrize("text", ["x: !!python/name:os.system", "x: !!python/object:os.stat 1"])
def test_python_scalar_tags_are_refused(text):
    with pytest.raises(YamlError) as raised:
        parse_yaml(text)
    assert "could not determine a constructor" in raised.value.message


@pytest.mark.parametrize(("text", "data"), [
    ("x: !!python/object/apply:os.system ['false']", {"x": ["false"]}),
    ("!!python/object:builtins.object {a: 1}", {"a": 1}),
])
def test_tags_on_collections_are_ignored_not_executed(text, data):
    """Collections are built from their structure alone: a Python tag is inert."""
    assert parse_yaml(text).data == data


def test_multiple_documents_are_an_error():
    with pytest.raises(YamlError):
        parse_yaml("a: 1\n---\nb: 2\n")


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_positions_count_lines_at_newlines_only(separator):
    """YAML breaks lines at NEL and the Unicode separators too; editors do not, so positions
    are those of the file as the curator's editor numbers it."""
    doc = parse_yaml(f"- id: 'x{separator}{separator}'\n- {{}}\n- a: [{separator}b]\n")
    assert doc.marks[(1,)] == (1, 2)
    assert doc.marks[(2, "a", 0)] == (2, 7)


def test_error_positions_count_lines_at_newlines_only():
    with pytest.raises(YamlError) as raised:
        parse_yaml("a: 'x\u2028y'\nb: c: d\n")
    assert (raised.value.line, raised.value.col) == (1, 4)


@pytest.mark.parametrize("text", ["[" * 70 + "]" * 70, "{a: " * 70 + "}" * 70,
                                  "".join(f"{'  ' * i}- \n" for i in range(70)) + "  " * 70 + "x",
                                  "".join(f"{'  ' * i}k:\n" for i in range(70)) + "  " * 70 + "v"])
def test_deep_nesting_is_refused_whichever_way_it_nests(text: str) -> None:
    with pytest.raises(YamlError, match="nested more than"):
        parse_yaml(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]{}-:?,*&a \n", max_size=90))
def test_text_spared_the_depth_pass_cannot_nest_too_deep(text: str) -> None:
    """Only text with more than MAX_DEPTH characters that may open a collection has its
    nesting measured first; any other text nests no deeper (see ``_may_nest_deeply``)."""
    if _may_nest_deeply(text):
        return
    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return
    depth = deepest = 0
    for event in events:
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        deepest = max(deepest, depth)
    assert deepest <= MAX_DEPTH
