"""The HTML report: structure checked by parsing, and behaviour in a real headless browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reconcile.cli import main
from reconcile.pipeline import load

from .conftest import FIXTURES, ROOT

ARTIFACTS = ROOT / "reports" / "test-artifacts"


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(main, ["report", str(ROOT), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def injection_report(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("inj")
    result = CliRunner().invoke(main, ["report", str(FIXTURES / "injection"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _soup(folder: Path) -> BeautifulSoup:
    return BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")


def _scripts(soup: BeautifulSoup) -> list:
    """The page's scripts that run: all but its data block (the search index)."""
    data = soup.find_all("script", type="application/json")
    assert [d.get("id") for d in data] == ["search-index"]
    return [s for s in soup.find_all("script") if s.get("type") != "application/json"]


def test_report_shows_every_conflict_of_check_with_the_same_counts(runner, corpus_report):
    check = json.loads(runner.invoke(main, ["check", str(ROOT), "--format", "json"]).stdout)
    soup = _soup(corpus_report)
    cards = soup.select("article.card")
    assert sorted(c["id"][2:] for c in cards) == sorted(c["fingerprint"] for c in check["conflicts"])
    report = json.loads((corpus_report / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["by_severity"] == check["summary"]["by_severity"]
    counts = {li.get_text("", strip=True) for li in soup.select('ul[aria-label="conflicts by severity"] li')}
    for sev, n in check["summary"]["by_severity"].items():
        assert any(text.endswith(f"{sev}: {n}") for text in counts), counts


def test_report_json_is_the_document_check_writes(runner, corpus_report):
    check = runner.invoke(main, ["check", str(ROOT), "--format", "json"]).stdout_bytes
    assert (corpus_report / "report.json").read_bytes() == check


def test_a_page_with_fewer_cards_says_how_many_it_leaves_out(runner, tmp_path):
    result = runner.invoke(main, ["report", str(ROOT), "--output", str(tmp_path), "--cards", "2"])
    assert result.exit_code == 0, result.output
    assert "cards for the first 2" in result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    total = len(report["conflicts"])
    assert total > 2
    soup = _soup(tmp_path)
    # the first two conflicts of report.json (new first, then worst first), nothing else
    assert [c["id"][2:] for c in soup.select("article.card")] == [c["fingerprint"] for c in report["conflicts"][:2]]
    notice = soup.select_one("#conflicts .notice").get_text(" ", strip=True)
    assert f"first 2 of {total} conflicts" in notice and "report.json" in notice
    # the overview still counts every conflict
    counts = " ".join(li.get_text("", strip=True) for li in soup.select('ul[aria-label="conflicts by severity"] li'))
    for sev, n in report["summary"]["by_severity"].items():
        assert f"{sev}: {n}" in counts


def test_a_page_with_every_card_has_no_notice(corpus_report):
    assert _soup(corpus_report).select_one("#conflicts .notice") is None


def test_cards_zero_puts_every_conflict_on_the_page(runner, tmp_path):
    """0 is no limit, not a page without cards."""
    result = runner.invoke(main, ["report", str(ROOT), "--output", str(tmp_path), "--cards", "0"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    soup = _soup(tmp_path)
    assert [c["id"][2:] for c in soup.select("article.card")] == [c["fingerprint"] for c in report["conflicts"]]
    assert soup.select_one("#conflicts .notice") is None


def test_cards_carry_evidence_in_its_own_script_and_direction(corpus_report):
    soup = _soup(corpus_report)
    quotes = soup.select("article.card blockquote")
    assert quotes and all(q.get("lang") and q.get("dir") in ("rtl", "ltr") for q in quotes)
    assert {q["dir"] for q in quotes if q["lang"] in ("fa", "ar")} == {"rtl"}
    assert {q["dir"] for q in quotes if q["lang"] == "en"} == {"ltr"}
    assert all(q.find("mark") and q.find("mark").find("bdi") for q in quotes)
    for card in soup.select("article.card"):
        assert card.select_one(f'a[href="#{card["id"]}"]')  # permalink
        assert card.select_one(".explanation").get_text(strip=True)
        assert card.select_one(".sev").get_text(strip=True).split()[0] in "✖▲●"  # shape, not colour alone


def test_report_is_self_contained(corpus_report):
    soup = _soup(corpus_report)
    assert len(_scripts(soup)) == 1 and not soup.find_all("script", src=True)
    assert not soup.find_all("link") and not soup.find_all("img")
    for tag in soup.find_all(href=True):
        assert tag["href"].startswith("#"), tag
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "'sha256-" in csp
    assert soup.select("figure.graph svg line.agree") and soup.select("figure.graph svg line.disagree")
    assert soup.select("figure.graph svg ellipse.dependent")


def test_timelines_and_summary(corpus_report):
    soup = _soup(corpus_report)
    titles = [h.get_text() for h in soup.select("#timelines h3")]
    assert any(t.startswith("Uzbekistan") for t in titles)
    # every statement of a timeline shows its claim's quote, as captured
    ws, _ = load(ROOT)
    captured = set(ws.claims["quote"].tolist())
    quotes = [q.get_text() for q in soup.select("#timelines blockquote")]
    assert quotes and all(q in captured for q in quotes)
    summary = (corpus_report / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## reconcile: conflicts")


def test_injected_markup_is_text(injection_report):
    soup = _soup(injection_report)
    assert len(_scripts(soup)) == 1
    assert not soup.find_all("img") and not soup.find_all(attrs={"onerror": True})
    assert not [a for a in soup.find_all("a") if a.get("href", "").startswith("javascript:")]
    text = soup.get_text()
    assert "<script>window.__pwned = 1" in text and 'onerror="window.__pwned=2"' in text


# --- in a real browser ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    events = {"console": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: events["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: events["console"].append(("pageerror", str(e))))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


def test_report_in_a_browser(browser, corpus_report):
    page, events = _open(browser, corpus_report / "index.html")
    assert not [e for e in events["console"] if e[0] in ("error", "pageerror", "warning")], events["console"]
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
    total = page.locator("article.card").count()
    assert page.locator("#shown-all").inner_text() == str(total)
    page.select_option("#f-rule", "set-mismatch")
    visible = page.locator("article.card:not(.hidden)").count()
    assert 0 < visible < total and page.locator("#shown-all").inner_text() == str(visible)
    page.select_option("#f-rule", "")
    page.fill("#f-text", "ازبکستان")
    persian = page.locator("article.card:not(.hidden)").count()
    assert 0 < persian < total
    # the query is folded as the cards' text is: the same name with an Arabic kaf finds
    # the same cards
    page.fill("#f-text", "ازبكستان")
    assert page.locator("article.card:not(.hidden)").count() == persian
    # a card also holds the registered names, in every language, of its subject and of
    # the entities its sides state: the Russian and Uzbek names find those cards
    page.fill("#f-text", "УЗБЕКИСТАН")
    by_name = page.locator("article.card:not(.hidden)").count()
    assert 0 < by_name <= persian
    page.fill("#f-text", "Oʻzbekiston")
    assert page.locator("article.card:not(.hidden)").count() == by_name
    page.fill("#f-text", "")
    fa = page.locator('article.card blockquote[lang="fa"]').first
    en = page.locator('article.card blockquote[lang="en"]').first
    assert fa.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert en.evaluate("e => getComputedStyle(e).direction") == "ltr"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    page.close()


def test_injected_code_does_not_run_in_a_browser(browser, injection_report):
    page, events = _open(browser, injection_report / "index.html")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not events["dialogs"]
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
    page.close()


#: Scripts and symbols the search must fold alike in Python and in the browser: Latin,
#: Greek, Cyrillic, Arabic and Persian (with presentation forms), Devanagari, general
#: punctuation, full-width forms.
FOLD_RANGES = [(0x20, 0x250), (0x370, 0x530), (0x600, 0x780), (0x900, 0x980), (0x1E00, 0x1F00),
               (0x2000, 0x2070), (0xFB50, 0xFE00), (0xFE70, 0xFF00), (0xFF00, 0xFFF0)]


def test_search_folds_alike_in_python_and_in_the_browser(browser, corpus_report):
    """The page folds the query with report.js's fold; the cards hold search_fold of their
    text. Both must agree, or a word typed as a card writes it would not find the card."""
    import unicodedata

    from reconcile.render.html_report import search_fold

    chars = [chr(c) for lo, hi in FOLD_RANGES for c in range(lo, hi) if unicodedata.category(chr(c)) != "Cn"]
    samples = [f"a{c}b" for c in chars] + [
        "Straße ẞ", "ΣΊΣΥΦΟΣ Σίσυφος", "हिन्दी", "Chișinău", "İstanbul", "قزاقزستان ۱۹۹۲", "أوزبكستان ٢٠٠٢",
        "ёлка Ёлка", "«Ташкент» — 15 мая", "a\u200cb\u200fc", "x\x1cy\x85z", "ﷺ ﻻ",
    ]
    page, _ = _open(browser, corpus_report / "index.html")
    folded = page.evaluate("s => s.map(window.reconcileFold)", samples)
    page.close()
    differ = [(s, js, search_fold(s)) for s, js in zip(samples, folded) if js != search_fold(s)]
    assert not differ, f"{len(differ)} of {len(samples)} differ, e.g. {differ[:5]}"
