"""Command-line commands registered by this module (added as they are built)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this module's subcommands to the ``triangle`` parser."""
