"""Rule sets are data: strict loading, inheritance, search path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import rulesets
from jixiao.document import Kind
from jixiao.rulesets import RuleSetError

BUNDLED = ("mof-2020-project", "mof-2022-project", "henan-2024-project", "zhengzhou-2021-project",
           "zhengzhou-2021-department")


@pytest.mark.parametrize("rid", BUNDLED)
def test_bundled_rule_sets_load_with_basis(rid: str) -> None:
    rules = rulesets.load(rid)
    assert rules.id == rid and rules.basis and rules.title and rules.jurisdiction
    assert sum(c.weight for c in rules.categories) == 100
    assert rules.valid_from is not None and rules.common_indicators  # its years and its common indicators
    assert all(b.confidence in ("V", "R", "I", "seeds") for b in rules.basis)


def test_weights_as_the_seeds_and_10hao_say() -> None:
    w = lambda rid: [(c.name, c.weight) for c in rulesets.load(rid).categories]  # noqa: E731
    assert w("zhengzhou-2021-department") == [("预算执行", 10), ("投入管理", 20), ("产出指标", 40), ("效益指标", 30)]
    assert [x for _, x in w("zhengzhou-2021-project")] == [10, 10, 40, 30, 10]
    assert [x for _, x in w("mof-2020-project")] == [10, 50, 30, 10]
    assert rulesets.load("zhengzhou-2021-project").rounding.mode.value == "TRUNCATE"


def test_grade_bands_include_their_lower_bound() -> None:
    rules = rulesets.load("mof-2020-project")
    assert [rules.grade_of(Decimal(x)) for x in ("100", "90", "89.99", "80", "60", "59.99", "0")] == \
        ["优", "优", "良", "良", "中", "差", "差"]


def test_default_rule_set_by_kind_year_and_region() -> None:
    assert rulesets.default_for(Kind.PROJECT, 2021, "河南省郑州市上街区").id == "zhengzhou-2021-project"
    assert rulesets.default_for(Kind.PROJECT, 2021, None).id == "mof-2020-project"
    assert rulesets.default_for(Kind.PROJECT, 2023, None).id == "mof-2022-project"
    # No national department rule set, and Zhengzhou's is not applied elsewhere: none fits.
    with pytest.raises(RuleSetError, match="未找到适用于"):
        rulesets.default_for(Kind.DEPARTMENT, 2022, None)


def _write(directory: Path, rid: str, body: str) -> Path:
    path = directory / f"{rid}.yaml"
    path.write_text(f"id: {rid}\n" + body, encoding="utf-8")
    return path


PROVINCE = """\
title: 某省2024年度项目支出绩效自评评分规则
jurisdiction: 某省
year: 2024
kind: project
extends: mof-2020-project
basis:
  - {title: 某省财政厅通知, confidence: I}
budget_execution:
  explain_below: 90%
"""


def test_a_new_province_is_a_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "someprovince-2024-project", PROVINCE)
    monkeypatch.setenv("JIXIAO_RULESETS", str(tmp_path))
    rules = rulesets.load("someprovince-2024-project")
    assert rules.budget_execution.explain_below == 90
    assert [c.weight for c in rules.categories] == [10, 50, 30, 10]  # inherited
    assert rules.rounding.mode.value == "HALF_UP"
    assert "someprovince-2024-project" in [r.id for r in rulesets.available()]


@pytest.mark.parametrize("body, expected", [
    (PROVINCE + "roundng: {mode: TRUNCATE}\n", "未知字段「roundng」"),
    (PROVINCE + "year: 2025\n", "重复的键「year」"),
    (PROVINCE + "categories:\n  - {key: output, name: 产出, weight: 60}\n  - {key: outcome, name: 效益, weight: 30}\n",
     "权重之和应为 100"),
    (PROVINCE.replace("mof-2020-project", "no-such-rules"), "extends 指向不存在的规则"),
    (PROVINCE + "grades:\n  - {name: 优, min: 80}\n  - {name: 良, min: 90}\n  - {name: 差, min: 0}\n", "从高到低"),
    (PROVINCE + "rounding: {mode: BANKERS}\n", "rounding.mode"),
])
def test_strict_loader_refuses_with_a_message(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path, "bad-2024-project", body)
    with pytest.raises(RuleSetError) as err:
        rulesets.load(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value) or "extends" in str(err.value)


def test_extends_cycle_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "a-2024-project", PROVINCE.replace("mof-2020-project", "b-2024-project"))
    _write(tmp_path, "b-2024-project", PROVINCE.replace("mof-2020-project", "a-2024-project"))
    monkeypatch.setenv("JIXIAO_RULESETS", str(tmp_path))
    with pytest.raises(RuleSetError, match="循环"):
        rulesets.load("a-2024-project")


def test_unknown_id_lists_the_available_ones() -> None:
    with pytest.raises(RuleSetError, match="mof-2020-project"):
        rulesets.load("no-such-id")


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other-name.yaml"
    path.write_text("id: some-id\n" + PROVINCE, encoding="utf-8")
    with pytest.raises(RuleSetError, match="文件名"):
        rulesets.load(path)
