"""Put the output of each documented command that draws a figure under the command in the docs.

``make docs-figures`` runs every command that writes a figure in ``docs/figures/`` and saves
its standard output as ``out/docs-figures/NAME.txt``.  In each ```` ```console ```` block of
the docs whose ``$ triangle ...`` command writes ``docs/figures/NAME.png``, this script
replaces the lines printed after the command with that file, so the numbers in the docs are
the ones the command prints.  Usage: ``python .ci/transcripts.py OUT_DIR FILE.md ...``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FIGURE = re.compile(r"-o docs/figures/([\w-]+)\.png")


def update(text: str, outputs: Path) -> tuple[str, list[str]]:
    """``text`` with the transcripts replaced, and the names of the figures it found."""
    lines, out, done = text.splitlines(keepends=True), [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not line.startswith("$ triangle"):
            continue
        command = line
        while command.rstrip().endswith("\\") and i < len(lines):
            command = lines[i]
            out.append(command)
            line += command
            i += 1
        found = FIGURE.search(line)
        transcript = outputs / f"{found.group(1)}.txt" if found else None
        if transcript is None or not transcript.is_file():
            continue
        while i < len(lines) and not lines[i].startswith(("```", "$ ")):
            i += 1  # the old output
        out.append(transcript.read_text().rstrip("\n") + "\n")
        done.append(found.group(1))
    return "".join(out), done


def main(argv: list[str]) -> int:
    outputs, files = Path(argv[0]), [Path(a) for a in argv[1:]]
    for path in files:
        new, done = update(path.read_text(), outputs)
        if done:
            path.write_text(new)
            print(f"{path}: {', '.join(done)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
