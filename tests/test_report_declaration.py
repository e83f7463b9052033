"""The unit's declaration kept, the review beside it; the drafted text in the unit's voice (issue 18).

Exact cases from the seeds: 004's 98 and 优 stay the unit's while the review gives 100; its narrative
1209.35 万元 stays, marked; 003's 768.94 stays and no 1354.91% adjustment appears; 000's 205.6% execution is
never printed; 001's 「无」 and 「执行效果良好」 at 59.93% execution are marked 【待核实】.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES
from jixiao.document import Evaluation
from jixiao.native import load_file
from jixiao.readers import read_bytes
from jixiao.rulesets import available
from jixiao.service import ruleset_for
from jixiao.writers import write

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def _seed(seeds_dir: Path, prefix: str) -> Evaluation:
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    e = read_bytes(path.read_bytes(), path.name).evaluation
    assert e is not None
    return e


def _texts(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Paragraph texts and, per table, its distinct cell texts row by row (merged cells once)."""
    from docx import Document

    document = Document(io.BytesIO(data))
    tables = []
    for t in document.tables:
        rows = []
        for row in t.rows:
            seen: list[str] = []
            for c in row.cells:
                if not seen or seen[-1] != c.text:
                    seen.append(c.text)
            rows.append(seen)
        tables.append(rows)
    return [p.text for p in document.paragraphs], tables


def _report(e: Evaluation, **kw):
    written = write(e, "docx", ruleset_for(e), charts=False, **kw)
    paragraphs, tables = _texts(written.data)
    return written, paragraphs, tables


def _row(tables, first: str) -> list[str]:
    return next(r for t in tables for r in t if r and r[0] == first)


# ------------------------------------------------------------------ item 1: the declaration kept


def test_seed_004_keeps_98_and_you_with_the_review_beside_it(seeds_dir):
    written, paragraphs, tables = _report(_seed(seeds_dir, "004"))
    form = tables[0]
    assert ["部门(单位)名称", "中国共产党郑州市金水区委员会办公室", "自评得分", "98"] == form[0]
    assert form[1][-2:] == ["自评结果", "优"]
    text = "\n".join(paragraphs)
    assert "调整预算数为1209.35万元【待核实：正文1209.35万元，表中1125.54万元】" in text
    assert "98分" in text and "100分" not in text.replace("100分为优", "")  # the grade bands aside
    review = _row(tables, "复核内容")
    assert review == ["复核内容", "单位填报", "复核", "说明"]
    assert _row(tables, "复核得分")[:3] == ["复核得分", "98", "100"]
    assert _row(tables, "预算执行得分")[:3] == ["预算执行得分", "9", "10"]
    blocking = [d for d in written.composed.disputes if d.blocking]
    assert any(d.stated == "1209.35万元" and d.reviewed == "1125.54万元" for d in blocking)


def test_seed_003_keeps_768_94_and_prints_no_1354_91(seeds_dir):
    _, paragraphs, tables = _report(_seed(seeds_dir, "003"))
    everything = "\n".join(paragraphs + [c for t in tables for r in t for c in r])
    assert "768.94万元【待核实：正文768.94万元，表中56.00万元】" in everything
    assert "1354.91" not in everything
    assert "细化率达90%" not in everything and "细化率达100%" in everything


def test_seed_000_does_not_print_205_6_percent_as_a_fact(seeds_dir):
    written, paragraphs, tables = _report(_seed(seeds_dir, "000"))
    everything = "\n".join(paragraphs + [c for t in tables for r in t for c in r])
    assert "205.6" not in everything
    assert "预算执行率100%【待核实：正文100%，与表中金额不符，请核对金额】" in everything
    total = next(r for t in tables for r in t if len(r) > 1 and r[1] == "部门预算总额")
    assert total[:7] == ["预算情况", "部门预算总额", "15434.81", "9444.28", "19417.548", "100%", "10"]
    assert any(d.label == "预算执行率" and d.stated == "100%" and d.blocking for d in written.composed.disputes)


def test_seed_001_none_and_good_effect_are_marked_at_59_93_percent(seeds_dir):
    _, paragraphs, _ = _report(_seed(seeds_dir, "001"))
    assert "无【待核实：预算执行率59.93%，低于70%，须说明原因及改进措施】" in paragraphs
    assert any("执行效果良好【待核实：预算执行率59.93%，低于70%】" in p for p in paragraphs)
    assert paragraphs.count("无") == 1  # 七、其他需要说明的问题：无 is the unit's and not contradicted


def test_an_implausible_recomputation_is_not_made():
    e = load_file(EXAMPLES / "000-jinshui-community-governance-department.yaml").evaluation
    written = write(e, "xlsx", ruleset_for(e))
    assert written.document.budget.rate == 100  # 19417.548/9444.28 = 205.6% is not written
    assert written.document.reported.total == 94 and written.document.reported.categories[0].score == 9


def test_ratios_of_undisputed_amounts_are_recomputed_and_listed():
    e = load_file(EXAMPLES / "004-jinshui-party-office-department.yaml").evaluation
    written = write(e, "xlsx", ruleset_for(e))
    assert str(written.document.tasks[4].rate) == "14.30"  # 1.43/10, the unit wrote 1.43%
    assert [str(c) for c in written.kept.recomputed if c.path == "tasks[4].rate"] == [
        "任务 5预算执行率：1.43% → 14.30%（按金额计算 1.43/10.00）"]
    assert written.document.reported.total == 98 and written.settled.card.total == 100


# ------------------------------------------------------------------ item 2: the unit's voice

FORBIDDEN = ("文档未说明原因", "文档未说明", "规则要求的水平", "无指标明细", "沿用", "计分说明", "评分规则", "None",
             "Jixiao", "未说明偏差原因", "（zhengzhou", "（mof", "及以上。", "实际为目标的")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_drafted_report_speaks_as_the_unit(path):
    e = load_file(path).evaluation
    rules = ruleset_for(e)
    written, paragraphs, tables = _report(e, own_text=False)
    body = paragraphs[:paragraphs.index("自评复核情况表")]  # the review annex is the reviewer's
    text = "\n".join(body) + "\n".join(c for t in tables[:-1] for r in t for c in r)
    assert [phrase for phrase in FORBIDDEN if phrase in text] == []
    assert [r.title for r in available() if r.title in text] == []
    assert "《财政部关于印发〈项目支出绩效评价管理办法〉的通知》（财预〔2020〕10号）" in text
    assert "《××财政局关于开展2021年度预算绩效自评工作的通知》〔文号待填〕" in text
    assert rules.jurisdiction != "全国"
    # where the data has no reason, a prompt carrying the figures
    prompts = re.findall(r"【待填写：[^】]+】", text)
    assert prompts and all(len(p) > 10 for p in prompts)


def test_a_missing_reason_is_a_prompt_with_the_figures():
    e = load_file(EXAMPLES / "001-shangjie-community-governance-project.yaml").evaluation
    data = e.model_dump(mode="json")
    data["budget"]["explanation"] = None
    for category in data["indicators"]:
        for group in category["children"]:
            for leaf in group["children"]:
                leaf["deviation"] = None
    _, paragraphs, _ = _report(Evaluation.model_validate(data), own_text=False)
    text = "\n".join(paragraphs)
    assert "【待填写：预算执行率预算执行率59.93%低于70%的原因及改进措施】" in text or \
        re.search(r"【待填写：[^】]*59\.93%[^】]*原因及改进措施】", text)


def test_a_partial_import_without_year_or_unit_prints_prompts_not_none():
    e = load_file(EXAMPLES / "004-jinshui-party-office-department.yaml").evaluation
    partial = e.model_copy(update={"year": None, "unit": None, "narrative": ()})
    written, paragraphs, tables = _report(partial)
    everything = "\n".join(paragraphs + [c for t in tables for r in t for c in r])
    assert "None" not in everything
    assert paragraphs[0] == "【待填写：年度】【待填写：单位名称】\n部门整体绩效自评报告"
    assert "（【待填写：年度】）" in everything


# ------------------------------------------------------------------ the rule set travels outside the forms


def test_rule_set_is_in_the_properties_and_not_in_the_forms():
    import openpyxl
    from docx import Document

    e = load_file(EXAMPLES / "001-shangjie-community-governance-project.yaml").evaluation
    rules = ruleset_for(e)
    docx = write(e, "docx", rules, charts=False)
    document = Document(io.BytesIO(docx.data))
    assert document.core_properties.keywords == "jixiao-ruleset=zhengzhou-2021-project"
    form = document.tables[-2]  # 附件1 项目绩效自评表; the last table is the 复核 annex
    assert all("评分规则" not in c.text for row in form.rows for c in row.cells)
    book = openpyxl.load_workbook(io.BytesIO(write(e, "xlsx", rules).data))
    assert book.defined_names["JIXIAO_RULESET"].attr_text == '"zhengzhou-2021-project"'
    assert all(c.value != "评分规则" for ws in book.worksheets if ws.title != "复核情况"
               for row in ws.iter_rows() for c in row)


# ------------------------------------------------------------------ item 4: GB/T 9704 finish


@pytest.mark.parametrize("title, lines", [
    ("2021年度中国共产党郑州市金水区委员会办公室部门整体绩效自评报告",
     ["2021年度", "中国共产党郑州市金水区委员会办公室", "部门整体绩效自评报告"]),
    ("2021年度社区发展治理工作经费项目绩效自评报告", ["2021年度社区发展治理工作经费", "项目绩效自评报告"]),
    ("2021年度金水区智慧城市管理中心部门整体绩效自评报告", ["2021年度金水区智慧城市管理中心", "部门整体绩效自评报告"]),
    ("2023年度党务经费项目绩效自评报告", ["2023年度党务经费项目绩效自评报告"]),
])
def test_titles_wrap_between_words(title, lines):
    from jixiao.writers.text import title_lines

    assert title_lines(title) == lines


def test_document_numbers_and_punctuation_are_official():
    from jixiao.writers.text import official

    assert official("按照财预[2020]10号和豫财预（2021）5号文件要求,开展自评:得分98分(优)。59.93%,1,000元") == \
        "按照财预〔2020〕10号和豫财预〔2021〕5号文件要求，开展自评：得分98分（优）。59.93%,1,000元"
    assert official("年初预算7.2万元，实际支出0.04万元，执行19417.548万元，调整预算数为 1209.35 万元") == \
        "年初预算7.20万元，实际支出0.04万元，执行19417.548万元，调整预算数为 1209.35 万元"


def test_a_numbered_list_of_sentences_stays_a_list_and_the_report_is_signed(seeds_dir):
    from docx import Document

    written = write(_seed(seeds_dir, "001"), "docx", ruleset_for(_seed(seeds_dir, "001")), charts=False)
    document = Document(io.BytesIO(written.data))
    styles = {p.text: p.style.name for p in document.paragraphs}
    duty = next(t for t in styles if t.startswith("（二）负责组织、指导、协调全区城乡社区发展治理工作"))
    assert styles[duty] == "Normal"  # its siblings are sentences: a list item, not a bold heading
    texts = [p.text for p in document.paragraphs]
    closing = texts.index("　　　　年　　月　　日")
    assert texts[closing - 1] == "中国共产党郑州市上街区委员会城乡社区发展治理委员会"  # 落款 over 成文日期
    assert closing < texts.index("附件1")


# ------------------------------------------------------------------ item 3: the forms per rule set


@pytest.mark.parametrize("rid, title", [("mof-2020-project", "项目支出绩效自评表"),
                                        ("zhengzhou-2021-project", "项目绩效自评表"),
                                        ("zhengzhou-2021-department", "部门整体绩效自评表")])
def test_template_is_the_rule_sets_form_with_every_derived_cell_live(rid, title):
    from jixiao.document import Kind
    from jixiao.rulesets import load
    from jixiao.writers import tables

    rules = load(rid)
    form = tables.blank(rules.kind, rules, 2023)[0]
    assert (form.title, form.subtitle, form.landscape) == (title, "（2023年度）", True)
    assert form.signature and "填表人" in form.signature and "盖章" in form.signature
    cells = {c.field: c for row in form.rows for c in row if c.field}
    for field in ("budget.rate", "budget.score", "reported.total"):
        assert cells[field].formula, field  # 执行率, 资金执行得分 and the total are formulas
    assert cells["budget.score"].formula.startswith('=IF(') and "MIN(" in cells["budget.score"].formula
    texts = [c.value for row in form.rows for c in row if isinstance(c.value, str)]
    assert "评分规则" not in texts
    if rid == "mof-2020-project":
        assert rules.kind is Kind.PROJECT
        for label in ("其中：当年财政拨款", "上年结转资金", "其他资金", "年初预算数", "全年预算数", "全年执行数", "分值",
                      "执行率", "得分", "年度总体目标", "预期目标", "实际完成情况", "数量指标", "质量指标", "时效指标",
                      "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
                      "总分", "偏差原因分析及改进措施"):
            assert label in texts, label


def test_a_filled_national_form_reads_back_with_its_budget_score_computed():
    import openpyxl

    from jixiao.rulesets import load
    from jixiao.writers import template

    book = openpyxl.load_workbook(io.BytesIO(template("project", load("mof-2020-project"), 2023)))
    ws = book["自评表"]
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == "年度资金总额")
    ws.cell(row, 5).value, ws.cell(row, 6).value = 3, 1.798  # 全年预算数, 全年执行数 (seed 001's figures)
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_bytes(buffer.getvalue(), "filled.xlsx").evaluation
    assert back is not None
    assert back.budget.adjusted == 3 and str(back.budget.rate) == "59.93" and str(back.budget.score) == "5.99"
    assert back.year == 2023
