"""The HTML report's review of drafts (``reconcile report --drafts``): per source with
drafts, its document's text with each draft's quote highlighted, and the list of its drafts
with what they say, why, and the commands that accept or reject them.

The text is cut into segments at every start and end of a draft's span (one sweep over the
sorted bounds, not a scan of the drafts per segment); a segment inside one or more spans is
a ``<mark>`` linked to the first of their drafts. Everything is text for the template, which
escapes it: nothing of a document reaches the page as markup.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reconcile.validate.claims import Workspace

__all__ = ["draft_reviews", "highlighted_segments"]


def highlighted_segments(text: str, starts: np.ndarray, ends: np.ndarray, ids: list[str]) -> list[dict[str, Any]]:
    """``text`` as consecutive segments ``{"text", "ids"}``: ``ids`` are the drafts whose
    span ``[start, end)`` covers the segment (empty for plain text), in the order given."""
    bounds = np.unique(np.concatenate([[0, len(text)], starts, ends]).clip(0, len(text)))
    # per bound: which drafts open and close there
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
        if b > a:
            opening.setdefault(a, []).append(k)
            closing.setdefault(b, []).append(k)
    active: dict[int, None] = {}
    out: list[dict[str, Any]] = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        for k in closing.get(a, ()):
            active.pop(k, None)
        for k in opening.get(a, ()):
            active[k] = None
        covering = [ids[k] for k in sorted(active)]
        if out and not covering and not out[-1]["ids"]:
            out[-1]["text"] += text[a:b]
        else:
            out.append({"text": text[a:b], "ids": covering})
    return out


def draft_reviews(ws: Workspace) -> list[dict[str, Any]]:
    """Per source with drafts (by source id): its id, document, language, the highlighted
    segments of its document (:func:`highlighted_segments`) and its drafts, in the order
    of their spans, each with subject, property, value, confidence, because and file."""
    claims = ws.claims
    if "draft" not in claims or not claims["draft"].any():
        return []
    drafts = claims[claims["draft"].to_numpy(dtype=bool)].sort_values(["source", "span_start", "claim_id"], kind="stable")
    reviews = []
    for source, group in drafts.groupby("source", sort=True):
        text = ws.documents.get(str(source), "")
        ids = group["claim_id"].astype(str).tolist()
        items = pd.DataFrame(
            {
                "id": ids,
                "subject": group["subject"].tolist(),
                "subject_label": group["subject_label"].tolist(),
                "property": group["property"].tolist(),
                "value": group["value_raw"].tolist(),
                "confidence": group["confidence"].astype(float).tolist(),
                "because": group["because"].tolist(),
                "file": group["file"].tolist(),
                "line": group["line"].tolist(),
            }
        )
        reviews.append(
            {
                "source": str(source),
                "document": group["document"].iloc[0],
                "language": group["language"].iloc[0],
                "segments": highlighted_segments(
                    text, group["span_start"].to_numpy(np.int64), group["span_end"].to_numpy(np.int64), ids
                ),
                "drafts": items.to_dict("records"),
            }
        )
    return reviews
