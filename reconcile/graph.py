"""The source-agreement graph: trust, dependence, and suggestions for conflicts.

:func:`build_source_graph` turns a validated workspace into:

* a **claims-as-items** table: every claim becomes (source, item, value) where the item is
  its claim key (subject, property and overlapping time scope, see :mod:`reconcile.grouping`)
  and the value its normalized value;
* **trust** per source by PooledInvestment (:func:`reconcile.trust.pooled_investment`),
  with value similarity for dates (a date implies the coarser dates that contain it, and
  partly supports the finer dates within it), quantities (overlapping ranges) and lists
  (a partial list implies a fuller list containing it, in proportion to what it covers),
  and with dependent sources counted once;
* **dependence** between sources: declared ``derived_from`` links, and copying detected
  from shared wrong values (:mod:`reconcile.dependence`);
* a **networkx graph**: a node per source (language, publisher, kind, date, claim count,
  trust, dependence group) and an edge per pair of sources sharing claim keys (shared keys,
  agreements, disagreements, agreement ratio, dependence score, declared).

:func:`suggest` then weighs the sides of each conflict: a side's support is the set of
sources stating it (or a compatible value: an overlapping date or figure), counted by
dependence group, and weighted by trust. The better-supported side is named with its
independent support, or the suggestion says that the evidence does not decide. A
suggestion is advice for an editor; nothing is decided silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from .dependence import dependence_groups, pair_statistics
from .grouping import scoped
from .normalize.quantities import ranges_overlap
from .trust import TruthResult, encode, pooled_investment

__all__ = ["SourceGraph", "build_source_graph", "suggest", "rank_conflicts", "source_table", "to_graphml", "to_node_link"]


@dataclass
class SourceGraph:
    """Everything the graph stage computed for a workspace."""

    graph: nx.Graph
    trust: pd.Series
    groups: pd.Series
    pairs: pd.DataFrame
    truth: TruthResult
    items: pd.DataFrame


def _items(claims: pd.DataFrame) -> pd.DataFrame:
    sel = scoped(claims, sorted(claims["property"].unique()))
    item = sel["subject"] + "|" + sel["property"] + "|" + sel["_group"].astype(str)
    items = pd.DataFrame(
        {
            "claim_id": sel["claim_id"],
            "source": sel["source"],
            "item": item,
            "value": sel["value"],
            "value_type": sel["value_type"],
            "date_start": sel["date_start"],
            "date_end": sel["date_end"],
            "qty_amount": sel["qty_amount"],
            "qty_approx": sel["qty_approx"],
            "tolerance": sel["tolerance"],
        }
    )
    # A canonical order makes every later step independent of the order claims came in.
    return items.sort_values(["item", "source", "value", "claim_id"], kind="stable").reset_index(drop=True)


def _implications(items: pd.DataFrame) -> pd.DataFrame:
    """Similar values of one item lend each other support (dates nested, figures overlapping)."""
    enc = encode(items)
    first = items.groupby(enc.value, sort=True).first()
    vals = first.assign(v=np.arange(len(first)), vitem=enc.value_item[np.arange(len(first))])
    pairs = vals.merge(vals, on="vitem", suffixes=("_a", "_b"))
    pairs = pairs[pairs["v_a"] != pairs["v_b"]]
    out = []
    dates = pairs[pairs["value_type_a"].eq("date") & pairs["date_start_a"].notna() & pairs["date_start_b"].notna()]
    if not dates.empty:
        inside = (dates["date_start_a"] >= dates["date_start_b"]) & (dates["date_end_a"] <= dates["date_end_b"])
        contains = (dates["date_start_a"] <= dates["date_start_b"]) & (dates["date_end_a"] >= dates["date_end_b"])
        # a finer date implies the coarser one; a coarser one half-supports the finer
        w = np.where(inside, 1.0, np.where(contains, 0.5, 0.0))
        out.append(pd.DataFrame({"from_value": dates["v_a"], "to_value": dates["v_b"], "weight": w})[w > 0])
    sets = pairs[pairs["value_type_a"].eq("entity_set")]
    if not sets.empty:
        # a partial list implies the fuller list that contains it, as much as it covers of it
        a = sets["value_a"].str.split(";").map(frozenset)
        b = sets["value_b"].str.split(";").map(frozenset)
        subset = pd.Series([x < y for x, y in zip(a, b)], index=sets.index, dtype=bool)
        share = pd.Series([len(x) / len(y) for x, y in zip(a, b)], index=sets.index)
        out.append(pd.DataFrame({"from_value": sets["v_a"], "to_value": sets["v_b"], "weight": share})[subset])
    qty = pairs[pairs["value_type_a"].eq("quantity")]
    if not qty.empty:
        overlap = ranges_overlap(qty)
        out.append(pd.DataFrame({"from_value": qty["v_a"], "to_value": qty["v_b"], "weight": 0.5})[overlap])
    if not out:
        return pd.DataFrame(columns=["from_value", "to_value", "weight"])
    return pd.concat(out, ignore_index=True)


def build_source_graph(claims: pd.DataFrame, sources: pd.DataFrame) -> SourceGraph:
    """Trust, dependence and the agreement graph of the given claims and sources."""
    items = _items(claims)
    declared = [
        (s, d) for s, d in zip(sources["source"], sources["derived_from"]) if isinstance(d, str) and d
    ]
    implications = _implications(items) if len(items) else None
    first = pooled_investment(items, implications=implications) if len(items) else None
    believed = first.winners.set_index("item")["value"] if first is not None else None
    source_ids = sorted(sources["source"])
    pairs = pair_statistics(items, believed, declared) if len(items) else pair_statistics(
        pd.DataFrame(columns=["source", "item", "value"]), None, declared
    )
    groups = dependence_groups(source_ids, pairs)
    if len(items):
        from .dependence import claim_weights

        truth = pooled_investment(items, implications=implications, claim_weight=claim_weights(items, groups))
        trust = truth.accuracy.reindex(source_ids).fillna(0.0)
    else:
        truth = first
        trust = pd.Series(0.0, index=source_ids)
    graph = _graph(claims, sources, trust, groups, pairs)
    return SourceGraph(graph, trust, groups, pairs, truth, items)


def _graph(claims, sources, trust, groups, pairs) -> nx.Graph:
    g = nx.Graph(name="source agreement")
    per = claims.groupby("source").size()
    for r in sources.sort_values("source").itertuples(index=False):
        g.add_node(
            r.source,
            language=r.language or "",
            publisher=r.publisher or "",
            kind=r.kind or "",
            published=r.published or "",
            derived_from=r.derived_from if isinstance(r.derived_from, str) else "",
            claims=int(per.get(r.source, 0)),
            trust=round(float(trust.get(r.source, 0.0)), 6),
            group=str(groups.get(r.source, r.source)),
        )
    for r in pairs.itertuples(index=False):
        g.add_edge(
            r.source_a,
            r.source_b,
            shared=int(r.shared),
            agree=int(r.agree),
            disagree=int(r.disagree),
            agreement=round(float(r.agreement), 6) if pd.notna(r.agreement) else 0.0,
            shared_errors=int(r.shared_errors),
            dependence=round(float(r.score), 6),
            declared=bool(r.declared),
        )
    return g


def source_table(sg: SourceGraph, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per source: language, publisher, date, claims, agreements, disagreements,
    trust, dependence group and the sources it depends on."""
    g = sg.graph
    rows = []
    for s in sorted(g.nodes):
        n = g.nodes[s]
        edges = [g.edges[s, o] for o in g.neighbors(s)]
        dependent = sorted(
            o for o in g.neighbors(s) if sg.groups.get(o) == sg.groups.get(s) and o != s
        )
        rows.append(
            {
                "source": s,
                "language": n["language"],
                "publisher": n["publisher"],
                "published": n["published"],
                "claims": n["claims"],
                "agreements": sum(e["agree"] for e in edges),
                "disagreements": sum(e["disagree"] for e in edges),
                "trust": n["trust"],
                "group": n["group"],
                "depends_on": dependent,
            }
        )
    return pd.DataFrame(rows)


# --- suggestions --------------------------------------------------------------------------


def _side_sources(side: dict, source_of: dict[str, str]) -> set[str]:
    return {source_of[c] for c in side["claims"] if c in source_of}


def _side_spans(sides: list[dict], spans: dict[str, tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Per side: the days all its dated claims share ``(latest start, earliest end)``, or None."""
    out = []
    for side in sides:
        dated = [spans[c] for c in side["claims"] if c in spans]
        out.append((max(s for s, _ in dated), min(e for _, e in dated)) if dated else None)
    return out


def _compatible(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Whether two sides could both be right (their dates overlap)."""
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def suggest(conflicts: pd.DataFrame, claims: pd.DataFrame, sg: SourceGraph) -> pd.Series:
    """A suggestion sentence per conflict (aligned with ``conflicts``)."""
    source_of = dict(zip(claims["claim_id"], claims["source"]))
    dated = claims[claims["value_type"].eq("date") & claims["date_start"].notna()]
    spans = dict(
        zip(
            dated["claim_id"],
            zip(dated["date_start"].to_numpy("datetime64[s]").astype("int64"), dated["date_end"].to_numpy("datetime64[s]").astype("int64")),
        )
    )
    groups_of = sg.groups.to_dict()
    trust_of = sg.trust.to_dict()
    out = []
    for sides, internal in zip(conflicts["sides"], conflicts["internal"]):
        side_spans = _side_spans(sides, spans)
        support = []
        for i, side in enumerate(sides):
            srcs = _side_sources(side, source_of)
            for j, other in enumerate(sides):
                if i != j and _compatible(side_spans[i], side_spans[j]):
                    srcs |= _side_sources(other, source_of)
            groups: dict[str, float] = {}
            for s in srcs:
                grp = groups_of.get(s, s)
                groups[grp] = max(groups.get(grp, 0.0), float(trust_of.get(s, 0.0)))
            support.append((len(groups), sum(groups.values()), side, sorted(srcs), sorted(groups), side_spans[i]))
        ranked = sorted(support, key=lambda t: (-t[0], -t[1], json.dumps(t[2]["value"], ensure_ascii=False)))
        best = ranked[0]
        rivals = [t for t in ranked[1:] if not _compatible(best[5], t[5])] or ranked[1:]
        second = rivals[0]
        same_camp = set(best[4]) == set(second[4])
        out.append(_sentence(best[:5], second[:5], internal or same_camp, sg))
    return pd.Series(out, index=conflicts.index, dtype=object)


def _who(srcs: list[str], sg: SourceGraph) -> str:
    groups: dict[str, list[str]] = {}
    for s in srcs:
        groups.setdefault(str(sg.groups.get(s, s)), []).append(s)
    parts = [" + ".join(v) + (" (dependent, counted once)" if len(v) > 1 else "") for _, v in sorted(groups.items())]
    return ", ".join(parts)


def _sentence(best, second, internal: bool, sg: SourceGraph) -> str:
    n1, w1, side1, srcs1, _ = best
    n2, w2, side2, srcs2, _ = second
    if n1 > n2:
        return (
            f"Better supported: {side1['label']} — {n1} independent source{'s' if n1 != 1 else ''} "
            f"({_who(srcs1, sg)}) against {n2} ({_who(srcs2, sg)}); trust-weighted support {w1:.2f} against {w2:.2f}."
        )
    if n1 == n2 and w2 > 0 and w1 >= 1.5 * w2 and not internal:
        return (
            f"Leaning to {side1['label']}: as many independent sources on each side ({n1}), but more trusted ones "
            f"({_who(srcs1, sg)}: {w1:.2f} against {_who(srcs2, sg)}: {w2:.2f})."
        )
    if internal:
        everyone = sorted(set(srcs1) | set(srcs2))
        if len({sg.groups.get(s, s) for s in everyone}) == 1:
            return (
                f"The evidence does not decide: the conflict is within {_who(everyone, sg)}, "
                "and no independent source speaks to it."
            )
        return f"The evidence does not decide: the same sources ({_who(everyone, sg)}) stand on both sides."
    return (
        f"The evidence does not decide: {n1} independent source{'s' if n1 != 1 else ''} on each side "
        f"({_who(srcs1, sg)} against {_who(srcs2, sg)}), with similar trust ({w1:.2f} against {w2:.2f})."
    )


def rank_conflicts(conflicts: pd.DataFrame, claims: pd.DataFrame, sg: SourceGraph) -> pd.DataFrame:
    """Add ``suggestion`` and ``independent`` (number of dependence groups involved), and sort
    worst first: severity, then the most contested (most independent sources) first."""
    from .conflicts import SEVERITY_RANK

    if conflicts.empty:
        return conflicts.assign(suggestion=pd.Series(dtype=object), independent=pd.Series(dtype="int64"))
    out = conflicts.copy()
    out["suggestion"] = suggest(out, claims, sg)
    out["independent"] = out["sources"].map(lambda ss: len({sg.groups.get(s, s) for s in ss}))
    out["_rank"] = out["severity"].map(SEVERITY_RANK)
    out = out.sort_values(
        ["_rank", "independent", "subject", "property", "scope", "rule", "fingerprint"],
        ascending=[True, False, True, True, True, True, True],
        kind="stable",
        na_position="first",
    ).drop(columns="_rank")
    return out.reset_index(drop=True)


def to_graphml(sg: SourceGraph) -> str:
    """The graph as GraphML text (node and edge attributes typed)."""
    return "\n".join(nx.generate_graphml(sg.graph, prettyprint=True)) + "\n"


def to_node_link(sg: SourceGraph) -> str:
    """The graph as node-link JSON (networkx's node_link_data), sorted and stable."""
    data = nx.node_link_data(sg.graph, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"]))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
