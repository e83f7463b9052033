"""Properties of the scoring engine on generated documents."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import rulesets
from jixiao.document import Evaluation
from jixiao.scoring import score

RULESETS = ["mof-2020-project", "zhengzhou-2021-project"]
CATEGORIES = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}

amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
comparators = st.sampled_from(["≥", "≤", "=", "", "不低于", "不超过"])
units = st.sampled_from(["%", "人", "个", "万元", "次"])
words = st.sampled_from(["合理", "提高", "有效", "基本完成", "部分达成", "未达成", "不合规", "/", "", "情况良好，群众满意"])


@st.composite
def leaf(draw, weight: int) -> dict:
    if draw(st.booleans()):
        unit = draw(units)
        target = f"{draw(comparators)}{draw(amounts)}{unit}"
        actual = f"{draw(amounts)}{unit}" if draw(st.integers(0, 9)) else draw(words)
    else:
        target, actual = draw(st.sampled_from(["合理", "提高", "有效", "2021年12月31日前"])), draw(words)
    return {"name": "指标", "target": target, "actual": actual, "weight": weight}


@st.composite
def document(draw) -> Evaluation:
    tree = []
    for name, weight in CATEGORIES.items():
        n = draw(st.integers(1, 4))
        parts = [weight // n] * n
        parts[-1] += weight - sum(parts)
        tree.append({"name": name, "children": [{"name": "二级", "children": [draw(leaf(w)) for w in parts]}]})
    adjusted = draw(amounts)
    executed = draw(st.decimals(min_value=0, max_value=adjusted, places=2, allow_nan=False, allow_infinity=False))
    return Evaluation.model_validate({
        "kind": "project", "year": 2021, "unit": "测试单位", "project": {"name": "测试项目"},
        "budget": {"initial": adjusted, "adjusted": adjusted, "executed": executed}, "indicators": tree,
    })


@settings(max_examples=150, deadline=None)
@given(document(), st.sampled_from(RULESETS))
def test_scores_stay_within_their_weights(doc: Evaluation, ruleset: str) -> None:
    rules = rulesets.load(ruleset)
    card = score(doc, rules)
    for c in card.categories:
        assert Decimal(0) <= c.computed <= c.weight, (c.name, c.computed, c.weight)
        for i in c.indicators:
            if i.computed is not None:
                assert Decimal(0) <= i.computed <= i.weight, i.explanation
                assert i.explanation
    assert Decimal(0) <= card.total <= Decimal(100)
    assert card.total == sum((c.computed for c in card.categories), Decimal(0))
    assert card.grade == rules.grade_of(card.total)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
                min_size=2, max_size=20), st.sampled_from(RULESETS + ["zhengzhou-2021-department"]))
def test_grades_are_monotone(totals: list[Decimal], ruleset: str) -> None:
    rules = rulesets.load(ruleset)
    order = [g.name for g in rules.grades]  # best first
    ranks = [order.index(rules.grade_of(t)) for t in sorted(totals)]
    assert ranks == sorted(ranks, reverse=True)


@settings(max_examples=100, deadline=None)
@given(document())
def test_scoring_is_deterministic_and_exact(doc: Evaluation) -> None:
    rules = rulesets.load("zhengzhou-2021-project")
    a, b = score(doc, rules), score(doc, rules)
    assert a == b
    for c in a.categories:
        assert c.computed == c.computed.quantize(Decimal("0.01")) or c.computed == c.weight
