"""Cases of the anachronism rule (tests/rules/cases/anachronism.yaml)."""

import pytest

from .harness import load_cases, run_case

RULE = "anachronism"
CASES = load_cases(RULE)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(tmp_path, case):
    run_case(tmp_path, case, RULE)
