"""The command line, run in-process as a user would run it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from conftest import example

from jixiao.cli import SCHEMA_PATH, evaluation_schema, main


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_score_prints_the_scorecard() -> None:
    result = _run("score", str(example("001")))
    assert result.exit_code == 0, result.output
    assert "95.58" in result.output and "优" in result.output and "预算执行率" in result.output


def test_score_json_is_exact() -> None:
    result = _run("score", "--json", str(example("001")))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output, parse_float=Decimal)
    assert {"total", "grade", "categories", "indicators", "reported", "differences"} <= data.keys()
    assert data["total"] == Decimal("95.58") and data["grade"] == "优"
    assert data["ruleset"]["id"] == "zhengzhou-2021-project"


def test_score_with_another_rule_set() -> None:
    result = _run("score", "--json", "--ruleset", "mof-2020-project", str(example("001")))
    data = json.loads(result.output, parse_float=Decimal)
    assert data["ruleset"]["id"] == "mof-2020-project"


def test_bad_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.yaml"
    bad.write_text("kind: department\nyear: 2021\nunit: 单位\nbudget:\n  initial: 一百\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(bad)])
    assert result.exit_code == 2
    assert "坏文件.yaml" in result.output and ":5" in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_rule_set_are_messages() -> None:
    result = CliRunner().invoke(main, ["score", "nowhere.yaml"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["score", "--ruleset", "atlantis-2099", str(example("001"))])
    assert result.exit_code != 0 and "atlantis-2099" in result.output and "Traceback" not in result.output


def test_rulesets_lists_bundled_files() -> None:
    result = _run("rulesets", "--json")
    ids = {r["id"] for r in json.loads(result.output)}
    assert {"mof-2020-project", "zhengzhou-2021-project", "zhengzhou-2021-department"} <= ids
    assert "郑州" in _run("rulesets").output


def test_committed_schema_is_current() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == evaluation_schema()
    assert _run("schema", "--check").exit_code == 0


def test_markup_like_text_in_a_document_is_printed_verbatim(tmp_path: Path) -> None:
    doc = tmp_path / "doc.yaml"
    doc.write_text(
        "kind: project\nyear: 2021\nunit: \"[/]单位\"\nproject: {name: \"[bold]项目[/]\"}\n"
        "budget: {initial: 3, adjusted: 3, executed: 1.798}\n"
        "indicators:\n  - name: \"产出指标[/red]\"\n    children:\n      - name: \"[link=x]二级\"\n"
        "        children:\n          - {name: \"[/]\", target: \"≥1场\", actual: \"[b]\", weight: 50}\n",
        encoding="utf-8")
    for width in ("80", "200"):
        result = CliRunner(env={"COLUMNS": width}).invoke(main, ["score", str(doc)])
        assert result.exit_code == 0, result.output
        assert "[bold]项目[/]" in result.output and "[/]" in result.output


def test_examples_validate_against_the_committed_schema() -> None:
    import jsonschema

    from jixiao.native import dump_json, load_file, parse_yaml

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    for prefix in ("000", "001", "003", "004"):
        path = example(prefix)
        data, _, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        assert not problems
        assert not [e.message for e in validator.iter_errors(data)], path
        written = json.loads(dump_json(load_file(path).evaluation))
        assert not [e.message for e in validator.iter_errors(written)], path
    assert list(validator.iter_errors({"kind": "department", "year": 2021, "unit": "x", "colour": 1}))


def test_check_groups_findings_and_exits_1_on_errors() -> None:
    result = CliRunner().invoke(main, ["check", str(example("004"))])
    assert result.exit_code == 1, result.output
    assert "错误" in result.output and "B111" in result.output and "1209.35" in result.output
    assert "004-jinshui-party-office-department.yaml:" in result.output  # the source line


def test_check_json_and_min_severity() -> None:
    result = CliRunner().invoke(main, ["check", "--json", "--min-severity", "error", str(example("001"))])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {f["severity"] for f in data["findings"]} == {"error"}
    first = data["findings"][0]
    assert set(first) == {"key", "code", "severity", "message", "where", "expected", "found"}
    assert first["where"]["source"]["line"] >= 1


def test_check_several_files_and_an_unreadable_one(tmp_path: Path) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text("kind: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--json", str(example("003")), str(bad)])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert len(data["files"]) == 2 and data["files"][1]["problems"]


def test_check_exits_0_without_errors(tmp_path: Path) -> None:
    from jixiao import synthetic
    from jixiao.native import dump_yaml
    from jixiao.document import Evaluation

    path = tmp_path / "ok.yaml"
    path.write_text(dump_yaml(Evaluation.model_validate(synthetic.department(3))), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output


def test_checks_doc_is_up_to_date() -> None:
    result = _run("checks", "--check")
    assert result.exit_code == 0, result.output
    listing = _run("checks")
    assert "B110" in listing.output and "N408" in listing.output
