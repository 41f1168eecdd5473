"""The HTML report: structure checked by parsing, and behaviour in a real headless browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reconcile.cli.commands import main
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
        # anchors and filters of the page itself, or the CSV files written beside it
        assert tag["href"].startswith("#") or tag["href"] in ("conflicts.csv", "conflict_claims.csv"), tag
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



# --- the editors' workflow (issue 21) ---------------------------------------------------------


def test_report_writes_csv_exports_of_conflicts_and_claims(corpus_report):
    import csv

    report = json.loads((corpus_report / "report.json").read_text(encoding="utf-8"))
    with (corpus_report / "conflicts.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["fingerprint"] for r in rows] == [c["fingerprint"] for c in report["conflicts"]]
    with (corpus_report / "conflict_claims.csv").open(encoding="utf-8", newline="") as f:
        claims = list(csv.DictReader(f))
    assert len(claims) == sum(len(s["claims"]) for c in report["conflicts"] for s in c["sides"])
    assert any(r["note"] for r in claims)
    suggested = {(r["fingerprint"], r["side"]) for r in claims if r["suggested"] == "true"}
    assert suggested == {(c["fingerprint"], str(c["suggested_side"])) for c in report["conflicts"] if c["suggested_side"] is not None}
    links = {a["href"] for a in _soup(corpus_report).select("#summary a[download]")}
    assert links == {"conflicts.csv", "conflict_claims.csv"}


def test_csv_cells_that_look_like_formulas_are_text():
    from reconcile.render.csv_export import cell

    assert cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and cell("-1") == "'-1" and cell("a=b") == "a=b"
    assert cell(["country:AM", "country:BY"]) == "country:AM | country:BY" and cell(None) == ""


def test_cards_mark_the_suggested_side_and_show_notes_addresses_and_the_decide_command(corpus_report):
    report = json.loads((corpus_report / "report.json").read_text(encoding="utf-8"))
    soup = _soup(corpus_report)
    for c in report["conflicts"]:
        card = soup.select_one(f"#c-{c['fingerprint']}")
        marked = [i for i, side in enumerate(card.select("section.side")) if "suggested" in side["class"]]
        assert marked == ([] if c["suggested_side"] is None else [c["suggested_side"]])
        command = card.select_one(".decide code").get_text()
        assert command.startswith(f"reconcile decide {c['fingerprint']} --verdict ") and command.endswith(" -w .")
        assert card.select_one("button.copy")["data-command"] == command
    notes = [cl["note"] for c in report["conflicts"] for s in c["sides"] for cl in s["claims"] if cl["note"]]
    assert notes and len(soup.select("article.card aside.note")) == len(notes)
    wheres = [w.get_text(" ", strip=True) for w in soup.select("article.card .where")]
    assert wheres and not [w for w in wheres if "[" in w and ")" in w]  # no raw offsets
    # list sides show what they add and omit against the suggested (or largest) side
    assert soup.select("article.card .diff .adds") or soup.select("article.card .diff .omits")


def test_contents_and_summary_list_every_contested_property(corpus_report):
    report = json.loads((corpus_report / "report.json").read_text(encoding="utf-8"))
    soup = _soup(corpus_report)
    keys = {(c["subject"], c["property"]) for c in report["conflicts"]}
    assert len(soup.select("#contested tbody tr")) == len(keys)
    assert len(soup.select("#toc ul ul li")) == len(keys)
    # the first card comes before the timelines and the source table
    html_text = (corpus_report / "index.html").read_text(encoding="utf-8")
    assert html_text.index('<article class="card') < html_text.index('id="timelines"') < html_text.index("</main>")
    assert html_text.index('<article class="card') < html_text.index('id="sources"')


def test_the_page_is_byte_identical_across_runs(runner, corpus_report, tmp_path):
    result = runner.invoke(main, ["report", str(ROOT), "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "conflicts.csv", "conflict_claims.csv"):
        assert (tmp_path / name).read_bytes() == (corpus_report / name).read_bytes(), name


def test_timeline_markers_of_the_same_year_do_not_overlap():
    from reconcile.render.html_report import MARKER_GAP, marker_lanes

    xs = [100.0, 100.0, 104.0, 300.0, 300.0]
    lanes = marker_lanes(xs)
    assert lanes == [0, 1, 2, 0, 1]
    for i in range(len(xs)):
        for j in range(i):
            assert lanes[i] != lanes[j] or abs(xs[i] - xs[j]) >= MARKER_GAP


WIDTHS = [(1366, 768), (390, 844)]


def _open_at(browser, path: Path, width: int, height: int, hash: str = ""):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(path.as_uri() + hash)
    page.wait_for_load_state("load")
    return page, errors


@pytest.mark.parametrize("width,height", WIDTHS)
def test_layout_at_desktop_and_phone_widths(browser, corpus_report, width, height):
    page, errors = _open_at(browser, corpus_report / "index.html", width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{width}.png"))
    page.screenshot(path=str(ARTIFACTS / f"report-{width}-full.png"), full_page=True)
    assert (ARTIFACTS / f"report-{width}.png").stat().st_size > 10_000
    assert not errors, errors
    # no sideways scrolling: neither the page nor any element is wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate(
        """w => Array.from(document.querySelectorAll('body *')).filter(e => {
             const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 1 || r.left < -1);
           }).slice(0, 5).map(e => e.tagName + '.' + e.className)""",
        width,
    )
    assert not wide, wide
    # the first conflict card starts within the first screen
    top = page.evaluate("document.querySelector('article.card').getBoundingClientRect().top")
    assert 0 < top < height
    # the summary bar stays in view when scrolling
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    assert page.evaluate("document.querySelector('nav.bar').getBoundingClientRect().top") == 0
    page.close()


def test_the_address_restores_a_filtered_view_and_back_undoes_a_filter(browser, corpus_report):
    path = corpus_report / "index.html"
    page, errors = _open_at(browser, path, 1366, 768, "#severity=warning")
    total = page.locator("article.card").count()
    warnings = page.locator("article.card[data-severity=warning]").count()
    assert page.input_value("#f-severity") == "warning"
    shown = page.locator("article.card:not(.hidden)").count()
    assert 0 < shown == warnings < total and page.locator("#shown-bar").inner_text() == str(shown)
    assert page.locator("a.count[data-filter='severity=warning']").get_attribute("aria-current") == "true"
    # a count of the bar is a filter, and changing a control writes the address
    page.click("a.count[data-filter='severity=error']")
    assert page.input_value("#f-severity") == "error"
    page.select_option("#f-rule", "set-mismatch")
    assert "rule=set-mismatch" in page.evaluate("location.hash")
    narrowed = page.locator("article.card:not(.hidden)").count()
    page.go_back()
    assert page.input_value("#f-rule") == "" and page.input_value("#f-severity") == "error"
    assert page.locator("article.card:not(.hidden)").count() >= narrowed
    # a subject and property from the contents, and the search box, in the address
    subject = page.locator("article.card").first.get_attribute("data-subject")
    page.close()
    from urllib.parse import quote

    page, errors = _open_at(browser, path, 390, 844, f"#subject={quote(subject)}&q=uzbekistan")
    assert page.input_value("#f-subject") == subject and page.input_value("#f-text") == "uzbekistan"
    visible = page.locator("article.card:not(.hidden)")
    assert visible.count() > 0
    assert all(v == subject for v in visible.evaluate_all("els => els.map(e => e.dataset.subject)"))
    assert not errors, errors
    page.close()


def test_keyboard_moves_focus_from_card_to_card(browser, corpus_report):
    page, _ = _open_at(browser, corpus_report / "index.html", 1366, 768)
    ids = page.locator("article.card").evaluate_all("els => els.map(e => e.id)")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == ids[0]
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == ids[1]
    top = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert 0 <= top < 768
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == ids[0]
    # typing in the search box does not move
    page.focus("#f-text")
    page.keyboard.type("jn")
    assert page.evaluate("document.activeElement.id") == "f-text"
    assert "j" in page.locator("#keys").inner_text()
    page.close()


def test_copy_button_selects_the_command_without_the_clipboard(browser, corpus_report):
    page, errors = _open_at(browser, corpus_report / "index.html", 1366, 768)
    page.locator("article.card button.copy").first.click()
    page.wait_for_timeout(100)
    command = page.locator("article.card .decide code").first.inner_text()
    # a file: page is not a secure context everywhere; either the clipboard took it or the text is selected
    label = page.locator("article.card button.copy").first.inner_text()
    assert label == "copied" or page.evaluate("String(window.getSelection())") == command
    assert not errors, errors
    page.close()
