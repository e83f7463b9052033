"""The tables workbook: official layout, live formulas, print setup, and a round trip through the reader;
the formula evaluator the reader uses; the blank template filled in and read back."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from conftest import EXAMPLES
from jixiao.document import Evaluation, Kind
from jixiao.native import load_file
from jixiao.readers import read_bytes
from jixiao.readers.formula import UNSUPPORTED, ExcelError, evaluate
from jixiao.rulesets import load
from jixiao.service import ruleset_for
from jixiao.synthetic import department, project
from jixiao.writers import template, write

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def _docs() -> list[Evaluation]:
    docs = [load_file(p).evaluation for p in EXAMPLE_FILES]
    return docs + [Evaluation.model_validate(department(i) if i % 2 == 0 else project(i)) for i in range(8)]


def _book(e: Evaluation):
    written = write(e, "xlsx", ruleset_for(e))
    return openpyxl.load_workbook(io.BytesIO(written.data)), written


def _values(ws) -> list[object]:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


# ------------------------------------------------------------------ layout


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem[:3])
def test_workbook_holds_every_row_with_formulas_and_print_setup(path):
    e = load_file(path).evaluation
    book, written = _book(e)
    s = written.document
    assert book.sheetnames[0] == "自评表" and "目标申报表" in book.sheetnames
    ws = book["自评表"]
    values = _values(ws)
    texts = [str(v) for v in values]
    assert ("部门整体绩效自评表" if s.kind is Kind.DEPARTMENT else "项目绩效自评表") in texts
    for leaf in s.leaves():
        assert leaf.indicator.name in texts
        if leaf.indicator.actual.raw:
            assert leaf.indicator.actual.raw in texts
    formulas = [v for v in values if isinstance(v, str) and v.startswith("=IF(N(")]
    assert formulas, "执行率 cells are formulas"
    assert any(isinstance(v, str) and v.startswith("=IF(") and "优" in v for v in values)  # the grade
    assert ws.merged_cells.ranges
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows and "&P" in ws.oddFooter.center.text
    money = [c for row in ws.iter_rows() for c in row if c.number_format.startswith("0.00") and
             isinstance(c.value, float)]
    assert money, "amounts formatted to two decimals"
    assert any("%" in c.number_format for row in ws.iter_rows() for c in row)
    if s.reported.categories:
        scores = book["得分情况"]
        assert any(isinstance(v, str) and v.startswith("=SUM(") for v in _values(scores))


def test_an_amount_is_never_rounded_by_its_format():
    e = load_file(EXAMPLES / "001-shangjie-community-governance-project.yaml").evaluation
    book, _ = _book(e)
    cells = [c for row in book["自评表"].iter_rows() for c in row if c.value == 1.798]
    assert cells and cells[0].number_format == "0.000"


def test_a_target_written_with_an_equals_sign_stays_text():
    data = department(3)
    data["indicators"][1]["children"][0]["children"][0]["target"] = "=100%"
    e = Evaluation.model_validate(data)
    book, _ = _book(e)
    cell = next(c for row in book["自评表"].iter_rows() for c in row if c.value == "=100%")
    assert cell.data_type == "s"


# ------------------------------------------------------------------ round trip


def _comparable(e: Evaluation) -> dict:
    """Everything the forms carry: identity, goals, tasks, budget, counts, indicators, the summary."""
    data = e.model_dump(mode="json", exclude={"provenance", "narrative", "title", "region", "ruleset"})
    for t in data["tasks"]:
        t["name"] = t["name"].replace(" ", "")
        t["content"] = (t["content"] or "").replace(" ", "") or None
    for category in data["indicators"]:
        for group in category["children"]:
            for leaf in group["children"]:
                leaf.pop("description")  # 指标说明 is in the plan (目标申报表), which a reader skips beside the form
                if e.kind is Kind.PROJECT:
                    leaf.pop("unit")  # the project form has no 度量单位 column
    return _numbers(data)


def _numbers(value):
    """Percent and number texts as Decimals, so 59.90% equals 59.9%."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            return Decimal(value.rstrip("%"))
        except ArithmeticError:
            return value
    return value


@pytest.mark.parametrize("n", range(12))
def test_written_workbook_reads_back_as_the_same_document(n):
    e = _docs()[n]
    written = write(e, "xlsx", ruleset_for(e))
    imported = read_bytes(written.data, "tables.xlsx")
    assert imported.evaluation is not None, imported.problems
    back, expected = _comparable(imported.evaluation), _comparable(written.document)
    # 004: the unit's text disputes the form's 调整预算数, so no rate is filled in as the unit's; the cells stay
    # live formulas, which show what the form's own amounts give (1125.54/1125.54, 1030.77/1030.77, 94.77/94.77).
    b, x = back["budget"], expected["budget"]
    lines = [(b, x)] + [(b[s][k], x[s][k]) for s in ("by_source", "by_structure") if x.get(s)
                        for k in x[s] if x[s][k]]
    for got, written_line in lines:
        if written_line["rate"] is None and got["rate"] is not None:
            assert n == 3 and got["rate"] == Decimal(100)
            got["rate"] = None
    assert back == expected


def test_formulas_are_computed_when_read():
    e = load_file(EXAMPLES / "004-jinshui-party-office-department.yaml").evaluation
    written = write(e, "xlsx", ruleset_for(e))
    book = openpyxl.load_workbook(io.BytesIO(written.data))
    ws = book["自评表"]
    # Change an amount as a person would in Excel; the rate and nothing else follows.
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 69.64)
    cell.value = 134.5
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_bytes(buffer.getvalue(), "edited.xlsx").evaluation
    assert back.tasks[0].executed == Decimal("134.50") and back.tasks[0].rate == Decimal(100)


# ------------------------------------------------------------------ template


@pytest.mark.parametrize("kind, rid", [("department", "zhengzhou-2021-department"),
                                       ("project", "zhengzhou-2021-project")])
def test_template_has_the_rule_sets_categories_and_live_formulas(kind, rid):
    rules = load(rid)
    book = openpyxl.load_workbook(io.BytesIO(template(kind, rules)))
    values = [str(v) for v in _values(book["自评表"])]
    for c in rules.categories:
        if c.source != "budget_execution":
            assert any(v.startswith(c.name) for v in values), c.name
    assert sum(1 for v in values if v.startswith("=IF(N(")) >= 3
    assert any(v.startswith("=IF(") and "优" in v for v in values)
    assert "补充数据" in book.sheetnames


def test_a_filled_template_reads_back_with_its_rates_computed():
    rules = load("zhengzhou-2021-department")
    book = openpyxl.load_workbook(io.BytesIO(template("department", rules)))
    ws = book["自评表"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    cells["（单位名称）"].value = "郑州市金水区某局"
    task = cells["任务1"]
    r = task.row
    for col, value in ((3, "党务经费"), (4, 134.5), (5, 134.5), (6, "完成"), (7, 69.64), (8, 69.64)):
        ws.cell(r, col).value = value
    total = next(c for row in ws.iter_rows() for c in row if c.value == "部门预算总额")
    for col, value in ((4, 1207.96), (5, 1125.54), (6, 1125.54)):
        ws.cell(total.row, col).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    back = read_bytes(buffer.getvalue(), "filled.xlsx").evaluation
    assert back is not None and back.unit == "郑州市金水区某局"
    assert back.tasks[0].content == "党务经费" and back.tasks[0].rate == Decimal("51.78")
    assert back.budget.rate == Decimal(100) and back.budget.initial == Decimal("1207.96")


# ------------------------------------------------------------------ the formula evaluator


def _cells(values: dict[str, object]):
    return lambda sheet, ref: values.get(ref)


@pytest.mark.parametrize("formula, cells, expected", [
    ("=A1/B1", {"A1": 1, "B1": 3}, Decimal(1) / Decimal(3)),
    ('=IF(N(B1)=0,"",A1/B1)', {"A1": 5, "B1": None}, ""),
    ("=SUM(A1:A3)+ROUND(B1,1)", {"A1": 1.5, "A2": "x", "A3": 2, "B1": 0.25}, Decimal("3.8")),
    ('=IF(A1>=90,"优",IF(A1>=80,"良","差"))', {"A1": 85}, "良"),
    ("=-A1*2+10%", {"A1": 3}, Decimal("-5.9")),
    ('="第"&A1&"页"', {"A1": 2}, "第2页"),
    ("=MAX(A1:B1)-MIN(A1:B1)", {"A1": 4, "B1": 9}, Decimal(5)),
    ("=IFERROR(A1/0,7)", {"A1": 1}, Decimal(7)),
    ("=AND(A1>0,OR(B1=1,FALSE))", {"A1": 1, "B1": 1}, True),
    ("=A1", {"A1": "=B1*2", "B1": 4}, Decimal(8)),
])
def test_formula_subset(formula, cells, expected):
    assert evaluate(formula, _cells(cells)) == expected


def test_division_by_zero_is_an_excel_error():
    assert evaluate("=1/0", _cells({})) == ExcelError("#DIV/0!")


@pytest.mark.parametrize("formula, cells", [
    ("=VLOOKUP(A1,B1:C9,2)", {}),                 # outside the subset
    ("=A1", {"A1": "=B1", "B1": "=A1"}),          # a cycle
    ("=" + "(" * 500 + "1" + ")" * 500, {}),      # too deep
    ("=" + "1+" * 5000 + "1", {}),                # too long
    ("=SUM(A1:XFD1048576)", {}),                  # a range too large
    ("=__import__('os')", {}),                    # not a formula at all
    ('="unterminated', {}),
])
def test_hostile_or_unknown_formulas_are_refused_without_raising(formula, cells):
    assert evaluate(formula, _cells(cells)) is UNSUPPORTED
