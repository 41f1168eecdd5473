"""Loaders for the truth-discovery benchmarks in ../shared/benchmarks/truth.

Each loader returns ``(claims, gold)``: ``claims`` with columns source, item, value (one
row per source and item, values normalized), ``gold`` mapping item → normalized true value.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "BENCH_DIR", "normalize_time", "load_flights", "normalize_authors", "load_book", "load_book_silver", "isbn13",
    "author_implications",
]

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


_NOT_AUTHORS = {"not available", "na", "n/a", "unknown", "none", ""}
_ROLES = re.compile(
    r"\b(editor|editors|edited|ed|eds|edt|author|authors|foreword|introduction|by|and|with|translator|"
    r"illustrator|jr|sr|ii|iii|iv|dr|prof|copyright|copy|etc|"
    r"cissp|cism|cisa|mcse|mcsd|mcsa|mcp|mct|ccna|ccnp|ccie|mba|msc|bsc|cpa|frw)\b"
)


def normalize_authors(text: object) -> str | None:
    """An author list as a sorted set of lower-case name tokens (``"donald e knuth"`` order-free).

    Bookstores write "Knuth, Donald E.", "Donald E. Knuth", "KNUTH DONALD E", add roles
    ("(Editor)", "edited by", "Ph.D.", "Jr.", "III", "et al.", "etc."), HTML entities
    ("R&ouml;mer", also with the ampersand spelled out: "O andapos;Leary"), HTML tags ("<br>")
    and accents; the token set is the same. Tokens of one letter (initials) are kept.
    """
    if not isinstance(text, str) or text.strip().lower() in _NOT_AUTHORS:
        return None
    s = text.replace("andapos;", "&apos;").replace("andamp;", "&amp;")  # "O'Leary" as "Oandapos;Leary"
    s = html.unescape(html.unescape(s))  # "R&amp;ouml;mer" → "Römer"
    s = re.sub(r"<[^>]*>", " ", s)  # "Coulouris, George<br>Dollimore, Jean"
    # "Meadors, ToddSchmidt, Cheryl" lost its separator; "McDonald", "MacLean" keep theirs.
    s = re.sub(r"(?<=[A-Za-z][a-z]{3})(?=[A-Z][a-z])", " ", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"\bph\.?\s*d\.?|\bet\.?\s+al\.?", " ", s)
    s = _ROLES.sub(" ", s)
    tokens = sorted(set(re.findall(r"[a-z][a-z'\-]*", s)))
    if not tokens or " ".join(tokens) in _NOT_AUTHORS or tokens == ["available", "not"]:
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


def isbn13(isbn: str) -> str:
    """``1558608591`` → ``9781558608597`` (ISBN-10 to ISBN-13); other strings unchanged."""
    isbn = isbn.strip()
    if len(isbn) != 10:
        return isbn
    core = "978" + isbn[:9]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core)) % 10) % 10
    return core + str(check)


def load_book_silver(items: pd.Index, folder: Path = BENCH_DIR / "book") -> pd.Series:
    """The weaker reference ``book_silver.txt`` (ISBN-13 keys), normalized and re-keyed to the
    claims' item ids ``items`` (ISBN-10 or -13); items it lacks are left out."""
    rows = [line.split("\t", 1) for line in (folder / "book_silver.txt").read_text(encoding="latin-1").splitlines()]
    silver = pd.Series({k.strip(): normalize_authors(v.replace(";", " ")) for k, v in (r for r in rows if len(r) == 2)})
    keyed = silver.reindex([isbn13(i) for i in items])
    keyed.index = items
    return keyed.dropna()


def author_implications(claims: pd.DataFrame) -> pd.DataFrame:
    """Value similarity for author lists, TruthFinder-style: a partial list (a proper subset of
    the tokens of a fuller list of the same book) implies the fuller one, with weight
    ``|partial| / |fuller|``. Rows use the value positions of :func:`reconcile.trust.model.encode`.

    Vectorized: the values' tokens are joined with themselves on (item, token), so each pair
    of values of a book sharing a token gets its overlap count; a pair is kept when the overlap
    is the whole of the smaller value.
    """
    from reconcile.trust.model import encode

    values = encode(claims).values
    tokens = values.assign(v=np.arange(len(values)), token=values["value"].str.split()).explode("token")
    tokens = tokens[["item", "token", "v"]].drop_duplicates()
    size = np.bincount(tokens["v"].to_numpy(dtype=np.int64), minlength=len(values))
    pairs = tokens.merge(tokens, on=["item", "token"], suffixes=("_from", "_to"))
    overlap = pairs.groupby(["v_from", "v_to"], sort=True).size()
    v_from = overlap.index.get_level_values(0).to_numpy()
    v_to = overlap.index.get_level_values(1).to_numpy()
    keep = (overlap.to_numpy() == size[v_from]) & (size[v_to] > size[v_from])
    return pd.DataFrame(
        {"from_value": v_from[keep], "to_value": v_to[keep], "weight": size[v_from[keep]] / size[v_to[keep]]}
    )
