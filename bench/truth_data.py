"""Loaders for the truth-discovery benchmarks in ../shared/benchmarks/truth.

Each loader returns ``(claims, gold)``: ``claims`` with columns source, item, value (one
row per source and item, values normalized), ``gold`` mapping item → normalized true value.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pandas as pd

__all__ = ["BENCH_DIR", "normalize_time", "load_flights", "normalize_authors", "load_book", "author_implications"]

BENCH_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "truth"
TIME_COLUMNS = ["sched_dep_time", "act_dep_time", "sched_arr_time", "act_arr_time"]
_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*([ap])?\.?\s*m?\.?", re.IGNORECASE)


def normalize_time(text: object) -> str | None:
    """``7:45 p.m.``, ``7:45pDec 2``, ``12/02 7:45 p.m.``, ``Thu 19:45`` → ``19:45``; None if absent."""
    if not isinstance(text, str) or not text.strip():
        return None
    s = re.sub(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", " ", text)  # drop dates such as 12/02 or 12/2/11
    m = _TIME.search(s)
    if not m:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2)), (m.group(3) or "").lower()
    if half == "p" and hour != 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _flights_long(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    long = frame.melt(id_vars=["tuple_id", "src", "flight"], value_vars=TIME_COLUMNS, var_name="attribute")
    long["item"] = long["flight"] + "|" + long["attribute"]
    long["value"] = long["value"].map(normalize_time)
    return long


def load_flights(folder: Path = BENCH_DIR / "flights") -> tuple[pd.DataFrame, pd.Series]:
    dirty = _flights_long(folder / "flights_dirty.csv")
    clean = _flights_long(folder / "flights_clean.csv")
    gold = clean.dropna(subset=["value"]).drop_duplicates("item").set_index("item")["value"]
    claims = dirty.dropna(subset=["value"]).rename(columns={"src": "source"})
    claims = claims.drop_duplicates(["source", "item"])[["source", "item", "value"]].reset_index(drop=True)
    return claims, gold


_NOT_AUTHORS = {"not available", "na", "n/a", "unknown", ""}


def normalize_authors(text: object) -> str | None:
    """An author list as a sorted set of lower-case name tokens (``"donald e knuth"`` order-free).

    Bookstores write "Knuth, Donald E.", "Donald E. Knuth", "KNUTH DONALD E", add roles
    ("(Editor)", "edited by", "Ph.D.", "Jr.", "et al."), HTML entities ("R&ouml;mer") and
    accents; the token set is the same. Tokens of one letter (initials) are kept.
    """
    if not isinstance(text, str) or text.strip().lower() in _NOT_AUTHORS:
        return None
    s = html.unescape(html.unescape(text))  # "R&amp;ouml;mer" → "Römer"
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"\bph\.?\s*d\.?|\bet\.?\s+al\.?", " ", s)
    s = re.sub(
        r"\b(editor|editors|edited|ed|eds|author|authors|foreword|introduction|by|and|with|translator|"
        r"illustrator|jr|sr|dr|prof|copyright|copy)\b",
        " ",
        s,
    )
    tokens = sorted(set(re.findall(r"[a-z][a-z'\-]*", s)))
    if not tokens:
        return None
    return " ".join(tokens)


def load_book(folder: Path = BENCH_DIR / "book") -> tuple[pd.DataFrame, pd.Series]:
    raw = pd.read_csv(
        folder / "book.txt", sep="\t", header=None, names=["source", "isbn", "title", "authors"],
        dtype=str, encoding="latin-1", quoting=3, keep_default_na=False,
    )
    raw["isbn"] = raw["isbn"].str.strip()
    raw["value"] = raw["authors"].map(normalize_authors)
    claims = raw.dropna(subset=["value"]).rename(columns={"isbn": "item"})
    claims = claims.drop_duplicates(["source", "item"])[["source", "item", "value"]].reset_index(drop=True)
    gold_rows = []
    for block in (folder / "book_golden.txt").read_text(encoding="latin-1").split("\n"):
        if "\t" in block:
            isbn, authors = block.split("\t", 1)
            gold_rows.append((isbn.strip(), normalize_authors(authors.replace(";", " "))))
    gold = pd.Series(dict(gold_rows))
    return claims, gold


def author_implications(claims: pd.DataFrame) -> pd.DataFrame:
    """Value similarity for author lists, TruthFinder-style: a partial list (a subset of the
    tokens of a fuller list of the same book) implies the fuller one, with weight
    ``|partial| / |fuller|``. Rows use the value positions of :func:`reconcile.trust.encode`.
    """
    from reconcile.trust import encode

    values = encode(claims).values.assign(v=lambda f: range(len(f)))
    values["tokens"] = values["value"].str.split().map(frozenset)
    rows = []
    for _, grp in values.groupby("item", sort=False):
        entries = list(zip(grp["v"], grp["tokens"]))
        for a, ta in entries:
            for b, tb in entries:
                if ta < tb:
                    rows.append((a, b, len(ta) / len(tb)))
    return pd.DataFrame(rows, columns=["from_value", "to_value", "weight"])
