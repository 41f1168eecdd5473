"""Registries and settings of a bad shape or out of range: exit 2 with file, line, what and
what was expected, never a traceback (issue 18).

Each case is data: edits of the valid ``mini`` workspace (see :mod:`.mini_edits`), the
command, its exit code, and a problem that must be printed (where it is, and fragments of
its text); optionally texts that must not be printed.
"""

from __future__ import annotations

import pytest

from .mini_edits import SECOND_FIGURE, apply, has_problem, invoke

PROPS = "claims/properties.yaml"
ENTITIES = "claims/entities.yaml"
SOURCES = "claims/sources.yaml"
TOLERANCE = (PROPS, "tolerance: 0.05", "tolerance: {}")
ABOUT = "[rules.quantity-mismatch]\nabout_margin = {}\n"

CASES = [
    # --- property tolerance: a finite relative difference from 0 to 1 --------------------
    *(
        dict(
            name=f"tolerance_{value}",
            edits=[(PROPS, "tolerance: 0.05", f"tolerance: {value}")],
            command="validate",
            exit=2,
            where=f"{PROPS}:18",
            fragments=["property personnel", "tolerance", "from 0 to 1"],
        )
        for value in (".inf", ".nan", "-1", "1e308", "-.inf")
    ),
    dict(
        name="tolerance_text",
        edits=[(PROPS, "tolerance: 0.05", "tolerance: five percent")],
        command="validate",
        exit=2,
        where=f"{PROPS}:18",
        fragments=["tolerance", "must be a finite number"],
    ),
    # --- rule option about_margin: finite, from 0 to 1, in either settings file -----------
    *(
        dict(
            name=f"about_margin_{value}_reconcile_toml",
            edits=[("reconcile.toml", None, ABOUT.format(value)), SECOND_FIGURE],
            command="check",
            exit=2,
            where="reconcile.toml:2",
            fragments=["rules.quantity-mismatch.about_margin", "from 0 to 1"],
        )
        for value in ("nan", "-5", "inf", "1.5")
    ),
    dict(
        name="about_margin_inf_pyproject",
        edits=[
            ("pyproject.toml", None, "[project]\nname = 'x'\n\n[tool.reconcile.rules.quantity-mismatch]\nabout_margin = inf\n"),
            SECOND_FIGURE,
        ],
        command="check",
        exit=2,
        where="pyproject.toml:5",
        fragments=["about_margin", "inf", "from 0 to 1"],
    ),
    dict(
        name="int_option_out_of_int64",
        edits=[("reconcile.toml", None, "[rules.date-mismatch]\nmin_gap_days = 100000000000000000000000\n")],
        command="check",
        exit=2,
        where="reconcile.toml:2",
        fragments=["min_gap_days", "100000000000000000000000"],
    ),
    # --- a property's rules must be known rule ids -----------------------------------------
    dict(
        name="unknown_rule_in_property",
        edits=[(PROPS, "tolerance: 0.05\n", "tolerance: 0.05\n    rules: [no-such-rule]\n")],
        command="validate",
        exit=2,
        where=f"{PROPS}:19",
        fragments=["property personnel", "unknown rule 'no-such-rule'", "quantity-mismatch", "value-mismatch"],
    ),
    # --- shapes of the registries ----------------------------------------------------------
    dict(
        name="sources_mapping",
        edits=[(SOURCES, None, "sources: {a: 1}\n")],
        command="validate",
        exit=2,
        where=f"{SOURCES}:1",
        fragments=["`sources:` must be a list", "a mapping"],
    ),
    dict(
        name="sources_number",
        edits=[(SOURCES, None, "sources: 5\n")],
        command="validate",
        exit=2,
        where=f"{SOURCES}:1",
        fragments=["`sources:` must be a list", "a number"],
    ),
    dict(
        name="entities_mapping",
        edits=[(ENTITIES, None, "entities: {a: 1}\n")],
        command="validate",
        exit=2,
        where=f"{ENTITIES}:1",
        fragments=["`entities:` must be a list"],
    ),
    dict(
        name="entities_number",
        edits=[(ENTITIES, None, "entities: 5\n")],
        command="validate",
        exit=2,
        where=f"{ENTITIES}:1",
        fragments=["`entities:` must be a list"],
    ),
    dict(
        name="entity_names_number",
        edits=[(ENTITIES, "names: [peacekeeping forces]", "names: 5")],
        command="validate",
        exit=2,
        where=f"{ENTITIES}:13",
        fragments=["entity force:peacekeeping", "names", "must be a list of text"],
    ),
    dict(
        name="entity_names_nested",
        edits=[(ENTITIES, "names: [peacekeeping forces]", "names: [peacekeeping forces, {a: 1}]")],
        command="validate",
        exit=2,
        where=f"{ENTITIES}:13",
        fragments=["entity force:peacekeeping", "names", "must be a list of text"],
    ),
    dict(
        name="entity_id_list",
        edits=[(ENTITIES, "id: force:peacekeeping", "id: [force:peacekeeping]")],
        command="validate",
        exit=2,
        where=f"{ENTITIES}:10",
        fragments=["id", "must be text"],
    ),
    dict(
        name="properties_list",
        edits=[(PROPS, None, "properties: [a, b]\n")],
        command="validate",
        exit=2,
        where=f"{PROPS}:1",
        fragments=["`properties:` must be a mapping"],
    ),
    dict(
        name="vocabulary_number",
        edits=[(PROPS, "vocabulary: [member, suspended, withdrawn]", "vocabulary: 5")],
        command="validate",
        exit=2,
        where=f"{PROPS}:23",
        fragments=["property membership_status", "vocabulary", "must be a list of text"],
    ),
    dict(
        name="entity_kinds_number",
        edits=[(PROPS, "entity_kinds: [city]", "entity_kinds: 5")],
        command="validate",
        exit=2,
        where=f"{PROPS}:13",
        fragments=["property signed_in", "entity_kinds", "must be a list of text"],
    ),
    dict(
        name="rules_number",
        edits=[(PROPS, "tolerance: 0.05\n", "tolerance: 0.05\n    rules: 5\n")],
        command="validate",
        exit=2,
        where=f"{PROPS}:19",
        fragments=["property personnel", "rules", "must be a list of text"],
    ),
    dict(
        name="timelines_number",
        edits=[(PROPS, "", "timelines: 5\n")],
        command="validate",
        exit=2,
        where=f"{PROPS}:25",
        fragments=["`timelines:` must be a list"],
    ),
    dict(
        name="time_dependent_text",
        edits=[(PROPS, "time_dependent: true\n  signed:", "time_dependent: sometimes\n  signed:")],
        command="validate",
        exit=2,
        where=f"{PROPS}:6",
        fragments=["property members", "time_dependent", "true or false"],
    ),
    dict(
        name="property_type_list",
        edits=[(PROPS, "type: date", "type: [date]")],
        command="validate",
        exit=2,
        where=f"{PROPS}:9",
        fragments=["property signed", "type", "entity | entity_set | date"],
    ),
    dict(
        name="tool_reconcile_rules_number",
        edits=[("pyproject.toml", None, "[project]\nname = 'x'\n\n[tool.reconcile]\nrules = 5\n")],
        command="check",
        exit=2,
        where="pyproject.toml:5",
        fragments=["rules", "must be a table"],
    ),
    dict(
        name="tool_reconcile_number",
        edits=[("pyproject.toml", None, "[project]\nname = 'x'\n\n[tool]\nreconcile = 5\n")],
        command="check",
        exit=2,
        where="pyproject.toml:5",
        fragments=["[tool.reconcile] must be a table"],
    ),
    dict(
        name="reconcile_toml_rules_number_rules_command",
        edits=[("reconcile.toml", None, "baseline = false\nrules = 5\n")],
        command="rules",
        exit=2,
        where="reconcile.toml:2",
        fragments=["rules", "must be a table"],
    ),
    dict(
        name="rule_table_number",
        edits=[("reconcile.toml", None, "[rules]\nquantity-mismatch = 5\n")],
        command="check",
        exit=2,
        where="reconcile.toml:2",
        fragments=["rules.quantity-mismatch", "must be a table"],
    ),
    dict(
        name="setting_baseline_text",
        edits=[("reconcile.toml", None, "baseline = 'yes'\n")],
        command="check",
        exit=2,
        where="reconcile.toml:1",
        fragments=["baseline", "true or false"],
    ),
    # --- sources.yaml entries ----------------------------------------------------------------
    dict(
        name="source_without_id",
        edits=[
            (SOURCES, "  - id: alpha\n    document", "  - document"),
            (SOURCES, 'published: "2015"', 'published: "2015"\n    derived_from: gamma'),
            (SOURCES, "", "  - {id: gamma, document: documents/alpha.txt, language: en, kind: news, published: '2015'}\n"),
        ],
        command="validate",
        exit=2,
        where=f"{SOURCES}:2",
        fragments=["source entry has no `id`"],
        absent=["cycle", "nan"],
    ),
    dict(
        name="source_language_list",
        edits=[(SOURCES, "language: en", "language: [en]")],
        command="validate",
        exit=2,
        where=f"{SOURCES}:4",
        fragments=["source alpha", "language", "must be text"],
        absent=["required field"],
    ),
    dict(
        name="source_id_mapping",
        edits=[(SOURCES, "id: alpha", "id: {a: 1}")],
        command="validate",
        exit=2,
        where=f"{SOURCES}:2",
        fragments=["id", "must be text"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_registry_or_setting(mini, case):
    apply(mini, case["edits"])
    code, out = invoke(mini, case["command"])
    assert code == case["exit"], out
    assert has_problem(out, case["where"], *case["fragments"]), f"no problem at {case['where']} with {case['fragments']}:\n{out}"
    for text in case.get("absent", []):
        assert text not in out, out


def test_one_problem_for_a_source_without_id(mini):
    """The entry without an id is one problem, not a cycle reported for every source."""
    apply(mini, CASES[[c["name"] for c in CASES].index("source_without_id")]["edits"])
    code, out = invoke(mini, "validate")
    assert code == 2
    assert sum(line.startswith("claims/sources.yaml") for line in out.splitlines()) == 1, out


def test_valid_bounds_are_accepted(mini):
    """Bounds do not refuse what is valid: a tolerance of 0 and of 1, an about_margin of 0,
    known rule ids, names given as one text."""
    apply(
        mini,
        [
            (PROPS, "tolerance: 0.05", "tolerance: 1"),
            (PROPS, "type: date\n", "type: date\n    tolerance: 0\n    rules: [date-mismatch]\n"),
            (ENTITIES, "names: [peacekeeping forces]", "names: peacekeeping forces"),
            ("reconcile.toml", None, "[rules.quantity-mismatch]\nabout_margin = 0\n[rules.date-mismatch]\nmin_gap_days = 3\n"),
        ],
    )
    code, out = invoke(mini, "check")
    assert code == 0, out


def test_tolerance_inf_no_longer_hides_a_conflict(mini):
    """``tolerance: .inf`` made the conflict of a-4 and a-5 vanish (exit 0): now exit 2."""
    apply(mini, [SECOND_FIGURE])
    assert invoke(mini, "check")[0] == 1
    apply(mini, [(PROPS, "tolerance: 0.05", "tolerance: .inf")])
    code, out = invoke(mini, "check")
    assert code == 2, out


def test_name_shared_by_two_entities_is_a_warning(mini):
    """A name registered for two entities resolves to one of them: a warning (validation
    still passes) naming the name, both entities and how to choose (the id), once."""
    apply(
        mini,
        [
            (ENTITIES, "names: [peacekeeping forces]", "names: [peacekeeping forces, CSTO]"),
            (ENTITIES, "", "  - {id: org:other, kind: organization, names: [csto, peacekeeping forces]}\n"),
        ],
    )
    code, out = invoke(mini, "validate")
    assert code == 0, out
    warnings = [line for line in out.splitlines() if ": warning" in line and "registered for" in line]
    assert len(warnings) == 2, out  # "CSTO" (also "csto") and 'peacekeeping forces', once each
    csto = next(line for line in warnings if "CSTO" in line)
    assert "org:csto" in csto and "force:peacekeeping" in csto and "org:other" in csto and "id" in csto
    assert csto.startswith(f"{ENTITIES}:")
