"""YAML reading: the values and lines ruamel.yaml gives, from libyaml; clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconcile.base.yamlio import YamlLoadError, item_line, key_lines, load_yaml, plain

ROOT = Path(__file__).resolve().parents[1]


def ruamel_load(text: str) -> Any:
    """The reference: ruamel.yaml's round-trip loader, dates kept as text."""
    yaml = YAML(typ="rt")
    constructors = yaml.constructor.yaml_constructors
    constructors["tag:yaml.org,2002:timestamp"] = constructors["tag:yaml.org,2002:str"]
    return yaml.load(text)


def ruamel_plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): ruamel_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [ruamel_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


def ruamel_lines(node: Any) -> Any:
    """Each mapping's key lines and each sequence's item lines, recursively (1-based)."""
    if isinstance(node, CommentedMap):
        return {str(k): (node.lc.key(k)[0] + 1, ruamel_lines(v)) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [(node.lc.item(i)[0] + 1, ruamel_lines(v)) for i, v in enumerate(node)]
    return None


def our_lines(node: Any) -> Any:
    if isinstance(node, dict):
        lines = key_lines(node)
        return {str(k): (lines[str(k)], our_lines(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [(item_line(node, i), our_lines(v)) for i, v in enumerate(node)]
    return None


def load_text(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789_.+-eExobINFnaTrufls:~yY", min_size=1, max_size=8))
def test_plain_scalars_are_typed_as_ruamel_types_them(tmp_path_factory, scalar):
    text = f"key: {scalar}\n"
    try:
        expected = ruamel_plain(ruamel_load(text))
    except Exception:  # not a valid plain scalar (or one ruamel cannot read): nothing to compare
        assume(False)
    got = plain(load_text(tmp_path_factory.mktemp("y"), text))
    assert repr(got) == repr(expected)  # repr: NaN equals NaN, 1 differs from 1.0 and True


YAML_FILES = sorted(
    p for p in [*ROOT.glob("claims/*.yaml"), *ROOT.glob("reconcile/data/*.yaml"), *ROOT.glob("reports/*.yaml"),
                *ROOT.glob("tests/fixtures/**/*.yaml"), *ROOT.glob("claims/captured/*.yaml")]
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_values_and_lines_of_the_repository_files_are_ruamels(path):
    ours = load_yaml(path)
    theirs = ruamel_load(path.read_text(encoding="utf-8"))
    assert repr(plain(ours)) == repr(ruamel_plain(theirs))
    assert our_lines(ours) == ruamel_lines(theirs)


def test_lines_of_keys_and_items_in_block_and_flow_style(tmp_path):
    data = load_text(
        tmp_path,
        "source: a\n# a comment\nclaims:\n  - id: x\n    value: [1, 2]\n  -\n    id: y\n  - {id: z, value: 3}\n",
    )
    assert key_lines(data) == {"source": 1, "claims": 3}
    claims = data["claims"]
    assert [item_line(claims, i) for i in range(3)] == [4, 7, 8]
    assert key_lines(claims[0]) == {"id": 4, "value": 5}


def test_merge_keys_add_what_the_mapping_does_not_say(tmp_path):
    data = load_text(tmp_path, "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n")
    assert plain(data) == {"base": {"x": 1, "y": 2}, "c": {"y": 3, "x": 1}}


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "malformed YAML"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
        ("? [a, b]\n: 1\n", 1, "a key must be a plain value"),
        ("a: !!int twelve\n", 1, "'twelve' is not a int"),
        ("a: 1\n---\nb: 2\n", 2, "malformed YAML"),
    ],
)
def test_malformed_yaml_is_an_error_with_its_line(tmp_path, text, line, words):
    with pytest.raises(YamlLoadError) as caught:
        load_text(tmp_path, text)
    assert words in str(caught.value) and caught.value.line == line


def test_tags_never_build_python_objects(tmp_path):
    data = load_text(tmp_path, "a: !!python/object/apply:os.system ['true']\nb: !!python/name:os.system x\n")
    assert plain(data) == {"a": ["true"], "b": "x"}


def test_an_alias_yields_its_anchor_and_an_empty_file_nothing(tmp_path):
    data = load_text(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert data["a"] is data["b"]
    assert load_text(tmp_path, "") is None
    assert load_text(tmp_path, "# only a comment\n") is None


@pytest.mark.parametrize("depth", [101, 1_001, 50_000])
def test_deep_nesting_is_an_error_not_a_crash(tmp_path, depth):
    # Past MAX_DEPTH the loader's own check refuses; deeper still, libyaml may refuse first
    # with words of its own. Either way: a YamlLoadError on the line, never a RecursionError.
    with pytest.raises(YamlLoadError) as caught:
        load_text(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert str(caught.value).startswith("malformed YAML: ") and caught.value.line == 1


def test_aliases_that_would_fill_the_memory_are_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 10)]
    with pytest.raises(YamlLoadError, match="aliases repeat"):
        load_text(tmp_path, "\n".join(lines) + "\n")
    # a few aliases that repeat a little are fine
    assert plain(load_text(tmp_path, "\n".join(lines[:3]) + "\n"))["a2"][0] == [["x"] * 9] * 9


def test_a_control_character_is_an_error_with_its_line(tmp_path):
    with pytest.raises(YamlLoadError) as caught:
        load_text(tmp_path, "a: 1\nb: \x01\n")
    assert "#x0001" in str(caught.value) and caught.value.line == 2


def test_merged_keys_keep_the_line_where_they_are_written(tmp_path):
    data = load_text(tmp_path, "base: &b\n  x: 1\n  y: 2\nc:\n  <<: *b\n  y: 3\n")
    assert list(data["c"]) == ["y", "x"] and key_lines(data["c"]) == {"y": 6, "x": 2}
