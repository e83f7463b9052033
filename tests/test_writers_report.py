"""The report writer: settled figures, the document's own text reconciled, the .docx in GB/T 9704 style,
the PDF through LibreOffice, and the report read back in with no contradiction left."""

from __future__ import annotations

import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import run_checks
from jixiao.document import Evaluation, Kind
from jixiao.native import load_file
from jixiao.readers import read_bytes
from jixiao.rulesets import load
from jixiao.service import ruleset_for
from jixiao.synthetic import department, project
from jixiao.writers import WriterError, format_of, write
from jixiao.writers.report import compose
from jixiao.derive import settle
from jixiao.writers.text import money, percent

from conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Findings a written report may still carry: contradictions in the *data* the writer must not hide
# (parts that do not add up, spending above budget) and the wording of the author's own text (a year,
# a unit's name). Everything derived, and every figure of the prose, must agree.
DATA_CODES = {"B101", "B102", "B103", "B104", "B120", "B121", "S220", "N406", "N407"}
"""Findings about the data itself (sums, 执行数 above budget, figures 待核实): no writer can settle them."""
CONSISTENCY_FAMILIES = ("budget", "score", "narrative")


def _example(path: Path) -> tuple[Evaluation, object]:
    e = load_file(path).evaluation
    assert e is not None
    return e, ruleset_for(e)


def _consistency(findings) -> list:
    from jixiao.checks import CHECKS

    family = {c.code: c.family for c in CHECKS}
    return [f for f in findings if family.get(f.code) in CONSISTENCY_FAMILIES and f.code not in DATA_CODES
            and f.severity.value != "info"]


# ------------------------------------------------------------------ settle


def test_settle_computes_every_derived_figure_of_seed_004():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    settled = settle(e, rules)
    s = settled.evaluation
    assert s.budget.rate == Decimal(100)  # 1125.54 / 1125.54, stated nowhere in the table
    task5 = s.tasks[4]
    assert (task5.executed, task5.budget, task5.rate) == (Decimal("1.43"), Decimal(10), Decimal("14.3"))
    assert s.reported.total == settled.card.total and s.reported.grade == settled.card.grade
    assert [c.name for c in s.reported.categories] == [c.name for c in settled.card.categories]
    changed = {c.path for c in settled.changes}
    assert {"tasks[4].rate", "reported.total", "budget.score"} <= changed
    assert all(str(c) for c in settled.changes)


def test_settle_keeps_a_stated_figure_that_agrees_at_its_precision():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    settled = settle(e, rules)
    # 69.64 / 134.5 = 51.777…% is stated as 51.78%: kept as written, not listed.
    assert settled.evaluation.tasks[0].rate == Decimal("51.78")
    assert "tasks[0].rate" not in {c.path for c in settled.changes}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_settled_examples_have_no_derived_contradiction_in_their_tables(path):
    e, rules = _example(path)
    settled = settle(e, rules).evaluation.model_copy(update={"narrative": ()})
    left = _consistency(run_checks(settled, rules))
    assert [f"{f.code} {f.message}" for f in left if f.code != "N408"] == []


def test_settle_is_idempotent():
    e, rules = _example(EXAMPLES / "001-shangjie-community-governance-project.yaml")
    once = settle(e, rules)
    twice = settle(once.evaluation, rules)
    assert twice.changes == ()
    assert twice.evaluation == once.evaluation


# ------------------------------------------------------------------ composition


def test_department_report_has_the_rule_sets_sections_in_order():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    composed = compose(e.model_copy(update={"narrative": ()}), rules)
    headings = [b.text for b in composed.report.blocks if type(b).__name__ == "Heading" and b.level == 1]
    assert headings == ["一、基本情况", "二、绩效自评工作开展情况", "三、综合评价结论", "四、绩效目标实现情况分析",
                        "五、发现的主要问题和改进措施", "六、绩效自评结果拟应用和公开情况",
                        "七、绩效自评工作的经验、问题和建议", "八、其他需要说明的问题"]
    assert composed.unfinished == ("二、绩效自评工作开展情况", "五、发现的主要问题和改进措施",
                                   "六、绩效自评结果拟应用和公开情况", "七、绩效自评工作的经验、问题和建议",
                                   "八、其他需要说明的问题")


def test_drafted_paragraphs_say_the_units_figures():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    composed = compose(e.model_copy(update={"narrative": ()}), rules)
    text = "\n".join(b.text for b in composed.report.blocks if hasattr(b, "text"))
    assert "年初预算数为1207.96万元" in text and "调整预算数为1125.54万元" in text
    assert "自评得分为98分" in text and "评价等级为“优”" in text  # the unit's 98, not the review's 100
    assert "预算执行得分9分" in text
    assert "90（含）-100分为优" in text


def test_drafted_problems_come_from_the_data():
    e, rules = _example(EXAMPLES / "001-shangjie-community-governance-project.yaml")
    composed = compose(e.model_copy(update={"narrative": ()}), rules)
    text = "\n".join(b.text for b in composed.report.blocks if hasattr(b, "text"))
    assert "执行率59.93%，低于70%" in text and "文档未说明" not in text
    assert "受洪灾和疫情影响" in text  # the document's own explanation, quoted, not invented


def test_own_section_replaces_the_draft_and_missing_ones_are_drafted():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    composed = compose(e, rules, review=True)
    blocks = composed.report.blocks
    texts = [b.text for b in blocks if hasattr(b, "text")]
    assert "区委工作部门，行政单位；独立核算预算单位 1 家（本级）。" in texts
    assert "八、其他需要说明的问题" in texts  # missing in 004, present in the report
    assert composed.unfinished == ("八、其他需要说明的问题",)
    annexes = [(b.label, b.title) for b in blocks if type(b).__name__ == "Annex"]
    assert annexes == [("附件1", "自评复核情况表")]  # the review annex closes the report


# ------------------------------------------------------------------ the .docx


def _docx(e: Evaluation, rules, **kw):
    from docx import Document

    written = write(e, "docx", rules, **kw)
    return Document(io.BytesIO(written.data)), written


def _has_cjk_font() -> bool:
    from jixiao.writers.charts import ChartError, cjk_font

    try:
        cjk_font()
    except ChartError:
        return False
    return True


def _east_asia(style) -> str:
    return style.element.rPr.rFonts.get(f"{W}eastAsia")


def test_docx_typography_follows_gb_t_9704():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    document, _ = _docx(e, rules)
    styles = document.styles
    assert _east_asia(styles["Normal"]) == "仿宋" and styles["Normal"].font.size.pt == 16
    assert styles["Normal"].paragraph_format.line_spacing.pt == 28
    assert _east_asia(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size.pt == 22
    assert _east_asia(styles["Heading 1"]) == "黑体" and styles["Heading 1"].font.size.pt == 16
    assert _east_asia(styles["Heading 2"]) == "楷体"
    assert _east_asia(styles["Heading 3"]) == "仿宋" and styles["Heading 3"].font.bold
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm), round(section.left_margin.mm),
            round(section.right_margin.mm)) == (37, 35, 28, 26)
    footer = section.footer.paragraphs[0]._p.xml + section.even_page_footer.paragraphs[0]._p.xml
    assert footer.count(" PAGE ") == 2 and "—" in footer
    # The fallback of the title font is named in the font table.
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    fonts = document.part.part_related_by(RT.FONT_TABLE).blob.decode("utf-8")
    assert 'w:name="方正小标宋简体"' in fonts and 'w:altName w:val="宋体"' in fonts


def test_docx_headings_and_body_use_their_styles():
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    document, _ = _docx(e, rules)
    by_text = {p.text: p.style.name for p in document.paragraphs}
    assert by_text["一、基本情况"] == "Heading 1"
    assert by_text["（一）部门资金情况分析"] == "Heading 2"
    assert by_text[document.paragraphs[0].text] == "Title"
    assert by_text["自评结果随同2021年度部门决算在郑州市政务公开网公开。"] == "Normal"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_docx_tables_hold_every_indicator_row_the_total_and_the_grade(path):
    e, rules = _example(path)
    document, written = _docx(e, rules)
    s = written.document
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    joined = "\n".join(cells)
    for leaf in s.leaves():
        assert leaf.indicator.name in cells, leaf.indicator.name
        if leaf.indicator.score is not None:
            assert f"{leaf.indicator.score.normalize():f}" in cells
    assert f"{s.reported.total.normalize():f}" in cells
    if s.kind is Kind.DEPARTMENT:  # the project form has no 自评结果 cell; its grade is in the conclusion
        assert s.reported.grade in cells
    else:
        assert f"评价等级为“{s.reported.grade}”" in "".join(p.text for p in document.paragraphs) or \
            any(s.reported.grade in p.text for p in document.paragraphs)
    if s.reported.categories:
        assert "合计" in joined and "权重分值" in joined
    # the indicator header repeats on every page; rows never break across pages
    xml = "".join(t._tbl.xml for t in document.tables)
    assert "<w:tblHeader/>" in xml and "<w:cantSplit/>" in xml
    if s.reported.categories and _has_cjk_font():
        assert len(document.inline_shapes) == 1  # the category chart


def test_project_report_has_its_form_as_annex_1():
    e, rules = _example(EXAMPLES / "001-shangjie-community-governance-project.yaml")
    document, _ = _docx(e, rules)
    texts = [p.text for p in document.paragraphs]
    assert "附件1" in texts and "附件2" in texts
    assert texts.index("附件1") < texts.index("项目绩效自评表") < texts.index("附件2") < texts.index("自评复核情况表")


# ------------------------------------------------------------------ read back: no contradiction left


def _codes(findings) -> set[str]:
    return {f.code for f in _consistency(findings)}


@pytest.mark.parametrize("own_text", [True, False], ids=["own", "draft"])
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_rendered_docx_reads_back_as_the_units_declaration_with_no_new_contradiction(path, own_text):
    """The unit's total and grade come back as declared; every contradiction left is one the unit's own
    document already had (kept and marked, never hidden), none is the writer's."""
    e, rules = _example(path)
    written = write(e, "docx", rules, own_text=own_text, charts=False)
    imported = read_bytes(written.data, f"{path.stem}.docx")
    assert imported.evaluation is not None, imported.problems
    back = imported.evaluation
    assert (back.reported.total, back.reported.grade) == (e.reported.total, e.reported.grade)
    assert _codes(run_checks(back, rules)) <= _codes(run_checks(e, rules))


@pytest.mark.parametrize("seed", range(6))
def test_generated_documents_read_back_consistent(seed):
    data = department(seed) if seed % 2 == 0 else project(seed)
    e = Evaluation.model_validate(data)
    rules = ruleset_for(e)
    for own_text in (True, False):
        written = write(e, "docx", rules, own_text=own_text, charts=False)
        back = read_bytes(written.data, f"synthetic-{seed}.docx").evaluation
        assert back is not None
        left = _consistency(run_checks(back, rules))
        assert [f"{f.code} {f.message}" for f in left] == [], own_text


# ------------------------------------------------------------------ output formats and errors


def test_format_of_names_what_is_supported():
    assert format_of("a/b/report.DOCX") == "docx"
    with pytest.raises(WriterError, match=r"\.doc"):
        format_of("report.doc")


def test_pdf_without_libreoffice_names_the_package(monkeypatch):
    from jixiao.writers import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "_CANDIDATES", (), raising=False)
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    with pytest.raises(WriterError, match="libreoffice-writer-nogui"):
        write(e, "pdf", rules, charts=False)


needs_office = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                  reason="未安装 LibreOffice（Debian：apt-get install libreoffice-writer-nogui "
                                         "libreoffice-calc-nogui fonts-noto-cjk）")


@needs_office
@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_pdf_text_holds_the_figures(path):
    import pdfplumber

    e, rules = _example(path)
    written = write(e, "pdf", rules)
    assert written.data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(written.data)) as pdf:
        text = re.sub(r"\s", "", "".join(page.extract_text() or "" for page in pdf.pages))
    s = written.document
    assert re.sub(r"\s", "", written.composed.report.title) in text
    assert f"{s.reported.total.normalize():f}" in text
    for value in (s.budget.initial, s.budget.adjusted, s.budget.executed):
        if value is not None:
            assert money(value) in text
    for leaf in s.leaves():  # a long name wraps inside its narrow cell: its first characters stay together
        assert re.sub(r"\s", "", leaf.indicator.name)[:4] in text
    if s.reported.categories:
        assert "各项指标得分情况表" in text


@needs_office
def test_libreoffice_converts_the_xlsx_without_error():
    from jixiao.writers.pdf import convert

    e, rules = _example(EXAMPLES / "003-jinshui-smart-city-department.yaml")
    pdf = convert(write(e, "xlsx", rules).data, ".xlsx")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


# ------------------------------------------------------------------ the seeds, end to end


def test_seed_texts_written_and_read_back_are_consistent(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        imported = read_bytes(path.read_bytes(), path.name)
        e = imported.evaluation
        assert e is not None, path.name
        rules = ruleset_for(e)
        written = write(e, "docx", rules, charts=False)
        back = read_bytes(written.data, f"{path.stem}.docx").evaluation
        assert back.reported.total == e.reported.total, path.name
        assert _codes(run_checks(back, rules)) <= _codes(run_checks(e, rules)), path.name


def test_rules_for_both_kinds_have_drafted_sections():
    from jixiao.rulesets import layout

    for rid in ("zhengzhou-2021-department", "zhengzhou-2021-project", "mof-2020-project", "mof-2022-project"):
        rules = load(rid)
        roles = {r for s in layout(rules) for r in s.draft}
        assert {"overview", "funds", "conclusion", "indicators", "problems"} <= roles
        assert rules.kind in (Kind.DEPARTMENT, Kind.PROJECT)


# ------------------------------------------------------------------ charts and the command line


def test_charts_are_png_and_deterministic():
    from jixiao.writers.charts import ChartError, category_chart, grade_chart

    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    card = settle(e, rules).card
    try:
        png = category_chart(card)
    except ChartError as exc:
        assert "fonts-noto-cjk" in str(exc)
        pytest.skip(str(exc))
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert category_chart(card) == png
    assert grade_chart({"优": 3, "良": 1}).startswith(b"\x89PNG")


def test_without_a_cjk_font_the_report_is_written_without_its_chart(monkeypatch):
    from jixiao.writers import charts

    def no_font():
        raise charts.ChartError("绘制中文图表需要中文字体，本机未安装。Debian/Ubuntu：apt-get install fonts-noto-cjk")

    monkeypatch.setattr(charts, "cjk_font", no_font)
    charts._category_chart.cache_clear()
    e, rules = _example(EXAMPLES / "004-jinshui-party-office-department.yaml")
    composed = compose(e, rules)
    assert not any(type(b).__name__ == "Figure" for b in composed.report.blocks)
    assert any("fonts-noto-cjk" in n for n in composed.report.notes)


def test_cli_report_and_template(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import main

    runner = CliRunner()
    source = str(EXAMPLES / "004-jinshui-party-office-department.yaml")
    docx = tmp_path / "out" / "report.docx"
    result = runner.invoke(main, ["report", source, "-o", str(docx), "--no-charts"])
    assert result.exit_code == 0, result.output
    assert docx.read_bytes().startswith(b"PK")
    assert "自评得分 98，等级 优；复核得分 100" in result.output
    assert "自评得分：单位填报98，复核100" in result.output
    result = runner.invoke(main, ["report", source, "-o", str(tmp_path / "tables.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "tables.xlsx").stat().st_size > 5000
    result = runner.invoke(main, ["report", source, "-o", str(tmp_path / "report.doc")])
    assert result.exit_code == 2 and ".doc" in result.output
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(main, ["report", str(bad), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = runner.invoke(main, ["template", "--kind", "project", "-o", str(tmp_path / "blank.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "blank.xlsx").is_file()
    result = runner.invoke(main, ["template", "--kind", "project", "--year", "2023", "-o", str(tmp_path / "b.xlsx")])
    assert result.exit_code == 0 and "2023年度" in result.output
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["自评表"]
    assert "（2023年度）" in [c.value for row in sheet.iter_rows() for c in row]
    review = tmp_path / "review.docx"
    result = runner.invoke(main, ["report", source, "-o", str(tmp_path / "r2.docx"), "--no-charts",
                                  "--review", str(review)])
    assert result.exit_code == 0, result.output
    from docx import Document

    separate = [p.text for p in Document(str(review)).paragraphs]
    assert "单位自评得分98分，复核得分100分，复核等级“优”。须核实的事项" in "".join(separate)
    assert "自评复核情况表" not in [p.text for p in Document(str(tmp_path / "r2.docx")).paragraphs]
    result = runner.invoke(main, ["template", "--kind", "department", "--ruleset", "mof-2020-project",
                                  "-o", str(tmp_path / "wrong.xlsx")])
    assert result.exit_code == 2 and "department" in result.output
