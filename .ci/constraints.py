"""Write constraints.txt: the installed version of every package the Makefile installs.

Walks the requirements of ``strategic-triangle[EXTRAS]`` through the installed packages'
metadata (extras and environment markers included) and pins each to its installed version,
so ``pip install -c constraints.txt -e ".[EXTRAS]"`` reproduces this environment on another
machine.  The package itself is left out.  Run by ``make constraints``.
"""

from __future__ import annotations

import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = "strategic-triangle"


def closure(extras: list[str]) -> dict[str, str]:
    """Canonical name -> installed version of every requirement reachable from the root."""
    pinned: dict[str, str] = {}
    todo = [(ROOT, set(extras))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        key = (canonicalize_name(name), frozenset(wanted))
        if key in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(name)
        if canonicalize_name(name) != ROOT:
            pinned[canonicalize_name(name)] = f"{dist.metadata['Name']}=={dist.version}"
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is not None and not any(
                    req.marker.evaluate({"extra": e}) for e in (wanted or {""})):
                continue
            todo.append((req.name, set(req.extras)))
    return pinned


def main(argv: list[str]) -> int:
    extras, out = argv[0].split(","), argv[1]
    lines = sorted(closure(extras).values(), key=str.lower)
    header = (f"# Pinned versions of what `make` installs (strategic-triangle[{argv[0]}]),\n"
              f"# Python {sys.version_info.major}.{sys.version_info.minor}. Regenerate with "
              "`make constraints`.\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write(header + "\n".join(lines) + "\n")
    print(f"wrote {out}: {len(lines)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
