"""Build: the pipeline that calls the stages in order (``pipeline``), and the snapshot that
tells a rebuild nothing changed (``fingerprint``). Nothing is imported here: a rebuild that
finds nothing changed imports the snapshot alone, never the stages."""
