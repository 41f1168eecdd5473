"""Time-scoped items of the source graph: trust is earned per event, not per subject.

A status claim with only ``valid_from`` (an event: joined, suspended) holds until the next
event of its subject and property, not to the end of time; two sources that agree on each of
a state's events agree, whatever events came after (reconcile.detect.scope.scope_interval).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.trust.ranked import find_conflicts
from reconcile.cli.commands import main
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.detect.scope import next_event_start

TEXT = "The state joined in 2006, was suspended in 2012 and left in 2016. Members: A, B, C.\n"


def _workspace(tmp_path: Path, claims: dict[str, list[dict]]) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    entries = []
    for sid, items in claims.items():
        (root / "claims" / "documents" / f"{sid}.txt").write_text(TEXT, encoding="utf-8")
        entries.append({"id": sid, "document": f"documents/{sid}.txt", "language": "en", "kind": "news", "published": "2017"})
        for n, claim in enumerate(items):
            claim.setdefault("id", f"{sid}-{n}")
            claim.setdefault("quote", "joined")
        (root / "claims" / "captured" / f"{sid}.yaml").write_text(
            yaml.safe_dump({"source": sid, "claims": items}), encoding="utf-8"
        )
    (root / "claims" / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    return root


def _status(value: str, since: str) -> dict:
    return {"subject": "country:UZ", "property": "membership_status", "value": value, "valid_from": since}


def _run(root: Path):
    problems = Problems()
    ws, problems = load(root)
    assert not problems.errors, problems
    return find_conflicts(ws, problems)


def test_sources_agreeing_on_each_event_agree_and_events_are_separate_items(tmp_path):
    story = [("member", "2006-08-16"), ("suspended", "2012"), ("withdrawn", "2016")]
    root = _workspace(
        tmp_path,
        {
            "s1": [_status(v, d) for v, d in story],
            "s2": [_status(v, d) for v, d in story],
            "s3": [_status("member", "2006"), _status("suspended", "2012-06")],  # coarser and finer dates
        },
    )
    result = _run(root)
    assert result.conflicts.empty
    items = result.graph.items
    status_items = items.loc[items["item"].str.startswith("country:UZ|membership_status|"), "item"]
    assert status_items.nunique() == 3  # one per event, not one for the state
    pairs = result.graph.pairs.set_index(["source_a", "source_b"])
    assert pairs.loc[("s1", "s2"), "agree"] == 3 and pairs.loc[("s1", "s2"), "disagree"] == 0
    assert pairs.loc[("s1", "s3"), "disagree"] == 0


def test_a_contradiction_about_one_event_is_a_disagreement_on_that_event_only(tmp_path):
    root = _workspace(
        tmp_path,
        {
            "s1": [_status("member", "2006-08-16"), _status("suspended", "2012")],
            "s2": [_status("member", "2006-08-16"), _status("withdrawn", "2012")],
        },
    )
    result = _run(root)
    (conflict,) = result.conflicts.itertuples()
    assert conflict.scope.startswith("2012")  # the suspension against the exit, not 2006
    pairs = result.graph.pairs.set_index(["source_a", "source_b"])
    assert pairs.loc[("s1", "s2"), "agree"] == 1 and pairs.loc[("s1", "s2"), "disagree"] == 1


def test_member_lists_of_successive_events_are_not_compared(tmp_path):
    lists = {"subject": "org:example", "property": "members"}
    root = _workspace(
        tmp_path,
        {
            "s1": [{**lists, "value": ["country:AM", "country:BY", "country:UZ"], "valid_from": "2006"}],
            "s2": [{**lists, "value": ["country:AM", "country:BY"], "valid_from": "2012"}],
        },
    )
    entities = root / "claims" / "entities.yaml"
    entities.write_text(
        "entities:\n  - {id: org:example, kind: organization, label: Example, names: [Example]}\n", encoding="utf-8"
    )
    assert _run(root).conflicts.empty
    # a list as of a date within the first period is compared with that period's list only
    s3 = {**lists, "value": ["country:AM", "country:BY"], "as_of": "2008"}
    (root / "claims" / "captured" / "s3.yaml").write_text(
        yaml.safe_dump({"source": "s1", "claims": [{**s3, "id": "s3-0", "quote": "joined"}]}), encoding="utf-8"
    )
    (conflict,) = _run(root).conflicts.itertuples()
    assert conflict.rule == "set-mismatch" and conflict.scope.startswith("2006")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 45)), min_size=1, max_size=30),
)
def test_next_event_start_is_the_earliest_later_event_of_the_key(events, queries):
    ek, es = (np.array(x, dtype=np.int64) for x in zip(*events))
    qk, qt = (np.array(x, dtype=np.int64) for x in zip(*queries))
    got = next_event_start(qk, qt, ek, es)
    for k, t, g in zip(qk, qt, got):
        later = [s for kk, s in zip(ek, es) if kk == k and s > t]
        assert g == (min(later) if later else np.iinfo(np.int64).max)
