"""Reading a scenario file: its text, safely, and the line that defines each key.

A scenario file is data: only a regular file of at most ``MAX_FILE_BYTES`` of UTF-8 text is
read, so a FIFO, a device, a directory or a huge or binary file is one clear error, never a
hang or a flood.  The line numbers come from a small tokenizer of TOML (``tomllib`` gives
none), so an error can name the line of the key it is about.
"""

from __future__ import annotations

import os
import re
import stat

from triangle.scenario.errors import ScenarioError

MAX_FILE_BYTES = 1 << 20


def read_text(file: str) -> str:
    """The UTF-8 text of a regular file of at most ``MAX_FILE_BYTES``; a FIFO, a device or a
    directory is refused before it is opened (opening a FIFO would wait for a writer)."""
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a special file (FIFO, device or socket)"
            raise ScenarioError(file, None, "a regular scenario file", kind)
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError(file, None, f"a scenario file of at most {MAX_FILE_BYTES} bytes",
                                f"{info.st_size} bytes")
        with open(file, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        found = (exc.strerror or str(exc)).lower()
        raise ScenarioError(file, None, "a readable scenario file", found) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(file, None, f"a scenario file of at most {MAX_FILE_BYTES} bytes",
                            "more")
    if b"\0" in raw:
        raise ScenarioError(file, None, "UTF-8 text", "binary data (NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(file, None, "UTF-8 text", "undecodable bytes") from None


TOKEN = re.compile(r'''(?P<nl>\n)|(?P<ws>[ \t\r]+)|(?P<comment>\#[^\n]*)
  |(?P<str>"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')
  |(?P<punct>[\[\]{},=])|(?P<bare>[^\s\[\]{},="'\#]+)''', re.VERBOSE | re.DOTALL)


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key and table of a (valid) TOML text to the line that defines it."""
    found: dict[str, int] = {}
    table: tuple[str, ...] = ()
    stack: list[tuple[str, tuple[str, ...] | None]] = []  # ("t"|"a", path of an inline table)
    parts: list[str] = []
    target: tuple[str, ...] | None = ()
    header, keypos, line = 0, True, 1
    for m in TOKEN.finditer(text):
        kind, tok = m.lastgroup, m.group()
        if kind in ("bare", "str") and (keypos or header):
            parts += [p for p in tok.split(".") if p] if kind == "bare" else [tok.strip("\"'")]
        elif tok == "[" and keypos and not stack and not parts:
            header += 1
        elif tok == "]" and header:
            if parts:
                table, parts = tuple(parts), []
                found.setdefault(".".join(table), line)
            header -= 1
        elif tok == "=" and keypos:
            base = stack[-1][1] if stack else table
            target = None if base is None else (*base, *parts)
            if target is not None:
                found.setdefault(".".join(target), line)
            parts, keypos = [], False
        elif tok in "{[" and kind == "punct":
            inside_array = bool(stack) and stack[-1][0] == "a"
            stack.append(("t" if tok == "{" else "a", None if inside_array else target))
            keypos = tok == "{"
        elif tok in "}]" and kind == "punct":
            if stack:
                stack.pop()
            parts, keypos = [], False
        elif tok == "," and stack and stack[-1][0] == "t":
            keypos = True
        elif kind == "nl" and not stack:
            parts, keypos = [], True
        line += tok.count("\n")
    return found
