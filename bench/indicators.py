"""Benchmark of the indicator library (指标库) on a generated bureau: rebuild, approvals, page and search.

    python bench/indicators.py                         # 20,000 evaluations, on the configured database
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jx_ind python bench/indicators.py
    python bench/indicators.py --evaluations 2000 --repeat 10   # a quick run

It migrates the configured database, then inside one transaction that is rolled back at the end (nothing is
left behind) creates a bureau of 50 departments and 200 units whose 20,000 approved evaluations (1,000
department ones, 19,000 project ones over 2017–2021) carry about 22 third-level indicators each: the common
indicators and the usual qualitative ones on every department evaluation, project indicators drawn from
3,000 names with a long-tailed (Zipf-like) frequency, and two names of each evaluation's own (the long tail
of free typing). Documents are plain JSON with just what the library reads (they are not scored).

It times ``rebuild`` of the bureau, one approval and one reopening (``library.add`` / ``remove``), and
then, in process through Django's test client as a unit editor (so the figures are the view's time, without
HTTP), ``GET /indicators/`` and ``GET /indicators/search/`` with typical filters; each request ``--repeat``
times after one warm-up, reporting median, p95 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

TOPICS = ("培训", "宣传", "巡查", "走访", "维修", "保洁", "绿化", "监测", "检查", "救助", "慰问", "义诊", "演练", "督导",
          "调解", "安置", "补贴", "采购", "装修", "改造", "执法", "普法", "接待", "咨询", "体检", "疫苗", "防汛", "消防",
          "治安", "养老", "助残", "托育", "就业", "招商", "审批", "登记", "备案", "统计", "档案", "信息化")
OBJECTS = ("社区", "学校", "道路", "公园", "河道", "企业", "农户", "老人", "儿童", "残疾人", "志愿者", "网格员", "商户",
           "楼院", "车辆", "设备", "系统", "场馆", "窗口", "项目", "村庄", "景区", "市场", "工地", "小区")
MEASURES = (("产出指标", "数量指标", "次数", "次"), ("产出指标", "数量指标", "人数", "人"), ("产出指标", "质量指标", "合格率", "%"),
            ("产出指标", "时效指标", "完成及时率", "%"), ("产出指标", "成本指标", "成本控制率", "%"),
            ("效益指标", "社会效益", "覆盖率", "%"), ("效益指标", "可持续影响", "长效机制", "定性指标"),
            ("满意度指标", "服务对象满意度", "满意度", "%"))
DEPARTMENT_LEAVES = (
    ("投入管理指标", "预算和财务管理", "预算执行率", "≥90%"), ("投入管理指标", "预算和财务管理", "预算调整率", "≤10%"),
    ("投入管理指标", "预算和财务管理", "结转结余率", "≤10%"), ("投入管理指标", "预算和财务管理", "政府采购执行率", "≥95%"),
    ("投入管理指标", "预算和财务管理", "专项资金细化率", "≥95%"), ("投入管理指标", "预算和财务管理", "“三公经费”控制率", "≤100%"),
    ("投入管理指标", "绩效管理", "绩效监控完成率", "≥90%"), ("投入管理指标", "绩效管理", "绩效自评完成率", "≥90%"),
    ("投入管理指标", "绩效管理", "部门绩效评价完成率", "≥90%"), ("投入管理指标", "绩效管理", "评价结果应用率", "≥95%"),
    ("投入管理指标", "预算和财务管理", "预算编制完整性", "完整"), ("投入管理指标", "预算和财务管理", "资金使用合规性", "合规"),
    ("投入管理指标", "预算和财务管理", "管理制度健全性", "健全"), ("投入管理指标", "预算和财务管理", "预决算信息公开性", "公开"),
    ("产出指标", "重点工作任务完成", "重点工作完成率", "≥90%"), ("效益指标", "满意度", "服务对象满意度", "≥95%"),
)


def _names() -> list[tuple[str, str, str, str]]:
    out = []
    for t in TOPICS:
        for o in OBJECTS:
            level1, level2, measure, unit = MEASURES[(len(out) * 7) % len(MEASURES)]
            out.append((level1, level2, f"{o}{t}{measure}", unit))
    return out


def _target(rng: random.Random, unit: str) -> str:
    if unit == "%":
        return f"≥{rng.choice((80, 85, 90, 95, 98, 100))}%"
    if unit == "定性指标":
        return rng.choice(("健全", "有效", "逐步完善"))
    return f"≥{rng.randint(1, 50) * 10}{unit}"


def _tree(leaves: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    cats: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for level1, level2, name, target in leaves:
        cats.setdefault(level1, {}).setdefault(level2, []).append({"name": name, "target": target})
    return [{"name": c, "children": [{"name": g, "children": rows} for g, rows in groups.items()]}
            for c, groups in cats.items()]


def _document(rng: random.Random, kind: str, year: int, serial: int, names: list, weights: list) -> dict[str, Any]:
    leaves: list[tuple[str, str, str, str]] = []
    if kind == "department":
        leaves += DEPARTMENT_LEAVES
        picks = rng.choices(names, weights, k=4)
    else:
        leaves.append(("投入和管理目标", "投入管理", "预算执行率", "100%"))
        picks = rng.choices(names, weights, k=19)
    leaves += [(a, b, n, _target(rng, u)) for a, b, n, u in {p[2]: p for p in picks}.values()]
    leaves += [("产出指标", "数量指标", f"第{serial}号专项{rng.choice(TOPICS)}完成数（{k}）", "≥1项") for k in (1, 2)]
    return {"kind": kind, "year": year, "unit": "（单位）", "indicators": _tree(leaves)}


def generate(n: int, seed: int = 7) -> tuple[Any, Any]:
    """The bureau, its departments, units and projects, and ``n`` approved evaluations (bulk inserted)."""
    from django.contrib.auth import get_user_model

    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.orgs.models import Bureau, Department, Membership, Project, Unit

    rng = random.Random(seed)
    bureau = Bureau.objects.create(name="指标库性能测试财政局", region="河南省郑州市性能区")
    departments = Department.objects.bulk_create([Department(bureau=bureau, name=f"测试部门{i:02d}", code=f"9{i:02d}")
                                                  for i in range(50)])
    departments = list(Department.objects.filter(bureau=bureau).order_by("pk"))
    Unit.objects.bulk_create([Unit(department=departments[i % 50], name=f"测试单位{i:03d}") for i in range(200)])
    units = list(Unit.objects.filter(department__bureau=bureau).order_by("pk"))
    years = (2017, 2018, 2019, 2020, 2021)
    department_count = min(len(units) * len(years), max(1, n // 20))
    project_count = n - department_count
    per_year = -(-project_count // len(years))
    Project.objects.bulk_create([Project(unit=units[i % len(units)], name=f"测试项目{i:05d}") for i in range(per_year)])
    projects = list(Project.objects.filter(unit__department__bureau=bureau).select_related("unit").order_by("pk"))
    names = _names()
    weights = [1 / (rank + 1) for rank in range(len(names))]
    rows: list[Evaluation] = []
    for i in range(n):
        if i < department_count:
            unit, project, kind, year = units[i % len(units)], None, "department", years[i // len(units)]
        else:
            k = i - department_count
            project, kind, year = projects[k % per_year], "project", years[k // per_year]
            unit = project.unit
        rows.append(Evaluation(bureau=bureau, department_id=unit.department_id, unit=unit, project=project, kind=kind,
                               year=year, title=f"测试自评{i}", status="approved",
                               document=_document(rng, kind, year, i, names, weights)))
        if len(rows) == 2000:
            Evaluation.objects.bulk_create(rows)
            rows = []
    Evaluation.objects.bulk_create(rows)
    editor = get_user_model().objects.create_user("bench-indicators-editor", password="Bench-Passw0rd-x")
    Membership.objects.create(user=editor, role="editor", bureau=bureau, unit=units[0])
    return bureau, editor


def _timed(label: str, work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed * 1000:.0f} ms")
    return elapsed, result


def measure(client: Any, url: str, params: dict[str, str], repeat: int) -> tuple[float, float, float, int]:
    """Median, p95 and max in ms of ``repeat`` GETs (after one warm-up), and the body size of the last."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95, times[-1], len(response.content)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="指标库性能测试（数据在事务中生成，结束时回滚）")
    parser.add_argument("--evaluations", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="保留生成的数据（再次运行时直接测量，不再生成）")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from jixiao.web.indicators import library
    from jixiao.web.indicators.models import Entry, Use

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")

    class Rollback(Exception):
        pass

    from jixiao.web.orgs.models import Bureau

    try:
        with transaction.atomic():
            if not (args.keep and Bureau.objects.filter(name="指标库性能测试财政局").exists()):
                _timed(f"generate {args.evaluations} approved evaluations", lambda: generate(args.evaluations))
            bureau = Bureau.objects.get(name="指标库性能测试财政局")
            _, totals = _timed("rebuild_indicators (this bureau)", lambda: library.rebuild([bureau.pk]))
            print(f"  {totals['evaluations']} evaluations, {totals['uses']} uses, {totals['entries']} entries")
            common = Entry.objects.filter(bureau=bureau, name="预算执行率").order_by("-uses").values_list("uses", flat=True)
            print(f"  most used entry: 预算执行率 {common[0]} uses")
            sample = Use.objects.filter(entry__bureau=bureau).values_list("evaluation_id", flat=True).first()
            _timed("one reopening (library.remove)", lambda: library.remove(sample))
            _timed("one approval (library.add)", lambda: library.add(sample))
            if connection.vendor == "postgresql":  # statistics for the planner, as autovacuum keeps them
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE indicators_entry, indicators_use, indicators_entrydepartment")
            client = Client()
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(username="bench-indicators-editor"))
            department = bureau.departments.order_by("pk").values_list("pk", flat=True).first()
            cases = [
                ("/indicators/", {}),
                ("/indicators/", {"q": "满意度"}),
                ("/indicators/", {"q": "社区培训", "kind": "project"}),
                ("/indicators/", {"department": str(department), "page": "3"}),
                ("/indicators/search/", {}),
                ("/indicators/search/", {"q": "执行率"}),
                ("/indicators/search/", {"q": "满意度", "level": "满意度指标", "kind": "project"}),
                ("/indicators/search/", {"q": "专项"}),
                ("/indicators/search/", {"q": "不存在的名称"}),
                ("/indicators/search/", {"recommended": "1"}),
            ]
            print(f"{'request':<70} {'median':>8} {'p95':>8} {'max':>8}  bytes")
            for url, params in cases:
                med, p95, top, size = measure(client, url, params, args.repeat)
                label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
                print(f"{label:<70} {med:8.1f} {p95:8.1f} {top:8.1f}  {size}")
            if not args.keep:
                raise Rollback
    except Rollback:
        print("(generated data rolled back)")


if __name__ == "__main__":
    main()
