"""Starting a workspace and bringing documents in: `reconcile init` and `reconcile add`.

The fixtures in tests/fixtures/documents are made by make_fixtures.py there, around the real
text of two bundled documents: a saved English news page (Chromium's "saved from" note,
Open Graph, JSON-LD), a saved Persian page (SingleFile's header), a PDF with a text layer
and a PDF without one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reconcile.cli.commands import main
from reconcile.intake.language import identify

from .conftest import FIXTURES, ROOT

DOCS = FIXTURES / "documents"
BUNDLED = ROOT / "claims" / "documents"


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a digest of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _sources(root: Path) -> list[dict]:
    return yaml.safe_load((root / "claims" / "sources.yaml").read_text(encoding="utf-8"))["sources"]


@pytest.fixture
def ws(tmp_path, runner) -> Path:
    root = tmp_path / "inv"
    result = runner.invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.output
    return root


def _add(runner, root: Path, *args: str):
    return runner.invoke(main, ["add", *args, "--workspace", str(root)])


# --- language identification ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,language",
    [
        ("000_4ccf710ff0c45aa7.txt", "fa"),
        ("001_aa12c8155f0d4d94.txt", "fa"),
        ("002_6dd0966c96838b0c.txt", "ar"),
        ("003_64131aa31a3a0c56.txt", "en"),
        ("004_316ae984aebcec15.txt", "ar"),
    ],
)
def test_the_language_of_each_bundled_document(name, language):
    text = (BUNDLED / name).read_text(encoding="utf-8")
    assert identify(text).code == language
    assert identify(text[:400]).code == language  # a paragraph is enough


def test_persian_and_arabic_sentences_of_the_same_words_are_told_apart():
    assert identify("کشورهای عضو سازمان پیمان امنیت جمعی در دوشنبه گرد هم آمدند").code == "fa"
    assert identify("اجتمعت الدول الأعضاء في منظمة معاهدة الأمن الجماعي في دوشنبه").code == "ar"
    assert identify("Государства-члены Организации Договора о коллективной безопасности собрались").code == "ru"
    assert identify("12, 14 — 15.") is None  # too few letters to tell


# --- init ------------------------------------------------------------------------------------


def test_init_makes_a_workspace_that_validates_checks_and_reports(runner, ws):
    assert {"claims/sources.yaml", "claims/entities.yaml", "claims/properties.yaml", "README.md"} <= set(_tree(ws))
    assert all((ws / d).is_dir() for d in ("claims/captured", "claims/documents", "reports"))
    properties = yaml.safe_load((ws / "claims" / "properties.yaml").read_text(encoding="utf-8"))["properties"]
    assert {"established", "dissolved", "members", "founding_members", "member_count", "membership_status", "head", "personnel"} <= set(properties)
    for command in ("validate", "check", "graph", "report", "baseline"):
        result = runner.invoke(main, [command, str(ws)])
        assert result.exit_code == 0, (command, result.output)


def test_init_refuses_a_workspace_and_changes_nothing(runner, ws, tmp_path):
    (ws / "claims" / "sources.yaml").write_text("sources: []  # mine\n", encoding="utf-8")
    before = _tree(ws)
    result = runner.invoke(main, ["init", str(ws)])
    assert result.exit_code == 2 and "already holds a workspace" in result.output
    assert _tree(ws) == before
    assert runner.invoke(main, ["init", str(ROOT)]).exit_code == 2
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    assert runner.invoke(main, ["init", str(file)]).exit_code == 2


def test_init_in_the_current_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "claims" / "sources.yaml").is_file()


# --- add -----------------------------------------------------------------------------------


def test_a_saved_web_page_becomes_its_main_text_with_its_metadata(runner, ws):
    result = _add(runner, ws, str(DOCS / "news-en.html"), "--id", "a")
    assert result.exit_code == 0, result.output
    (entry,) = _sources(ws)
    assert entry["document"] == "documents/a.txt" and entry["original"] == "documents/a.html"
    assert entry["language"] == "en" and entry["kind"] == "news"
    assert entry["title"].startswith("Collective Security Treaty Organization and the problem")
    assert entry["author"] == "Farrukh Nazarov" and entry["publisher"] == "Example News"
    assert entry["published"] == "2015-09-10"
    assert entry["url"] == "https://news.example.org/world/2015/09/csto-dushanbe-session"
    assert entry["provenance"] == {
        "read": ["title", "author", "publisher", "published", "url"],
        "guessed": ["language", "kind"],
        "missing": ["accessed"],
    }
    text = (ws / "claims" / "documents" / "a.txt").read_text(encoding="utf-8")
    assert "In 2015, the Republic of Tajikistan chairs the Collective Security Treaty Organization." in text
    for boilerplate in ("cookies", "Related stories", "Great article", "All rights reserved", "Subscribe", "tracker"):
        assert boilerplate not in text
    assert (ws / "claims" / "documents" / "a.html").read_bytes() == (DOCS / "news-en.html").read_bytes()
    assert runner.invoke(main, ["validate", str(ws)]).exit_code == 0


def test_a_persian_page_saved_with_singlefile(runner, ws):
    assert _add(runner, ws, str(DOCS / "news-fa.html")).exit_code == 0
    (entry,) = _sources(ws)
    assert entry["id"] == "news-fa" and entry["language"] == "fa"
    assert entry["url"] == "https://fa.example.ir/news/1394/06/csto-dushanbe" and entry["accessed"] == "2026-12-07"
    assert entry["published"] == "2015-09-09" and "author" in entry["provenance"]["missing"]
    text = (ws / "claims" / "documents" / "news-fa.txt").read_text(encoding="utf-8")
    assert "در 14 و 15 سپتامبر سال 2015 در شهر دوشنبه" in text and "قیمت طلا" not in text


def test_a_pdf_becomes_its_text_layer(runner, ws):
    result = _add(runner, ws, str(DOCS / "report-en.pdf"), "--id", "b", "--url", "https://example.org/report.pdf")
    assert result.exit_code == 0, result.output
    (entry,) = _sources(ws)
    assert entry["original"] == "documents/b.pdf" and entry["kind"] == "report"
    assert entry["title"] == "CSTO and the problem of reducing new challenges and threats"
    assert entry["published"] == "2015-09-11" and "published" in entry["provenance"]["guessed"]
    assert entry["provenance"]["given"] == ["url"]
    text = (ws / "claims" / "documents" / "b.txt").read_text(encoding="utf-8")
    assert "Republic of Tajikistan chairs the Collective Security Treaty Organization" in " ".join(text.split())


def test_plain_text_is_stored_byte_for_byte_and_claims_can_quote_it(runner, ws):
    original = BUNDLED / "001_aa12c8155f0d4d94.txt"
    result = _add(runner, ws, str(original), "--id", "aran", "--published", "2016", "--kind", "news")
    assert result.exit_code == 0, result.output
    (entry,) = _sources(ws)
    assert entry["language"] == "fa" and entry["published"] == "2016"
    assert entry["provenance"]["given"] == ["kind", "published"]
    assert (ws / "claims" / "documents" / original.name).read_bytes() == original.read_bytes()
    (ws / "claims" / "captured" / "aran.yaml").write_text(
        "source: aran\nclaims:\n"
        "  - id: aran-1\n    subject: country:AM\n    property: membership_status\n    value: member\n"
        "    quote: ارمنستان\n",
        encoding="utf-8",
    )
    assert runner.invoke(main, ["validate", str(ws)]).exit_code == 0


def test_a_folder_of_documents(runner, ws, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(DOCS / "news-en.html", folder / "one.html")
    shutil.copy(BUNDLED / "004_316ae984aebcec15.txt", folder / "two.txt")
    result = _add(runner, ws, str(folder), "--published", "2021")
    assert result.exit_code == 0, result.output
    assert [(e["id"], e["language"]) for e in _sources(ws)] == [("one", "en"), ("two", "ar")]


def test_provenance_reaches_json_html_and_sarif(runner, ws):
    assert _add(runner, ws, str(DOCS / "news-en.html"), "--id", "a", "--archived-url", "https://web.archive.org/web/2015/x").exit_code == 0
    result = runner.invoke(main, ["check", str(ws), "--format", "json"])
    (source,) = json.loads(result.stdout)["sources"]
    assert source["url"].startswith("https://news.example.org/") and source["archived_url"] == "https://web.archive.org/web/2015/x"
    assert source["provenance"]["missing"] == ["accessed"] and source["author"] == "Farrukh Nazarov"
    sarif = json.loads(runner.invoke(main, ["check", str(ws), "--format", "sarif"]).stdout)
    assert sarif["runs"][0]["properties"]["sources"][0]["url"] == source["url"]
    assert runner.invoke(main, ["report", str(ws)]).exit_code == 0
    page = (ws / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://news.example.org/world/2015/09/csto-dushanbe-session"' in page and "archived copy" in page


@pytest.mark.parametrize(
    "make,args,message",
    [
        (None, ["missing.html"], "no such file"),
        (lambda p: p.write_bytes(b""), ["empty.txt"], "empty"),
        (lambda p: p.write_bytes(bytes(range(256)) * 8), ["blob.bin"], "binary"),
        (lambda p: p.write_bytes("مطلب ".encode("cp1256") * 20), ["cp1256.txt"], "not UTF-8"),
        (lambda p: p.write_bytes((BUNDLED / "003_64131aa31a3a0c56.txt").read_bytes()), ["doc.txt", "--language", "english"], "not a language code"),
        (lambda p: p.write_bytes((BUNDLED / "003_64131aa31a3a0c56.txt").read_bytes()), ["doc.txt", "--kind", "blog"], "not a source kind"),
        (lambda p: p.write_bytes((BUNDLED / "003_64131aa31a3a0c56.txt").read_bytes()), ["doc.txt", "--id", "taken"], "already taken"),
        (lambda p: p.write_bytes((BUNDLED / "003_64131aa31a3a0c56.txt").read_bytes()), ["doc.txt", "--published", "2015-13"], "month 13"),
        (lambda p: p.write_bytes((BUNDLED / "003_64131aa31a3a0c56.txt").read_bytes()), ["doc.txt", "--url", "javascript:alert(1)"], "not a web address"),
        (lambda p: p.write_bytes((DOCS / "scan.pdf").read_bytes()), ["scan.pdf"], "no text layer"),
        (lambda p: p.write_bytes(b"%PDF-1.7\n" + b"garbage" * 50), ["broken.pdf"], "not a readable PDF"),
        (lambda p: p.write_bytes(b"<html><body><nav>Home</nav></body></html>"), ["nothing.html"], "no main text"),
    ],
)
def test_bad_input_is_a_message_and_changes_nothing(runner, ws, tmp_path, make, args, message):
    assert _add(runner, ws, str(DOCS / "news-fa.html"), "--id", "taken").exit_code == 0
    before = _tree(ws)
    path = tmp_path / args[0]
    if make:
        make(path)
    result = _add(runner, ws, str(path), *args[1:])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
    assert _tree(ws) == before


def test_a_batch_with_one_bad_file_adds_none(runner, ws, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = _add(runner, ws, str(DOCS / "news-en.html"), str(empty))
    assert result.exit_code == 2 and _sources(ws) == [] and not any((ws / "claims" / "documents").iterdir())


def test_add_outside_a_workspace_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["add", str(DOCS / "news-en.html"), "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "not a workspace" in result.output and "reconcile init" in result.output


def test_concurrent_adds_lose_no_entry(ws, tmp_path):
    files = []
    for i in range(6):
        path = tmp_path / f"doc{i}.txt"
        shutil.copy(BUNDLED / "003_64131aa31a3a0c56.txt", path)
        files.append(path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reconcile.cli", "add", str(p), "--published", "2015", "--workspace", str(ws)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in files
    ]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * 6
    assert sorted(e["id"] for e in _sources(ws)) == [f"doc{i}" for i in range(6)]


def test_add_finds_the_workspace_above_the_current_folder(runner, ws, monkeypatch):
    monkeypatch.chdir(ws / "claims" / "documents")
    result = runner.invoke(main, ["add", str(DOCS / "news-fa.html")])
    assert result.exit_code == 0, result.output
    assert [e["id"] for e in _sources(ws)] == ["news-fa"]
