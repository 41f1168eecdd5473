"""The bundled CSTO workspace: valid, complete, evidence exact."""

from __future__ import annotations

import hashlib

import pytest

from reconcile.cli.commands import main
from reconcile.pipeline import load

from .conftest import ROOT, SHARED


@pytest.fixture(scope="module")
def corpus():
    ws, problems = load(ROOT)
    return ws, problems


def test_bundled_workspace_is_valid(corpus):
    _, problems = corpus
    assert not problems.errors, "\n".join(p.render() for p in problems.errors)


def test_validate_prints_a_one_screen_summary(runner):
    result = runner.invoke(main, ["validate", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "5 sources" in result.stdout
    for source in ("tj-embassy-fa", "aran-news-fa", "arabic-compilation", "tj-embassy-en", "al-thawra-ar"):
        assert source in result.stdout
    assert len(result.stdout.splitlines()) <= 45


def test_the_summary_cuts_long_lists_and_counts_what_it_leaves_out(corpus):
    from reconcile.render.terminal import render_validation_summary

    ws, problems = corpus
    text = render_validation_summary(ws, problems, rows=2)
    assert "… and 3 more sources" in text
    assert sum(source in text for source in ws.sources["source"]) == 2
    n_props = ws.claims["property"].nunique()
    assert f"… and {n_props - 2} more properties" in text
    # the most claimed properties first
    top = ws.claims["property"].value_counts().index[:1][0]
    assert text.split("Properties: ")[1].startswith(top)
    assert len(ws.resolutions) >= 1  # the typo of the corpus
    nothing = render_validation_summary(ws, problems, rows=0)
    assert f"… and {len(ws.resolutions)} more names resolved by fuzzy matching" in nothing
    assert "% like «" not in nothing


def test_every_source_is_captured_richly(corpus):
    ws, _ = corpus
    counts = ws.claims.groupby("source").size()
    assert counts.sum() >= 150
    assert set(counts.index) == set(ws.sources["source"])
    assert counts["arabic-compilation"] >= 60


def test_every_quote_is_the_document_text_at_its_span(corpus):
    ws, _ = corpus
    for row in ws.claims.itertuples():
        text = ws.documents[row.source][row.span_start : row.span_end]
        assert " ".join(text.split()) == " ".join(row.quote.split()), row.claim_id


def test_documents_are_byte_identical_to_the_seeds():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    for seed in sorted(seeds.glob("0*.txt")):
        ours = ROOT / "claims" / "documents" / seed.name
        assert hashlib.sha256(ours.read_bytes()).digest() == hashlib.sha256(seed.read_bytes()).digest()


def test_the_typo_is_kept_and_resolved_fuzzily(corpus):
    """«قزاقزستان» stays as written in the claim file and resolves to Kazakhstan, reported."""
    ws, _ = corpus
    fuzzy = ws.resolutions
    hit = fuzzy[fuzzy["name"].eq("قزاقزستان")]
    assert not hit.empty and set(hit["id"]) == {"country:KZ"}
