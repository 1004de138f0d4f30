"""Feeds: which feed sets exist (``site``, ``editions``), what their entries say (``items``),
the table of formats every set is written in (``formats``), the Atom/RSS and JSON Feed
writers it names (``atom_rss``, ``json_feed``), absolute URLs inside feed content
(``absolute_urls``) and the page listing every feed (``page``)."""
