"""Runs the YAML scenarios in tests/scenarios/: one indicator, one rule set, one expected score."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from jixiao import rulesets
from jixiao.document import Evaluation
from jixiao.scoring import score

CASES = [case for f in sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))
         for case in yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)]


def _document(case: dict) -> Evaluation:
    leaf = {"name": case.get("indicator", "测试指标"), "target": case["target"], "actual": case["actual"],
            "weight": case["weight"]}
    for key, field in (("reported", "score"), ("unit", "unit")):
        if key in case:
            leaf[field] = case[key]
    rules = rulesets.load(case["ruleset"])
    data = {"kind": rules.kind.value, "year": int(case.get("year", rules.year)), "unit": "测试单位",
            "indicators": [{"name": "产出指标", "children": [{"name": case.get("group", "数量指标"), "children": [leaf]}]}]}
    if rules.kind.value == "project":
        data["project"] = {"name": "测试项目"}
    return Evaluation.model_validate(data)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_scenario(case: dict) -> None:
    card = score(_document(case), rulesets.load(case["ruleset"]))
    [result] = card.indicators
    expected = None if case["score"] in ("null", "~", "") else Decimal(case["score"])
    assert result.computed == expected, result.explanation
    if "met" in case:
        assert result.met is (case["met"] == "true"), result.explanation
