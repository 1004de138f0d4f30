"""Allow ``python -m generator`` as well as the ``mawjaz`` console script."""

from generator.cli import run

run()
