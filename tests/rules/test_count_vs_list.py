"""Cases of the count-vs-list rule (tests/rules/cases/count-vs-list.yaml)."""

import pytest

from .harness import load_cases, run_case

RULE = "count-vs-list"
CASES = load_cases(RULE)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(tmp_path, case):
    run_case(tmp_path, case, RULE)
