"""Allow ``python -m generator`` as well as the ``mawjaz`` console script."""

from generator.cli.main import run

run()
