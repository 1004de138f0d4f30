"""CLI: the ``mawjaz`` command (``main``), one module per sub-command (``commands``), the
preview server (``preview``), and what the terminal shows (``report``, ``progress``)."""
