"""Hooks: how a lower layer reaches code that an upper layer registers.

The model never imports the presentation.  Result objects still offer ``.plot()`` to users,
and the scenario layer still checks strategy names; both ask this registry, which the upper
layers fill when :mod:`triangle` is imported (dependency inversion, Martin 1996).

>>> register("demo.hook", lambda: 42)
>>> call("demo.hook")
42
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, Callable[..., Any]] = {}


class MissingHookError(LookupError):
    """No layer registered the hook (``triangle`` was not imported as a whole)."""


def register(name: str, fn: Callable[..., Any]) -> None:
    """Register ``fn`` under ``name``; a later registration replaces an earlier one."""
    _HOOKS[name] = fn


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the function registered under ``name``.

    Raises
    ------
    MissingHookError
        If nothing is registered under ``name``.
    """
    try:
        fn = _HOOKS[name]
    except KeyError:
        raise MissingHookError(f"nothing is registered for {name!r}; import triangle first") from None
    return fn(*args, **kwargs)
