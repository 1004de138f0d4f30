"""Allow ``python -m generator`` as well as the ``mawjaz`` console script."""

import sys

from generator.cli import main

sys.exit(main())
