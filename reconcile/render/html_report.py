"""The HTML conflict report for editors: one self-contained file built from Jinja templates.

Everything is inline (CSS, JavaScript, the graph and timelines as SVG); nothing is fetched.
Templates are packaged (``reconcile/templates``) and rendered with autoescape on, so every
string that comes from documents, claim files or registries is escaped. A Content Security
Policy allows only the report's own inline style and script (by their SHA-256 hashes), so
even a string that escaped escaping could not run or load anything.

Each quote is shown in its own script and direction (``lang`` and ``dir`` per quote, the
quote isolated with ``<bdi>``), highlighted inside a few lines of its document. Control
characters and bidirectional overrides in it are shown as escapes
(:func:`~reconcile.render.controls.printable`): an override would make ``2991`` read
``1992``.

A page stays one a browser opens: it carries a card for the conflicts given (``reconcile
report`` gives the first thousand by default: new ones first, then the worst first) and says
how many of all it shows; the counts, sources and graph cover every conflict.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
import shlex
import unicodedata
from importlib import resources
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import __version__
from reconcile.trust.ranked import CheckResult
from reconcile.gate.state import GateState
from reconcile.detect.timeline import build_timeline
from reconcile.validate.claims import Workspace
from ..normalize.text import fold, fold_whitespace
from .controls import printable
from .draft_review import draft_reviews
from .search_index import build_search_index, card_entities, card_keys, embed_json

__all__ = ["render_html", "RTL_LANGUAGES"]

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"}
BADGES = {"error": "✖ error", "warning": "▲ warning", "info": "● info"}
CONTEXT_CHARS = 160


def _visible(value: Any) -> Any:
    """Every text the templates print, its control and bidirectional formatting characters
    shown as escapes (lines and tabs kept: quotes keep their layout); markup the report
    builds itself (:class:`~markupsafe.Markup`: the SVG, CSS, script) is left as it is."""
    return printable(value, lines=True) if isinstance(value, str) and not isinstance(value, Markup) else value


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("reconcile", "templates"),
        autoescape=select_autoescape(["html", "j2", "xml"], default=True),
        finalize=_visible,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _asset(name: str) -> str:
    return resources.files("reconcile").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _direction(lang: str | None) -> str:
    return "rtl" if (lang or "").split("-")[0] in RTL_LANGUAGES else "ltr"


def _context(doc: str, start: int, end: int) -> tuple[str, str]:
    """A few lines of text before and after ``[start, end)``, cut at whitespace."""
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(doc), end + CONTEXT_CHARS)
    before, after = doc[lo:start], doc[end:hi]
    if lo > 0:
        cut = before.find(" ")
        before = "…" + (before[cut + 1 :] if 0 <= cut < 40 else before)
    if hi < len(doc):
        cut = after.rfind(" ")
        after = (after[:cut] if cut > len(after) - 40 else after) + "…"
    return before, after


def safe_url(url: Any) -> str | None:
    """``url`` when it is a web address (``http``/``https``) a link may point to, else
    ``None`` (a ``javascript:`` or ``data:`` address in a sources file is shown, not linked)."""
    return url if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) else None


def source_address(source: dict[str, Any] | None, document: str) -> dict[str, Any]:
    """Where a claim's source can be read: its ``url``, else its ``archived_url``, else the
    document's path in the workspace. ``href`` is set only for a web address."""
    for key in ("url", "archived_url"):
        value = (source or {}).get(key)
        if value:
            return {"text": value, "href": safe_url(value), "kind": key}
    return {"text": document, "href": None, "kind": "document"}


def decide_command(fingerprint: str, sides: list[dict[str, Any]], suggested: int | None) -> str:
    """The ``reconcile decide`` command an editor runs to record a verdict on a conflict:
    ``resolved`` for the suggested side when there is one, else ``accepted``."""
    if suggested is not None and 0 <= suggested < len(sides):
        label = str(sides[suggested]["label"])
        return f"reconcile decide {fingerprint} --verdict resolved --side {shlex.quote(label)} -w ."
    return f"reconcile decide {fingerprint} --verdict accepted -w ."


def side_differences(sides: list[dict[str, Any]], reference: int, label_of: Any) -> list[dict[str, Any] | None]:
    """For conflicts whose values are lists (sets of entities): per side, what it adds to
    and omits from the ``reference`` side (the suggested one, else the largest), as lists
    of labels; ``None`` for the reference itself and for sides that are not lists."""
    ref = sides[reference]["value"] if 0 <= reference < len(sides) else None
    if not isinstance(ref, list):
        return [None] * len(sides)
    out: list[dict[str, Any] | None] = []
    for k, side in enumerate(sides):
        value = side["value"]
        if k == reference or not isinstance(value, list):
            out.append(None)
            continue
        out.append(
            {
                "adds": [label_of(v) for v in value if v not in ref],
                "omits": [label_of(v) for v in ref if v not in value],
                "shared": sum(1 for v in value if v in ref),
            }
        )
    return out


def _cards(records: list[dict[str, Any]], ws: Workspace, sources: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The template's view of each conflict record: its quotes in context with their notes
    and sources' addresses, the suggested side, list differences against a reference side,
    the decide command, and the folded text the search looks in."""
    props = ws.registry.properties
    sources = sources or {}
    cards = []
    for rec in records:
        languages, search = set(), [rec["subject"], rec["property"], rec["explanation"]]
        sides = []
        for side in rec["sides"]:
            claims = []
            search.append(side["label"])
            for cl in side["claims"]:
                doc = ws.documents.get(cl["source"], "")
                before, after = _context(doc, cl["span"][0], cl["span"][1])
                languages.add(cl["language"])
                search.append(cl["quote"])
                claims.append(
                    {
                        **cl,
                        "address": source_address(sources.get(cl["source"]), cl["document"]),
                        "dir": _direction(cl["language"]),
                        "quote": doc[cl["span"][0] : cl["span"][1]] or cl["quote"],
                        "before": before,
                        "after": after,
                    }
                )
            sides.append({"label": side["label"], "value": side["value"], "claims": claims})
        suggested = rec.get("suggested_side")
        # the differences of list values are shown against the suggested side, else the largest
        reference = suggested if suggested is not None else max(
            range(len(sides)), key=lambda k: (len(sides[k]["value"]) if isinstance(sides[k]["value"], list) else 0, -k),
            default=0,
        )
        for side, diff in zip(sides, side_differences(sides, reference, ws.gazetteer.label)):
            side["diff"] = diff
        subject_label = ws.gazetteer.label(rec["subject"])
        property_label = props[rec["property"]].label if rec["property"] in props else rec["property"]
        texts = [rec["explanation"], subject_label, property_label]
        cards.append(
            {
                **rec,
                "subject_label": subject_label,
                "property_label": property_label,
                "languages": sorted(languages),
                "search": search_fold(" ".join([*search, subject_label, property_label])),
                "entities": card_entities(rec, ws.gazetteer, texts),
                "search_keys": card_keys(rec, property_label),
                "sides": sides,
                "suggested": suggested,
                "reference": reference if any(isinstance(sd["value"], list) for sd in sides) else None,
                "decide": decide_command(rec["fingerprint"], sides, suggested),
            }
        )
    return cards


def search_fold(text: str) -> str:
    """:func:`~reconcile.normalize.text.fold`, then without any mark (category M, also
    spacing and enclosing ones): what ``search.js`` can do alike in a browser, so that a
    query typed as a card writes it finds the card (tested over thousands of characters).

    A card's ``data-search`` holds its own texts folded so; the names of the entities it
    involves, in every language, are in the page's search index
    (:mod:`~reconcile.render.search_index`), once per page rather than once per card."""
    # fold's cache is for names, which repeat; a card's text is folded once
    folded = fold.__wrapped__(text)
    kept = [ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.category(ch).startswith("M")]
    return fold_whitespace(unicodedata.normalize("NFC", "".join(kept)))


# --- SVG ------------------------------------------------------------------------------------


def _graph_svg(result: CheckResult) -> Markup:
    """Sources as circles on a ring; agreement and disagreement as differently drawn edges;
    dependent sources inside a shared outline. All text escaped."""
    g = result.graph.graph
    nodes = sorted(g.nodes)
    if not nodes:
        return Markup('<svg viewBox="0 0 10 10" role="img" aria-label="no sources"></svg>')
    width, height, radius = 720, 440, 150
    pos = nx.circular_layout(nodes, scale=radius, center=(width / 2, height / 2))
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="source-agreement graph" xmlns="http://www.w3.org/2000/svg">']
    groups: dict[str, list[str]] = {}
    for n in nodes:
        groups.setdefault(g.nodes[n]["group"], []).append(n)
    for members in groups.values():
        if len(members) < 2:
            continue
        xs = [pos[m][0] for m in members]
        ys = [pos[m][1] for m in members]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        rx = max(max(abs(x - cx) for x in xs) + 45, 50)
        ry = max(max(abs(y - cy) for y in ys) + 45, 50)
        label = html.escape(" + ".join(members))
        parts.append(
            f'<ellipse class="dependent" cx="{cx:.1f}" cy="{cy:.1f}" rx="{rx:.1f}" ry="{ry:.1f}" '
            f'fill="#7b4fa0" fill-opacity="0.12" stroke="#7b4fa0" stroke-dasharray="2 3"><title>dependent: {label}</title></ellipse>'
        )
    for a, b, data in sorted(g.edges(data=True)):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        ox, oy = -dy / length * 3, dx / length * 3
        title = html.escape(f"{a} – {b}: {data['agree']} agree, {data['disagree']} disagree, dependence {data['dependence']:.2f}")
        if data["agree"]:
            parts.append(
                f'<line class="agree" x1="{x1 + ox:.1f}" y1="{y1 + oy:.1f}" x2="{x2 + ox:.1f}" y2="{y2 + oy:.1f}" '
                f'stroke="#2e7d32" stroke-width="{1 + min(data["agree"], 12) * 0.6:.1f}"><title>{title}</title></line>'
            )
        if data["disagree"]:
            parts.append(
                f'<line class="disagree" x1="{x1 - ox:.1f}" y1="{y1 - oy:.1f}" x2="{x2 - ox:.1f}" y2="{y2 - oy:.1f}" '
                f'stroke="#b00020" stroke-dasharray="6 4" stroke-width="{1 + min(data["disagree"], 12) * 0.6:.1f}"><title>{title}</title></line>'
            )
    for n in nodes:
        x, y = pos[n]
        d = g.nodes[n]
        r = 10 + math.sqrt(d["claims"]) * 1.5
        label = html.escape(n)
        meta = html.escape(f"{n} ({d['language']}): {d['claims']} claims, trust {d['trust']:.2f}")
        parts.append(
            f'<g class="source"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#fff" stroke="#1d1d1f" stroke-width="1.5"><title>{meta}</title></circle>'
            f'<text x="{x:.1f}" y="{y + r + 14:.1f}" text-anchor="middle" font-size="12">{label}</text>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10">{d["trust"]:.2f}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


_MARKERS = {"member": ("circle", "#2e7d32"), "withdrawn": ("square", "#b00020"), "suspended": ("triangle", "#8a5a00")}
#: The shapes of the timelines' markers, for their legend: (shape, colour, what it marks).
TIMELINE_LEGEND = [
    ("circle", "#2e7d32", "member (joined, or a founding member)"),
    ("square", "#b00020", "withdrawn"),
    ("triangle", "#8a5a00", "suspended"),
    ("circle", "#1f4e99", "other status"),
]
#: More timelines than this are collapsed by default (each opens on a click).
TIMELINES_OPEN_AT_MOST = 3
#: Markers closer than this (in SVG units) are drawn in separate lanes, one above another.
MARKER_GAP = 14.0


def marker_svg(shape: str, colour: str, x: float, y: float, title: str = "") -> str:
    """One timeline marker (``title`` escaped here) centred on ``(x, y)``."""
    tip = f"<title>{html.escape(title)}</title>" if title else ""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{colour}">{tip}</rect>'
    return f'<polygon points="{x:.1f},{y - 7:.1f} {x - 7:.1f},{y + 6:.1f} {x + 7:.1f},{y + 6:.1f}" fill="{colour}">{tip}</polygon>'


def legend_svg(shape: str, colour: str) -> Markup:
    """A small SVG of one marker shape, for the timelines' legend."""
    return Markup(f'<svg class="legend-mark" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">{marker_svg(shape, colour, 8, 8)}</svg>')


def marker_lanes(xs: list[float], gap: float = MARKER_GAP) -> list[int]:
    """Per marker (at ``xs``, in drawing order), its lane: the first whose last marker is at
    least ``gap`` to its left, so that markers of the same year do not cover each other."""
    lanes: list[float] = []
    out = []
    for x in xs:
        for k, last in enumerate(lanes):
            if abs(x - last) >= gap:
                lanes[k] = x
                out.append(k)
                break
        else:
            lanes.append(x)
            out.append(len(lanes) - 1)
    return out


def _timelines(ws: Workspace) -> list[dict[str, Any]]:
    from reconcile.trust.suggestions import claim_positions

    out = []
    claims = ws.claims
    lang_of = dict(zip(ws.sources["source"], ws.sources["language"]))
    for spec in ws.registry.timelines:
        tl = build_timeline(claims, spec)
        ev = tl.events
        if ev.empty:
            continue
        # the quotes of the events' claims only (a table of every claim's quote took 1.5 s
        # at a million claims)
        at = claim_positions(claims, ev["claim_id"].to_numpy(dtype=object), ws.claim_index)
        picked = claims["quote"].take(np.maximum(at, 0)).tolist() if len(claims) else [None] * len(at)
        ev = ev.assign(quote=[q if i >= 0 and isinstance(q, str) else "" for q, i in zip(picked, at.tolist())])
        first_year = int(ev["start"].min().year) - 1
        last_year = max(int(ev["start"].max().year) + 1, first_year + 2)
        for country, cev in ev.groupby("country", sort=True):
            cev = cev.sort_values(["start", "source"])
            width = 720

            def x_of(ts: pd.Timestamp) -> float:
                return 20 + (ts.year + (ts.day_of_year - 1) / 366 - first_year) / (last_year - first_year) * (width - 40)

            xs = [x_of(ts) for ts in cev["start"]]
            lanes = marker_lanes(xs)
            n_lanes = max(lanes, default=0) + 1
            axis = 12 + n_lanes * MARKER_GAP
            height = axis + 24
            parts = [f'<svg viewBox="0 0 {width} {height:.0f}" role="img" aria-label="timeline of {html.escape(ws.gazetteer.label(country))}" xmlns="http://www.w3.org/2000/svg">',
                     f'<line x1="20" y1="{axis:.0f}" x2="{width - 20}" y2="{axis:.0f}" stroke="#999"/>']
            for year in range(first_year, last_year + 1, 5 if last_year - first_year > 15 else 1):
                xx = x_of(pd.Timestamp(year=year, month=1, day=1))
                parts.append(f'<line x1="{xx:.1f}" y1="{axis - 3:.0f}" x2="{xx:.1f}" y2="{axis + 3:.0f}" stroke="#999"/>')
                parts.append(f'<text x="{xx:.1f}" y="{axis + 18:.0f}" font-size="11" text-anchor="middle">{year}</text>')
            for row, xx, lane in zip(cev.itertuples(index=False), xs, lanes):
                shape, colour = _MARKERS.get(row.status, ("circle", "#1f4e99"))
                y = axis - lane * MARKER_GAP
                if lane:
                    parts.append(f'<line x1="{xx:.1f}" y1="{axis:.0f}" x2="{xx:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="1"/>')
                parts.append(marker_svg(shape, colour, xx, y, f"{row.label}: {row.status} ({row.source})"))
            parts.append("</svg>")
            out.append(
                {
                    "label": f"{ws.gazetteer.label(country)} in {ws.gazetteer.label(spec.organization)}",
                    "svg": Markup("".join(parts)),
                    "changes": bool((cev["kind"] != "founding").any()),
                    "events": [
                        {
                            "date": row.label,
                            "status": "founding member" if row.kind == "founding" else row.status,
                            "source": row.source,
                            "quote": row.quote,
                            "lang": lang_of.get(row.source, ""),
                            "dir": _direction(lang_of.get(row.source)),
                        }
                        for row in cev.itertuples(index=False)
                    ],
                }
            )
    return out


def _graph_edges(result: CheckResult) -> list[dict[str, Any]]:
    """The graph's edges as rows (the list shown instead of the drawing on narrow screens,
    and the counts the drawing shows only on hover): most disagreement first."""
    g = result.graph.graph
    rows = [
        {"a": a, "b": b, "agree": int(d["agree"]), "disagree": int(d["disagree"]), "dependence": float(d["dependence"])}
        for a, b, d in g.edges(data=True)
    ]
    for r in rows:
        if r["b"] < r["a"]:
            r["a"], r["b"] = r["b"], r["a"]
    return sorted(rows, key=lambda r: (-r["disagree"], -r["agree"], r["a"], r["b"]))


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def contested_properties(conflicts: pd.DataFrame, ws: Workspace) -> list[dict[str, Any]]:
    """Which properties of which subjects are contested, by how many sources: one row per
    (subject, property) with its conflicts, new ones, worst severity and the sources
    involved (distinct), sorted by subject then property; the page's table of contents and
    per-subject summary."""
    if conflicts is None or conflicts.empty:
        return []
    props = ws.registry.properties
    frame = pd.DataFrame(
        {
            "subject": conflicts["subject"].to_numpy(dtype=object),
            "property": conflicts["property"].to_numpy(dtype=object),
            "rank": conflicts["severity"].map(SEVERITY_ORDER).fillna(3).to_numpy(),
            "new": (conflicts["status"] == "new").to_numpy() if "status" in conflicts else False,
            "sources": conflicts["sources"].to_numpy(dtype=object),
        }
    )
    worst = {v: k for k, v in SEVERITY_ORDER.items()}
    rows = []
    for (subject, prop), grp in frame.groupby(["subject", "property"], sort=True):
        involved = sorted({s for lst in grp["sources"] for s in lst})
        rows.append(
            {
                "subject": subject,
                "subject_label": ws.gazetteer.label(subject),
                "property": prop,
                "property_label": props[prop].label if prop in props else prop,
                "conflicts": len(grp),
                "new": int(grp["new"].sum()),
                "severity": worst.get(int(grp["rank"].min()), "info"),
                "sources": involved,
            }
        )
    return rows


#: The contents and the table of contested properties list at most this many (subject,
#: property) pairs, the most contested; conflicts.csv lists every conflict.
CONTESTED_AT_MOST = 200


def _most_contested(rows: list[dict[str, Any]], at_most: int = CONTESTED_AT_MOST) -> list[dict[str, Any]]:
    """The ``at_most`` rows of :func:`contested_properties` with the most conflicts, then the
    most sources (ties by subject and property), in subject order."""
    if len(rows) <= at_most:
        return rows
    kept = sorted(rows, key=lambda r: (-r["conflicts"], -len(r["sources"]), r["subject"], r["property"]))[:at_most]
    return sorted(kept, key=lambda r: (r["subject"], r["property"]))


def _subjects(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`contested_properties` grouped by subject (in order), with the subject's totals."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if not out or out[-1]["subject"] != row["subject"]:
            out.append({"subject": row["subject"], "label": row["subject_label"], "properties": [], "conflicts": 0, "sources": set()})
        out[-1]["properties"].append(row)
        out[-1]["conflicts"] += row["conflicts"]
        out[-1]["sources"].update(row["sources"])
    for s in out:
        s["sources"] = sorted(s["sources"])
    return out


def render_html(
    records: list[dict[str, Any]],
    result: CheckResult,
    ws: Workspace,
    state: GateState,
    report: dict,
    *,
    csv_files: tuple[str, ...] = (),
) -> str:
    """The whole report as one HTML document: a card per record of ``records`` (all the
    conflicts, or the first ones), the counts of ``report["summary"]`` and the contested
    properties of ``state.conflicts`` (all of them); ``csv_files``: the names of the CSV
    exports written beside the page, linked from it."""
    # search.js first: report.js filters with its reconcileSearch
    css, js = _asset("report.css"), _asset("search.js") + "\n" + _asset("report.js")
    source_by_id = {s["id"]: s for s in report["sources"]}
    cards = _cards(records, ws, source_by_id)
    contested_all = contested_properties(state.conflicts, ws)
    contested = _most_contested(contested_all)
    timelines = _timelines(ws)
    template = _env().get_template("report.html.j2")
    return template.render(
        css=Markup(css),
        js=Markup(js),
        style_hash=_csp_hash(css),
        script_hash=_csp_hash(js),
        version=__version__,
        summary=report["summary"],
        silenced=len(state.silenced),
        sources=report["sources"],
        source_by_id=source_by_id,
        safe_url=safe_url,
        contested=contested,
        contested_total=len(contested_all),
        subjects=_subjects(contested),
        csv_files=csv_files,
        graph_edges=_graph_edges(result),
        legend=[(legend_svg(shape, colour), text) for shape, colour, text in TIMELINE_LEGEND],
        timelines_open=len(timelines) <= TIMELINES_OPEN_AT_MOST,
        badges=BADGES,
        cards=cards,
        search_index=Markup(embed_json(build_search_index(cards, ws.gazetteer))),
        total=int(report["summary"]["conflicts"]),
        rules=sorted({c["rule"] for c in cards}),
        languages=sorted({lang for c in cards for lang in c["languages"]}),
        graph_svg=_graph_svg(result),
        timelines=timelines,
        reviews=draft_reviews(ws),
        direction=_direction,
    )
