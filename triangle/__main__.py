"""``python -m triangle``: the same as the ``triangle`` command."""

import sys

from triangle.presentation.cli import main

sys.exit(main())
