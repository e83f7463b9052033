"""Common indicators are computed from the figures, never from typed percentages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao import common
from jixiao.document import Evaluation


def _doc(budget: dict, pm: dict | None = None) -> Evaluation:
    data = {"kind": "department", "year": 2021, "unit": "测试单位", "budget": budget}
    if pm:
        data["performance_management"] = pm
    return Evaluation.model_validate(data)


@pytest.mark.parametrize(("name", "key"), [
    ("预算执行率", "budget_execution_rate"),
    ("资金执行率", "budget_execution_rate"),
    ("“三公经费”控制率", "three_public_rate"),
    ("\"三公经费\" 控制率", "three_public_rate"),
    ("结转结余率", "carryover_rate"),
    ("政府采购执行率", "procurement_rate"),
    ("专项资金细化率", "special_funds_rate"),
    ("绩效监控完成率", "monitoring_rate"),
    ("绩效自评完成率", "self_evaluation_rate"),
    ("部门绩效评价完成率", "department_evaluation_rate"),
    ("评价结果应用率", "result_application_rate"),
    ("预算调整率", "budget_adjustment_rate"),
    ("培训参与度", None),
])
def test_identify(name: str, key: str | None) -> None:
    assert common.identify(name) == key


def test_execution_rate_uses_the_adjusted_budget_exactly() -> None:
    rate = common.compute(_doc({"initial": 3, "adjusted": 3, "executed": "1.798"}), "budget_execution_rate")
    assert rate.value == Decimal("1.798") / Decimal(3)
    assert rate.formula.endswith("1.798/3") and rate.missing is None


def test_execution_rate_falls_back_to_initial_and_says_so() -> None:
    rate = common.compute(_doc({"initial": 200, "executed": 150}), "budget_execution_rate")
    assert rate.value == Decimal("0.75") and "年初预算数" in (rate.note or "")


def test_missing_figure_is_named() -> None:
    rate = common.compute(_doc({"initial": 200}), "budget_execution_rate")
    assert rate.value is None and "预算执行数" in (rate.missing or "")


def test_zero_denominator_is_explained_not_raised() -> None:
    rate = common.compute(_doc({"initial": 0, "adjusted": 0, "executed": 0}), "budget_execution_rate")
    assert rate.value is None and "为0" in (rate.missing or "")


def test_three_public_rate_can_exceed_one() -> None:
    rate = common.compute(_doc({"three_public": {"budget": "7.2", "actual": "0.04"}}), "three_public_rate")
    assert rate.value == Decimal("0.04") / Decimal("7.2")


def test_carryover_derived_when_not_stated() -> None:
    rate = common.compute(_doc({"adjusted": 100, "executed": 80}), "carryover_rate")
    assert rate.value == Decimal("0.2") and "推算" in (rate.note or "")
    stated = common.compute(_doc({"adjusted": 100, "executed": 80, "carryover": 5}), "carryover_rate")
    assert stated.value == Decimal("0.05") and stated.note is None


def test_adjustment_rate_excludes_policy_adjustments() -> None:
    rate = common.compute(_doc({"initial": 100, "adjusted": 130, "adjustment_excluded": 20}), "budget_adjustment_rate")
    assert rate.value == Decimal("0.1") and "剔除" in (rate.note or "")


def test_counts_from_performance_management() -> None:
    doc = _doc({}, {"projects": 12, "monitored": 12, "self_evaluated": 9, "key_evaluations": 2, "key_evaluated": 1})
    rates = common.compute_all(doc)
    assert rates["monitoring_rate"].value == 1
    assert rates["self_evaluation_rate"].value == Decimal("0.75")
    assert rates["department_evaluation_rate"].value == Decimal("0.5")
    assert rates["result_application_rate"].value is None


def test_every_common_indicator_is_computable_or_says_why() -> None:
    for rate in common.compute_all(_doc({})).values():
        assert rate.value is None and rate.missing
