"""The reader on the families of layouts real reports come in (issue 16), on texts written here.

Each text below imitates one family of ../shared/corpus (described in its README:
one cell per line, unframed pipe rows whose empty cells collapse, rows a PDF
converter flattened with spaces, traditional characters, page chrome, figures in
sentences); the names and figures are made up for the test, and every expected
value is read off the text by hand.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.readers import read_text
from jixiao.readers import text as text_reader
from jixiao.readers.identity import lines_of, org_name
from jixiao.readers.prose import figures, settle
from jixiao.readers.vocabulary import VocabularyError, load


def _read(text: str):
    imported = read_text(text, "t.txt")
    assert imported.ok, imported.problems
    return imported, imported.evaluation


# ---------------------------------------------------------------- segmentation

ONE_CELL_PER_LINE = """\
绩效目标自评表 (2020年度) |
||||||
项目名称 |
农村道路养护 |
|
||||||
实施单位 |
[203]某某县交通运输局 |
||||||
"""


def test_one_cell_per_line_rows_are_joined_at_the_line_of_pipes():
    rows = [b for b in text_reader.blocks(ONE_CELL_PER_LINE, "t.txt")]
    assert [(b.row, [c.text for c in b.cells]) for b in rows] == [
        (False, ["绩效目标自评表(2020年度)"]),  # spaces beside CJK are layout
        (True, ["项目名称", "农村道路养护", ""]),
        (True, ["实施单位", "[203]某某县交通运输局"]),
    ]


TABLE_WITHOUT_ROW_ENDS = "\n".join(f"{c} |" if c else "|" for c in [
    "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "",
    "产出指标", "数量指标", "养护里程", "20", "≥30公里", "32公里", "20", "",
    "", "质量指标", "路面合格率", "20", "≥95%", "90%", "18", "",
]) + "\n"


def test_a_table_of_one_cell_per_line_is_cut_at_its_header_width():
    rows = [[c.text for c in b.cells] for b in text_reader.blocks(TABLE_WITHOUT_ROW_ENDS, "t.txt")]
    assert rows == [
        ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", ""],
        ["产出指标", "数量指标", "养护里程", "20", "≥30公里", "32公里", "20", ""],
        ["", "质量指标", "路面合格率", "20", "≥95%", "90%", "18", ""],
    ]


def test_unframed_pipe_rows_and_space_flattened_rows_are_rows():
    text = "年度资金总额: | 12.5 | 12.5 | 10 | 100% | 10 | ||||\n年度资金总额: 55 55 55 10 100% 10\n"
    rows = [[c.text for c in b.cells] for b in text_reader.blocks(text, "t.txt")]
    assert rows == [["年度资金总额:", "12.5", "12.5", "10", "100%", "10"],
                    ["年度资金总额:", "55", "55", "55", "10", "100%", "10"]]


def test_prose_with_spaces_stays_prose():
    [block] = text_reader.blocks("本单位 2021 年 共完成 培训 12 场次，覆盖 300 人。\n", "t.txt")
    assert not block.row


def test_traditional_characters_pinyin_and_ocr_marks_are_normalised():
    assert text_reader.normalise("黃岡市檔案館項目績效目標(biāo)自評 ≧95%") == "黄冈市档案馆项目绩效目标自评 ≥95%"
    assert text_reader.normalise("预算执行率(B/A) >=90%") == "预算执行率(B/A) ≥90%"


# ---------------------------------------------------------------- identity

COVER = """\
您现在所在的位置：首页 > 政务公开 > 财政预决算
发布日期：2023-05-20 浏览量：15
某某县2022年度部门整体支出绩效评价自评报告
部门(单位)名称：某某县青山镇人民政府
报告日期：2023年5月18日
一、部门(单位)基本概况
本镇全年共完成各项工作任务。
"""


def test_the_cover_label_names_the_unit_and_the_report_date_is_not_the_year():
    imported, e = _read(COVER)
    assert (e.kind.value, e.year, e.unit) == ("department", 2022, "某某县青山镇人民政府")
    assert e.title == "某某县2022年度部门整体支出绩效评价自评报告"  # page chrome is never the title


SIGNED = """\
2021年美丽乡村道路提升项目专项资金绩效自评报告
一、资金使用情况
2021年预算安排800万元，全年实际支出720.5万元，其中路面工程支出500万元，其他工程支出220.5万元。
二、项目实施成效
完成道路提升12公里。
某某市某某区交通运输局
2022年03月01日
"""


def test_the_signature_names_the_unit_and_sentences_give_the_budget():
    imported, e = _read(SIGNED)
    assert (e.kind.value, e.year, e.unit) == ("project", 2021, "某某市某某区交通运输局")
    assert (e.budget.initial, e.budget.adjusted, e.budget.executed) == (None, Decimal("800"), Decimal("720.5"))
    assert {f.where.field for f in imported.findings if f.code == "R503"} == {"budget.adjusted", "budget.executed"}


def test_short_office_names_from_page_metadata_are_not_units():
    _, e = _read("来源：扶贫办\n乡村振兴衔接资金项目绩效自评报告\n本项目下达资金100万元，已全部拨付。\n")
    assert e.unit is None
    _, e = _read("信息来源：某某县农业农村局文字大小：[大]\n乡村振兴衔接资金项目绩效自评报告\n")
    assert e.unit == "某某县农业农村局"


def test_organisation_names():
    assert org_name("岳阳县") is None  # a place, not a unit
    assert org_name("某某县住房和城乡建设局2018年度整体支出") is None
    assert org_name("某某县住房和城乡建设局文字大小", trim=True) == "某某县住房和城乡建设局"
    assert org_name("[155]某某县民政局") == "某某县民政局"


def test_a_text_that_is_no_report_is_still_refused():
    imported = read_text("会议纪要\n今天天气很好。\n", "notes.txt")
    assert not imported.ok and "不像一份绩效自评报告" in imported.problems[0].message


# ---------------------------------------------------------------- figures in sentences

def _settled(text: str, subjects: tuple[str, ...] = ()) -> dict[str, object]:
    lines = lines_of(text_reader.blocks(text, "t.txt"))
    return {path: f.value for path, f in settle(figures(lines, subjects)).items()}


def test_roles_parts_totals_and_ambiguity():
    assert _settled("年初安排预算资金5万元，用于购买书籍。") == {"budget.initial": Decimal("5")}
    # the items of a list are parts; the total is said to be one
    assert _settled("中央下达慈善项目40万元；低保项目2.75万元；共计下达转移支付资金42.75万元。") == {
        "budget.adjusted": Decimal("42.75")}
    # three amounts of one role with no total: none is taken
    assert _settled("收到中央下达资金900万元。省级下达资金80万元。市县下达资金20万元。") == {}
    # an explicit adjustment is not the initial budget, though 年初 stands before it
    assert _settled("一是年初预算100万元,年中调整预算为150万元,比年初预算增加50万元。") == {
        "budget.initial": Decimal("100"), "budget.adjusted": Decimal("150")}
    # a PDF broke the sentence inside the amount's unit
    assert _settled("本年度项目预算资金为 1,200.50 万\n元，实际支出 1000 万元。") == {
        "budget.adjusted": Decimal("1200.50"), "budget.executed": Decimal("1000")}
    # an amount in 元 is converted
    assert _settled("实际支付1615057.56元。") == {"budget.executed": Decimal("161.505756")}


def test_the_subject_total_wins_over_its_parts():
    text = "安排某某医院建设项目预算资金 5000.00 万元。一是设备购置，安排项目预算资金 3000.00 万元。"
    assert _settled(text, ("某某医院建设",)) == {"budget.adjusted": Decimal("5000.00")}


def test_score_and_grade_in_sentences():
    assert _settled("本项目综合评价得分80.10分，评价等次为“良”。") == {
        "reported.total": Decimal("80.10"), "reported.grade": "良"}


# ---------------------------------------------------------------- flattened forms and columns

FLATTENED = ("财政项目支出绩效自评表 (2022 年度) 某某项目 项目名称 主管部门 某某区体育局 年初预算数 全年预算数 全年执行数 "
             "分值 执行率 得分 100000.00 100000.00 80,000.0 10 8.00 100000.00 100000.00 80000.0 — 上年结转资金 0 0 — "
             "其他资金 0 0 — 年度资金总额 项目资金 (元) 某某区体育事业管理中心 实施单位 其中:当年财政拨款 80.00% "
             "实际完成情况 已完成。\n")


def test_a_budget_table_a_pdf_flattened_into_one_line():
    _, e = _read(FLATTENED)
    assert (e.budget.initial, e.budget.adjusted, e.budget.executed) == (Decimal("10"), Decimal("10"), Decimal("8"))
    assert e.budget.score == Decimal("8.00") and e.budget.weight == Decimal("10")


def test_an_unknown_column_is_a_finding():
    text = ("2021年度某某项目绩效自评表\n"
            "一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 | 牵头科室 |\n"
            "产出指标 | 数量指标 | 培训人数 | 10 | ≥100人 | 120人 | 10 | 办公室 |\n")
    imported, _ = _read(text)
    [r508] = [f for f in imported.findings if f.code == "R508"]
    assert "「牵头科室」" in r508.message


# ---------------------------------------------------------------- the forms as data

def _forms(tmp_path: Path, template: str) -> Path:
    base = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "readers" / "forms"
    (tmp_path / "templates").mkdir()
    (tmp_path / "tables.yaml").write_text((base / "tables.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "templates" / "x.yaml").write_text(template, encoding="utf-8")
    return tmp_path


def test_a_template_file_adds_its_wording(tmp_path):
    vocab, [t] = load(_forms(tmp_path, "template: 某省表\nprovince: 某省\nkind: project\n"
                                       "columns:\n  budget:\n    ADJUSTED: [核定预算数]\n"))
    assert (t.name, t.province, t.kind) == ("某省表", "某省", "project")
    assert vocab["columns"]["budget"]["ADJUSTED"][-1] == "核定预算数"


@pytest.mark.parametrize("template, words", [
    ("template: a\nprovince: b\nkind: project\ncolumn: {}\n", "未知的键 ['column']"),
    ("template: a\nprovince: b\nkind: project\ncolumns:\n  budget:\n    BUDGETED: [x]\n", "columns.budget.BUDGETED"),
    ("template: a\nprovince: b\nkind: both\n", "kind 应为 department 或 project"),
    ("province: b\nkind: project\n", "缺少 template"),
    ("template: a\nprovince: b\nkind: project\nlabels:\n  unit: 单位\n", "应为非空字符串的列表"),
])
def test_the_loader_refuses_a_malformed_template_naming_file_and_key(tmp_path, template, words):
    with pytest.raises(VocabularyError) as exc:
        load(_forms(tmp_path, template))
    assert "x.yaml" in str(exc.value) and words in str(exc.value)


def test_a_label_alone_with_its_value_on_the_next_line():
    _, e = _read("• 发布机构\n• 某某市文化和旅游局\n中央补助地方公共文化服务项目资金绩效自评报告\n")
    assert (e.kind.value, e.unit) == ("project", "某某市文化和旅游局")


def test_a_title_with_关于_and_a_year_in_chinese_numerals():
    _, e = _read("关于某某县档案馆二〇二二年度部门整体支出绩效自评的报告\n一、基本情况\n本馆全年运行正常。\n")
    assert (e.kind.value, e.year, e.unit) == ("department", 2022, "某某县档案馆")


# ---------------------------------------------------------------- never a traceback

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["|", " | ", "||||", "\n", " ", "：", "，", "。", "；", "其中", "分别为", "共计", "万元", "元", "%", "≥", "≧",
           "(biāo)", "2022年度", "二〇二一年", "部门(单位)名称", "单位名称", "实施单位", "信息来源", "项目", "部门整体",
           "绩效自评报告", "一级指标", "二级指标", "三级指标", "分值", "得分", "年初预算数", "全年预算数", "全年执行数",
           "执行率", "年度资金总额", "产出指标(50分)", "数量指标", "某某县民政局", "黃岡市", "•", ">", "1,234.5", "0",
           "100", "99.99", "—", "-", "\t"]


@settings(max_examples=int(os.environ.get("JIXIAO_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=80))
def test_any_text_of_these_pieces_is_read_without_an_exception(pieces):
    imported = read_text("".join(pieces), "fuzz.txt")
    assert imported.ok or imported.problems  # a document, or the reason there is none
    if imported.ok:
        from jixiao.service import check_document

        check_document(imported.evaluation)  # and the checks run on whatever was read


def test_a_grade_written_in_full_is_the_same_grade():
    _, e = _read("2022年度某某县档案馆部门整体支出绩效自评报告\n自评等级 | 优秀 | 自评得分 | 96 |\n")
    assert (e.reported.grade, e.reported.total) == ("优", Decimal("96"))


# ---------------------------------------------------------------- totals in tables no form describes

INCOME = """\
2022年度某某县妇女联合会部门整体支出绩效自评报告
年度收入情况（万元） |
||||
机构名称 |
收入合计 |
其中: |
||||
上年结转 |
公共财政拨款 |
其他收入 |
||||
县妇联 |
{total} |
0 |
68.68 |
1.5 |
||||
"""


def test_a_total_column_against_its_parts():
    imported, _ = _read(INCOME.format(total="70.18"))
    assert [f for f in imported.findings if f.code == "R510"] == []
    imported, _ = _read(INCOME.format(total="71.18"))
    [f] = [f for f in imported.findings if f.code == "R510"]
    assert f.severity.value == "error" and f.message == "表中「县妇联」的「收入合计」为71.18，而其分项之和为70.18"


STAFF = """\
2022年度某某县档案馆部门整体支出绩效自评报告
科室 | 人数 | 经费（万元） |
办公室 | 3 | 12.5 |
其中：借调 | 1 | 2 |
业务科 | 5 | 30 |
合计 | {people} | 42.5 |
"""


def test_a_total_row_of_a_table_no_form_describes():
    imported, _ = _read(STAFF.format(people="8"))
    assert [f for f in imported.findings if f.code == "R510"] == []  # 其中 rows are parts of the row above
    imported, _ = _read(STAFF.format(people="9"))
    [f] = [f for f in imported.findings if f.code == "R510"]
    assert f.message == "表中「合计」的「第2列」为9，而其分项之和为8"


def test_amounts_with_multipliers():
    _, e = _read("2021年度某某镇人民政府项目支出绩效自评表\n项目名称 | 道路建设 |\n"
                 "项目资金 | 年初预算数 | 全年预算数 | 全年执行数 |\n年度资金总额 | 1.2亿 | 1.5亿元 | 9000万 |\n")
    assert (e.budget.initial, e.budget.adjusted, e.budget.executed) == (Decimal("12000"), Decimal("15000"), Decimal("9000"))
