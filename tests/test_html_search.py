"""The report's search by meaning, not script: the index built in Python
(reconcile/render/search_index.py) and search.js in a real headless Chromium."""

from __future__ import annotations

import json
import random

import pytest
from bs4 import BeautifulSoup

from reconcile.pipeline import load
from reconcile.render.html_report import search_fold
from reconcile.render.search_index import build_search_index, card_entities, card_keys, embed_json

from .conftest import ROOT
from .test_html_report import _open, _soup, browser, corpus_report, injection_report  # noqa: F401 (fixtures)


def _index(folder) -> dict:
    block = _soup(folder).find("script", id="search-index")
    assert block is not None and block.get("type") == "application/json"
    return json.loads(block.string)


# --- the index --------------------------------------------------------------------------------


def test_embedded_json_cannot_close_its_element():
    data = {"q": "</script><script>alert(1)</script><!-- & \u2028 \u2029 «تاشکند»"}
    text = embed_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data
    assert "تاشکند" in text  # kept as UTF-8, not \\u-escaped: smaller pages


def test_the_index_lists_the_entities_of_the_page_and_their_names_in_every_language(corpus_report):
    index = _index(corpus_report)
    ws, _ = load(ROOT)
    assert index["entities"] == sorted(index["entities"])
    assert len(index["entities"]) == len(index["labels"]) < len(ws.gazetteer.ids()) / 10
    tashkent = index["entities"].index("city:tashkent")
    for name in ("Tashkent", "تاشکند", "طشقند", "Ташкент"):
        assert index["names"][search_fold(name)] == [tashkent], name
    uz = index["entities"].index("country:UZ")
    for name in ws.gazetteer.names_of("country:UZ"):
        assert uz in index["names"][search_fold(name)], name
    # every card of the page, with the entities it involves and its terms
    cards = _soup(corpus_report).select("article.card")
    assert sorted(index["cards"]) == sorted(c["id"][2:] for c in cards)
    for fp, (entities, terms, own) in index["cards"].items():
        assert own.startswith(fp)
        assert all(0 <= e < len(index["entities"]) for e in entities)
        assert all(0 <= t < len(index["terms"]) for t in terms)


def test_a_card_involves_the_entities_named_in_its_quotes():
    ws, _ = load(ROOT)
    rec = {
        "fingerprint": "f00", "rule": "r", "property": "p", "subject": "org:csto", "sources": ["s1"], "scope": "2012",
        "sides": [{"value": "country:UZ", "label": "Uzbekistan",
                   "claims": [{"quote": "در تاشکند امضا شد", "source": "s1", "file": "claims/captured/a.yaml",
                               "document": "claims/documents/a.txt", "id": "a-1"}]},
                  {"value": "withdrawn", "label": "withdrawn", "claims": []}],
    }
    assert card_entities(rec, ws.gazetteer) == ["city:tashkent", "country:UZ", "org:csto"]
    own, terms = card_keys(rec, "Membership")
    assert own == "f00 2012"
    assert terms == ["r", "p", "membership", "s1", "claims captured a yaml", "claims documents a txt"]


def test_the_index_is_deterministic(corpus_report, runner, tmp_path):
    from reconcile.cli.commands import main

    result = runner.invoke(main, ["report", str(ROOT), "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index.html").read_bytes() == (corpus_report / "index.html").read_bytes()


def test_markup_in_the_index_stays_data(injection_report):
    raw = (injection_report / "index.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/json" id="search-index">')
    end = raw.index("</script>", start)
    block = raw[start:end]
    assert "<script" not in block[1:] and "<!--" not in block
    soup = BeautifulSoup(raw, "html.parser")
    assert json.loads(soup.find("script", id="search-index").string)["cards"]


# --- in a real browser ----------------------------------------------------------------------


def _found(page, query: str) -> list[str]:
    page.fill("#f-text", query)
    return sorted(page.eval_on_selector_all("article.card:not(.hidden)", "es => es.map(e => e.id.slice(2))"))


def test_a_name_finds_the_same_cards_in_every_script(browser, corpus_report):
    page, events = _open(browser, corpus_report / "index.html")
    total = page.locator("article.card").count()
    tashkent = _found(page, "Tashkent")
    assert 0 < len(tashkent) < total
    assert _found(page, "تاشکند") == tashkent
    assert _found(page, "طشقند") == tashkent
    assert page.inner_text("#f-understood").startswith("طشقند → city:tashkent (Tashkent)")
    moscow = _found(page, "Moscow")
    assert moscow and _found(page, "مسکو") == moscow and _found(page, "Москва") == moscow
    uzbekistan = _found(page, "Uzbekistan")
    assert 0 < len(uzbekistan) < total
    for name in ("ازبکستان", "أوزبكستان", "ازبكستان", "УЗБЕКИСТАН", "Oʻzbekiston", "Republic of Uzbekistan", "country:UZ"):
        assert _found(page, name) == uzbekistan, name
    # a typo within the gazetteer's fuzzy threshold, and what the query was read as
    assert _found(page, "Uzbekistn") == uzbekistan
    understood = page.inner_text("#f-understood")
    assert "country:UZ (Uzbekistan)" in understood and "spelling" in understood
    assert not [e for e in events["console"] if e[0] in ("error", "pageerror", "warning")], events["console"]
    page.close()


def test_fingerprints_sources_and_file_names_find_their_cards(browser, corpus_report):
    report = json.loads((corpus_report / "report.json").read_text(encoding="utf-8"))
    page, _ = _open(browser, corpus_report / "index.html")
    first = report["conflicts"][0]
    assert _found(page, first["fingerprint"]) == [first["fingerprint"]]
    assert _found(page, "#" + first["fingerprint"][:10]) == [first["fingerprint"]]
    claim = first["sides"][0]["claims"][0]
    for key in (claim["file"].rsplit("/", 1)[-1], claim["document"].rsplit("/", 1)[-1], claim["source"]):
        expected = sorted(
            c["fingerprint"] for c in report["conflicts"]
            if any(key in (cl["file"], cl["document"], cl["source"]) or cl["file"].endswith("/" + key)
                   or cl["document"].endswith("/" + key) for s in c["sides"] for cl in s["claims"])
        )
        found = _found(page, key)
        assert first["fingerprint"] in found and set(expected) <= set(found), key
    assert _found(page, "no such thing anywhere") == []
    assert "no known name" in page.inner_text("#f-understood")
    page.close()


def test_the_page_resolves_names_as_the_gazetteer_does(browser, corpus_report):
    """Names of the page's entities and single typos of them: where the gazetteer resolves
    one to an entity on the page (exactly or fuzzily), search.js finds that entity."""
    index = _index(corpus_report)
    ws, _ = load(ROOT)
    rng = random.Random(21)
    queries = []
    for e in index["entities"]:
        for name in ws.gazetteer.names_of(e):
            queries.append(name)
            if len(name) > 5:
                i = rng.randrange(1, len(name) - 1)
                queries += [name[:i] + name[i + 1 :], name[:i] + name[i + 1] + name[i] + name[i + 2 :]]
    page, _ = _open(browser, corpus_report / "index.html")
    got = page.evaluate("qs => qs.map(q => window.reconcileSearch.resolve(q))", queries)
    page.close()
    on_page = set(index["entities"])
    checked, differ = 0, []
    for q, js in zip(queries, got):
        res = ws.gazetteer.resolve(q)
        if res.id in on_page and res.method in ("exact", "fuzzy"):
            checked += 1
            if res.id not in js:
                differ.append((q, res.id, res.method, js))
    assert checked > 100 and not differ, differ[:5]


def test_page_folds_names_as_python_does(browser, corpus_report):
    """Every name of the index, as the gazetteer writes it, folds in the browser to the
    index's key for it; and the keys are fixed points of the browser's fold."""
    index = _index(corpus_report)
    ws, _ = load(ROOT)
    names = sorted({n for e in index["entities"] for n in [ws.gazetteer.label(e), *ws.gazetteer.names_of(e)]})
    page, _ = _open(browser, corpus_report / "index.html")
    folded = page.evaluate("s => s.map(window.reconcileFold)", names)
    keys = page.evaluate("s => s.map(window.reconcileFold)", list(index["names"]))
    page.close()
    assert [search_fold(n) for n in names] == folded
    assert keys == list(index["names"])


def test_a_small_index_for_a_small_page():
    ws, _ = load(ROOT)
    assert build_search_index([], ws.gazetteer)["entities"] == []


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_shows_every_card(browser, corpus_report, query):
    page, _ = _open(browser, corpus_report / "index.html")
    total = page.locator("article.card").count()
    assert len(_found(page, query)) == total
    assert page.inner_text("#f-understood") == ""
    page.close()
