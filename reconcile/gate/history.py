"""Editing a decision of ``reports/decisions.yaml`` in ruamel.yaml's round trip so that
nothing an editor wrote is lost: a new verdict replaces the fields of the current one, and
the earlier verdict moves, with the comments on its lines, to the entry's ``history``.

ruamel.yaml keeps a mapping's comments on its keys: the comment at the end of a key's line
and the comment lines after it, up to the next key, share one token
(``node.ca.items[key][2]``); the comment lines after a whole entry (before the next entry of
the list) sit on the entry's deepest last key. :func:`supersede` moves each field's token
with the field, and keeps the lines after the entry after it.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

__all__ = ["supersede"]


def supersede(entry: CommentedMap, current: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Make ``current`` (values by field; empty ones left out) the verdict of ``entry`` and
    append its earlier verdict (its ``fields``, with the comments on their lines) to
    ``entry["history"]``. The comment lines after the entry (before the next one) stay
    after it; other keys (``fingerprint``) stay as they are."""
    trailing = _pop_trailing(entry)
    earlier = CommentedMap()
    for key in fields:
        if key in entry:
            earlier[key] = entry[key]
            comment = entry.ca.items.pop(key, None)
            if comment and len(comment) > 2 and comment[2] is not None:
                own, _, after = comment[2].value.partition("\n")
                # comment lines between the fields go one level deeper with them
                comment[2].value = own + "\n" + re.sub(r"(?m)^(?=[ \t]*#)", "    ", after)
                earlier.ca.items[key] = [None, None, comment[2], None]
            del entry[key]
    position = list(entry).index("history") if "history" in entry else len(entry)
    for key, value in current.items():
        if value:
            entry.insert(position, key, value)
            position += 1
    history = entry.get("history")
    if not isinstance(history, CommentedSeq):
        history = CommentedSeq()
        entry["history"] = history
    history.append(earlier)
    _push_trailing(entry, trailing)


def _last_key_comment(node: CommentedMap) -> tuple[CommentedMap, Any] | None:
    """The mapping and key whose comment holds the lines after ``node`` (ruamel.yaml puts
    them on the deepest last key)."""
    while isinstance(node, CommentedMap) and len(node):
        key = list(node)[-1]
        value = node[key]
        if isinstance(value, CommentedSeq) and len(value) and isinstance(value[-1], CommentedMap):
            node = value[-1]
            continue
        if isinstance(value, CommentedMap) and len(value):
            node = value
            continue
        return node, key
    return None


def _pop_trailing(entry: CommentedMap) -> str:
    """Remove and return the comment lines after ``entry`` (not its last line's own)."""
    place = _last_key_comment(entry)
    if place is None:
        return ""
    node, key = place
    tokens = node.ca.items.get(key)
    if not tokens or len(tokens) < 3 or tokens[2] is None:
        return ""
    own, _, after = tokens[2].value.partition("\n")
    if not after:
        return ""
    if own:
        tokens[2].value = own + "\n"
    else:
        node.ca.items.pop(key)
    return after


def _push_trailing(entry: CommentedMap, after: str) -> None:
    """Put the comment lines ``after`` back after ``entry``."""
    if not after:
        return
    place = _last_key_comment(entry)
    if place is None:
        return
    node, key = place
    tokens = node.ca.items.get(key)
    if tokens and len(tokens) > 2 and tokens[2] is not None:
        own = tokens[2].value.partition("\n")[0]
        tokens[2].value = own + "\n" + after
    else:
        node.ca.items[key] = [None, None, CommentToken("\n" + after, CommentMark(0), None), None]
