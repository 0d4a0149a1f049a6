"""Put the output of each documented command that draws a figure under the command in the docs.

``make docs-figures`` runs every command that writes a figure in ``docs/figures/`` and saves
its standard output as ``out/docs-figures/NAME.txt``.  In each ```` ```console ```` block of
the docs whose ``$ triangle ...`` command writes ``docs/figures/NAME.png``, this script
replaces the lines printed after the command with that file, so the numbers in the docs are
the ones the command prints.  Between ``<!-- shares:NAME -->`` and ``<!-- /shares -->`` (the
README's caption of the demo map) it writes the verdict shares of ``NAME.txt`` in words.
Usage: ``python .ci/transcripts.py OUT_DIR FILE.md ...``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FIGURE = re.compile(r"-o docs/figures/([\w-]+)\.png")
SHARES = re.compile(r"(<!-- shares:([\w-]+) -->)(.*?)(<!-- /shares -->)", re.S)


def shares(text: str, outputs: Path) -> tuple[str, list[str]]:
    """``text`` with each marked list of verdict shares rewritten from its transcript."""
    done = []

    def words(match: re.Match[str]) -> str:
        transcript = outputs / f"{match.group(2)}.txt"
        found = re.search(r"^verdicts: (.*)$", transcript.read_text(), re.M) if transcript.is_file() else None
        if found is None:
            return match.group(0)
        done.append(match.group(2))
        return match.group(1) + found.group(1).replace("_", " ") + match.group(4)

    return SHARES.sub(words, text), done


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
        new, marked = shares(new, outputs)
        done += [f"shares of {name}" for name in marked]
        if done:
            path.write_text(new)
            print(f"{path}: {', '.join(done)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
