"""Render: the machinery shared by every page: the theme and its template environment
(``theme``), read-only views for templates (``views``), rendering with page reuse
(``engine``) and related-article scoring (``related``)."""
