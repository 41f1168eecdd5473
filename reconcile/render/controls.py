"""Control characters in untrusted text, made visible.

Documents are web pages, and claim files and registries quote them: their text may hold
control characters, among them escape sequences that a terminal obeys (clear the screen,
retitle the window, write to the clipboard) and that CI logs draw, and characters that XML
forbids (those, lone surrogates and the noncharacters U+FFFE and U+FFFF). Every text output but JSON and HTML (which escape by their own rules) passes
such text through :func:`printable`, which writes each control character as its Python
escape (``\\x1b``).

The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are
escaped too (``\\u202e``): inside a quote, a right-to-left override shows the digits of
``2991`` as ``1992``, which an editor would take for the evidence. The marks that Persian
and Arabic text needs (ZWNJ, ZWJ, LRM, RLM, ALM) are kept.
"""

from __future__ import annotations

import re

__all__ = ["printable", "style"]

#: C0 and C1 control characters, DEL, the explicit bidirectional formatting characters,
#: surrogates and the noncharacters U+FFFE and U+FFFF (which XML cannot hold either).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
#: The same but for tab and line feed.
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, lines: bool = False) -> str:
    """``text`` as a string whose control characters (and bidirectional formatting
    characters) are written as their Python escapes (``\\x1b``, ``\\u202e``); with
    ``lines``, tabs and line feeds are kept. A text without any is
    returned as it is, after one scan in C."""
    text = str(text)
    pattern = _CONTROL_BUT_LINES if lines else _CONTROL
    return pattern.sub(_escape, text) if pattern.search(text) else text


#: ANSI colour codes of the foreground colours the terminal output uses.
_FOREGROUND = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35}


def style(text: str, *, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """``text`` with ANSI colour and weight codes (the same codes as ``click.style``). The
    command line strips them again when its output is not a terminal, so only a person
    watching sees colour; ``text`` must already be :func:`printable`."""
    codes = [str(_FOREGROUND[fg])] if fg else []
    codes += ["1"] if bold else []
    codes += ["2"] if dim else []
    if not codes:
        return text
    return "".join(f"\x1b[{c}m" for c in codes) + text + "\x1b[0m"
