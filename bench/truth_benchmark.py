"""Truth-discovery benchmark: accuracy and speed of reconcile's trust model.

Run from the repository root::

    .venv/bin/python -m bench.truth_benchmark            # everything (about a minute)
    .venv/bin/python -m bench.truth_benchmark --quick    # small synthetic sizes only

The side-by-side sections need the `truthdiscovery` library, installed only for this
benchmark (not a dependency of reconcile)::

    .venv/bin/pip install --no-deps truthdiscovery==1.0.4 && .venv/bin/pip install bidict scipy

(``pip install truthdiscovery==1.0.4`` with its dependencies pins numpy 1.24 and others and
builds pycairo, which needs the cairo C library; its drawing module, which needs them, is
stubbed here as no algorithm uses it.) Without the library its columns are skipped with a
message.

Sections: (1) every model of ``reconcile.trust.fusion.MODELS`` beside the library's algorithms
(MajorityVoting, Sums, AverageLog, Investment, PooledInvestment, TruthFinder, CRH) run in
this process on the same claims, with the time of each fit, on flights, book (gold and
silver accuracy), the synthetic set and the long-tail synthetic set (thousands of sources with
1-3 claims, a few large ones: Spearman of trust with true accuracy among sources with >= 20
claims, and how many sources with <= 3 claims are in the top decile of trust); (2) the
earlier method table; (3) synthetic copiers and trust speed; (4) ``reconcile fuse`` on 1M
claims end to end (read, fit, write) against a pandas majority vote in the same run.

It prints, for the real data sets in ../shared/benchmarks/truth (flights, book), the
accuracy of majority vote, PooledInvestment and Accu (each also with dependent sources
counted once, and on book with the partial-author-list similarity), next to the figures of
the `truthdiscovery` library given there. Book accuracy is strict: an answer is right when
its author token set equals the gold one (initials included). The book method and its
defaults were chosen on the weaker reference ``book_silver.txt`` restricted to the 1,163
books outside the gold set (column ``silver``); the 100 gold books only report. For
synthetic data with 50 sources of known accuracy and planted copiers, the Spearman rank
correlation of trust with true accuracy and which copiers were detected; and the time to
encode and run trust on 1M claims, with a pandas majority vote measured in the same run as
the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from reconcile.trust.dependence import claim_weights, dependence_groups, pair_statistics
from reconcile.trust.model import accu, majority_vote, pooled_investment

from .synthetic_truth import generate, generate_long_tail
from .truth_data import BENCH_DIR, author_implications, load_book, load_book_silver, load_flights

LIBRARY = {
    "flights": {"vote": 0.800, "PooledInvestment": 0.940, "best": "PooledInvestment"},
    "book": {"vote": 0.78, "PooledInvestment": 0.88, "best": "PooledInvestment"},
}


def accuracy(result, gold: pd.Series) -> float:
    won = result.winners.set_index("item")["value"]
    return float((won.reindex(gold.index) == gold).mean())


def with_dependence(claims: pd.DataFrame, iterations: int = 20, method=None, **kwargs):
    """As `reconcile check` does: run trust, detect copiers from its answers, rerun with the
    dependent sources' claims weighted 1/k. ``method`` defaults to PooledInvestment."""
    claims = claims.astype({"source": str})
    if method is None:
        method, kwargs = pooled_investment, {"iterations": iterations, **kwargs}
    first = method(claims, **kwargs)
    stats = pair_statistics(claims, first.winners.set_index("item")["value"])
    groups = dependence_groups(sorted(claims["source"].unique()), stats)
    return method(claims, claim_weight=claim_weights(claims, groups), **kwargs), groups


def book_method(claims: pd.DataFrame, **kwargs):
    """The book method at its defaults: Accu with the partial-author-list similarity."""
    return accu(claims, implications=author_implications(claims), **kwargs)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def real_data() -> None:
    if not BENCH_DIR.is_dir():
        print(f"skipped: {BENCH_DIR} not found")
        return
    print("Real data (accuracy over gold items; book: also over silver, 1,163 non-gold books; time in seconds)")
    print(f"{'data':8} {'method':58} {'accuracy':>8} {'silver':>7} {'time':>7} {'library':>8}")
    for name, loader in (("flights", load_flights), ("book", load_book)):
        claims, gold = loader()
        silver = None
        if name == "book":
            silver = load_book_silver(pd.Index(claims["item"].unique())).drop(gold.index, errors="ignore")
        rows = [
            ("majority vote", *timed(majority_vote, claims), LIBRARY[name]["vote"]),
            ("PooledInvestment", *timed(pooled_investment, claims), LIBRARY[name]["PooledInvestment"]),
        ]
        (dep, _), t = timed(with_dependence, claims)
        rows.append(("PooledInvestment + dependence", dep, t, None))
        rows.append(("PooledInvestment, 50 iterations", *timed(pooled_investment, claims, iterations=50), None))
        rows.append(("Accu", *timed(accu, claims), None))
        if name == "book":
            imp, t_imp = timed(author_implications, claims)
            result, t = timed(pooled_investment, claims, implications=imp)
            rows.append(("PI + partial-list similarity (rho 0.5)", result, t + t_imp, None))
            rows.append(("Accu + partial-list similarity (the book method)", *timed(book_method, claims), None))
            (dep, _), t = timed(with_dependence, claims, method=book_method)
            rows.append(("  the book method + dependence", dep, t, None))
            for label, kwargs in (
                ("  sensitivity: rho 0.3", {"rho": 0.3}),
                ("  sensitivity: no smoothing (paper's mean accuracy)", {"prior": (0.0, 0.0)}),
                ("  sensitivity: initial accuracy 0.5", {"initial_accuracy": 0.5}),
                ("  sensitivity: n_false 10 for every book", {"n_false": 10}),
                ("  sensitivity: n_false 100 for every book", {"n_false": 100}),
            ):
                result, t = timed(accu, claims, implications=imp, **kwargs)
                rows.append((label, result, t + t_imp, None))
        for label, result, seconds, lib in rows:
            lib_txt = f"{lib:.3f}" if lib is not None else ""
            silver_txt = f"{accuracy(result, silver):.3f}" if silver is not None else ""
            print(f"{name:8} {label:58} {accuracy(result, gold):8.3f} {silver_txt:>7} {seconds:7.3f} {lib_txt:>8}")
    print("book method defaults: rho 0.5 (TruthFinder), initial accuracy 0.8 (Accu), add-one prior on accuracy,")
    print("n_false = the book's distinct stated values (domain: those plus one unstated value).")
    print("6 of the 100 gold values are stated by no source (ceiling 0.94).")


def synthetic(sizes: list[int]) -> None:
    print("\nSynthetic: 50 sources, accuracies 0.30-0.95, 5 planted copiers (copy rate 0.9)")
    claims, truth, true_acc, copiers = generate(n_items=4000, seed=1)
    result = pooled_investment(claims)
    est = result.accuracy.reindex(true_acc.index)
    rho = est.rank().corr(true_acc.rank())
    dep, groups = with_dependence(claims)
    found = {c for c, o in copiers.items() if groups.get(c) == groups.get(o)}
    false_groups = sum(1 for s in groups.index if groups[s] != s and s not in copiers and s not in copiers.values())
    print(f"claims {len(claims):,}; Spearman(trust, true accuracy) = {rho:.3f}")
    acc_result = accu(claims)
    acc_rho = acc_result.accuracy.reindex(true_acc.index).rank().corr(true_acc.rank())
    print(f"Accu: Spearman(accuracy, true accuracy) = {acc_rho:.3f}, accuracy {accuracy(acc_result, truth):.3f}")
    print(f"accuracy: vote {accuracy(majority_vote(claims), truth):.3f}, PooledInvestment {accuracy(result, truth):.3f}, "
          f"with dependence {accuracy(dep, truth):.3f}")
    print(f"copiers detected: {len(found)}/{len(copiers)}; sources wrongly grouped: {false_groups}")
    print("\nSpeed (seconds; baseline = pandas majority vote by group-by on the same claims)")
    print(f"{'claims':>10} {'generate':>9} {'vote(pandas)':>13} {'trust build+run':>16} {'ratio':>6} {'iterations':>10}")
    for n in sizes:
        n_items = n // 30  # 50 sources x 0.6 coverage = 30 claims per item
        (claims, *_), t_gen = timed(generate, n_items=n_items, seed=2)
        _, t_vote = timed(lambda c: c.groupby(["item", "value"]).size().groupby(level=0).idxmax(), claims)
        result, t_trust = timed(pooled_investment, claims)
        print(f"{len(claims):>10,} {t_gen:9.3f} {t_vote:13.3f} {t_trust:16.3f} {t_trust / t_vote:6.2f} {result.iterations:>10}")
    print("library (truthdiscovery 1.0.4) on 1M claims: 8-10 s to build, about 1 s to run PooledInvestment")


# --- side by side with the truthdiscovery library -------------------------------------------

#: The library's CRH is quadratic-ish in this setting (245 s on 125k claims): skipped above this.
CRH_LIMIT = 50_000
LIBRARY_ALGORITHMS = ("MajorityVoting", "Sums", "AverageLog", "Investment", "PooledInvestment", "TruthFinder", "CRH")


def load_library() -> tuple[dict[str, type] | None, object | None, str]:
    """The library's algorithm classes and its ``Dataset``, or None and why not.

    Its package imports its drawing module (imageio, pycairo) on import; when those are
    missing, an empty stand-in module is registered for it (no algorithm uses it)."""
    import importlib
    import types

    try:
        import imageio  # noqa: F401
        import cairo  # noqa: F401
    except ImportError:
        sys.modules.setdefault("truthdiscovery.graphs", types.ModuleType("truthdiscovery.graphs"))
    try:
        algorithm = importlib.import_module("truthdiscovery.algorithm")
        dataset = importlib.import_module("truthdiscovery.input.dataset")
    except ImportError as exc:
        return None, None, (
            f"truthdiscovery is not importable ({exc}): its columns are skipped; install it with "
            "`.venv/bin/pip install --no-deps truthdiscovery==1.0.4 && .venv/bin/pip install bidict scipy`"
        )
    return {name: getattr(algorithm, name) for name in LIBRARY_ALGORITHMS}, dataset.Dataset, ""


def library_fits(claims: pd.DataFrame, classes: dict[str, type], dataset_class) -> tuple[float, dict[str, tuple[pd.Series, pd.Series, float, int]]]:
    """Build the library's data set from the claims once (timed), then run each algorithm:
    name → (winner per item, trust per source, seconds, tied items). A tie (several values
    with the top belief) takes the first in text order, as ``fuse`` shows it."""
    start = time.perf_counter()
    data = dataset_class(zip(claims["source"], claims["item"], claims["value"]))
    build = time.perf_counter() - start
    out = {}
    for name, cls in classes.items():
        if name == "CRH" and len(claims) > CRH_LIMIT:
            print(f"  library CRH skipped above {CRH_LIMIT:,} claims (about 4 minutes on the 125k-claim synthetic set)")
            continue
        start = time.perf_counter()
        try:
            result = cls().run(data)
        except Exception as exc:  # a library algorithm that fails to converge: reported, not fatal
            print(f"  library {name}: {type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - start
        winners, ties = {}, 0
        for var in result.belief:
            best = list(result.get_most_believed_values(var))
            ties += len(best) > 1
            winners[var] = sorted(best, key=str)[0]
        out[name] = (pd.Series(winners), pd.Series(result.trust), seconds, ties)
    return build, out


def our_fits(claims: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series, float, int]]:
    """Every model of ``MODELS`` through ``fuse_table`` (ties shown as ``fuse`` shows them):
    name → (winner per item, trust per source, seconds, tied items)."""
    from reconcile.trust.fusion import MODELS, fuse_table

    out = {}
    for name in MODELS:
        tables, seconds = timed(fuse_table, claims, name)
        items = tables.items.set_index("item")
        out[name] = (items["value"], tables.sources.set_index("source")["trust"], seconds, int(items["tie"].sum()))
    return out


def _score(winners: pd.Series, gold: pd.Series) -> float:
    return float((winners.reindex(gold.index) == gold).mean())


def side_by_side(long_tail_sources: int = 5000) -> None:
    """Section 1: reconcile's models and the library's algorithms on the same claims."""
    classes, dataset_class, why = load_library()
    print("Side by side: reconcile's models (fuse --model) and the truthdiscovery library's algorithms,")
    print("same claims, same process; fit time in seconds (library: plus one data-set build, shown once)")
    if classes is None:
        print(why)
    sets: list[tuple[str, pd.DataFrame, dict[str, pd.Series]]] = []
    if BENCH_DIR.is_dir():
        claims, gold = load_flights()
        sets.append(("flights", claims, {"gold": gold}))
        claims, gold = load_book()
        silver = load_book_silver(pd.Index(claims["item"].unique())).drop(gold.index, errors="ignore")
        sets.append(("book", claims, {"gold": gold, "silver": silver}))
    else:
        print(f"real data skipped: {BENCH_DIR} not found")
    claims, truth, *_ = generate(n_items=4000, seed=1)
    sets.append(("synthetic", claims.astype({"source": str}), {"truth": truth}))
    lt_claims, lt_truth, lt_acc = generate_long_tail(n_small=long_tail_sources, seed=3)
    sets.append(("long-tail", lt_claims, {"truth": lt_truth}))
    for name, claims, golds in sets:
        labels = list(golds)
        print(f"\n{name}: {len(claims):,} claims, {claims['source'].nunique():,} sources, {claims['item'].nunique():,} items")
        extra = f" {'rho>=20':>8} {'small@top10%':>12} {'@range':>6} {'@topN':>5}" if name == "long-tail" else ""
        print(f"  {'model':28} " + " ".join(f"{lab:>7}" for lab in labels) + f" {'ties':>5} {'fit s':>7}" + extra)
        rows = [("reconcile " + k, *v) for k, v in our_fits(claims).items()]
        if classes is not None:
            build, lib = library_fits(claims, classes, dataset_class)
            rows += [("library " + k, *v) for k, v in lib.items()]
        vote_acc = {lab: _score(rows[[r[0] for r in rows].index("reconcile vote")][1], g) for lab, g in golds.items()}
        for label, winners, trust, seconds, ties in rows:
            accs = " ".join(f"{_score(winners, g):7.3f}" for g in golds.values())
            tail = ""
            if name == "long-tail":
                rho, small_top, small_range, small_n = long_tail_trust(trust, lt_claims, lt_acc)
                tail = f" {rho:8.3f} {small_top:12d} {small_range:6d} {small_n:5d}"
            print(f"  {label:28} {accs} {ties:5d} {seconds:7.3f}{tail}")
        if classes is not None:
            print(f"  library data-set build: {build:.3f} s")
        print("  majority vote here: " + ", ".join(f"{k} {v:.3f}" for k, v in vote_acc.items()))
    print("\nlong-tail: rho>=20 = Spearman(trust, true accuracy) over sources with >= 20 claims;")
    print("small@top10% = sources with <= 3 claims among the top decile of trust by rank (target: 0; with")
    print("  thousands of small sources and 30 large ones the decile holds ~500 sources, most of them small")
    print("  by necessity); @range = the same among sources whose trust is in the top tenth of the trust")
    print("  range; @topN = among the N most trusted, N the number of sources with >= 20 claims.")


def long_tail_trust(trust: pd.Series, claims: pd.DataFrame, true_acc: pd.Series) -> tuple[float, int, int, int]:
    """Spearman of ``trust`` with true accuracy among sources with >= 20 claims, and the number of
    sources with <= 3 claims in the top decile of trust by rank (ties at the cut-off count in),
    in the top tenth of the trust range, and among the N most trusted (N: the sources with >= 20
    claims)."""
    counts = claims.groupby("source").size()
    trust = trust.astype(float).reindex(counts.index)
    large = counts.index[counts >= 20]
    rho = trust[large].rank().corr(true_acc.reindex(large).rank())
    small = counts <= 3
    top = trust.index[trust >= trust.quantile(0.9)]
    high = trust.index[trust >= trust.min() + 0.9 * (trust.max() - trust.min())]
    first = trust.sort_values(ascending=False, kind="stable").index[: len(large)]
    return float(rho), int(small.reindex(top).sum()), int(small.reindex(high).sum()), int(small.reindex(first).sum())


# --- fuse on a million claims ------------------------------------------------------------------


def fuse_speed(n_claims: int = 1_000_000) -> None:
    """Section 4: ``reconcile fuse`` end to end on a CSV of ``n_claims`` claims, and its split."""
    import tempfile
    from pathlib import Path

    from reconcile.cli.commands import main as cli_main
    from reconcile.trust.fuse_io import run_fuse, write_table

    print(f"\nfuse on {n_claims:,} claims (CSV from bench.synthetic_truth.generate; seconds, this machine)")
    claims, *_ = generate(n_items=n_claims // 30, seed=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.csv"
        claims.to_csv(path, index=False)
        size = path.stat().st_size
        out = Path(tmp) / "items.csv"
        start = time.perf_counter()
        try:
            cli_main.main(["fuse", str(path), "--output", str(out)], standalone_mode=False)
        except SystemExit as exc:
            assert exc.code == 0, exc.code
        end_to_end = time.perf_counter() - start
        run = run_fuse(path)
        _, write = timed(write_table, run.items, out, "csv")
        start = time.perf_counter()
        frame = pd.read_csv(path, engine="pyarrow")
        read_vote = time.perf_counter() - start
        _, vote = timed(lambda c: c.groupby(["item", "value"]).size().groupby(level=0).idxmax(), frame)
    print(f"  {len(claims):,} claims, {size / 1e6:.1f} MB, {len(run.items):,} items")
    print(f"  reconcile fuse (CLI, in process): {end_to_end:.3f} s = read {run.seconds['read']:.3f} + "
          f"fit {run.seconds['fit']:.3f} + write {write:.3f} (split measured in a second run)")
    print(f"  pandas majority vote: {read_vote + vote:.3f} s = read_csv(engine=pyarrow) {read_vote:.3f} + group-by {vote:.3f}")
    print(f"  target: under 5 s on 2 cores -> {'met' if end_to_end < 5 else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small synthetic sizes only")
    parser.add_argument("--side-by-side-only", action="store_true", help="sections 1 and 4 only")
    args = parser.parse_args(argv)
    side_by_side(long_tail_sources=2000 if args.quick else 5000)
    if not args.side_by_side_only:
        print()
        real_data()
        synthetic([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
    fuse_speed(100_000 if args.quick else 1_000_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
