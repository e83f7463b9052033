"""The dashboards' figures: a bureau's year across its units and projects, as aggregate queries.

Every figure is counted by the database (``values().annotate()``) on the indexed summary columns
of :class:`~jixiao.web.evaluations.models.Evaluation` and on the summary of findings
(:mod:`.findings`); the JSON columns are never read here. Python only merges the few
grouped rows (departments × statuses, score bins) into :class:`Table` objects, which the
page draws and the exports write, so the page and the files always agree.

Money and scores stay Decimal: sums are taken back to their exact scale before dividing
(SQLite sums decimals as floats), averages and rates are rounded half up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Sum, TextField, Value,
                              When)
from django.db.models.functions import Cast, Floor
from django.urls import reverse

from jixiao.checks import CRASH_CODE, FAMILIES, by_code

from ..evaluations.models import Evaluation, Kind, Status
from ..orgs.models import Department, Project, Unit
from .findings import repair
from .models import FindingCount

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
MICRO = Decimal("0.000001")

GRADES = ("优", "良", "中", "差")
GRADE_RANGES = {"优": "90–100分", "良": "80–90分", "中": "60–80分", "差": "60分以下"}
NO_GRADE = "未评分"

STAGES = (("not_started", "未开始"), ("draft", "草稿"), ("submitted", "已提交（含重新提交）"), ("returned", "已退回"),
          ("approved", "已通过"))
"""The completion stages, in workflow order; a resubmission is counted as submitted."""
STAGE_OF = {Status.DRAFT: "draft", Status.SUBMITTED: "submitted", Status.RESUBMITTED: "submitted",
            Status.RETURNED: "returned", Status.APPROVED: "approved"}
SHORT = {"not_started": "未开始", "draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已通过"}

BIN = 5
"""Score histogram bins: 5 points ([90, 95), …; 100 falls in the last, [95, 100])."""

BANDS = ((None, Decimal(60), "低于60%"), (Decimal(60), Decimal(70), "60%–70%"), (Decimal(70), Decimal(80), "70%–80%"),
         (Decimal(80), Decimal(90), "80%–90%"), (Decimal(90), Decimal(95), "90%–95%"),
         (Decimal(95), None, "95%及以上"))
"""Budget execution bands ([lo, hi)); 70% is where the rules ask for an explanation, 90% the usual target."""
NO_RATE = "未填执行数"

TOP_FINDINGS = 15


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere on the page; exports write its text."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """One table of the dashboard: drawn on the page and written, row for row, to .xlsx and .csv.

    Cells are str, int, Decimal, :class:`Link` or None (blank). ``numeric`` are the right-aligned columns;
    ``total`` is the last row when it sums the others (shown in bold, exported as a row).
    """

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()
    total: bool = False
    note: str = ""


@dataclass(frozen=True)
class Filters:
    """What the dashboard counts: a bureau's year, optionally one kind and one department."""

    bureau: int
    year: int
    kind: str = ""
    department: int | None = None

    def scope(self) -> QuerySet[Evaluation]:
        qs = Evaluation.objects.filter(bureau_id=self.bureau, year=self.year)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.department is not None:
            qs = qs.filter(department_id=self.department)
        return qs

    def query(self, **extra: Any) -> dict[str, Any]:
        """The query string of these filters (for links and exports)."""
        q: dict[str, Any] = {"year": self.year}
        if self.kind:
            q["kind"] = self.kind
        if self.department is not None:
            q["department"] = self.department
        return q | extra


def department_url() -> Callable[[int], str]:
    """``pk → /dashboard/department/<pk>/``, reversing the pattern once (a table has a row per department)."""
    template = reverse("dashboard_department", args=[999999999])
    return lambda pk: template.replace("999999999", str(pk))


def years(bureau: int) -> list[int]:
    """The years with evaluations in the bureau, latest first (read from the dashboard index)."""
    return sorted(Evaluation.objects.filter(bureau_id=bureau).order_by().values_list("year", flat=True).distinct(),
                  reverse=True)


def pct(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * HUNDRED / whole).quantize(TENTH, ROUND_HALF_UP)


def average(total: Any, n: int) -> Decimal | None:
    """The mean of ``n`` two-decimal scores from their sum, exact on every database."""
    if not n or total is None:
        return None
    return (Decimal(total).quantize(CENT, ROUND_HALF_UP) / n).quantize(CENT, ROUND_HALF_UP)


def rate(executed: Any, budget: Any) -> Decimal | None:
    """Budget execution (%) of summed amounts: Σ执行数 / Σ全年预算数."""
    if executed is None or not budget:
        return None
    b = Decimal(budget).quantize(MICRO, ROUND_HALF_UP)
    if not b:
        return None
    return (Decimal(executed).quantize(MICRO, ROUND_HALF_UP) / b * HUNDRED).quantize(CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------- the departments' rows (one query)

def _department_aggregates(f: Filters) -> dict[int, dict[str, Any]]:
    """Per department and kind: evaluations by status and grade, score sum, amounts, evaluations with errors."""
    by_status = {f"s_{s}": Count("pk", filter=Q(status=s)) for s in Status.values}
    by_grade = {f"g_{i}": Count("pk", filter=Q(grade=g)) for i, g in enumerate(GRADES)}
    rows = (f.scope().order_by().values("department_id", "kind")
            .annotate(n=Count("pk"), scored=Count("total"),
                      score_sum=Sum("total"), budget_sum=Sum("budget", filter=Q(executed__isnull=False)),
                      executed_sum=Sum("executed", filter=Q(budget__isnull=False)),
                      with_errors=Count("pk", filter=Q(errors__gt=0)), **by_status, **by_grade))
    out: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        d = out[r["department_id"]]
        kind = r["kind"]
        d["evaluations"] += r["n"]
        d["scored"] += r["scored"]
        d["with_errors"] += r["with_errors"]
        for key in ("score_sum", "budget_sum", "executed_sum"):
            if r[key] is not None:
                d[key] = d[key] + Decimal(r[key])
        for s in Status.values:
            d[(kind, STAGE_OF[Status(s)])] += r[f"s_{s}"]
            d[STAGE_OF[Status(s)]] += r[f"s_{s}"]
        for i, g in enumerate(GRADES):
            d[g] += r[f"g_{i}"]
    return out


def _unit_not_started(year: int) -> Q:
    """A unit without its department-kind (部门整体) evaluation of ``year``."""
    return ~Exists(Evaluation.objects.filter(unit_id=OuterRef("pk"), kind=Kind.DEPARTMENT, year=year))


def _projects_not_started(f: Filters) -> QuerySet[Project]:
    """The bureau's projects without their evaluation of the year — from their first year on: a project
    whose evaluations are all of later years did not exist yet; one without any evaluation counts.

    One grouped pass over the bureau's project evaluations (first year, evaluations this year) rather
    than three ``EXISTS`` per project.
    """
    evaluated = Evaluation.objects.filter(bureau_id=f.bureau, project__isnull=False).order_by()
    projects = Project.objects.filter(unit__department__bureau_id=f.bureau)
    if f.department is not None:
        evaluated = evaluated.filter(department_id=f.department)
        projects = projects.filter(unit__department_id=f.department)
    waiting = (evaluated.values("project_id").annotate(first=Min("year"), here=Count("pk", filter=Q(year=f.year)))
               .filter(here=0, first__lt=f.year).values("project_id"))
    never = ~Exists(Evaluation.objects.filter(project_id=OuterRef("pk")))
    return projects.filter(Q(pk__in=waiting) | never)


def _not_started(f: Filters) -> dict[int, dict[str, int]]:
    """Per department: units and projects that have not started their evaluation of the year."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if f.kind in ("", Kind.DEPARTMENT):
        units = Unit.objects.filter(department__bureau_id=f.bureau)
        if f.department is not None:
            units = units.filter(department_id=f.department)
        for r in units.filter(_unit_not_started(f.year)).order_by().values("department_id").annotate(n=Count("pk")):
            out[r["department_id"]][Kind.DEPARTMENT] = r["n"]
    if f.kind in ("", Kind.PROJECT):
        for r in _projects_not_started(f).order_by().values("unit__department_id").annotate(n=Count("pk")):
            out[r["unit__department_id"]][Kind.PROJECT] = r["n"]
    return out


def _unit_counts(f: Filters) -> dict[int, int]:
    units = Unit.objects.filter(department__bureau_id=f.bureau)
    if f.department is not None:
        units = units.filter(department_id=f.department)
    return dict(units.order_by().values("department_id").annotate(n=Count("pk")).values_list("department_id", "n"))


@dataclass
class Figures:
    """Everything the dashboard shows for its filters."""

    filters: Filters
    departments: list[tuple[int, str, str]]
    per_department: dict[int, dict[str, Any]]
    not_started: dict[int, dict[str, int]]
    units: dict[int, int]
    histogram: list[tuple[str, int, int]] = field(default_factory=list)  # (label, low, count)
    bands: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    points: list[list[Any]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)
    stale: int = 0

    # -------------------------------------------------------------- totals

    def total(self, key: Any) -> int:
        return sum(d.get(key, 0) for d in self.per_department.values())

    def not_started_total(self, kind: str | None = None) -> int:
        return sum(v for d in self.not_started.values() for k, v in d.items() if kind is None or k == kind)

    @property
    def evaluations(self) -> int:
        return self.total("evaluations")

    @property
    def expected(self) -> int:
        return self.evaluations + self.not_started_total()

    def stage(self, stage: str, kind: str | None = None) -> int:
        if stage == "not_started":
            return self.not_started_total(kind)
        return self.total(stage if kind is None else (kind, stage))

    @property
    def average(self) -> Decimal | None:
        return average(sum((d.get("score_sum", Decimal(0)) for d in self.per_department.values()), Decimal(0)),
                       self.total("scored"))

    @property
    def execution_rate(self) -> Decimal | None:
        return rate(sum((d.get("executed_sum", Decimal(0)) for d in self.per_department.values()), Decimal(0)),
                    sum((d.get("budget_sum", Decimal(0)) for d in self.per_department.values()), Decimal(0)))

    # -------------------------------------------------------------- tables

    def completion_table(self) -> Table:
        kinds = [(Kind.DEPARTMENT, "部门整体（单位）"), (Kind.PROJECT, "项目")]
        if self.filters.kind:
            kinds = [k for k in kinds if k[0] == self.filters.kind]
        t = Table("completion", "自评完成情况", ["状态", *(label for _, label in kinds), "合计", "占比（%）"],
                  numeric=frozenset(range(1, len(kinds) + 3)), total=True,
                  note="未开始：单位没有本年度部门整体自评；项目没有本年度项目自评。")
        whole = self.expected
        for stage, label in STAGES:
            n = self.stage(stage)
            t.rows.append([label, *(self.stage(stage, k) for k, _ in kinds), n, pct(n, whole)])
        t.rows.append(["合计", *(sum(self.stage(s, k) for s, _ in STAGES) for k, _ in kinds), whole,
                       Decimal(100).quantize(TENTH) if whole else None])
        return t

    def grades_table(self) -> Table:
        t = Table("grades", "等级分布", ["等级", "分数段", "自评数", "占比（%）"], numeric=frozenset({2, 3}), total=True,
                  note="等级按各自评适用的评分规则评定；尚无得分的自评单列为“未评分”。")
        n = self.evaluations
        graded = 0
        for g in GRADES:
            k = self.total(g)
            graded += k
            t.rows.append([g, GRADE_RANGES[g], k, pct(k, n)])
        t.rows.append([NO_GRADE, "", n - graded, pct(n - graded, n)])
        t.rows.append(["合计", "", n, Decimal(100).quantize(TENTH) if n else None])
        return t

    def histogram_table(self) -> Table:
        t = Table("histogram", "得分分布", ["分数段", "自评数", "占比（%）"], numeric=frozenset({1, 2}),
                  note=f"每{BIN}分一段，含下限不含上限（100分计入最后一段）；只计有得分的自评。")
        scored = sum(n for _, _, n in self.histogram)
        for label, _, n in self.histogram:
            t.rows.append([label, n, pct(n, scored)])
        return t

    def execution_table(self) -> Table:
        t = Table("execution", "预算执行率与得分", ["预算执行率", "自评数", "平均得分", *GRADES, NO_GRADE],
                  numeric=frozenset(range(1, 8)),
                  note="执行率为各自评的预算执行数 / 全年预算数；散点图中每一点为一份自评（点击打开）。")
        for b in self.bands:
            t.rows.append([b["label"], b["n"], b["average"], *(b[g] for g in GRADES), b[NO_GRADE]])
        return t

    def findings_table(self) -> Table:
        t = Table("findings", "最常见的审核发现", ["代码", "检查", "类别", "严重程度", "涉及自评数", "占自评（%）", "出现次数"],
                  numeric=frozenset({4, 5, 6}),
                  note=f"按涉及的自评数排列，前{TOP_FINDINGS}项；来自每份自评最近一次保存时的审核。")
        for r in self.findings:
            t.rows.append([r["code"], r["title"], r["family"], r["severity"], r["evaluations"],
                           pct(r["evaluations"], self.evaluations), r["occurrences"]])
        return t

    def departments_table(self) -> Table:
        cols = ["主管部门", "单位数", "应评", *(SHORT[s] for s, _ in STAGES), "完成率（%）", "平均得分", *GRADES,
                "预算执行率（%）", "有错误的自评"]
        t = Table("departments", "各主管部门情况", cols, numeric=frozenset(range(1, len(cols))), total=True,
                  note="应评 = 已有自评 + 未开始；完成率 = 已通过 / 应评；预算执行率 = 合计执行数 / 合计全年预算数。")
        q = "&".join(f"{k}={v}" for k, v in self.filters.query().items() if k != "department")
        url = department_url()
        for pk, name, _code in self.departments:
            d = self.per_department.get(pk, {})
            waiting = sum(self.not_started.get(pk, {}).values())
            expected = d.get("evaluations", 0) + waiting
            if not expected and not self.units.get(pk):
                continue
            href = f"{url(pk)}?{q}"
            t.rows.append([Link(name, href), self.units.get(pk, 0), expected, waiting,
                           *(d.get(s, 0) for s, _ in STAGES[1:]), pct(d.get("approved", 0), expected),
                           average(d.get("score_sum"), d.get("scored", 0)), *(d.get(g, 0) for g in GRADES),
                           rate(d.get("executed_sum"), d.get("budget_sum")), d.get("with_errors", 0)])
        expected = self.expected
        t.rows.append(["合计", sum(self.units.values()), expected, self.stage("not_started"),
                       *(self.total(s) for s, _ in STAGES[1:]), pct(self.total("approved"), expected), self.average,
                       *(self.total(g) for g in GRADES), self.execution_rate, self.total("with_errors")])
        return t

    def tables(self) -> dict[str, Table]:
        return {t.name: t for t in (self.completion_table(), self.grades_table(), self.histogram_table(),
                                    self.execution_table(), self.findings_table(), self.departments_table())}

    # -------------------------------------------------------------- charts (JSON for the page's script)

    def chart_data(self) -> dict[str, Any]:
        """The charts' data, Decimals as strings (the script converts them when drawing)."""
        departments = [(pk, name) for pk, name, _ in self.departments
                       if self.per_department.get(pk) or self.not_started.get(pk)]
        url = department_url()
        return {
            "stages": [{"key": s, "label": SHORT[s], "value": self.stage(s)} for s, _ in STAGES],
            "departments": {
                "names": [name for _, name in departments],
                "links": [url(pk) for pk, _ in departments],
                "series": [{"key": s, "label": SHORT[s],
                            "values": [sum(self.not_started.get(pk, {}).values()) if s == "not_started"
                                       else self.per_department.get(pk, {}).get(s, 0) for pk, _ in departments]}
                           for s, _ in STAGES]},
            "grades": [{"label": g, "value": self.total(g)} for g in GRADES]
            + [{"label": NO_GRADE, "value": self.evaluations - sum(self.total(g) for g in GRADES)}],
            "histogram": [{"label": label, "low": low, "value": n} for label, low, n in self.histogram],
            "points": self.points,
            "labels": self.labels,
            "findings": [{"code": r["code"], "title": r["title"], "value": r["evaluations"]} for r in self.findings],
            "query": self.filters.query(),
        }


# ---------------------------------------------------------------- the other aggregates

def _histogram(scope: QuerySet[Evaluation]) -> list[tuple[str, int, int]]:
    """Counts per 5-point bin, from the lowest occupied bin (60 at the latest) to 100."""
    counts: dict[int, int] = defaultdict(int)
    rows = (scope.filter(total__isnull=False).order_by()
            .annotate(bin=Floor(F("total") / Value(Decimal(BIN)))).values("bin").annotate(n=Count("pk")))
    last = 100 // BIN - 1
    for r in rows:
        counts[min(max(int(r["bin"]), 0), last)] += r["n"]
    if not counts:
        return []
    first = min(min(counts), 60 // BIN)
    return [(f"{b * BIN}–{(b + 1) * BIN}", b * BIN, counts.get(b, 0)) for b in range(first, last + 1)]


def _band_case() -> Case:
    whens = [When(execution_rate__isnull=True, then=Value(-1))]
    for i, (low, high, _) in enumerate(BANDS):
        cond = Q()
        if low is not None:
            cond &= Q(execution_rate__gte=low)
        if high is not None:
            cond &= Q(execution_rate__lt=high)
        whens.append(When(cond, then=Value(i)))
    return Case(*whens, output_field=IntegerField())


def _bands(scope: QuerySet[Evaluation]) -> list[dict[str, Any]]:
    """Evaluations per execution band: count, average score, grades."""
    rows = scope.order_by().annotate(band=_band_case()).values("band", "grade").annotate(
        n=Count("pk"), scored=Count("total"), score_sum=Sum("total"))
    labels = [label for _, _, label in BANDS] + [NO_RATE]
    acc = [{"label": label, "n": 0, "scored": 0, "score_sum": Decimal(0), **{g: 0 for g in GRADES}, NO_GRADE: 0}
           for label in labels]
    for r in rows:
        b = acc[r["band"]]  # -1: the last, no rate
        b["n"] += r["n"]
        b["scored"] += r["scored"]
        b["score_sum"] += Decimal(r["score_sum"] or 0)
        b[r["grade"] if r["grade"] in GRADES else NO_GRADE] += r["n"]
    for b in acc:
        b["average"] = average(b["score_sum"], b["scored"])
    if not acc[-1]["n"]:
        acc.pop()
    return acc


LABELLED_POINTS = 1500
"""Up to this many points, the page also gets each point's title (for the tooltip); beyond, only its id."""


def _points(scope: QuerySet[Evaluation]) -> tuple[list[list[Any]], dict[int, str]]:
    """The scatter's points, [execution rate, score, evaluation id, grade] with the decimals as text, and their
    titles when there are few enough (a year of a large bureau has thousands of points)."""
    rows = scope.filter(total__isnull=False, execution_rate__isnull=False).order_by()
    if connection.vendor == "postgresql":  # numeric as text is the Decimal's own digits: no conversion per point
        rows = rows.annotate(rate_text=Cast("execution_rate", TextField()), total_text=Cast("total", TextField()))
        values = rows.values_list("pk", "rate_text", "total_text", "grade", "title")
        points = [[r, t, pk, g] for pk, r, t, g, _ in values]
    else:
        values = rows.values_list("pk", "execution_rate", "total", "grade", "title")
        points = [[str(r), str(t), pk, g] for pk, r, t, g, _ in values]
    labels = {pk: title for pk, *_, title in values} if len(points) <= LABELLED_POINTS else {}
    return points, labels


def check_title(code: str) -> tuple[str, str]:
    """The check's Chinese title and family for a finding code (the code itself when it is unknown)."""
    if code == CRASH_CODE:
        return "某项检查运行出错", FAMILIES["run"]
    try:
        c = by_code(code)
    except KeyError:
        return code, ""
    return c.title, FAMILIES.get(c.family, c.family)


SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def _findings(scope: QuerySet[Evaluation]) -> list[dict[str, Any]]:
    """The most frequent finding codes: evaluations having them, findings in all."""
    rows = (FindingCount.objects.filter(evaluation__in=scope.order_by().values("pk")).values("code")
            .annotate(evaluations=Count("pk"), occurrences=Sum("count"),
                      errors=Count("pk", filter=Q(severity="error")),
                      warnings=Count("pk", filter=Q(severity="warning")))
            .order_by("-evaluations", "code")[:TOP_FINDINGS])
    out = []
    for r in rows:
        title, family = check_title(r["code"])
        severity = "error" if r["errors"] else "warning" if r["warnings"] else "info"
        out.append({"code": r["code"], "title": title, "family": family, "severity": SEVERITY_LABELS[severity],
                    "evaluations": r["evaluations"], "occurrences": r["occurrences"]})
    return out


def figures(f: Filters, points: bool = True, charts: bool = True) -> Figures:
    """The figures of the dashboard for ``f``: the departments' rows, and with ``charts`` the histogram,
    execution bands and findings, with ``points`` the scatter's points too (for the page)."""
    scope = f.scope()
    departments = Department.objects.filter(bureau_id=f.bureau).order_by("code", "name")
    if f.department is not None:
        departments = departments.filter(pk=f.department)
    out = Figures(filters=f, departments=list(departments.values_list("pk", "name", "code")),
                  per_department=_department_aggregates(f), not_started=_not_started(f), units=_unit_counts(f))
    if charts:
        out.stale = repair(scope)
        out.histogram, out.bands, out.findings = _histogram(scope), _bands(scope), _findings(scope)
        if points:
            out.points, out.labels = _points(scope)
    return out


# ---------------------------------------------------------------- one department's evaluations

def department_table(f: Filters, department: Department) -> Table:
    """The drill-down: every evaluation of the department and year (linking to its review page), then the
    units and projects that have not started."""
    cols = ["编号", "预算单位", "自评名称", "类型", "状态", "得分", "等级", "预算执行率（%）", "错误", "警告"]
    t = Table(f"department-{department.pk}", f"{department.name} {f.year}年度自评", cols,
              numeric=frozenset({0, 5, 7, 8, 9}))
    kinds, statuses = dict(Kind.choices), dict(Status.choices)
    review = reverse("review", args=[999999999])
    rows = (f.scope().filter(department_id=department.pk).order_by("unit__code", "unit__name", "kind", "title", "pk")
            .values_list("pk", "unit__name", "title", "kind", "status", "total", "grade", "execution_rate", "errors",
                         "warnings"))
    for pk, unit, title, kind, status, total, grade, rate_, errors, warnings in rows:
        t.rows.append([pk, unit, Link(title, review.replace("999999999", str(pk))), kinds.get(kind, kind),
                       statuses.get(status, status), total, grade or NO_GRADE, rate_, errors, warnings])
    if f.kind in ("", Kind.DEPARTMENT):
        for name in (Unit.objects.filter(department_id=department.pk).filter(_unit_not_started(f.year))
                     .order_by("code", "name").values_list("name", flat=True)):
            t.rows.append([None, name, f"{name}（部门整体）", kinds[Kind.DEPARTMENT], "未开始", None, None, None, None, None])
    if f.kind in ("", Kind.PROJECT):
        projects = _projects_not_started(Filters(f.bureau, f.year, f.kind, department.pk))
        for unit, name in projects.order_by("unit__code", "unit__name", "name").values_list("unit__name", "name"):
            t.rows.append([None, unit, name, kinds[Kind.PROJECT], "未开始", None, None, None, None, None])
    return t
