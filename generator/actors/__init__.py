"""Actors, outlets and topics: who the news is about, who published it and what it is on
(one import for the build).

The work is split by concern: ``generator.actors.registry`` reads and validates
``content/actors.yaml`` (format documented there), ``generator.text.matcher`` finds names in text
(Arabic prefixes, word boundaries, longest match; documented there), ``generator.actors.tagging``
puts actors on articles. ``generator.actors.outlets`` reads ``content/sources.yaml``, and
``generator.actors.taxa`` files articles under their outlet and topics. This module only
gathers their public names.
"""

from __future__ import annotations

from generator.actors.outlets import OUTLETS, OutletRegistry, load_outlets, parse_outlets
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
    actor_ids,
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
from generator.actors.taxa import file_articles, topic_key

__all__ = (
    "KINDS",
    "OUTLETS",
    "REGISTRY",
    "ActorRegistry",
    "Ambiguous",
    "Mentions",
    "OutletRegistry",
    "Suggestion",
    "actor_ids",
    "ambiguous_mentions",
    "articles_by_actor",
    "co_actors",
    "count_mentions",
    "file_articles",
    "find_actors",
    "load_outlets",
    "load_registry",
    "make_registry",
    "matching_text",
    "mentions",
    "nearest",
    "parse_outlets",
    "parse_registry",
    "resolve",
    "suggest_actors",
    "tag_articles",
    "tagging_text",
    "topic_key",
)
