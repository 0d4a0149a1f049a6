"""Did you mean ...?  One rule for every suggestion the package makes.

A misspelt word is matched against the words that would have been valid by
:func:`difflib.get_close_matches` (Ratcliff & Obershelp 1988: similarity ``2M / T``, ``M`` the
characters in matching blocks, ``T`` the total length) with one cutoff, :data:`CUTOFF`.  A dotted
path whose last part names a valid leaf elsewhere (``partnership.period_years`` for
``time.period_years``) is matched by that last part first: a key put in the wrong table is the
commonest slip, and whole-path similarity misses it.

>>> closest("wedge.rewrd", ["wedge.reward", "wedge.upfront"])
'wedge.reward'
>>> closest("partnership.period_years", ["time.period_years", "partnership.noise"])
'time.period_years'
>>> did_you_mean("existentail", ["existential"], quote=True)
'did you mean "existential"?'
>>> did_you_mean("zzz", ["existential"]) is None
True
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

CUTOFF = 0.6
"""The least similarity (0..1) of a suggestion to the word given."""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The valid word nearest to ``word`` (see the module's rule), or ``None``."""
    pool = [c for c in candidates if c != word]
    if "." in word:
        last = word.rsplit(".", 1)[-1]
        same = [c for c in pool if "." in c and c.rsplit(".", 1)[-1] == last]
        if same:
            return same[0]
    close = difflib.get_close_matches(word, pool, n=1, cutoff=CUTOFF)
    if not close and word.lower() != word:
        close = difflib.get_close_matches(word.lower(), pool, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str], *, quote: bool = False) -> str | None:
    """``"did you mean X?"`` (``X`` in JSON quotes when ``quote``), or ``None``."""
    best = closest(str(word), candidates)
    if best is None:
        return None
    return f"did you mean {json.dumps(best) if quote else best}?"
