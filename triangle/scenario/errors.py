"""The one error of scenario input: file, dotted key, what was expected and what was found."""

from __future__ import annotations

import re


class ScenarioError(Exception):
    """One-line, user-facing error in a scenario file or an override.

    Attributes
    ----------
    file, key, expected, found : str
        The file (or an override's origin, e.g. ``"--set"``), the dotted key (``None`` for a
        TOML syntax error), what was expected and what was found.
    line, hint : int or None, str or None
        The key's line in the file, when known; a suggestion (``"did you mean ...?"``).
    """

    def __init__(self, file: str, key: str | None, expected: str, found: str,
                 line: int | None = None, hint: str | None = None) -> None:
        super().__init__(file, key, expected, found, line, hint)
        self.file, self.key, self.expected, self.found = file, key, expected, found
        self.line, self.hint = line, hint

    def __str__(self) -> str:
        where = self.file + (f": {self.key}" if self.key else "")
        where += f" (line {self.line})" if self.line is not None else ""
        text = f"{where}: expected {self.expected}, found {self.found}"
        text += f"; {self.hint}" if self.hint else ""
        # one line, whatever the file's keys contain: control characters are shown escaped
        return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], text)
