"""Control characters in untrusted text, made visible.

Documents are web pages, and claim files and registries quote them: their text may hold
control characters, among them escape sequences that a terminal obeys (clear the screen,
retitle the window, write to the clipboard) and that CI logs draw, and characters that XML
forbids. Every text output but JSON and HTML (which escape by their own rules) passes
such text through :func:`printable`, which writes each control character as its Python
escape (``\\x1b``).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

#: C0 and C1 control characters and DEL.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: The same but for tab and line feed.
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: object, *, lines: bool = False) -> str:
    """``text`` as a string whose control characters are written as their Python escapes
    (``\\x1b``); with ``lines``, tabs and line feeds are kept. A text without any is
    returned as it is, after one scan in C."""
    text = str(text)
    pattern = _CONTROL_BUT_LINES if lines else _CONTROL
    return pattern.sub(_escape, text) if pattern.search(text) else text
