"""Benchmark of `reconcile draft` (issue 19): drafts of the bundled documents against the
curated claims, `check` on drafts alone, and drafting speed.

Run from the repository root::

    .venv/bin/python -m bench.draft_benchmark               # quality and the bundled timing
    .venv/bin/python -m bench.draft_benchmark --scale 1000  # also 1,000 generated documents

**Matching.** A draft matches a curated claim of the same source, subject and property whose
value is equal (a date: the curated date lies within the draft's, i.e. they are the same at
the draft's precision; a set: the same members; a figure: the same amount) and whose quote
overlaps the draft's in the document. Precision is the share of drafts that match a curated
claim; recall the share of curated claims that a draft matches, over the properties that have
cues in the source's language. Both are printed per property, per language, overall, and for
the *generic* properties alone (those of `reconcile init`'s starter registry).

**Conflicts from drafts alone.** The workspace is copied with its captured claims replaced by
the drafts (every draft accepted as it is), `check` runs on it, and each conflict found on the
curated claims is looked up among the conflicts of the drafts by rule, subject and property.

**Speed.** Drafting the five bundled documents (the median of three runs), and with
``--scale N`` N generated documents of about 5,000 words each (sentences built from the
cues, names and dates of the registries, in four languages), with the growth from N/10.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from reconcile.trust.ranked import find_conflicts
from reconcile.drafting.draft_files import value_key
from reconcile.drafting.run import drafter_for
from reconcile.normalize.dates import parse_date
from reconcile.pipeline import load
from reconcile.base.problems import Problems

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "reconcile" / "data" / "starter" / "properties.yaml"


def _generic() -> set[str]:
    data = yaml.safe_load(STARTER.read_text(encoding="utf-8")) or {}
    return set((data.get("properties") or {}).keys())


def _matches(draft, claim, ptype: str) -> bool:
    if ptype == "date":
        try:
            d = parse_date(str(draft.value))
        except ValueError:
            return False
        return bool(d.start <= claim.date_start.date() and claim.date_end.date() <= d.end)
    if ptype == "quantity":
        return abs(float(draft.value["amount"]) - float(claim.qty_amount)) < 1e-9
    return value_key(ptype, draft.value) == str(claim.value)


def quality(ws) -> tuple[dict, list]:
    """Per source, the drafts and the curated claims they match."""
    drafter = drafter_for(ws)
    types = {p: s.type for p, s in ws.registry.properties.items()}
    cue_langs = defaultdict(set)
    for p, s in ws.registry.properties.items():
        for c in s.cues:
            cue_langs[p].add(c.lang)
    langs = dict(zip(ws.sources["source"], ws.sources["language"]))
    rows = []  # (source, lang, property, kind: draft|curated, matched)
    all_drafts = {}
    for sid, text in sorted(ws.documents.items()):
        lang = str(langs.get(sid) or "").split("-")[0]
        drafts = drafter.draft(text, lang)
        all_drafts[sid] = drafts
        curated = ws.claims[ws.claims["source"].eq(sid)]
        by_key = defaultdict(list)
        for c in curated.itertuples(index=False):
            by_key[(c.subject, c.property)].append(c)
        matched_claims = set()
        for d in drafts:
            hit = [
                c for c in by_key.get((d.subject, d.property), [])
                if c.span_start < d.end and d.start < c.span_end and _matches(d, c, types[d.property])
            ]
            rows.append((sid, lang, d.property, "draft", bool(hit)))
            matched_claims.update(c.claim_id for c in hit)
        for c in curated.itertuples(index=False):
            if lang in cue_langs.get(c.property, ()):
                rows.append((sid, lang, c.property, "curated", c.claim_id in matched_claims))
    return all_drafts, rows


def _pr(rows, keep) -> tuple[str, str, int, int]:
    drafts = [r for r in rows if r[3] == "draft" and keep(r)]
    curated = [r for r in rows if r[3] == "curated" and keep(r)]
    p = sum(r[4] for r in drafts) / len(drafts) if drafts else float("nan")
    r = sum(x[4] for x in curated) / len(curated) if curated else float("nan")
    return f"{p:.2f}", f"{r:.2f}", len(drafts), len(curated)


def print_quality(rows) -> None:
    generic = _generic()
    print(f"{'':34} {'precision':>9} {'recall':>7} {'drafts':>7} {'curated':>8}")
    for name, keep in [
        ("overall", lambda r: True),
        ("generic properties", lambda r: r[2] in generic),
        *[(f"language {lang}", (lambda lang: lambda r: r[1] == lang)(lang)) for lang in sorted({r[1] for r in rows})],
        *[
            (f"generic, language {lang}", (lambda lang: lambda r: r[1] == lang and r[2] in generic)(lang))
            for lang in sorted({r[1] for r in rows})
        ],
    ]:
        p, r, nd, nc = _pr(rows, keep)
        print(f"{name:34} {p:>9} {r:>7} {nd:>7} {nc:>8}")
    print("\nper property")
    for prop in sorted({r[2] for r in rows}):
        p, r, nd, nc = _pr(rows, lambda x: x[2] == prop)
        mark = "" if prop in generic else "  (workspace-specific)"
        print(f"  {prop:32} {p:>9} {r:>7} {nd:>7} {nc:>8}{mark}")


def conflicts_from_drafts(ws, drafts: dict) -> None:
    curated = find_conflicts(ws, Problems()).conflicts
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(ws.root / "claims", copy / "claims", ignore=shutil.ignore_patterns("captured", "drafts"))
        shutil.copy(ws.root / "pyproject.toml", copy / "pyproject.toml")
        (copy / "claims" / "captured").mkdir()
        for sid, ds in drafts.items():
            claims = [d.record(sid) for d in ds]
            (copy / "claims" / "captured" / f"{sid}.yaml").write_text(
                yaml.safe_dump({"source": sid, "claims": claims}, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        ws2, problems = load(copy)
        if problems.errors:
            print(f"\nthe drafts do not validate ({len(problems.errors)} problems), e.g.:")
            for p in problems.errors[:5]:
                print("  ", p)
        found = find_conflicts(ws2, Problems()).conflicts
    keys = set(zip(found["rule"], found["subject"], found["property"])) if len(found) else set()
    print(f"\nconflicts on the curated claims: {len(curated)}; on the drafts alone: {len(found)}")
    n = 0
    for c in curated.itertuples(index=False):
        hit = (c.rule, c.subject, c.property) in keys
        n += hit
        print(f"  {'found ' if hit else 'missed'} {c.rule:22} {c.subject} {c.property}")
    print(f"found from drafts: {n} of {len(curated)}")


def timing(ws, repeat: int = 3) -> float:
    drafter = drafter_for(ws)
    langs = dict(zip(ws.sources["source"], ws.sources["language"]))
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for sid, text in ws.documents.items():
            drafter.draft(text, str(langs.get(sid) or "").split("-")[0])
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _generated(ws, n_docs: int, words: int, seed: int = 7) -> list[tuple[str, str]]:
    """Documents of about ``words`` words: sentences from the registries' cues and names."""
    rng = random.Random(seed)
    cues = defaultdict(list)
    for spec in ws.registry.properties.values():
        for c in spec.cues:
            cues[c.lang].append(c.phrase)
    names = defaultdict(list)
    for eid in ws.gazetteer.ids("country"):
        for lang in ("en", "fa", "ar", "ru"):
            got = ws.gazetteer.names_of(eid, lang)
            if got:
                names[lang].append(got[0])
    filler = {
        "en": "the officials said that talks continued during the meeting of the council".split(),
        "fa": "مقامات گفتند که گفتگوها در جریان نشست شورا ادامه یافت".split(),
        "ar": "وقال المسؤولون إن المحادثات استمرت خلال اجتماع المجلس".split(),
        "ru": "официальные лица сообщили что переговоры продолжились во время заседания совета".split(),
    }
    docs = []
    for k in range(n_docs):
        lang = ("en", "fa", "ar", "ru")[k % 4]
        out, count = [], 0
        while count < words:
            parts = rng.sample(filler[lang], 5) + [rng.choice(cues[lang] or filler[lang])]
            parts += rng.sample(names[lang], 3) + [str(rng.randint(1990, 2020))] + rng.sample(filler[lang], 4)
            out.append(" ".join(parts) + ".")
            count += len(parts)
        docs.append((lang, " ".join(out)))
    return docs


def scale(ws, n_docs: int) -> None:
    drafter = drafter_for(ws)
    for n in (max(1, n_docs // 10), n_docs):
        docs = _generated(ws, n, 5000)
        t = time.perf_counter()
        total = sum(len(drafter.draft(text, lang)) for lang, text in docs)
        dt = time.perf_counter() - t
        print(f"{n:>6} generated documents of ~5,000 words: {dt:7.2f} s ({dt / n * 1000:.1f} ms each), {total:,} drafts")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="also draft this many generated documents")
    args = parser.parse_args(argv)
    ws, problems = load(ROOT)
    if problems.errors:
        print("the bundled workspace does not validate", file=sys.stderr)
        return 2
    drafts, rows = quality(ws)
    print_quality(rows)
    conflicts_from_drafts(ws, drafts)
    print(f"\ndrafting the {len(ws.documents)} bundled documents: {timing(ws):.2f} s (median of 3)")
    if args.scale:
        scale(ws, args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
