"""Pages: every HTML page the site has: articles, home, archive, 404, sitemap and static files
(``site``), actor pages and their JSON (``actors``, ``actor_data``), edition pages
(``editions``) and the search page and index (``search``)."""
