"""The forms renderer: every example and synthetic document, every format and variant."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from conftest import EXAMPLES

from jixiao import forms, native, synthetic
from jixiao.document import Evaluation
from jixiao.forms import Variant

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")
pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")


def _documents() -> dict[str, Evaluation]:
    documents = {path.name[:3]: native.load_file(path).evaluation for path in sorted(EXAMPLES.glob("*.yaml"))}
    documents["department-3"] = native.load_data(synthetic.department(3), "department-3").evaluation
    documents["project-5"] = native.load_data(synthetic.project(5), "project-5").evaluation
    return documents


DOCUMENTS = _documents()
VARIANTS = [Variant(merged=m, yuan=y, blank_columns=b, split_rows=s)
            for m, y, b, s in itertools.product([True, False], repeat=4)]


def _leaf_names(e: Evaluation) -> set[str]:
    return {leaf.indicator.name for leaf in e.leaves()}


@pytest.mark.parametrize("name", DOCUMENTS)
@pytest.mark.parametrize("fmt", forms.FORMATS)
def test_every_variant_renders(name: str, fmt: str) -> None:
    for variant in VARIANTS:
        data = forms.render(DOCUMENTS[name], fmt, variant)
        assert isinstance(data, bytes) and data


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="不支持的格式"):
        forms.render(DOCUMENTS["004"], "odt")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_docx_tables_hold_every_indicator(name: str) -> None:
    e = DOCUMENTS[name]
    document = docx.Document(io.BytesIO(forms.render_docx(e)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert _leaf_names(e) <= cells
    assert forms.report_title(e) in [p.text for p in document.paragraphs]


@pytest.mark.parametrize("merged", [True, False])
def test_xlsx_sheets_and_merges(merged: bool) -> None:
    e = DOCUMENTS["004"]
    workbook = openpyxl.load_workbook(io.BytesIO(forms.render_xlsx(e, Variant(merged=merged))))
    assert workbook.sheetnames == ["自评表", "得分情况"]
    form = workbook["自评表"]
    assert form["A1"].value == "部门整体绩效自评表"
    ranges = {str(r) for r in form.merged_cells.ranges}
    assert "A1:I1" in ranges  # the title spans the table either way
    assert (len(ranges) > 3) is merged
    values = [c.value for row in form.iter_rows() for c in row]
    assert 1207.96 in values and "51.78%" in values
    scores = [row for row in workbook["得分情况"].iter_rows(values_only=True)]
    assert scores[-1][:3] == ("合计", 100, 98)


def test_xlsx_blank_column_and_yuan() -> None:
    e = DOCUMENTS["001"]
    form = openpyxl.load_workbook(io.BytesIO(forms.render_xlsx(e, Variant(blank_columns=True, yuan=True))))["自评表"]
    rows = list(form.iter_rows(values_only=True))
    assert all(row[1] is None for row in rows[3:])  # column B is empty below the captions
    assert "单位：元" in rows[2]
    assert any(row[2] == "年度资金总额" and 17980 in row for row in rows)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdf_text_has_unit_and_total(name: str) -> None:
    e = DOCUMENTS[name]
    with pdfplumber.open(io.BytesIO(forms.render_pdf(e))) as pdf:
        # A long name wraps inside its cell, interleaved with its neighbours' lines: read cells too.
        cells = [cell or "" for page in pdf.pages for table in page.extract_tables() for row in table for cell in row]
        text = "".join("".join(part.split()) for part in [page.extract_text() or "" for page in pdf.pages] + cells)
    assert e.unit in text
    assert format(e.reported.total, "f") in text


@pytest.mark.parametrize("name", DOCUMENTS)
def test_text_has_indicator_header(name: str) -> None:
    text = forms.render_text(DOCUMENTS[name])
    assert any(line.startswith("一级指标\t二级指标\t三级指标") for line in text.splitlines())


def test_text_layout_of_seed_004() -> None:
    lines = forms.render_text(DOCUMENTS["004"]).splitlines()
    assert "部门(单位)名称\t中国共产党郑州市金水区委员会办公室\t\t\t\t\t自评得分\t98\t" in lines
    assert "\t任务 1\t党务经费\t134.5\t134.5\t完成\t69.64\t69.64\t51.78%" in lines
    assert "\t部门预算总额\t\t1207.96\t1125.54\t1125.54\t\t10\t9" in lines
    assert "合计\t100\t98\t98%" in lines
    # merged: the first-level name only on its first row, with its weight
    assert sum(line.startswith("投入管理指标（20分）\t") for line in lines) == 1
    # a page break repeats the header row after the page header
    assert lines.count("一级指标\t二级指标\t三级指标\t指标值\t度量单位\t实际完成值\t分值\t得分\t未完成原因分析") == 2


def test_text_variants() -> None:
    e = DOCUMENTS["001"]
    plain = forms.render_text(e, Variant(merged=False, repeat_header=False)).splitlines()
    assert sum(line.startswith("产出指标\t") for line in plain) == 7
    assert plain.count("一级指标\t二级指标\t三级指标\t指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施") == 1
    split = forms.render_text(e, Variant(split_rows=True)).splitlines()
    assert "投入和管理目标\t投入管理\t预算执行\t100%\t59.90%\t1.00\t0.59\t财政资金紧张；外出学习培训计划受洪灾、疫情影响未进行。" in split
    assert split[split.index(next(x for x in split if "\t预算执行\t" in x)) + 1] == "\t\t率\t\t\t\t\t"
    yuan = forms.render_text(e, Variant(yuan=True))
    assert "\t年度资金总额\t30000\t30000\t17980\t59.90%\t10\t5.99" in yuan and "项目资金（元）" in yuan
    blank = forms.render_text(e, Variant(blank_columns=True)).splitlines()
    assert "总分值\t\t100\t\t\t总得分\t\t95.58\t\t" in blank


def test_money_in_yuan_is_exact() -> None:
    variant = Variant(yuan=True)
    assert forms._money(Decimal("1.798"), variant) == "17980"
    assert forms._money(Decimal("12.345678"), variant) == "123456.78"
    assert forms._money(Decimal("0.00"), variant) == "0"
    assert forms._money(Decimal("2.50"), Variant()) == "2.50"
