"""Cases of the status-conflict rule (tests/rules/cases/status-conflict.yaml)."""

import pytest

from .harness import load_cases, run_case

RULE = "status-conflict"
CASES = load_cases(RULE)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(tmp_path, case):
    run_case(tmp_path, case, RULE)
