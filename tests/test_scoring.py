"""The scoring engine on the seed examples and on small constructed documents."""

from __future__ import annotations

from decimal import Decimal

from conftest import example

from jixiao import rulesets
from jixiao.document import Evaluation
from jixiao.native import load_file
from jixiao.numbers import RoundingMode
from jixiao.rulesets import RuleSet
from jixiao.scoring import score
from jixiao.service import score_file


def _card(prefix: str, ruleset: str | None = None):
    scored = score_file(example(prefix), ruleset)
    assert scored.scorecard is not None, scored.problems
    return scored.scorecard


def _category(card, key):
    return next(c for c in card.categories if c.key == key)


def test_seed_001_total_is_95_58_excellent() -> None:
    card = _card("001")
    assert card.ruleset == "zhengzhou-2021-project"
    assert card.total == Decimal("95.58")
    assert card.grade == "优"
    assert _category(card, "budget_execution").computed == Decimal("5.99")
    row = next(i for i in card.indicators if i.name == "预算执行率")
    assert row.computed == Decimal("0.59")
    assert "59.93%" in row.explanation  # computed from 1.798/3, not the typed 59.90%


def test_seed_001_half_up_would_give_95_59() -> None:
    """The truncation is what reproduces 95.58; half-up rounding gives 95.59."""
    rules = rulesets.load("zhengzhou-2021-project")
    half_up = RuleSet.model_validate(rules.model_dump() | {"rounding": {"mode": RoundingMode.HALF_UP, "decimals": 2}})
    evaluation = load_file(example("001")).evaluation
    card = score(evaluation, half_up)
    assert card.total == Decimal("95.59")
    assert any(d.field == "总分" for d in card.differences)


def test_seed_001_matches_what_it_reports() -> None:
    card = _card("001")
    assert card.reported_total == card.total
    assert card.reported_grade == card.grade
    assert not [d for d in card.differences if d.field in ("总分", "等级")]


def test_seed_004_table_recomputed_from_its_stated_scores() -> None:
    card = _card("004")
    inputs = _category(card, "input_management")
    assert (inputs.stated, inputs.weight) == (Decimal(19), Decimal(20))
    output = _category(card, "output")
    assert (output.stated, output.weight) == (Decimal(40), Decimal(40))
    assert card.stated_total == Decimal(98) == card.reported_total


def test_seed_004_lists_reported_against_computed_differences() -> None:
    card = _card("004")
    rows = {d.where.rsplit("/", 1)[-1]: d for d in card.differences if d.field == "得分"}
    assert "预算执行率" in rows  # target ≥90%, executed 1125.54 of 1125.54: full 2 points, reported 1
    assert rows["预算执行率"].reported == Decimal(1) and rows["预算执行率"].computed == Decimal(2)
    budget = _category(card, "budget_execution")
    assert budget.reported == Decimal(9) and budget.computed == Decimal(10)
    assert any(d.where == "预算执行" for d in card.differences)


def test_category_without_indicator_rows_keeps_its_reported_score() -> None:
    card = _card("004")
    outcome = _category(card, "outcome")
    assert outcome.computed == Decimal(30) and "无指标明细" in (outcome.note or "")


def test_seed_000_execution_over_budget_is_not_scored_and_the_unit_s_9_kept() -> None:
    """Issue 17: 19417.548/9444.28 = 205.6% is a figure to check, not a performance to score."""
    card = _card("000")
    budget = _category(card, "budget_execution")
    assert card.execution_rate.value == Decimal("19417.548") / Decimal("9444.28")
    assert budget.disputed and "205.60%" in budget.disputed
    assert budget.computed == Decimal(9) == budget.reported and "待核实" in (budget.note or "")
    assert card.stated_total == Decimal(93)  # 9 + 19 + 40 + 25: its own table does not add up to 94
    assert card.total == Decimal(93) and card.reported_total == Decimal(94)


def test_seed_003_declaration_table_keeps_reported_category_scores() -> None:
    card = _card("003")
    assert [c.computed for c in card.categories] == [Decimal(10), Decimal(19), Decimal(40), Decimal(30)]
    assert card.total == Decimal(99) and card.grade == "优"


def test_every_example_scores_under_its_rule_set() -> None:
    for prefix in ("000", "001", "003", "004"):
        card = _card(prefix)
        assert Decimal(0) <= card.total <= Decimal(100)
        assert card.grade in ("优", "良", "中", "差")


def _project(leaves: list[dict], budget: dict | None = None, categories: list[str] | None = None) -> Evaluation:
    names = categories or ["产出指标"] * len(leaves)
    tree: dict[str, list] = {}
    for name, leaf in zip(names, leaves, strict=True):
        tree.setdefault(name, []).append(leaf)
    return Evaluation.model_validate({
        "kind": "project", "year": 2021, "unit": "测试单位", "project": {"name": "测试项目"},
        "budget": budget or {"initial": 100, "adjusted": 100, "executed": 100},
        "indicators": [{"name": n, "children": [{"name": "二级", "children": ls}]} for n, ls in tree.items()],
    })


def test_mof_moves_satisfaction_weight_when_absent() -> None:
    doc = _project([{"name": "数量", "target": "≥10个", "actual": "10个", "weight": 55},
                    {"name": "效益", "target": "提高", "actual": "提高", "weight": 35}], categories=["产出指标", "效益指标"])
    card = score(doc, rulesets.load("mof-2020-project"))
    weights = {c.key: c.weight for c in card.categories}
    assert weights == {"budget_execution": 10, "output": 55, "outcome": 35}
    assert card.total == 100
    assert any("满意度" in n for n in card.notes)


def test_not_applicable_indicators_rescale_the_total() -> None:
    doc = _project([{"name": "a", "target": "≥10个", "actual": "5个", "weight": 40},
                    {"name": "b", "target": "≥10个", "actual": "", "weight": 50, "applicable": False}])
    card = score(doc, rulesets.load("mof-2020-project"))
    # 10 (budget) + 20 (a: 5/10×40) = 30 of 50 applicable points → 60
    assert card.total == Decimal("60.00")
    assert card.grade == "中"


def test_execution_band_caps_the_total() -> None:
    rules = rulesets.load("mof-2020-project")
    capped = RuleSet.model_validate(rules.model_dump() | {"total_caps": [
        {"rate_from": 70, "rate_below": 80, "max_total": 89}, {"rate_below": 50, "max_total": 59}]})
    doc = _project([{"name": "a", "target": "≥10个", "actual": "10个", "weight": 50},
                    {"name": "b", "target": "提高", "actual": "提高", "weight": 30},
                    {"name": "c", "target": "≥90%", "actual": "95%", "weight": 10}],
                   budget={"initial": 100, "adjusted": 100, "executed": 75},
                   categories=["产出指标", "效益指标", "满意度指标"])
    card = score(doc, capped)
    assert card.total == Decimal(89)  # 7.5 + 90 = 97.5, capped
    assert any("上限" in n for n in card.notes)


def test_category_never_exceeds_its_weight() -> None:
    doc = _project([{"name": "a", "target": "≥10个", "actual": "10个", "weight": 70}])
    card = score(doc, rulesets.load("mof-2020-project"))
    output = next(c for c in card.categories if c.key == "output")
    assert output.computed == output.weight == Decimal(55)
    assert "上限" in (output.note or "")


def test_over_achievement_deduction() -> None:
    rules = rulesets.load("mof-2020-project")
    strict = RuleSet.model_validate(rules.model_dump() | {"over_achievement": {"explain_ratio": "1.2",
                                                                                "deduction": {"ratio": "1.3", "points": 2}}})
    doc = _project([{"name": "a", "target": "≥10个", "actual": "13个", "weight": 10}])
    [result] = score(doc, strict).indicators
    assert result.computed == Decimal(8)


def test_linear_deduction_for_negative_targets() -> None:
    rules = rulesets.load("mof-2020-project")
    linear = RuleSet.model_validate(rules.model_dump() | {"quantitative": {"negative": "linear_deduction"}})
    doc = _project([{"name": "a", "target": "≤10%", "actual": "12%", "weight": 5}])
    [result] = score(doc, linear).indicators
    assert result.computed == Decimal("4.00")  # 5 × (1 − 2/10)


def test_seed_001_explanations_the_rule_set_requires() -> None:
    card = _card("001")
    by_where = {x.where: x for x in card.explanations}
    low = by_where["预算执行率"]  # 59.93% < 70%: explained in the 偏差原因 column
    assert "70%" in low.reason and low.given and "财政资金紧张" in low.given
    over = {w for w, x in by_where.items() if "超额" in x.reason}
    assert over == {"产出指标/数量指标/参加培训人数", "产出指标/数量指标/培训场次"}  # 280/60, 4/1
    assert {x.where for x in card.missing_explanations} == over


def test_large_adjustment_needs_an_explanation() -> None:
    doc = _project([{"name": "a", "target": "≥10个", "actual": "10个", "weight": 50}],
                   budget={"initial": 100, "adjusted": 150, "executed": 150})
    card = score(doc, rulesets.load("mof-2020-project"))
    [x] = [x for x in card.explanations if x.where == "预算调整率"]
    assert "50.00%" in x.reason and x.given is None


def test_batch_tuning_keeps_results_and_can_be_undone() -> None:
    import gc

    from jixiao.service import tune_for_batch

    before = gc.get_threshold()
    try:
        tune_for_batch()
        assert gc.get_threshold()[0] == 50_000 and gc.get_freeze_count() > 0
        assert _card("001").total == Decimal("95.58")
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
