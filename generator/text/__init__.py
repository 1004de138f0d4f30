"""Text: how Arabic (and any) text is normalised for matching, turned into slugs and searched
for names (``normalize``, ``slugs``, ``matcher``). Used by actors, content and search; imports
only ``core``."""
