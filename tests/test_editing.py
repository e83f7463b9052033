"""The editing service (no web framework): analysis of typed data, field names, differences, new documents."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from jixiao import editing, rulesets
from jixiao.native import load_file

from conftest import example


@pytest.fixture
def doc004() -> dict:
    return editing.document_json(load_file(example("004")).evaluation)


def test_analysis_settles_typed_data_and_reports_findings(doc004):
    doc004["tasks"][4]["rate"] = "1.43%"  # a typed derived figure
    a = editing.analyse(doc004)
    assert a.ok and a.settled.tasks[4].rate == Decimal("14.30")
    assert any(c.path == "tasks[4].rate" for c in a.changes)
    data = a.to_json()
    assert data["score"]["total"] == "100.00" and data["counts"]["error"] == len(
        [f for f in a.findings if f.severity.value == "error"])
    assert all(f["label"] for f in data["findings"] if f["field"])


def test_analysis_of_invalid_data_names_every_field(doc004):
    doc004["year"] = "二〇二一"
    doc004["budget"]["executed"] = "-1"
    a = editing.analyse(doc004)
    assert not a.ok
    paths = {p.path for p in a.problems}
    assert paths == {"year", "budget.executed"}
    assert a.summary()["valid"] is False


@pytest.mark.parametrize("bad", [None, [], "text", {"kind": "x"}, {"kind": "department", "year": "二〇二一"},
                                 {"year": 2021, "unit": "某局"}])
def test_analysis_never_raises_on_garbage(bad):
    assert not editing.analyse(bad).ok


def test_a_rule_set_of_the_other_kind_is_a_problem(doc004):
    doc004["ruleset"] = "zhengzhou-2021-project"
    [problem] = editing.analyse(doc004).problems
    assert problem.path == "ruleset" and "项目支出" in problem.message


@pytest.mark.parametrize("path, label", [
    ("tasks[4].executed", "年度主要任务 › 任务5（全面深化改革经费） › 预算执行数"),
    ("budget.by_source.fiscal.adjusted", "预算情况 › 资金来源 › 财政性资金 › 全年（调整）预算数"),
    ("budget.three_public.actual", "预算情况 › “三公经费” › 实际支出"),
    ("indicators[0].children[1].children[2].actual", "绩效指标 › 投入管理指标 › 预算和财务管理 › 预算执行率 › 实际完成值"),
    ("reported.categories[1].score", "各项指标得分情况表 › 投入管理 › 得分"),
    ("goals.actual", "绩效目标 › 目标实际完成情况"),
    ("", "整份文档"),
])
def test_fields_are_named_for_people(doc004, path, label):
    assert editing.label_for(path, doc004) == label


def test_diff_lists_changed_fields_only(doc004):
    after = copy.deepcopy(doc004)
    after["budget"]["adjusted"] = "1209.35"
    after["budget"]["initial"] = format(float(doc004["budget"]["initial"]), ".3f")  # same figure, other digits
    del after["tasks"][7]
    changes = editing.diff(doc004, after)
    paths = [c.path for c in changes]
    assert "budget.adjusted" in paths and "budget.initial" not in paths
    assert all(p.startswith(("budget.adjusted", "tasks[7]")) for p in paths)
    removed = [c for c in changes if c.path.startswith("tasks[7]")]
    assert removed and all(c.after == "" for c in removed)


def test_a_blank_form_has_the_rule_sets_categories_and_sections():
    rules = rulesets.load("zhengzhou-2021-department")
    data = editing.blank("department", rules, 2022, "某单位")
    a = editing.analyse(data)
    assert a.ok and [c["name"] for c in data["indicators"]] == ["投入管理", "产出指标", "效益指标"]
    assert [s["title"] for s in data["narrative"]] == [s.name for s in rules.report_sections]
    assert not any(f.code == "N408" for f in a.findings)  # no section missing


def test_next_year_keeps_structure_and_targets_and_clears_results(doc004):
    new = editing.next_year(doc004, 2022)
    a = editing.analyse(new)
    assert a.ok and a.settled.year == 2022
    old_leaves = [(l.level2, l.indicator.name, l.indicator.target.raw) for l in
                  editing.analyse(doc004).settled.leaves()]
    new_leaves = list(a.settled.leaves())
    assert [(l.level2, l.indicator.name, l.indicator.target.raw) for l in new_leaves] == old_leaves
    assert all(not l.indicator.actual.raw for l in new_leaves)
    assert all(not s.text for s in a.settled.narrative) and a.settled.budget.adjusted is None
    assert [t.name for t in a.settled.tasks] == [t["name"] for t in doc004["tasks"]]


@pytest.mark.parametrize("bad", ["1e999999", "9" * 400, "1e-999999", "0.000000000000000000001"])
@pytest.mark.parametrize("path", [("budget", "adjusted"), ("budget", "executed"), ("tasks", 0, "budget"),
                                  ("indicators", 1, "children", 0, "children", 0, "weight")])
def test_an_impossible_number_is_a_problem_on_its_field_not_a_crash(doc004, bad, path):
    node = doc004
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = bad
    a = editing.analyse(doc004)
    assert not a.ok
    [problem] = a.problems
    assert problem.path == ".".join(str(p) for p in path).replace(".0.", "[0].").replace(".1.", "[1].") \
        or problem.path.endswith(str(path[-1]))
    assert "数字过大" in problem.message or "小数位过多" in problem.message


@pytest.mark.parametrize("bad", ["1e999999", "9" * 400, "1e-999999"])
def test_an_impossible_actual_value_does_not_crash_scoring(doc004, bad):
    leaves = [leaf for c in doc004["indicators"] for g in c["children"] for leaf in g["children"]]
    leaves[-1]["actual"] = bad
    leaves[-2]["target"] = f"≥{bad}"
    a = editing.analyse(doc004)
    assert a.ok and a.card.total is not None


def test_what_is_attached_to_a_row_follows_the_row(doc004):
    path = "tasks[4].executed"
    label = editing.label_for(path, doc004)
    assert editing.relocate(path, label, doc004) == path
    moved = copy.deepcopy(doc004)
    moved["tasks"].insert(0, moved["tasks"].pop(4))
    assert editing.relocate(path, label, moved) == "tasks[0].executed"  # 任务5 (全面深化改革经费) is now 任务1
    leaf = "indicators[1].children[0].children[0]"
    name = editing.label_for(leaf, doc004)
    group = moved["indicators"][1]["children"][0]["children"]
    group.append(group.pop(0))
    assert editing.relocate(leaf, name, moved) == f"indicators[1].children[0].children[{len(group) - 1}]"
    del group[-1]
    assert editing.relocate(leaf, name, moved) is None


@pytest.mark.parametrize("name", ["/etc/passwd", "/proc/self/environ", "../../../../etc/hostname",
                                  "x" * 5000, "zhengzhou-2021-project.yaml", "/dev/zero"])
def test_a_documents_rule_set_is_an_id_and_never_a_file_to_open(doc004, name, monkeypatch):
    opened = []
    real_open = open

    def watch(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watch)
    data = copy.deepcopy(doc004) | {"ruleset": name}
    analysis = editing.analyse(data)
    [problem] = analysis.problems
    assert problem.path == "ruleset" and "没有 id 为" in problem.message and len(problem.message) < 400
    assert not any(name in f for f in opened)
    assert "root:" not in problem.message  # nothing of the named file comes back


def test_the_command_line_still_loads_a_rule_set_file_by_path(tmp_path):
    source = rulesets.DATA_DIR / "zhengzhou-2021-project.yaml"
    path = tmp_path / "my-rules.yaml"
    path.write_text(source.read_text(encoding="utf-8").replace("id: zhengzhou-2021-project", "id: my-rules", 1),
                    encoding="utf-8")
    assert rulesets.load(path).id == "my-rules"
    with pytest.raises(rulesets.RuleSetError, match="无法读取|不存在"):
        rulesets.load("y" * 5000 + ".yaml")
