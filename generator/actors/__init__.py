"""Actors: the people and organisations the digest follows (one import for the build).

The work is split by concern: ``generator.actors.registry`` reads and validates
``content/actors.yaml`` (format documented there), ``generator.text.matcher`` finds names in text
(Arabic prefixes, word boundaries, longest match; documented there), ``generator.actors.tagging``
puts actors on articles. This module only gathers their public names.
"""

from __future__ import annotations

from generator.actors.registry import (
    KINDS,
    REGISTRY,
    ActorRegistry,
    load_registry,
    make_registry,
    nearest,
    parse_registry,
    resolve,
)
from generator.actors.tagging import (
    Ambiguous,
    Mentions,
    Suggestion,
    ambiguous_mentions,
    articles_by_actor,
    co_actors,
    count_mentions,
    find_actors,
    matching_text,
    mentions,
    suggest_actors,
    tag_articles,
    tagging_text,
)

__all__ = (
    "KINDS",
    "REGISTRY",
    "ActorRegistry",
    "Ambiguous",
    "Mentions",
    "Suggestion",
    "ambiguous_mentions",
    "articles_by_actor",
    "co_actors",
    "count_mentions",
    "find_actors",
    "load_registry",
    "make_registry",
    "matching_text",
    "mentions",
    "nearest",
    "parse_registry",
    "resolve",
    "suggest_actors",
    "tag_articles",
    "tagging_text",
)
