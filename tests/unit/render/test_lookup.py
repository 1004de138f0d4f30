"""``render.lookup.Environment.getattr`` gives what Jinja's own lookup gives, for the
mappings it looks up item-first and for every other value."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import jinja2
import pytest

from generator.core.model import FrozenDict
from generator.render.lookup import Environment


@dataclass(frozen=True, slots=True)
class _View:
    title: str


NAMES = ("title", "items", "keys", "get", "values", "copy", "__class__", "__len__", "missing", "fromkeys")


def _same(a: object, b: object) -> bool:
    if isinstance(a, jinja2.Undefined) or isinstance(b, jinja2.Undefined):
        return type(a) is type(b) and a._undefined_name == b._undefined_name  # type: ignore[union-attr]
    return a == b


@pytest.mark.parametrize("make", [dict, MappingProxyType, FrozenDict, lambda d: _View(d["title"]), lambda d: list(d)])
@pytest.mark.parametrize("name", NAMES)
def test_lookup_is_jinjas(make, name) -> None:
    mapping = {"title": "عنوان", "items": "shadowed by the method", "missing_not": 1}
    value = make(mapping)
    ours = Environment(undefined=jinja2.StrictUndefined).getattr(value, name)
    theirs = jinja2.Environment(undefined=jinja2.StrictUndefined).getattr(value, name)
    assert _same(ours, theirs)


def test_templates_read_mappings_as_before() -> None:
    source = "{{ page.title }}|{{ page['title'] }}|{{ page.items() | list | length }}|{{ labels.skip }}"
    values = {"page": {"title": "<b>", "kind": "article"}, "labels": MappingProxyType({"skip": "تخطَّ"})}
    ours = Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinja2.Environment(autoescape=True).from_string(source).render(values)
    with pytest.raises(jinja2.UndefinedError):
        Environment(undefined=jinja2.StrictUndefined).from_string("{{ page.nothing }}").render(values)
