"""Work on a second core (reconcile.base.threads): results in order and independent of timing,
errors raised where the result is asked for, the garbage collector restored, and the same
report and problems whether the pipeline runs in one thread or several."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from reconcile.base.frames import collector_paused
from reconcile.base.threads import in_background, ordered_map, workers


@pytest.fixture(params=["1", "2"], ids=["one-thread", "two-threads"])
def threads(request, monkeypatch):
    monkeypatch.setenv("RECONCILE_THREADS", request.param)
    return int(request.param)


def test_workers_follow_the_environment(monkeypatch):
    monkeypatch.setenv("RECONCILE_THREADS", "3")
    assert workers() == 3
    for bad in ("many", "0", "-3"):
        monkeypatch.setenv("RECONCILE_THREADS", bad)
        with pytest.raises(ValueError, match="RECONCILE_THREADS must be a positive integer"):
            workers()
    monkeypatch.delenv("RECONCILE_THREADS")
    assert 1 <= workers() <= 4


def test_a_bad_thread_count_is_a_usage_error(monkeypatch, mini):
    from click.testing import CliRunner

    from reconcile.cli.commands import main

    monkeypatch.setenv("RECONCILE_THREADS", "two")
    result = CliRunner().invoke(main, ["validate", str(mini)])
    assert result.exit_code == 2 and "RECONCILE_THREADS must be a positive integer, not 'two'" in result.output


def test_ordered_map_keeps_the_order_whatever_finishes_first(threads):
    def slow_for_small(i: int) -> int:
        time.sleep(0.002 * (10 - i % 10))  # later items finish first
        return i * i

    assert list(ordered_map(slow_for_small, range(40))) == [i * i for i in range(40)]


def test_ordered_map_runs_at_most_ahead_items_before_they_are_asked_for(monkeypatch):
    monkeypatch.setenv("RECONCILE_THREADS", "2")
    started = []

    def record(i: int) -> int:
        started.append(i)
        return i

    results = ordered_map(record, range(100), ahead=3)
    assert next(results) == 0
    time.sleep(0.05)
    assert len(started) <= 3  # the consumer has taken one: nothing beyond the window ran
    results.close()


def test_ordered_map_raises_at_the_failing_item(threads):
    def fail_at_five(i: int) -> int:
        if i == 5:
            raise KeyError("item five")
        return i

    got = []
    with pytest.raises(KeyError, match="item five"):
        for value in ordered_map(fail_at_five, range(20)):
            got.append(value)
    assert got == [0, 1, 2, 3, 4]


def test_one_thread_means_the_calling_thread(monkeypatch):
    monkeypatch.setenv("RECONCILE_THREADS", "1")
    me = threading.get_ident()
    assert set(ordered_map(lambda _: threading.get_ident(), range(5))) == {me}
    assert in_background(threading.get_ident).result() == me


def test_small_work_stays_in_the_calling_thread(monkeypatch):
    from reconcile.base.threads import THREADS_FROM, worth_a_thread

    monkeypatch.setenv("RECONCILE_THREADS", "2")
    me = threading.get_ident()
    assert in_background(threading.get_ident, wanted=worth_a_thread(THREADS_FROM - 1)).result() == me
    assert in_background(threading.get_ident, wanted=worth_a_thread(THREADS_FROM)).result() != me


def test_background_call_returns_or_raises_in_the_caller(threads):
    assert in_background(sum, [1, 2, 3]).result() == 6
    pending = in_background(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        pending.result()


def test_collector_restored_when_threads_pause_it_in_turn():
    """Pauses that overlap in two threads, ending in either order, leave the collector on."""
    assert gc.isenabled()
    first_in, second_in, first_may_leave = threading.Event(), threading.Event(), threading.Event()

    def first():
        with collector_paused():
            first_in.set()
            second_in.wait(5)
            first_may_leave.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector_paused():
        second_in.set()
        assert not gc.isenabled()
        first_may_leave.set()
        thread.join(5)
        assert not gc.isenabled()  # the other pause ended, this one has not
    assert gc.isenabled()


def test_paused_collector_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_same_report_and_problems_in_one_thread_or_several(tmp_path, monkeypatch):
    """The pipeline's output does not depend on threads: a generated workspace with quotes
    that cannot be found, subjects that cannot be resolved (the same claims for some) and
    conflicts gives the same problems, in order, and the same JSON report."""
    import pandas as pd

    from bench.generate_workspace import generate_workspace
    from reconcile.trust.ranked import find_conflicts
    from reconcile.pipeline import load
    from reconcile.render.json_report import render_json

    root = tmp_path / "ws"
    generate_workspace(root, 2000, seed=3)
    path = sorted((root / "claims" / "captured").glob("*.parquet"))[0]
    frame = pd.read_parquet(path)
    frame.loc[[0], "subject"] = "Atlantis-that-is-not"
    frame.loc[[3, 4, 5], "quote"] = "words no document holds"
    frame.loc[[5, 6], "subject"] = "Atlantis-that-is-not"
    frame.to_parquet(path)

    monkeypatch.setattr("reconcile.base.threads.THREADS_FROM", 0)  # threads even for a few claims
    outputs = []
    for n in ("1", "2"):
        monkeypatch.setenv("RECONCILE_THREADS", n)
        ws, problems = load(root)
        result = find_conflicts(ws, problems)
        outputs.append(([p.render() for p in problems], render_json(result, ws)))
    (problems_one, report_one), (problems_two, report_two) = outputs
    assert problems_one == problems_two
    # as when run in turn: a quote problem also for a claim whose subject is unknown (line
    # 6: the two are independent, both are reported), each with its own message
    quote_problems = [p for p in problems_one if "column quote" in p]
    assert [p.split(":")[1] for p in quote_problems] == ["4", "5", "6"]
    assert all("quote not found in the document" in p for p in quote_problems), quote_problems
    assert [p.split(":")[1] for p in problems_one if "column subject" in p] == ["1", "6", "7"]
    assert report_one == report_two
