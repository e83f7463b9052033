"""Issue 17: scores a finance bureau can trust. Every expected figure comes from the issue, RULES.md or
the seeds, never from the code under test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import example

from jixiao import common, rulesets
from jixiao.checks import run_checks
from jixiao.document import Evaluation
from jixiao.native import load_file
from jixiao.scoring import score
from jixiao.service import check_document, ruleset_for


def _doc(kind: str = "project", year: int | None = 2023, region: str | None = None, **extra: Any) -> Evaluation:
    data: dict[str, Any] = {"kind": kind, "year": year, "unit": "测试单位", "region": region, **extra}
    if kind == "project":
        data.setdefault("project", {"name": "测试项目"})
    return Evaluation.model_validate(data)


def _tree(*categories: tuple[str, str | None, list[dict]]) -> list[dict]:
    return [{"name": name, "weight": weight, "children": [{"name": "二级", "children": leaves}]}
            for name, weight, leaves in categories]


def _codes(e: Evaluation) -> dict[str, list]:
    _, findings = check_document(e)
    found: dict[str, list] = {}
    for f in findings:
        found.setdefault(f.code, []).append(f)
    return found


# ------------------------------------------------------------------ rule-set choice


def test_zhengzhou_2024_project_is_scored_under_henan_2024() -> None:
    rules = ruleset_for(_doc(year=2024, region="河南省郑州市金水区"))
    assert rules.id == "henan-2024-project"
    assert [(c.name, c.weight) for c in rules.categories if c.source == "indicators"] == \
        [("成本指标", 10), ("产出指标", 30), ("效益指标", 25), ("满意度指标", 5)]  # 豫财效〔2024〕1号
    assert rules.uncertain  # 预算执行率 30 is inferred, and says so


def test_zhengzhou_2021_is_never_applied_to_another_place() -> None:
    rules = ruleset_for(_doc(kind="department", year=2021, region="四川省达州市"))
    assert rules.id == rulesets.OWN_ID and rules.selection is not None and rules.selection.how == "own"


def leaves(w: int, s: int | str) -> list[dict]:
    return [{"name": "指标", "target": "≥90%", "actual": "95%", "weight": w, "score": s}]


COST = [{"name": "成本控制达标率", "target": "≥100%", "actual": "95%", "weight": 10, "score": "9.5"}]
"""95/100 × 10 = 9.5 (正向, RULES.md), the 0.5 point a 99.5 document lost."""


def _sichuan_department() -> Evaluation:
    """A 四川 2023 部门整体 document with a 成本指标 category: 99.5 优 by its own table."""
    return _doc(kind="department", year=2023, region="四川省达州市",
                indicators=_tree(("成本指标（10分）", "10", COST), ("产出指标（40分）", "40", leaves(40, 40)),
                                 ("效益指标（30分）", "30", leaves(30, 30)), ("满意度指标（10分）", "10", leaves(10, 10))),
                budget={"initial": 100, "adjusted": 100, "executed": 100, "weight": 10, "score": 10},
                reported={"total": "99.5", "grade": "优",
                          "categories": [{"name": "预算执行", "weight": 10, "score": 10}]})


def test_sichuan_2023_department_is_scored_by_its_own_weights_and_says_so() -> None:
    e = _sichuan_department()
    rules = ruleset_for(e)
    card = score(e, rules)
    assert card.own_weights and card.ruleset_title.startswith("按文件自身权重计算（未找到")
    assert "四川省达州市2023年度" in card.ruleset_title
    assert [(c.name, c.weight) for c in card.categories] == [
        ("预算执行", 10), ("成本指标（10分）", 10), ("产出指标（40分）", 40), ("效益指标（30分）", 30), ("满意度指标（10分）", 10)]
    assert card.total == Decimal("99.5") and card.grade == "优"  # the 成本指标 category is not dropped
    found = _codes(e)
    assert "F502" in found and "按文件自身权重计算" in found["F502"][0].message


def test_own_weights_make_score_differences_warnings() -> None:
    e = _sichuan_department()
    leaf = e.indicators[1].children[0].children[0].model_copy(update={"score": Decimal(30)})
    wrong = e.model_copy(update={"indicators": (e.indicators[0], e.indicators[1].model_copy(update={
        "children": (e.indicators[1].children[0].model_copy(update={"children": (leaf,)}),)}), *e.indicators[2:])})
    s209 = _codes(wrong)["S209"]
    assert s209 and all(f.severity.value == "warning" for f in s209)


def test_cost_document_of_99_5_stays_99_5_under_mof_2022() -> None:
    e = _doc(year=2023, indicators=_tree(("产出指标", None, leaves(40, 40)), ("成本指标", None, COST),
                                         ("效益指标", None, leaves(30, 30)), ("满意度指标", None, leaves(10, 10))),
             budget={"initial": 100, "adjusted": 100, "executed": 100}, reported={"total": "99.5", "grade": "优"})
    rules = ruleset_for(e)
    assert rules.id == "mof-2022-project"
    card = score(e, rules)
    assert not card.unassigned  # 成本指标 counted within 产出's 50, never dropped into a note
    assert card.total == Decimal("99.5") and card.grade == "优"


def test_a_document_without_year_is_scored_by_its_own_weights() -> None:
    e = _doc(year=2021, region="河南省郑州市上街区").model_copy(update={"year": None})
    rules = rulesets.for_document(e)
    assert rules.origin == "document" and "未注明年度" in rules.title


# ------------------------------------------------------------------ direction


def test_carryover_rate_lower_is_better() -> None:
    """结转结余率 target 10% with no sign: 3% is better (full marks); 13% is scored 10/13."""
    def card(carryover: str) -> Any:
        e = _doc(year=2021, indicators=_tree(("产出指标", None, [
            {"name": "结转结余率", "target": "10%", "actual": "", "weight": 10}])),
            budget={"initial": 100, "adjusted": 100, "executed": 90, "carryover": carryover})
        return score(e, rulesets.load("mof-2020-project")).indicators[0]
    low, high = card("3"), card("13")
    assert low.computed == 10 and low.met
    assert high.computed == Decimal("7.69") and high.met is False  # 10/13 × 10, half-up


# ------------------------------------------------------------------ implausible data, qualitative bands


def test_partial_at_85_percent_is_clamped_to_80_and_flagged() -> None:
    e = _doc(year=2021, indicators=_tree(("效益指标", None, [
        {"name": "制度完善程度", "target": "完善", "actual": "部分达成年度指标并具有一定效果", "weight": 10, "score": "8.5"}])))
    [item] = score(e, rulesets.load("mof-2020-project")).indicators
    assert item.computed == Decimal(8) and item.clamped
    assert any(f.code == "T307" for f in run_checks(e, rulesets.load("mof-2020-project")))


def test_achieved_score_below_its_band_is_not_raised_to_the_top() -> None:
    e = _doc(year=2021, indicators=_tree(("产出指标", None, [
        {"name": "设置合理性", "target": "合理", "actual": "合理", "weight": 2, "score": 1}])))
    [item] = score(e, rulesets.load("mof-2020-project")).indicators
    assert item.computed == Decimal("1.6")  # the nearest bound of [1.6, 2], not 2


def test_comparator_in_an_actual_is_not_scored_and_found() -> None:
    e = _doc(year=2021, indicators=_tree(("满意度指标", None, [
        {"name": "群众满意度", "target": "≥95%", "actual": "≥95%", "weight": 10, "score": 10}])))
    rules = rulesets.load("mof-2020-project")
    [item] = score(e, rules).indicators
    assert item.computed is None and item.disputed and item.used == 10  # the unit's 10 kept, 待核实
    assert [f.code for f in run_checks(e, rules) if f.code == "T311"] == ["T311"]


def test_gross_adjustment_rate() -> None:
    e = _doc(year=2021, budget={"initial": 100, "adjusted": 100, "executed": 100, "increase": 100, "decrease": 100})
    rate = common.budget_adjustment_rate(e)
    assert rate.value == Decimal(2)  # (100 + 100) / 100 = 200%, not the net 0%


def test_adjustment_above_100_percent_is_not_scored() -> None:
    e = _doc(year=2021, budget={"initial": 100, "adjusted": 100, "executed": 100, "increase": 100, "decrease": 100},
             indicators=_tree(("产出指标", None, [{"name": "预算调整率", "target": "≤10%", "actual": "0%", "weight": 5,
                                                "score": 5}])))
    [item] = score(e, rulesets.load("mof-2020-project")).indicators
    assert item.computed is None and "待核实" in item.explanation and item.used == 5


def test_a_rate_from_zero_over_zero_is_not_scored() -> None:
    e = _doc(year=2021, budget={"initial": 0, "adjusted": 0, "executed": 0},
             indicators=_tree(("产出指标", None, [{"name": "预算执行率", "target": "≥90%", "actual": "100%", "weight": 5,
                                                "score": 4}])))
    [item] = score(e, rulesets.load("mof-2020-project")).indicators
    assert item.computed is None and item.disputed and item.used == 4


def test_variation_rates_are_not_control_rates() -> None:
    assert common.identify("三公经费变动率") is None and common.identify("结转结余变动率") is None


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_seeds_000_and_003_hold_only_the_declaration_form(prefix: str) -> None:
    e = load_file(example(prefix)).evaluation
    rules = ruleset_for(e)
    card = score(e, rules)
    assert card.declaration_only and "不是自评表" in card.notes[0]
    [f501] = [f for f in run_checks(e, rules) if f.code == "F501"]
    assert f501.severity.value == "error" and "不是自评表" in f501.message


def test_seeds_001_and_004_are_self_evaluations() -> None:
    for prefix in ("001", "004"):
        e = load_file(example(prefix)).evaluation
        assert not score(e, ruleset_for(e)).declaration_only
        assert not [f for f in run_checks(e, ruleset_for(e)) if f.code == "F501"]


def test_seed_004_every_budget_row_adjusted_to_its_execution() -> None:
    e = load_file(example("004")).evaluation
    [b121] = [f for f in run_checks(e, ruleset_for(e)) if f.code == "B121"]
    assert "1125.54" in b121.message and "1207.96" in b121.message


def test_a_rule_set_can_deduct_per_percentage_point() -> None:
    """Some provinces' 部门整体 tables deduct 0.1 × w per point over the standard (RULES.md [V])."""
    rules = rulesets.load("mof-2020-project")
    strict = rules.model_validate(rules.model_dump() | {"indicator_methods": [
        {"name": "carryover_rate", "method": "deduction_per_point", "per_point": "0.1", "source": "[V] 省级表"}]})
    e = _doc(year=2021, indicators=_tree(("产出指标", None, [
        {"name": "结转结余率", "target": "≤5%", "actual": "", "weight": 10}])),
        budget={"initial": 100, "adjusted": 100, "executed": 92, "carryover": 8})
    [item] = score(e, strict).indicators
    assert item.computed == Decimal("7.00")  # 8% is 3 points over 5%: 10 − 3 × 1
    [plain] = score(e, rules).indicators
    assert plain.computed == Decimal("6.25")  # inverse ratio 5/8 × 10


def test_a_named_rule_set_of_another_place_is_used_with_a_warning() -> None:
    e = _doc(year=2021, region="四川省达州市", ruleset="zhengzhou-2021-project")
    rules = ruleset_for(e)
    assert rules.id == "zhengzhou-2021-project" and rules.selection is not None
    assert rules.selection.how == "other_year" and "四川省达州市" in rules.selection.message
    assert "F502" in _codes(e)


def test_over_achievement_is_asked_for_only_in_the_good_direction() -> None:
    def t302(target: str, actual: str) -> list:
        e = _doc(year=2021, indicators=_tree(("效益指标", None, [
            {"name": "群众投诉率", "target": target, "actual": actual, "weight": 10, "score": 10}])))
        return [f for f in run_checks(e, rulesets.load("mof-2020-project")) if f.code == "T302"]
    assert t302("2%", "1%") == []  # half the complaints: good, nothing to explain
    assert t302("2%", "8%") == []  # missed (scored 2.5), not over-achieved
    e = _doc(year=2021, indicators=_tree(("产出指标", None, [
        {"name": "培训人次", "target": "≥60人", "actual": "280人", "weight": 10, "score": 10}])))
    assert [f.code for f in run_checks(e, rulesets.load("mof-2020-project")) if f.code == "T302"] == ["T302"]


def test_own_weights_infer_truncation_from_the_document() -> None:
    """Seed 001 outside its place and year: its 0.59 for 1.798/3 × 1 (0.599…) is truncation, kept."""
    e = load_file(example("001")).evaluation.model_copy(update={"region": "四川省", "ruleset": None, "year": 2019})
    rules = ruleset_for(e)  # 2019: the national rule set of 2020 only, with a warning
    assert rules.id == "mof-2020-project" and rules.selection is not None and rules.selection.how == "other_year"
    own = rulesets.from_document(e, "测试")
    assert own.rounding.mode.value == "TRUNCATE"
    plain = _doc(year=2023, region="四川省达州市", kind="department", indicators=_tree(("产出指标", "100", [
        {"name": "合格率", "target": "≥90%", "actual": "89%", "weight": 100, "score": "98.89"}])))
    assert rulesets.from_document(plain, "测试").rounding.mode.value == "HALF_UP"  # 98.888… → 98.89
