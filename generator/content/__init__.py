"""Content: the load stage. Finds and reads article files safely (``source``), parses front
matter (``frontmatter``), cleans pasted boilerplate (``cleanup``), turns Markdown into
sanitised HTML (``markup``), checks an article into its typed form (``articles``), reads
edition notes (``editions``) and runs all of it over the digest with the cache (``ingest``)."""
