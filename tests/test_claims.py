"""Figures read from report prose: on hand-written sentences and on the raw seed texts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.checks.claims import extract_text


def fields(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in extract_text(text):
        out.setdefault(c.field, []).append(c.value)
    return out


def test_budget_sentence_with_spaces_and_units():
    f = fields("2021 年度，我部门预算年初数为 1207.96 万元，调整预算数为 1,209.35 万元，"
               "预算执行金额为 1125.54 万元，预算执行率 93.07%。")
    assert f["budget.initial"] == [Decimal("1207.96")]
    assert f["budget.adjusted"] == [Decimal("1209.35")]
    assert f["budget.executed"] == [Decimal("1125.54")]
    assert f["rate:budget_execution_rate"] == [Decimal("93.07")]
    assert f["year"] == [2021]


def test_amounts_in_yuan_are_converted():
    f = fields("2020年社区发展治理工作经费年初预算30000元，实际支付17980元，预算执行率为59.93%。")
    assert f["budget.initial"] == [Decimal(3)]
    assert f["budget.executed"] == [Decimal("1.798")]


def test_scores_grades_and_thresholds():
    f = fields("最终得分为94分。按照90（含）-100分为优、60分以下为差的评价等级设置，我部门整体绩效评价等级为“优”。"
               "预算执行率低于70%的须说明原因。项目自评得分为 95.58，结果为优。")
    assert f["total"] == [Decimal(94), Decimal("95.58")]
    assert f["grade"] == ["优", "优"]
    assert "rate:budget_execution_rate" not in f  # 低于70% is a threshold, not a figure


def test_three_public_tasks_and_counts():
    text = ("“三公经费”年初预算 28 万元，实际支出 6.49 万元，“三公经费”控制率 23.18%。"
            "2021 年我部门共有项目 8 个，开展绩效监控项目 8 个，绩效监控完成率 100%。"
            "重点工作任务 5：全面深化改革经费预算数为 10 万元，预算执行金额为 1.43 万元，预算执行率 14.3%。")
    f = fields(text)
    assert f["budget.three_public.budget"] == [Decimal(28)]
    assert f["budget.three_public.actual"] == [Decimal("6.49")]
    assert f["rate:three_public_rate"] == [Decimal("23.18")]
    assert f["count:projects"] == [Decimal(8)] and f["count:monitored"] == [Decimal(8)]
    assert f["rate:monitoring_rate"] == [Decimal(100)]
    assert f["tasks[4].budget"] == [Decimal(10)] and f["tasks[4].executed"] == [Decimal("1.43")]
    assert f["rate:task:4"] == [Decimal("14.3")]


def test_unlabelled_figures_are_left_alone():
    f = fields("市财政每年安排200万元作为全市社区建设工作经费。评价结果中反映的问题及时整改。")
    assert f == {}


def _seed(seeds_dir: Path, prefix: str) -> str:
    [path] = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def test_seed_004_text_has_both_adjusted_budgets(seeds_dir: Path):
    claims = [c for c in extract_text(_seed(seeds_dir, "004")) if c.field == "budget.adjusted"]
    assert {c.value for c in claims} == {Decimal("1125.54"), Decimal("1209.35")}
    assert all(c.line for c in claims)
    rates = {c.value for c in extract_text(_seed(seeds_dir, "004")) if c.field == "rate:budget_execution_rate"}
    assert {Decimal(100), Decimal("93.07")} <= rates


def test_seed_000_003_001_texts(seeds_dir: Path):
    f000 = fields(_seed(seeds_dir, "000"))
    assert Decimal("19417.548") in f000["budget.executed"] and Decimal(94) in f000["total"]
    f003 = fields(_seed(seeds_dir, "003"))
    assert Decimal(105) in f003["rate:budget_execution_rate"] and Decimal(180) in f003["rate:three_public_rate"]
    assert Decimal("768.94") in f003["budget.initial"]
    f001 = fields(_seed(seeds_dir, "001"))
    assert f001["budget.initial"] == [Decimal(3)] and Decimal("59.93") in f001["rate:budget_execution_rate"]
    assert 2020 in f001["year"] and Decimal("95.58") in f001["total"]


def test_lines_of_the_budget_table_are_not_the_total():
    f = fields("其中：基本支出年初预算959.96万元，项目支出年初预算248万元。")
    assert f["budget.by_structure.basic.initial"] == [Decimal("959.96")]
    assert f["budget.by_structure.project.initial"] == [Decimal(248)]
    assert "budget.initial" not in f
