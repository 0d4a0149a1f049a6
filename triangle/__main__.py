"""``python -m triangle``: the same as the ``triangle`` command."""

import sys

from .cli import main

sys.exit(main())
