"""Feeds: which feed sets exist (``site``, ``editions``), what their entries say (``items``),
the Atom/RSS and JSON Feed writers (``atom_rss``, ``json_feed``), absolute URLs inside feed
content (``absolute_urls``) and the page listing every feed (``page``)."""
