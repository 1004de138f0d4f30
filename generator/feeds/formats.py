"""The feed formats, in one table: every feed set (the digest, a language, an actor, an
outlet, a topic, the editions) is written once per row, linked once per row, and counted by
the build summary from these file names.

A new format (a Telegram text per edition, say) is a writer module beside ``atom_rss.py``
(a function from a ``Channel`` and the file's own absolute URL to bytes, and its media
type) and one row here; site feeds, edition feeds, autodiscovery links, the ``/feeds/``
page and the build summary follow from the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.feeds.items import Channel
from generator.feeds.json_feed import JSON_TYPE, json_feed_bytes

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"


# The Atom and RSS writers are imported when a feed is written: with feedgen, lxml and
# dateutil they are a hundredth of a second of a rebuild that writes no feed (an edit of an
# article no feed shows).
def atom_bytes(channel: Channel, self_url: str) -> bytes:
    """``atom_rss.atom_bytes``."""
    from generator.feeds import atom_rss

    return atom_rss.atom_bytes(channel, self_url)


def rss_bytes(channel: Channel, self_url: str) -> bytes:
    """``atom_rss.rss_bytes``."""
    from generator.feeds import atom_rss

    return atom_rss.rss_bytes(channel, self_url)


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One format: ``file_name`` in each feed set's folder, the ``media_type`` links
    announce, ``short_label`` in link titles ("Digest (RSS)"), ``long_label`` on the feeds
    page ("RSS 2.0"), and ``write(channel, self_url)``, the file's bytes (``self_url``: the
    file's own absolute URL, which feeds name)."""

    file_name: str
    media_type: str
    short_label: str
    long_label: str
    write: Callable[[Channel, str], bytes]

    def render(self, channel: Channel, base_url: str) -> bytes:
        """This format's file for ``channel``."""
        return self.write(channel, channel.url(base_url, self.file_name))


# In the order links and outputs list them.
FORMATS: tuple[FeedFormat, ...] = (
    FeedFormat("atom.xml", ATOM_TYPE, "Atom", "Atom", atom_bytes),
    FeedFormat("rss.xml", RSS_TYPE, "RSS", "RSS 2.0", rss_bytes),
    FeedFormat("feed.json", JSON_TYPE, "JSON Feed", "JSON Feed", json_feed_bytes),
)

FILE_NAMES: tuple[str, ...] = tuple(f.file_name for f in FORMATS)


def long_label(media_type: str) -> str:
    """The feeds page's name for a media type (the type itself when no format has it)."""
    return next((f.long_label for f in FORMATS if f.media_type == media_type), media_type)
