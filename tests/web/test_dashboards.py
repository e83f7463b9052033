"""The bureau's dashboards: the figures on a world of known numbers, isolation, drill-down, exports,
the summary of findings kept with every save, and the vendored chart library.

The world (bureau 1 = 金水区, year 2021) is built so that every figure is known in advance:

=========  ===========  ==========  ===========  ======  =====  =======================
unit       department   evaluation  status       score   grade  budget → executed (rate)
=========  ===========  ==========  ===========  ======  =====  =======================
A          委办公室      dept        draft        92.50   优     200 → 190 (95%)
B          城市管理局    dept        submitted    85.00   良     100 → 72 (72%)
U3         教育局        dept        returned     65.00   中     40 → 22 (55%)
U3         教育局        project P4  draft        —       —      —
U4         教育局        dept        approved     95.00   优     100 → 101 (101%)
U4         教育局        project P1  resubmitted  100.00  优     50 → 45 (90%)
U4         教育局        project P2  only 2020: not started in 2021
U4         教育局        project P3  only 2022: not yet a project in 2021
U5         教育局        none: not started
=========  ===========  ==========  ===========  ======  =====  =======================

Bureau 2 (上街区) has its own 2021 evaluations, one graded 差: none of it may show in bureau 1.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from jixiao import editing
from jixiao.web.dashboards.findings import codes_of
from jixiao.web.dashboards.models import Digest, FindingCount
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.orgs.models import Department, Project, Unit

from .conftest import ROOT, example_data, justify_all

D = Decimal


def _create(unit, user, year: int, project: Project | None = None):  # noqa: ANN001, ANN202
    data = example_data("001" if project else "004")
    data["year"] = year
    record, _ = services.create(unit, data, user, "测试", project=project)
    return record


def _set(record, **figures) -> None:  # noqa: ANN001
    Evaluation.objects.filter(pk=record.pk).update(**figures)


@pytest.fixture
def known(world):  # noqa: ANN001, ANN201
    """The world of the module docstring; returns a namespace of its objects."""
    b1 = world.bureau
    edu = Department.objects.create(bureau=b1, name="金水区教育局", code="005")
    u3 = Unit.objects.create(department=edu, name="金水区第一实验小学", code="00501")
    u4 = Unit.objects.create(department=edu, name="金水区教育发展中心", code="00502")
    u5 = Unit.objects.create(department=edu, name="金水区教师进修学校", code="00503")
    p1, p2, p3, p4 = (Project.objects.create(unit=u, name=n) for u, n in
                      ((u4, "校园安全提升项目"), (u4, "教师培训项目"), (u4, "智慧课堂建设项目"), (u3, "课后服务项目")))
    user = world.alice
    _set(world.eval_a, status="draft", total=D("92.50"), grade="优", budget=D(200), executed=D(190),
         execution_rate=D("95.00"), errors=0)
    _set(world.eval_b, status="submitted", total=D("85.00"), grade="良", budget=D(100), executed=D(72),
         execution_rate=D("72.00"), errors=2)
    u3_dept = _create(u3, user, 2021)
    _set(u3_dept, status="returned", total=D("65.00"), grade="中", budget=D(40), executed=D(22),
         execution_rate=D("55.00"), errors=1)
    p4_2021 = _create(u3, user, 2021, p4)
    _set(p4_2021, status="draft", total=None, grade="", budget=None, executed=None, execution_rate=None, errors=0)
    u4_dept = _create(u4, user, 2021)
    _set(u4_dept, status="approved", total=D("95.00"), grade="优", budget=D(100), executed=D(101),
         execution_rate=D("101.00"), errors=0)
    p1_2021 = _create(u4, user, 2021, p1)
    _set(p1_2021, status="resubmitted", total=D("100.00"), grade="优", budget=D(50), executed=D(45),
         execution_rate=D("90.00"), errors=0)
    p2_2020 = _create(u4, user, 2020, p2)
    p3_2022 = _create(u4, user, 2022, p3)
    # bureau 2: its own 2021 figures, one graded 差, to show they never leak
    c_dept = _create(world.unit_c, world.carl, 2021)
    _set(c_dept, status="approved", total=D("40.00"), grade="差", execution_rate=D("30.00"), errors=5)

    class K:
        pass

    k = K()
    k.__dict__.update(world=world, edu=edu, u3=u3, u4=u4, u5=u5, p1=p1, p2=p2, p3=p3, p4=p4, u3_dept=u3_dept,
                      p4_2021=p4_2021, u4_dept=u4_dept, p1_2021=p1_2021, p2_2020=p2_2020, p3_2022=p3_2022,
                      c_dept=c_dept)
    return k


class _Tables(HTMLParser):
    """The page's tables by id, as rows of cell texts (what a person reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        a = dict(attrs)
        if tag == "table" and "jx-dash-table" in (a.get("class") or ""):
            self.current = a["id"]
            self.tables[self.current] = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.current and not self.in_head:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.current = None
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.current].append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    p = _Tables()
    p.feed(html)
    return p.tables


def rows_by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {r[0]: r[1:] for r in rows}


def page(client, url: str) -> dict[str, list[list[str]]]:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return tables_of(response.content.decode())


# ---------------------------------------------------------------- figures


def test_completion_counts_every_stage_including_not_started(known, client_for):
    t = page(client_for(known.world.rita), "/dashboard/?year=2021")
    completion = rows_by_label(t["table-completion"])
    # status: [department kind, project, total, share of 8 expected]
    assert completion["未开始"] == ["1", "1", "2", "25.0"]  # unit U5; project P2 (P3 starts in 2022)
    assert completion["草稿"] == ["1", "1", "2", "25.0"]  # A; P4
    assert completion["已提交（含重新提交）"] == ["1", "1", "2", "25.0"]  # B; P1 resubmitted
    assert completion["已退回"] == ["1", "0", "1", "12.5"]
    assert completion["已通过"] == ["1", "0", "1", "12.5"]
    assert completion["合计"] == ["5", "3", "8", "100.0"]


def test_grades_histogram_and_execution_bands(known, client_for):
    t = page(client_for(known.world.rita), "/dashboard/?year=2021")
    grades = rows_by_label(t["table-grades"])
    assert grades["优"][1:] == ["3", "50.0"] and grades["良"][1:] == ["1", "16.7"]
    assert grades["中"][1:] == ["1", "16.7"] and grades["差"][1:] == ["0", "0.0"]  # bureau 2's 差 not counted
    assert grades["未评分"][1:] == ["1", "16.7"] and grades["合计"][1:] == ["6", "100.0"]
    histogram = rows_by_label(t["table-histogram"])
    assert list(histogram) == ["60–65", "65–70", "70–75", "75–80", "80–85", "85–90", "90–95", "95–100"]
    assert {k: v[0] for k, v in histogram.items()} == {"60–65": "0", "65–70": "1", "70–75": "0", "75–80": "0",
                                                       "80–85": "0", "85–90": "1", "90–95": "1", "95–100": "2"}
    assert histogram["95–100"][1] == "40.0"  # 95.00 and 100.00 of 5 scored
    bands = rows_by_label(t["table-execution"])
    # [evaluations, average score, 优, 良, 中, 差, 未评分]
    assert bands["低于60%"] == ["1", "65.00", "0", "0", "1", "0", "0"]
    assert bands["70%–80%"] == ["1", "85.00", "0", "1", "0", "0", "0"]
    assert bands["90%–95%"] == ["1", "100.00", "1", "0", "0", "0", "0"]
    assert bands["95%及以上"] == ["2", "93.75", "2", "0", "0", "0", "0"]  # 95% and 101%
    assert bands["未填执行数"] == ["1", "—", "0", "0", "0", "0", "1"]
    assert bands["60%–70%"][0] == bands["80%–90%"][0] == "0"


def test_department_rows(known, client_for):
    t = page(client_for(known.world.rita), "/dashboard/?year=2021")
    rows = rows_by_label(t["table-departments"])
    columns = ["单位数", "应评", "未开始", "草稿", "已提交", "已退回", "已通过", "完成率", "平均得分", "优", "良", "中",
               "差", "执行率", "有错误"]
    edu = dict(zip(columns, rows["金水区教育局"]))
    assert edu == {"单位数": "3", "应评": "6", "未开始": "2", "草稿": "1", "已提交": "1", "已退回": "1", "已通过": "1",
                   "完成率": "16.7", "平均得分": "86.67", "优": "2", "良": "0", "中": "1", "差": "0",
                   "执行率": "88.42", "有错误": "1"}  # (22 + 101 + 45) / (40 + 100 + 50)
    city = dict(zip(columns, rows["金水区城市管理局"]))
    assert city["应评"] == "1" and city["已提交"] == "1" and city["执行率"] == "72.00" and city["有错误"] == "1"
    total = dict(zip(columns, rows["合计"]))
    assert total["单位数"] == "5" and total["应评"] == "8" and total["平均得分"] == "87.50"  # 437.5 / 5
    assert total["有错误"] == "2"  # evaluations with errors (B: 2, U3: 1), not errors
    assert total["执行率"] == "87.76"  # (190 + 72 + 22 + 101 + 45) / (200 + 100 + 40 + 100 + 50)
    assert "上街区委社治委" not in rows


def test_findings_are_counted_from_the_stored_analyses(known, client_for):
    """The findings table agrees with the core's own analysis of each 2021 document of the bureau."""
    expected: dict[str, int] = {}
    for record in Evaluation.objects.filter(bureau=known.world.bureau, year=2021):
        for code in {f.code for f in editing.analyse(record.document).findings}:
            expected[code] = expected.get(code, 0) + 1
    assert expected, "the examples have findings"
    t = page(client_for(known.world.rita), "/dashboard/?year=2021")
    shown = {r[0]: int(r[4]) for r in t["table-findings"]}
    top = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    assert shown == dict(top)
    titles = {r[0]: r[1] for r in t["table-findings"]}
    from jixiao.checks import by_code

    assert all(titles[c] == by_code(c).title for c in shown if c != "X001")


def test_the_summary_of_findings_follows_save_submit_and_approve(world):
    record = world.eval_a

    def rows() -> dict[str, int]:
        return dict(FindingCount.objects.filter(evaluation=record).values_list("code", "count"))

    def truth() -> dict[str, int]:
        stored = Evaluation.objects.get(pk=record.pk)
        return {code: n for code, (_, n) in codes_of(stored.analysis).items()}

    assert rows() == truth() and rows()  # written by the create
    data = Evaluation.objects.get(pk=record.pk).document
    data["budget"]["executed"] = str(D(data["budget"]["executed"]) + 50)  # a figure that no longer adds up
    saved = services.save(record.pk, data, 1, world.alice)
    assert saved.outcome == "saved"
    assert rows() == truth() and rows() != {}
    assert Digest.objects.get(evaluation=record).version == 2
    record.refresh_from_db()
    services.submit(record, world.anna, record.version, "", justify_all(record))
    services.approve(record, world.rita, "")
    assert rows() == truth()


def test_a_stale_summary_is_repaired_by_the_page_and_the_command(known, client_for):
    """Something wrote an analysis without a save (a bulk load, reanalyse): the page counts it anyway."""
    record = known.world.eval_b
    analysis = Evaluation.objects.get(pk=record.pk).analysis
    analysis["findings"] = [{"code": "ZZ99", "severity": "error", "message": "人工构造的发现"}] * 3
    Evaluation.objects.filter(pk=record.pk).update(analysis=analysis, errors=3, warnings=0, infos=0)
    t = page(client_for(known.world.rita), f"/dashboard/?year=2021&department={record.department_id}")
    assert t["table-findings"] == [["ZZ99", "ZZ99", "—", "错误", "1", "100.0", "3"]]
    FindingCount.objects.all().delete()
    Digest.objects.all().delete()
    out = io.StringIO()
    call_command("dashboard_findings", stdout=out)
    assert f"已更新 {Evaluation.objects.count()} 份自评" in out.getvalue()
    assert FindingCount.objects.get(evaluation=record, code="ZZ99").count == 3


def test_filters_kind_department_and_the_default_year(known, client_for):
    client = client_for(known.world.rita)
    t = page(client, "/dashboard/")  # the latest year with evaluations: 2022 (P3)
    # 2022: units A, B, U3, U4, U5 have no department evaluation (5); projects: P3 done, P1 P2 P4 not started (3)
    completion = rows_by_label(t["table-completion"])
    assert completion["合计"] == ["5", "4", "9", "100.0"]
    assert completion["未开始"][:3] == ["5", "3", "8"] and completion["草稿"][:3] == ["0", "1", "1"]
    projects = rows_by_label(page(client, "/dashboard/?year=2021&kind=project")["table-completion"])
    assert projects["未开始"] == ["1", "1", "33.3"] and projects["合计"] == ["3", "3", "100.0"]
    only_edu = page(client, f"/dashboard/?year=2021&department={known.edu.pk}")
    assert list(rows_by_label(only_edu["table-departments"])) == ["金水区教育局", "合计"]
    assert rows_by_label(only_edu["table-completion"])["合计"][-2] == "6"
    foreign = page(client, f"/dashboard/?year=2021&department={known.world.unit_c.department_id}&kind=bogus&year=x")
    assert rows_by_label(foreign["table-completion"])["合计"] == ["5", "4", "9", "100.0"]  # ignored: defaults


def test_drill_down_lists_the_departments_evaluations_and_who_has_not_started(known, client_for):
    response = client_for(known.world.rita).get(f"/dashboard/department/{known.edu.pk}/?year=2021")
    html = response.content.decode()
    rows = tables_of(html)["table-evaluations"]
    listed = {r[0]: r for r in rows if r[0] != "—"}
    assert set(listed) == {str(e.pk) for e in (known.u3_dept, known.p4_2021, known.u4_dept, known.p1_2021)}
    assert listed[str(known.p1_2021.pk)][3:7] == ["项目支出", "已重新提交", "100.00", "优"]
    assert f'href="/evaluations/{known.u4_dept.pk}/review/"' in html
    waiting = [r for r in rows if r[0] == "—"]
    assert [(r[1], r[2], r[4]) for r in waiting] == [("金水区教师进修学校", "金水区教师进修学校（部门整体）", "未开始"),
                                                     ("金水区教育发展中心", "教师培训项目", "未开始")]
    summary = rows_by_label(tables_of(html)["table-summary"])
    assert summary["金水区教育局"][:3] == ["3", "6", "2"]


# ---------------------------------------------------------------- isolation


def test_only_a_bureaus_staff_see_only_their_bureau(known, client_for):
    w = known.world
    urls = ["/dashboard/", f"/dashboard/department/{known.edu.pk}/", "/dashboard/export/departments.csv",
            f"/dashboard/export/department-{known.edu.pk}.xlsx"]
    for person in (w.alice, w.anna, w.carl):
        for url in urls:
            response = client_for(person).get(url)
            assert response.status_code == 403, (person, url)
    assert "只有财政局审核人和管理员" in client_for(w.alice).get("/dashboard/").content.decode()
    for url in (f"/dashboard/department/{known.edu.pk}/", f"/dashboard/export/department-{known.edu.pk}.csv"):
        assert client_for(w.cora).get(url).status_code == 404
    assert client_for(w.rita).get(f"/dashboard/department/{w.unit_c.department_id}/").status_code == 404
    cora = client_for(w.cora).get("/dashboard/?year=2021").content.decode()
    assert "金水区" not in cora.replace("郑州市金水区财政局", "") and known.edu.name not in cora
    t = tables_of(cora)
    assert rows_by_label(t["table-grades"])["差"][1] == "1" and rows_by_label(t["table-completion"])["合计"][-2] == "2"
    assert client_for(w.adam).get("/dashboard/?year=2021").status_code == 200


def test_a_bureau_without_evaluations_gets_an_empty_dashboard(db, client_for):  # noqa: ANN001
    from jixiao.web.orgs.models import Bureau

    from .conftest import _person

    bureau = Bureau.objects.create(name="郑州市中原区财政局", region="河南省郑州市中原区")
    unit = Unit.objects.create(department=Department.objects.create(bureau=bureau, name="中原区教育局"),
                               name="中原区实验小学")
    Project.objects.create(unit=unit, name="课后服务项目")  # known from its budget, never evaluated: not started
    reviewer = _person("zoe", "Zoe 审核人", "reviewer", bureau)
    t = page(client_for(reviewer), "/dashboard/")
    assert rows_by_label(t["table-completion"])["未开始"] == ["1", "1", "2", "100.0"]
    assert t["table-findings"] == [["没有数据。"]] and t["table-histogram"] == [["没有数据。"]]
    assert client_for(reviewer).get("/dashboard/export/findings.xlsx").status_code == 200


def test_anonymous_visitors_go_to_the_login(known, client):  # noqa: ANN001
    for url in ("/dashboard/", f"/dashboard/department/{known.edu.pk}/", "/dashboard/export/grades.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_table_or_format_is_not_found(known, client_for):
    client = client_for(known.world.rita)
    for url in ("/dashboard/export/secrets.csv", "/dashboard/export/grades.pdf", "/dashboard/export/department-x.csv",
                "/dashboard/export/department-99999999.csv", "/dashboard/department/99999999/"):
        assert client.get(url).status_code == 404, url


# ---------------------------------------------------------------- exports


def _same(page_cell: str, file_cell) -> bool:  # noqa: ANN001
    if page_cell == "—":
        return file_cell in (None, "")
    if isinstance(file_cell, (int, float)):
        return D(page_cell) == D(str(file_cell))
    return page_cell == str(file_cell)


@pytest.mark.parametrize("table", ["completion", "grades", "histogram", "execution", "findings", "departments",
                                   "department"])
def test_exports_have_the_rows_of_the_page(known, client_for, table):
    from openpyxl import load_workbook

    client = client_for(known.world.rita)
    if table == "department":
        html = client.get(f"/dashboard/department/{known.edu.pk}/?year=2021").content.decode()
        shown, name = tables_of(html)["table-evaluations"], f"department-{known.edu.pk}"
    else:
        shown, name = tables_of(client.get("/dashboard/?year=2021").content.decode())[f"table-{table}"], table
    assert shown
    raw = client.get(f"/dashboard/export/{name}.csv?year=2021")
    assert raw["Content-Type"].startswith("text/csv") and raw.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in raw["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert "郑州市金水区财政局" in lines[0][0] and "2021年度" in lines[0][0]
    body = lines[2:2 + len(shown)]
    assert len(body) == len(shown)
    for page_row, file_row in zip(shown, body):
        assert all(_same(p, f) for p, f in zip(page_row, file_row)), (page_row, file_row)
    workbook = client.get(f"/dashboard/export/{name}.xlsx?year=2021")
    ws = load_workbook(io.BytesIO(workbook.content)).active
    values = [list(r) for r in ws.iter_rows(min_row=3, max_row=2 + len(shown), values_only=True)]
    assert [c for c in next(ws.iter_rows(min_row=2, max_row=2, values_only=True))] == lines[1]
    for page_row, file_row in zip(shown, values):
        assert all(_same(p, f) for p, f in zip(page_row, file_row)), (page_row, file_row)
        assert not any(isinstance(f, str) and f.replace(".", "").isdigit() for f in file_row[1:]), file_row  # numbers


# ---------------------------------------------------------------- the page


def test_the_page_carries_its_chart_data_and_works_without_script(known, client_for):
    import json
    import re

    html = client_for(known.world.rita).get("/dashboard/?year=2021").content.decode()
    script = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    assert {s["key"]: s["value"] for s in data["stages"]} == {"not_started": 2, "draft": 2, "submitted": 2,
                                                              "returned": 1, "approved": 1}
    points = {p[2]: p for p in data["points"]}
    assert points[known.u4_dept.pk][:2] == ["101.00", "95.00"]  # exact decimals, as text
    assert known.p4_2021.pk not in points and known.c_dept.pk not in points
    assert data["labels"][str(known.u4_dept.pk)] == known.u4_dept.title
    # every chart is hidden until the script draws it; its table is there regardless
    assert html.count('class="jx-chart') == html.count("hidden></div>") == 6
    assert html.count('class="list jx-dash-table"') == 6
    assert "/static/jixiao/vendor/echarts.common.min.js" in html


def test_the_number_of_queries_does_not_grow_with_the_bureau(known, client_for, monkeypatch):
    """Aggregates, not a query per row: more units and evaluations, the same queries (cache off)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.web.dashboards import cache

    monkeypatch.setattr(cache, "SECONDS", 0)
    client = client_for(known.world.rita)
    urls = ("/dashboard/?year=2021", f"/dashboard/department/{known.edu.pk}/?year=2021")

    def counts() -> list[int]:
        out = []
        for url in urls:
            client.get(url)  # the first view may refresh the summary of findings
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    for i in range(4):
        unit = Unit.objects.create(department=known.edu, name=f"金水区第{i + 2}实验小学", code=f"0051{i}")
        _create(unit, known.world.alice, 2021)
        _create(unit, known.world.alice, 2021, Project.objects.create(unit=unit, name="课后服务项目"))
    assert counts() == before and before[0] <= 20


def test_the_figures_are_cached_until_something_changes(known, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(known.world.rita)
    first = client.get("/dashboard/?year=2021").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/dashboard/?year=2021").content.decode()
    assert len(ctx.captured_queries) <= 9 and tables_of(again) == tables_of(first)
    # a workflow step changes the figures: the next view shows it
    record = Evaluation.objects.get(pk=known.world.eval_b.pk)
    services.approve(record, known.world.rita, "")
    completion = rows_by_label(page(client, "/dashboard/?year=2021")["table-completion"])
    assert completion["已通过"][:3] == ["2", "0", "2"] and completion["已提交（含重新提交）"][:3] == ["0", "1", "1"]
    # so does a unit the administrator adds (not started)
    Unit.objects.create(department=known.edu, name="金水区第二实验小学", code="00504")
    assert rows_by_label(page(client, "/dashboard/?year=2021")["table-completion"])["未开始"][:3] == ["2", "1", "3"]


def test_the_vendored_chart_library_is_the_one_recorded():
    """vendor/update.sh copies ECharts from the pinned npm package and records its SHA-256."""
    import json

    sums = {}
    for line in (ROOT / "vendor" / "SHA256SUMS").read_text().splitlines():
        if line and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            sums[path] = digest
    assert "src/jixiao/web/static/jixiao/vendor/echarts.common.min.js" in sums
    for path, digest in sums.items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path
    lock = json.loads((ROOT / "vendor" / "package-lock.json").read_text())
    pinned = json.loads((ROOT / "vendor" / "package.json").read_text())["dependencies"]["echarts"]
    assert lock["packages"]["node_modules/echarts"]["version"] == pinned  # exact, no range
    library = (ROOT / "src/jixiao/web/static/jixiao/vendor/echarts.common.min.js").read_text()
    assert f'version="{pinned}"' in library and len(library.encode()) < 1_000_000
