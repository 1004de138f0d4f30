"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), with the standard library.

Keys are written in a fixed order with ``ensure_ascii=False`` so Arabic stays readable in the
file and two builds give the same bytes. ``external_url`` carries the source article's URL,
which is what the spec describes it for (a page elsewhere the item is about).
"""

from __future__ import annotations

import json
from typing import Any

from generator.feeds.items import Channel, Item

VERSION = "https://jsonfeed.org/version/1.1"
JSON_TYPE = "application/feed+json"


def _item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "url": item.url}
    if item.source is not None and item.source.url:
        data["external_url"] = item.source.url
    data["title"] = item.title
    if item.content_html:
        data["content_html"] = item.content_html
    else:
        # Every item needs content_html or content_text; summary-only feeds send the summary.
        data["content_text"] = item.summary
    if item.summary:
        data["summary"] = item.summary
    data["date_published"] = item.published.isoformat()
    data["date_modified"] = item.updated.isoformat()
    if item.author:
        data["authors"] = [{"name": item.author}]
    if item.categories:
        data["tags"] = [category.label for category in item.categories]
    data["language"] = item.lang
    return data


def json_feed_bytes(channel: Channel, self_url: str) -> bytes:
    """The JSON Feed of ``channel``; ``self_url`` is its own address (see ``formats``)."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": self_url,
        "description": channel.description,
        "language": channel.lang,
        "authors": [{"name": channel.author}],
        "items": [_item(item) for item in channel.items],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
