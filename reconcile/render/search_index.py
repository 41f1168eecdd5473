"""The report page's search index: search by meaning, not by the script a name is typed in.

At report time each card gets the entities it involves (its subject, the entities its sides
state, and every entity :meth:`~reconcile.normalize.names.Gazetteer.find_all` finds in its
quotes, explanation and labels) and its keys (fingerprint, rule, property, source ids,
claim and document file names, scope). A name table maps every name the gazetteer knows for
those entities (in every language, plus their labels), folded as the page folds a query
(:func:`~reconcile.render.html_report.search_fold`, the browser's port being ``search.js``),
to the entities it names. Only entities that occur on the page are listed, so the index
grows with the page, not with the gazetteer.

``search.js`` folds the typed text, looks it up among the names (an id as is; exactly; then
without a generic prefix like "republic of"; then fuzzily, within the gazetteer's threshold:
score ``100·(1 − edits/longer length)`` at least :data:`~reconcile.normalize.names.FUZZY_CUTOFF`,
inputs of :data:`~reconcile.normalize.names.FUZZY_MIN_LENGTH` letters or more, leading the
next entity by :data:`~reconcile.normalize.names.FUZZY_MARGIN`; then names with a word that
starts with the query) and shows the cards involving the entities found, plus the cards
whose keys or text contain the query. So "Tashkent", «تاشکند» and «طشقند» find the same cards.

The index is embedded as JSON in a ``<script type="application/json">`` element, never run;
:func:`embed_json` escapes ``<``, ``>`` and ``&`` so that no string in it (documents are
untrusted) can close the element. The output is deterministic: entities sorted by id, names
sorted, cards in page order.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..normalize.names import FUZZY_CUTOFF, FUZZY_MARGIN, FUZZY_MIN_LENGTH, PREFIXES, Gazetteer

__all__ = ["build_search_index", "card_entities", "card_keys", "embed_json"]

#: Entity ids inside a value's text (``kind:Code``).
_IDS = re.compile(r"[a-z_]+:[A-Za-z0-9_.-]+")


def _fold(text: str) -> str:
    from .html_report import search_fold

    return search_fold(text)


def card_entities(rec: dict[str, Any], gazetteer: Gazetteer, texts: list[str] | None = None) -> list[str]:
    """The ids of the entities a conflict record involves, sorted: its subject, the ids its
    sides' values hold (``"country:UZ"`` or ``"country:UZ left in 1999"``), and the entities
    named in its quotes and in ``texts`` (explanation, labels), in any language."""
    ids: set[str] = set()
    if rec.get("subject") in gazetteer:
        ids.add(rec["subject"])
    quotes = list(texts or [])
    for side in rec.get("sides", []):
        values = side["value"] if isinstance(side["value"], list) else [side["value"]]
        ids.update(i for v in values if isinstance(v, str) for i in _IDS.findall(v) if i in gazetteer)
        quotes.append(str(side.get("label", "")))
        quotes.extend(str(cl.get("quote") or "") for cl in side.get("claims", []))
    for text in quotes:
        if text:
            ids.update(hit for _, _, hit in gazetteer.find_all(text))
    return sorted(ids)


def card_keys(rec: dict[str, Any], property_label: str = "") -> tuple[str, list[str]]:
    """What else a card is found by, folded: its own keys (fingerprint and scope) and the
    terms it shares with other cards (rule, property id and label, source ids, the claim
    files and documents of its quotes), each term once, in order of first mention."""
    own = _fold(" ".join(p for p in (rec.get("fingerprint", ""), str(rec.get("scope") or "")) if p))
    parts = [rec.get("rule", ""), rec.get("property", ""), property_label, *rec.get("sources", [])]
    for side in rec.get("sides", []):
        for cl in side.get("claims", []):
            parts += [str(cl.get("source") or ""), str(cl.get("file") or ""), str(cl.get("document") or "")]
    terms = [t for t in dict.fromkeys(_fold(p) for p in parts if p) if t]
    return own, terms


def build_search_index(cards: list[dict[str, Any]], gazetteer: Gazetteer) -> dict[str, Any]:
    """The page's search index for ``cards`` (each with ``fingerprint``, ``entities`` and
    ``search_keys``, as :func:`~reconcile.render.html_report._cards` builds them).

    ``entities`` and ``labels`` are parallel lists (the entities on the page, by id);
    ``names`` maps each folded name to the positions of the entities it names; ``terms``
    are the folded strings cards share (rules, properties, sources, files), each once;
    ``cards`` maps each fingerprint to ``[entity positions, term positions, own keys]``;
    ``prefixes`` are the generic leading words a lookup may drop; ``fuzzy`` the matching
    thresholds. Everything repeated across cards is stored once, so the index costs a few
    dozen bytes a card.
    """
    entities = sorted({e for c in cards for e in c["entities"]})
    position = {e: i for i, e in enumerate(entities)}
    names: dict[str, set[int]] = {}
    for e in entities:
        for name in {gazetteer.label(e), *gazetteer.names_of(e)}:
            key = _fold(name)
            if key:
                names.setdefault(key, set()).add(position[e])
    terms = sorted({t for c in cards for t in c["search_keys"][1]})
    term_at = {t: i for i, t in enumerate(terms)}
    return {
        "entities": entities,
        "labels": [gazetteer.label(e) for e in entities],
        "names": {k: sorted(v) for k, v in sorted(names.items())},
        "terms": terms,
        "cards": {
            c["fingerprint"]: [[position[e] for e in c["entities"]], sorted(term_at[t] for t in c["search_keys"][1]), c["search_keys"][0]]
            for c in cards
        },
        "prefixes": sorted({_fold(p) for p in PREFIXES} - {""}, key=lambda p: (-len(p), p)),
        "fuzzy": {"cutoff": FUZZY_CUTOFF, "margin": FUZZY_MARGIN, "min_length": FUZZY_MIN_LENGTH},
    }


def embed_json(data: Any) -> str:
    """``data`` as compact JSON that is safe inside a ``<script type="application/json">``
    element: ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (so
    neither ``</script>`` nor ``<!--`` can occur), and the line separators U+2028/U+2029
    escaped too. ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text
