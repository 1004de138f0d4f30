"""Sub-commands of ``mawjaz``: one module each, ``<name>_cmd.py`` (see generator/cli/main.py)."""
