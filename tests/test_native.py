"""Loading the native format: every malformed input gets file, line and what was expected."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES, example

from jixiao.native import dump_json, dump_yaml, load_file, load_text

MINIMAL = """\
kind: department
year: 2021
unit: 测试单位
budget:
  initial: 1207.96
  adjusted: 1125.54
  executed: 1125.54
"""


def _write(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_loads(path: Path) -> None:
    loaded = load_file(path)
    assert loaded.ok, [str(p) for p in loaded.problems]


def test_amounts_keep_the_typed_digits() -> None:
    e = load_file(example("001")).evaluation
    assert e.budget.executed == Decimal("1.798")
    assert e.budget.rate == Decimal("59.90")


def test_document_in_yuan_is_converted_and_says_so(tmp_path: Path) -> None:
    text = MINIMAL.replace("1207.96", "12079600").replace("1125.54", "11255400") + "money_unit: 元\n"
    e = load_file(_write(tmp_path, text)).evaluation
    assert e.budget.initial == Decimal("1207.96")
    assert e.money_unit == "万元" and e.converted_from == "元"


def test_round_trip_yaml_and_json() -> None:
    for prefix in ("000", "001", "003", "004"):
        e = load_file(example(prefix)).evaluation
        assert load_text(dump_yaml(e), "x.yaml").evaluation == e
        assert load_text(dump_json(e), "x.json", "json").evaluation == e


def _problem(tmp_path: Path, text: str, name: str = "doc.yaml"):
    loaded = load_file(_write(tmp_path, text, name))
    assert not loaded.ok
    [problem, *_] = loaded.problems
    return problem


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL + "tasks: [unclosed\n")
    assert p.file.endswith("doc.yaml") and p.line == 8 and "YAML" in p.message


def test_wrong_type_names_field_and_line(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL.replace("year: 2021", "year: 二〇二一"))
    assert (p.path, p.line) == ("year", 2) and "整数" in p.message


def test_negative_money_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL.replace("executed: 1125.54", "executed: -5"))
    assert p.path == "budget.executed" and p.line == 7 and "负" in p.message


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL + "  adjustd: 3\n")
    assert p.path == "budget.adjustd" and p.line == 8 and "未知字段" in p.message


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL + "year: 2022\n")
    assert p.line == 8 and "重复" in p.message and "第 2 行" in p.message


def test_missing_required_field(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL.replace("kind: department\n", ""))
    assert p.path == "kind" and "缺少" in p.message


def test_a_document_without_unit_or_year_loads_as_partial(tmp_path: Path) -> None:
    """What a reader could not find stays empty (issue 16: never refuse readable text)."""
    text = MINIMAL.replace("unit: 测试单位\n", "").replace("year: 2021\n", "")
    loaded = load_file(_write(tmp_path, text, "doc.yaml"))
    assert loaded.ok and loaded.evaluation.unit is None and loaded.evaluation.year is None


def test_project_needs_its_identity(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL.replace("department", "project"))
    assert "project" in p.message


def test_money_as_words_is_refused(tmp_path: Path) -> None:
    p = _problem(tmp_path, MINIMAL.replace("initial: 1207.96", "initial: 一千万"))
    assert p.path == "budget.initial" and "数字" in p.message


@pytest.mark.parametrize("content, expected", [
    (b"", "为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
    (b"- 1\n- 2\n", "顶层"),
    (b"{\"kind\": \"department\",}", "JSON"),
])
def test_unreadable_files_get_a_message(tmp_path: Path, content: bytes, expected: str) -> None:
    name = "doc.json" if content.startswith(b"{") else "doc.yaml"
    path = tmp_path / name
    path.write_bytes(content)
    loaded = load_file(path)
    assert not loaded.ok and expected in str(loaded.problems[0])


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "不存在" in str(load_file(tmp_path / "none.yaml").problems[0])
    assert "目录" in str(load_file(tmp_path).problems[0])


def test_json_duplicate_keys(tmp_path: Path) -> None:
    p = _problem(tmp_path, '{"kind": "department", "kind": "project"}', "doc.json")
    assert "重复" in p.message


def test_json_validation_error_has_a_line(tmp_path: Path) -> None:
    text = '{\n  "kind": "department",\n  "year": 2021,\n  "unit": "x",\n  "budget": {"initial": -1}\n}\n'
    p = _problem(tmp_path, text, "doc.json")
    assert p.path == "budget.initial" and p.line == 5


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 10)]
    loaded = load_file(_write(tmp_path, "\n".join(lines) + "\n"))
    assert not loaded.ok and "别名" in loaded.problems[0].message


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "[" * 5000 + "]" * 5000 + "\n"))
    assert not loaded.ok and loaded.problems[0].message


def test_line_map_is_available_after_a_successful_load(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, MINIMAL))
    assert loaded.ok and loaded.lines["budget.adjusted"] == 6 and loaded.lines["unit"] == 3


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, MINIMAL + "unit: 另一个单位\n"))
    assert not loaded.ok
    [p] = loaded.problems
    assert p.line == 8 and "第 3 行" in p.message
