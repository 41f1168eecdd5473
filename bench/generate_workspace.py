"""Synthetic workspaces for scale tests: N sources, K subjects, typed properties, planted
contradictions and copying sources, written as Parquet claim files.

Layout of a generated workspace (a real workspace: `reconcile check` runs on it):

* subjects: countries (ids ``country:XX`` from the built-in gazetteer, so no entity
  registry is needed) × ``n_properties_per_type`` generated properties of each type:
  single-valued entity (a city), entity set (countries, complete lists), date, quantity;
* sources ``src-000`` …: each states the true value of the keys it covers, except that
  with its error rate it states a wrong one (a planted contradiction); copier sources
  repeat their original's values (errors included) on ``copy_rate`` of its keys;
* each source's document holds one line per claim, and each claim quotes its line.

:func:`generate_workspace` returns a manifest of what it planted: true values per key,
which claims are wrong, which sources copy which — so tests can check that exactly the
planted contradictions are found.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.normalize.names import Gazetteer

__all__ = ["Manifest", "generate_many_sources", "generate_workspace"]

CITIES = ["city:dushanbe", "city:tashkent", "city:moscow", "city:yerevan", "city:minsk", "city:chisinau", "city:kyiv", "city:baku"]


@dataclass
class Manifest:
    n_claims: int
    sources: list[str]
    error_rate: dict[str, float]
    copiers: dict[str, str]
    contradicted_keys: int
    wrong_claims: int


def _countries() -> list[str]:
    gaz = Gazetteer.default()
    return sorted(i for i in gaz._ids if i.startswith("country:"))  # noqa: SLF001 - the id list


def generate_workspace(
    root: Path,
    n_claims: int,
    *,
    n_sources: int = 20,
    coverage: float = 0.5,
    n_properties_per_type: int = 5,
    n_copiers: int = 2,
    copy_rate: float = 0.9,
    seed: int = 0,
) -> Manifest:
    """Write a workspace with about ``n_claims`` claims under ``root``; return its manifest."""
    rng = np.random.default_rng(seed)
    countries = _countries()
    n_keys = max(1, int(round(n_claims / (n_sources * coverage))))
    keys, props, prop_type, ktype = _keys(rng, countries, n_keys, n_properties_per_type)
    true_val, wrong_val = _values(rng, countries, ktype)

    k = len(keys)
    sources = [f"src-{i:03d}" for i in range(n_sources)]
    error_rate = rng.uniform(0.0, 0.2, n_sources)
    covered = rng.random((n_sources, k)) < coverage
    wrong = rng.random((n_sources, k)) < error_rate[:, None]
    copiers: dict[str, str] = {}
    for c in range(n_copiers):
        cop, orig = n_sources - 1 - c, c
        mask = covered[orig] & (rng.random(k) < copy_rate)
        covered[cop] |= mask
        wrong[cop] = np.where(mask, wrong[orig], wrong[cop])
        copiers[sources[cop]] = sources[orig]
    s_idx, k_idx = np.nonzero(covered)
    is_wrong = wrong[s_idx, k_idx]
    return _write(root, keys, props, prop_type, true_val, wrong_val, sources, error_rate, copiers, s_idx, k_idx, is_wrong)


def generate_many_sources(
    root: Path,
    n_sources: int,
    claims_per_source: int = 2,
    *,
    derived: int = 0,
    hidden: int = 0,
    sources_per_key: float = 5.0,
    n_properties_per_type: int = 5,
    copy_rate: float = 0.9,
    max_error_rate: float = 0.2,
    seed: int = 0,
) -> Manifest:
    """Write a workspace of ``n_sources`` sources stating ``claims_per_source`` claims each
    (on distinct keys drawn at random) under ``root``; return its manifest.

    The keys grow with the claims: there are ``n_sources * claims_per_source / sources_per_key``
    of them, so each key is stated by about ``sources_per_key`` sources and most pairs of
    sources share no key (the shape of many small sources: news items, posts, letters).
    ``derived`` sources declare ``derived_from`` an original source (another one, drawn at
    random); each of their claims repeats one of the original's, errors included, with
    probability ``copy_rate`` (so a few declared pairs share no key at all); ``hidden`` more
    sources copy in the same way without declaring it (copying to be detected from shared
    errors; the manifest's ``copiers`` lists the declared ones). Each source's error rate is
    drawn between 0 and ``max_error_rate``.
    """
    rng = np.random.default_rng(seed)
    countries = _countries()
    n_claims = n_sources * claims_per_source
    n_keys = max(claims_per_source, int(round(n_claims / sources_per_key)))
    keys, props, prop_type, ktype = _keys(rng, countries, n_keys, n_properties_per_type)
    true_val, wrong_val = _values(rng, countries, ktype)
    k = len(keys)
    if k < claims_per_source:
        raise ValueError(f"only {k} keys for {claims_per_source} claims per source")

    width = max(3, len(str(n_sources - 1)))
    sources = [f"src-{i:0{width}d}" for i in range(n_sources)]
    error_rate = rng.uniform(0.0, max_error_rate, n_sources)
    # each source's keys: claims_per_source distinct keys (a random key plus distinct offsets)
    first = rng.integers(0, k, n_sources)
    offsets = np.stack([rng.choice(k - 1, claims_per_source - 1, replace=False) + 1 for _ in range(n_sources)]) if claims_per_source > 1 else np.zeros((n_sources, 0), dtype=np.int64)
    key_of = np.column_stack([first, (first[:, None] + offsets) % k]) if claims_per_source > 1 else first[:, None]
    wrong = rng.random((n_sources, claims_per_source)) < error_rate[:, None]
    copiers: dict[str, str] = {}
    if derived or hidden:
        cop = rng.choice(n_sources, size=min(derived + hidden, n_sources - 1), replace=False)
        declares = np.zeros(len(cop), dtype=bool)
        declares[:derived] = True
        order = np.argsort(cop)
        cop, declares = cop[order], declares[order]
        orig = rng.integers(0, n_sources - 1, len(cop))
        orig = orig + (orig >= cop)  # another source
        copied = rng.random((len(cop), claims_per_source)) < copy_rate
        for c, o, mask, declared in zip(cop, orig, copied, declares):
            key_of[c] = np.where(mask, key_of[o], key_of[c])
            wrong[c] = np.where(mask, wrong[o], wrong[c])
            if declared:
                copiers[sources[c]] = sources[o]
    s_idx = np.repeat(np.arange(n_sources), claims_per_source)
    k_idx = key_of.ravel()
    is_wrong = wrong.ravel()
    # a copier may hold one key twice (its own and the original's): one claim per key
    keep = ~pd.DataFrame({"s": s_idx, "k": k_idx}).duplicated().to_numpy()
    s_idx, k_idx, is_wrong = s_idx[keep], k_idx[keep], is_wrong[keep]
    return _write(root, keys, props, prop_type, true_val, wrong_val, sources, error_rate, copiers, s_idx, k_idx, is_wrong)


def _keys(rng: np.random.Generator, countries: list[str], n_keys: int, n_properties_per_type: int):
    """``n_keys`` distinct (subject, property) keys, the properties, their types and each key's type."""
    types = ["entity", "entity_set", "date", "quantity"]
    per_type = max(n_properties_per_type, -(-n_keys // (len(countries) * len(types))))
    props = [f"{t}_{i:03d}" for t in types for i in range(per_type)]
    prop_type = np.array([p.rsplit("_", 1)[0] for p in props])
    # distinct keys: a sample without replacement from subjects × properties
    pick = rng.choice(len(countries) * len(props), size=min(n_keys, len(countries) * len(props)), replace=False)
    keys = pd.DataFrame(
        {"subject": np.array(countries)[pick // len(props)], "property": np.array(props)[pick % len(props)]}
    )
    ktype = prop_type[pd.Index(props).get_indexer(keys["property"])]
    return keys, props, prop_type, ktype


def _values(rng: np.random.Generator, countries: list[str], ktype: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The true and the wrong value of each key, by type (vectorized, then formatted as claim text)."""
    k = len(ktype)
    city_true = rng.integers(0, len(CITIES), k)
    set_true = [";".join(sorted(rng.choice(countries[:60], 4, replace=False))) for _ in range(k)] if (ktype == "entity_set").any() else [""] * k
    year = rng.integers(1950, 2020, k)
    day = rng.integers(0, 365, k)
    date_true = (pd.to_datetime(year.astype(str), format="%Y") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d")
    qty_true = rng.integers(100, 100_000, k)
    true_val = np.where(ktype == "entity", np.array(CITIES)[city_true], "")
    true_val = np.where(ktype == "entity_set", np.array(set_true, dtype=object), true_val)
    true_val = np.where(ktype == "date", np.asarray(date_true), true_val)
    true_val = np.where(ktype == "quantity", qty_true.astype(str), true_val)
    wrong_val = np.where(ktype == "entity", np.array(CITIES)[(city_true + 1) % len(CITIES)], "")
    wrong_val = np.where(ktype == "entity_set", np.array([s.split(";", 1)[-1] + ";country:ZW" for s in set_true], dtype=object), wrong_val)
    wrong_val = np.where(
        ktype == "date",
        np.asarray((pd.to_datetime(date_true) + pd.to_timedelta(400, unit="D")).strftime("%Y-%m-%d")),
        wrong_val,
    )
    wrong_val = np.where(ktype == "quantity", (qty_true * 3).astype(str), wrong_val)
    return true_val, wrong_val


def _write(
    root: Path,
    keys: pd.DataFrame,
    props: list[str],
    prop_type: np.ndarray,
    true_val: np.ndarray,
    wrong_val: np.ndarray,
    sources: list[str],
    error_rate: np.ndarray,
    copiers: dict[str, str],
    s_idx: np.ndarray,
    k_idx: np.ndarray,
    is_wrong: np.ndarray,
) -> Manifest:
    """Write the claims (per claim: its source, key and whether it is wrong) as a workspace."""
    claims = pd.DataFrame(
        {
            "source": np.array(sources)[s_idx],
            "subject": keys["subject"].to_numpy()[k_idx],
            "property": keys["property"].to_numpy()[k_idx],
            "value": np.where(is_wrong, wrong_val[k_idx], true_val[k_idx]),
        }
    )
    claims["id"] = [f"g{i:08d}" for i in range(len(claims))]
    claims["quote"] = "Claim " + claims["id"] + ": " + claims["subject"] + " " + claims["property"] + " is " + claims["value"] + "."
    claims["complete"] = True

    # write the workspace
    (root / "claims" / "documents").mkdir(parents=True, exist_ok=True)
    (root / "claims" / "captured").mkdir(parents=True, exist_ok=True)
    src_rows = []
    for sid, grp in claims.groupby("source", sort=True):
        (root / "claims" / "documents" / f"{sid}.txt").write_text("\n".join(grp["quote"]) + "\n", encoding="utf-8")
        grp[["id", "subject", "property", "value", "complete", "quote"]].to_parquet(
            root / "claims" / "captured" / f"{sid}.parquet", index=False
        )
        src_rows.append(
            f"  - {{id: {sid}, document: documents/{sid}.txt, language: en, kind: news, published: '2020'"
            + (f", derived_from: {copiers[sid]}" if sid in copiers else "")
            + "}"
        )
    (root / "claims" / "sources.yaml").write_text("sources:\n" + "\n".join(src_rows) + "\n", encoding="utf-8")
    prop_lines = ["properties:"]
    for p, t in zip(props, prop_type):
        prop_lines.append(f"  {p}:")
        prop_lines.append(f"    type: {t}")
        if t == "entity":
            prop_lines.append("    entity_kinds: [city]")
        elif t == "entity_set":
            prop_lines.append("    entity_kinds: [country]")
        elif t == "quantity":
            prop_lines.append("    tolerance: 0.01")
    (root / "claims" / "properties.yaml").write_text("\n".join(prop_lines) + "\n", encoding="utf-8")
    (root / "claims" / "entities.yaml").write_text("entities: []\n", encoding="utf-8")
    contradicted = int(pd.Series(is_wrong).groupby(k_idx).any().sum())
    manifest = Manifest(len(claims), sources, dict(zip(sources, error_rate.round(4))), copiers, contradicted, int(is_wrong.sum()))
    (root / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic reconcile workspace.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sources", type=int, help="many small sources: this many sources (see --claims-per-source)")
    parser.add_argument("--claims-per-source", type=int, default=2, help="with --sources: claims of each source (--claims is ignored)")
    parser.add_argument("--derived", type=int, default=0, help="with --sources: sources declaring derived_from another")
    parser.add_argument("--sources-per-key", type=float, default=5.0, help="with --sources: mean number of sources stating a key")
    args = parser.parse_args(argv)
    if args.sources:
        m = generate_many_sources(
            args.root, args.sources, args.claims_per_source, derived=args.derived,
            sources_per_key=args.sources_per_key, seed=args.seed,
        )
    else:
        m = generate_workspace(args.root, args.claims, seed=args.seed)
    print(f"{m.n_claims:,} claims, {len(m.sources)} sources, {len(m.copiers)} derived, "
          f"{m.contradicted_keys:,} contradicted keys -> {args.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
