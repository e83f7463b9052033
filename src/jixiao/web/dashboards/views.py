"""The bureau's dashboards: a year's completion, grades, scores, execution and findings across its units
and projects, a table per department with its drill-down, and every table as .xlsx and .csv.

Only a bureau's reviewers and administrators see them (:func:`jixiao.web.access.bureau_staff`: unit
people get 403), and only their own bureau is ever counted: every query starts from the person's bureau,
and another bureau's department is not found (404).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from .. import access
from ..evaluations.models import Kind
from ..orgs.models import Department
from . import cache, exports, stats
from .html import render_table

TABLES = ("completion", "grades", "histogram", "execution", "findings", "departments")
_DEPARTMENT_TABLE = re.compile(r"department-(\d{1,12})")


def _filters(request: HttpRequest, bureau: int, department: int | None = None) -> tuple[stats.Filters, list[int]]:
    """The filters of the query string; unknown or foreign values are ignored (the defaults apply), never an error.

    The year defaults to the latest with evaluations; a department filter names one of the bureau's.
    """
    q = request.GET
    years = stats.years(bureau)
    year_text = q.get("year", "")
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
    if year is None:
        year = years[0] if years else timezone.localdate().year - 1
    kind = q.get("kind", "")
    kind = kind if kind in Kind.values else ""
    if department is None:
        given = q.get("department", "")
        if given.isdigit() and Department.objects.filter(pk=int(given), bureau_id=bureau).exists():
            department = int(given)
    return stats.Filters(bureau, year, kind, department), sorted(set(years) | {year}, reverse=True)


def _department(bureau: int, pk: int) -> Department:
    """The bureau's department ``pk``; another bureau's (or none) is not found."""
    try:
        return Department.objects.get(pk=pk, bureau_id=bureau)
    except Department.DoesNotExist:
        raise Http404("没有找到这个主管部门") from None


def _choices(bureau: int) -> dict[str, Any]:
    return {"kinds": Kind.choices,
            "department_choices": list(Department.objects.filter(bureau_id=bureau).order_by("code", "name")
                                       .values_list("pk", "name"))}


def _export_links(f: stats.Filters, table: str) -> dict[str, str]:
    query = urlencode(f.query())
    return {fmt: f"{reverse('dashboard_export', args=[table, fmt])}?{query}" for fmt in exports.FORMATS}


def _dashboard(f: stats.Filters) -> dict[str, Any]:
    """What the dashboard shows for ``f``, ready to draw (kept in the cache as it is)."""
    figures = stats.figures(f)
    tables = figures.tables()
    approved = figures.stage("approved")
    data = figures.chart_data() | {"review": reverse("review", args=[REVIEW_PLACEHOLDER])}
    return {
        "sections": {name: {"html": render_table(tables[name]), "links": _export_links(f, name)} for name in TABLES},
        "summary": {"expected": figures.expected, "evaluations": figures.evaluations,
                    "not_started": figures.stage("not_started"), "submitted": figures.stage("submitted"),
                    "approved": approved, "approved_pct": stats.pct(approved, figures.expected),
                    "average": figures.average, "execution_rate": figures.execution_rate, "stale": figures.stale},
        "chart_json": json_script(data, "dashboard-data"),
    }


REVIEW_PLACEHOLDER = 999999999
"""The review URL of evaluation 999999999: the page's script puts each point's id in its place."""


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    m = access.bureau_staff(request.user)
    f, years = _filters(request, m.bureau_id)
    shown = cache.cached(m.bureau_id, f.year, ("dashboard", f), lambda: _dashboard(f))
    return render(request, "jixiao/dashboards/dashboard.html", {
        "f": f, "years": years, **shown, "chart_json": mark_safe(shown["chart_json"]),  # noqa: S308 - json_script's
        "bureau": m.bureau, **_choices(m.bureau_id)})


def _department_page(f: stats.Filters, dept: Department) -> dict[str, Any]:
    summary = stats.figures(f, charts=False).departments_table()
    summary.rows = [[str(r[0]), *r[1:]] for r in summary.rows[:-1]]  # the department's row; no total of one row
    summary.total = False
    table = stats.department_table(f, dept)
    waiting = sum(1 for r in table.rows if r[0] is None)
    return {"summary_html": render_table(summary, "table-summary"),
            "table_html": render_table(table, "table-evaluations"),
            "count": len(table.rows) - waiting, "waiting": waiting, "export": _export_links(f, table.name)}


@login_required
def department(request: HttpRequest, department: int) -> HttpResponse:
    m = access.bureau_staff(request.user)
    dept = _department(m.bureau_id, department)
    f, years = _filters(request, m.bureau_id, dept.pk)
    shown = cache.cached(m.bureau_id, f.year, ("department", f, dept.name), lambda: _department_page(f, dept))
    return render(request, "jixiao/dashboards/department.html", {
        "f": f, "years": years, "department": dept, **shown,
        "back": "?" + urlencode({k: v for k, v in f.query().items() if k != "department"}),
        "bureau": m.bureau, **_choices(m.bureau_id)})


@login_required
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """``/dashboard/export/<table>.<fmt>``: one of :data:`TABLES`, or ``department-<id>`` (the drill-down)."""
    m = access.bureau_staff(request.user)
    if fmt not in exports.FORMATS:
        raise Http404("不支持的导出格式（可用 xlsx、csv）")
    drill = _DEPARTMENT_TABLE.fullmatch(table)
    if drill:
        dept = _department(m.bureau_id, int(drill.group(1)))
        f, _ = _filters(request, m.bureau_id, dept.pk)
        t = stats.department_table(f, dept)
    elif table in TABLES:
        f, _ = _filters(request, m.bureau_id)
        figures = stats.figures(f, points=False)
        t = figures.tables()[table]
    else:
        raise Http404("没有这个统计表")
    scope = [m.bureau.name, f"{f.year}年度"]
    if f.kind:
        scope.append(dict(Kind.choices)[f.kind])
    if f.department is not None and not drill:
        scope.append(Department.objects.get(pk=f.department).name)
    heading = " ".join(scope + [t.title])
    response = HttpResponse(exports.render(t, fmt, heading), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{'-'.join(scope)}-{t.title}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
