"""``python -m triangle``: the same as the ``triangle`` command."""

from triangle.presentation.cli import console

console()
