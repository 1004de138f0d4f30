"""The template environment's attribute lookup, made cheap for the mappings pages pass.

Jinja reads ``page.title`` as ``environment.getattr(page, "title")``: the attribute first,
then the item. The values of every page's head (``page``, a dict) and the label tables
(``labels``, ``site_labels``: ``FrozenDict``) are mappings, whose attribute lookup fails
before the item is found: an ``AttributeError`` raised and caught about fifty times per page,
2 µs each, a sixth of rendering an article's page. An instance of ``dict``, ``FrozenDict``
or ``MappingProxyType`` has an attribute exactly when its type has it (none of them has
instance attributes), so a name its type lacks is looked up as an item at once: the same
value, or the same undefined, as Jinja's own order gives. Imported by
``theme.make_environment`` only, with Jinja.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import jinja2

from generator.core.model import FrozenDict

# The attribute names of each mapping type looked up item-first: all ``getattr`` can find
# on an instance of it.
_TYPE_NAMES: MappingProxyType[type, frozenset[str]] = MappingProxyType(
    {kind: frozenset(dir(kind)) for kind in (dict, FrozenDict, MappingProxyType)})


class Environment(jinja2.Environment):
    """``jinja2.Environment`` whose ``getattr`` goes to the item at once for a mapping of
    the types above when its type has no attribute of that name (see the module)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja's own lookup (``jinja2.Environment.getattr``), with the attribute skipped
        # where it cannot exist.
        names = _TYPE_NAMES.get(obj.__class__)
        if names is None or attribute in names:
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)
