"""Core: what every stage shares and nothing else depends on: the data model handed between
stages (``model``), diagnostics, the validated site settings (``config``), dates and digits,
URLs, interface wording (``labels``, read from ``catalogue/<lang>.toml``), YAML with positions
(``yamldoc``) and the process pool (``parallel``). Imports nothing from the other packages."""
