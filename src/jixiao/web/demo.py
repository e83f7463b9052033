"""The demo bureau that ``jixiao serve`` loads into an empty database: the bundled examples as the
evaluations of their units, in two district bureaus, with a login for every role.

郑州市金水区财政局 also gets four departments of synthetic units and projects (:mod:`jixiao.synthetic`,
a fixed seed, so every start builds the same bureau) with their 2020 cycle closed and 2021 under way —
drafts, submissions, returns, resubmissions, approvals, units and projects not started, grades from
优 to 差 — so that its dashboard has something to show."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jixiao import editing, synthetic
from jixiao.native import load_file
from jixiao.rulesets import load as load_rules

from .evaluations import services
from .evaluations.models import Evaluation
from .orgs.models import Bureau, Department, Membership, Notice, Project, Role, Unit

DEMO_PASSWORD = "Jixiao-Demo-2021"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: Role
    where: str


def _user(username: str, name: str, role: Role, bureau: Bureau, unit: Unit | None, logins: list[Login]):  # noqa: ANN202
    user = get_user_model().objects.create_user(username, password=DEMO_PASSWORD, first_name=name)
    Membership.objects.create(user=user, role=role, bureau=bureau, unit=unit)
    logins.append(Login(username, name, role, unit.name if unit else bureau.name))
    return user


# (example file, bureau key, demo code, status to leave it in)
_PLAN = [
    ("004-jinshui-party-office-department.yaml", "jinshui", "004", "draft"),
    ("003-jinshui-smart-city-department.yaml", "jinshui", "003", "draft"),
    ("000-jinshui-community-governance-department.yaml", "jinshui", "000", "submitted"),
    ("001-shangjie-community-governance-project.yaml", "shangjie", "001", "submitted"),
]
_BUREAUS = {"jinshui": ("郑州市金水区财政局", "河南省郑州市金水区"), "shangjie": ("郑州市上街区财政局", "河南省郑州市上街区")}


def load_demo(examples: Path = EXAMPLES) -> list[Login]:
    """Create the demo bureaus, units, people and evaluations; returns the logins. Only into an empty database."""
    if Bureau.objects.exists():
        return []
    logins: list[Login] = []
    with transaction.atomic():
        bureaus = {}
        for key, (name, region) in _BUREAUS.items():
            b = Bureau.objects.create(name=name, region=region)
            Notice.objects.create(bureau=b, year=2021, title=f"{name}关于开展2021年度预算绩效自评工作的通知",
                                  deadline=timezone.localdate() + dt.timedelta(days=60))
            bureaus[key] = (b, _user(f"admin-{key}", f"{name[5:8]}管理员", Role.ADMIN, b, None, logins),
                            _user(f"reviewer-{key}", f"{name[5:8]}审核人", Role.REVIEWER, b, None, logins))
        for file, key, code, status in _PLAN:
            path = examples / file
            if not path.exists():
                continue
            e = load_file(path).evaluation
            bureau, _, reviewer = bureaus[key]
            dept = Department.objects.create(bureau=bureau, name=e.unit, code=code)
            unit = Unit.objects.create(department=dept, name=e.unit, code=code)
            editor = _user(f"editor-{code}", f"填报人{code}", Role.EDITOR, bureau, unit, logins)
            leader = _user(f"leader-{code}", f"负责人{code}", Role.LEADER, bureau, unit, logins)
            record, _ = services.create(unit, editing.document_json(e), editor, f"演示数据：{file}")
            if status == "submitted":
                notes = {f["key"]: "演示数据：按原报告提交，待审核人核实" for f in services.errors_of(record)}
                services.submit(record, leader, record.version, "演示数据", notes)
        load_synthetic(bureaus["jinshui"][0], bureaus["jinshui"][2])
    return logins


# ---------------------------------------------------------------- the synthetic part of 金水区

# department (code, name) → its units (name, its projects)
_SYNTHETIC = [
    ("101", "郑州市金水区教育局", [
        ("郑州市金水区教育局机关", ["校园安全提升工程", "教育信息化建设"]),
        ("郑州市金水区第一实验小学", ["课后服务补助"]),
        ("郑州市金水区教师发展中心", ["中小学教师培训"]),
        ("郑州市金水区招生考试服务中心", []),
    ]),
    ("102", "郑州市金水区卫生健康委员会", [
        ("郑州市金水区卫生健康委员会机关", ["基本公共卫生服务"]),
        ("郑州市金水区疾病预防控制中心", ["免疫规划及疫苗接种", "传染病监测预警"]),
        ("郑州市金水区妇幼保健院", ["孕产妇健康管理"]),
    ]),
    ("103", "郑州市金水区民政局", [
        ("郑州市金水区民政局机关", ["城乡低保资金"]),
        ("郑州市金水区社会福利中心", ["特困人员供养"]),
        ("郑州市金水区婚姻登记处", []),
    ]),
    ("104", "郑州市金水区文化广电和旅游局", [
        ("郑州市金水区文化广电和旅游局机关", ["文化惠民演出"]),
        ("郑州市金水区图书馆", ["图书馆免费开放"]),
        ("郑州市金水区文化馆", []),
    ]),
]
# 2021: what became of each evaluation (cycled through in a fixed order) …
_STAGES_2021 = ["approved", "submitted", "draft", "returned", "resubmitted", "approved", "submitted", "draft",
                "approved", "returned", "submitted"]
# … but these units and projects have not started theirs
_NOT_STARTED = {"郑州市金水区婚姻登记处", "郑州市金水区文化馆", "传染病监测预警", "图书馆免费开放"}
# how well the year went: the share of each quantitative target reached (1 = the generator's own, mostly met)
_QUALITY = [1, 0.85, 1, 0.6, 0.25, 1, 0.85, 0.7, 1, 0.5, 0.85, 1, 0.3, 0.6, 1, 0.85, 1, 0.4]
_TARGET = re.compile(r"^≥(\d+(?:\.\d+)?)(.*)$")
_YEAR_TEXT = re.compile(r"(20\d\d)年")


def _document(kind: str, seed: int, unit: str, year: int, project: str | None, quality: float) -> dict[str, Any]:
    """A synthetic document of ``unit`` for ``year``; below quality 1, targets fall short by that share."""
    rules = load_rules("zhengzhou-2021-department" if kind == "department" else "zhengzhou-2021-project")
    data = synthetic.department(seed, rules) if kind == "department" else synthetic.project(seed, rules)
    shift = year - data["year"]
    text = json.dumps(data, ensure_ascii=False).replace(data["unit"], unit)
    if project:
        text = text.replace(data["project"]["name"], project)
    data = json.loads(_YEAR_TEXT.sub(lambda m: f"{int(m.group(1)) + shift}年", text))
    data["year"] = year
    if quality < 1:
        for category in data["indicators"]:
            for group in category["children"]:
                for leaf in group["children"]:
                    m = _TARGET.match(leaf.get("target") or "")
                    if m and leaf["name"] != "预算执行率":
                        reached = (Decimal(m.group(1)) * Decimal(str(quality))).quantize(Decimal(1), ROUND_HALF_UP)
                        leaf["actual"] = f"{reached}{m.group(2)}"
                        leaf["deviation"] = "受年度工作安排调整影响，部分目标未完成，下一年度加强计划管理和过程监控。"
                    elif leaf.get("unit") == "定性指标" and quality < 0.8:
                        leaf["actual"] = f"基本{leaf['actual']}"
    return data


def _advance(record: Evaluation, analysis: editing.Analysis, stage: str, leader: Any, reviewer: Any) -> None:
    """Take ``record`` through the workflow to ``stage`` as people would (submit, return, resubmit, approve).

    The leader justifies each error of the analysis the create made (the submission checks them against
    the stored document again; should they differ, they are read from it).
    """
    if stage == "draft":
        return

    def submit() -> None:
        errors = [f for f in analysis.to_json().get("findings", []) if f["severity"] == "error"]
        notes = {services.error_key(f): "演示数据：已核实，按实际情况填报" for f in errors}
        try:
            services.submit(record, leader, record.version, "演示数据", notes)
        except services.ServiceError:
            notes = {f["key"]: "演示数据：已核实，按实际情况填报" for f in services.errors_of(record)}
            services.submit(record, leader, record.version, "演示数据", notes)

    submit()
    if stage in ("returned", "resubmitted"):
        services.return_for_revision(record, reviewer, "请核实预算执行率及未完成指标的偏差原因", [
            {"field": "budget.executed", "text": "执行数与决算不一致，请核实"}])
        if stage == "resubmitted":
            submit()
    elif stage == "approved":
        services.approve(record, reviewer, "演示数据：审核通过")


def load_synthetic(bureau: Bureau, reviewer: Any) -> int:
    """The synthetic departments, units and projects of ``bureau`` with their 2020 and 2021 evaluations.

    Deterministic: the same seed every time. Each unit's people have no password (no demo login): they
    are the authors and submitters of its evaluations. Returns the number of evaluations made.
    """
    rng = random.Random(2021)
    User = get_user_model()
    made = 0
    turn = 0
    for code, name, units in _SYNTHETIC:
        dept = Department.objects.create(bureau=bureau, name=name, code=code)
        for k, (unit_name, projects) in enumerate(units, start=1):
            unit = Unit.objects.create(department=dept, name=unit_name, code=f"{code}{k:02d}")
            editor = User.objects.create_user(f"demo-{unit.code}-editor", first_name=f"填报人（{unit_name[7:]}）")
            leader = User.objects.create_user(f"demo-{unit.code}-leader", first_name=f"负责人（{unit_name[7:]}）")
            Membership.objects.bulk_create([Membership(user=editor, role=Role.EDITOR, bureau=bureau, unit=unit),
                                            Membership(user=leader, role=Role.LEADER, bureau=bureau, unit=unit)])
            # last year's department evaluation, approved; this year's and the projects' as they stand
            work = [("department", None, 2020, "approved")]
            for kind, project_name in [("department", None)] + [("project", p) for p in projects]:
                if (project_name or unit_name) in _NOT_STARTED:
                    work.append((kind, project_name, 2021, None))
                    continue
                work.append((kind, project_name, 2021, _STAGES_2021[turn % len(_STAGES_2021)]))
                turn += 1
            for kind, project_name, year, stage in work:
                project = (Project.objects.get_or_create(unit=unit, name=project_name)[0] if project_name else None)
                if stage is None:  # not started (a project is known to the bureau from its budget)
                    continue
                quality = _QUALITY[made % len(_QUALITY)]
                data = _document(kind, rng.randrange(10**6), unit_name, year, project_name, quality)
                record, analysis = services.create(unit, data, editor, "演示数据（合成）", project=project)
                _advance(record, analysis, stage, leader, reviewer)
                made += 1
    return made


def demo_logins() -> list[Login]:
    """The demo logins already in the database (a later start prints them again)."""
    names = [f"{r}-{key}" for key in _BUREAUS for r in ("admin", "reviewer")] + \
        [f"{r}-{code}" for _, _, code, _ in _PLAN for r in ("editor", "leader")]
    rows = Membership.objects.filter(user__username__in=names, user__is_active=True).select_related("user", "unit",
                                                                                                  "bureau")
    found = {m.user.username: m for m in rows}
    return [Login(n, found[n].user.first_name, Role(found[n].role),
                  found[n].unit.name if found[n].unit else found[n].bureau.name) for n in names if n in found]


def print_logins(logins: list[Login], echo=print) -> None:  # noqa: ANN001
    if not logins:
        return
    echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for login in logins:
        echo(f"  {login.username:<18} {login.role.label:<6} {login.where}")


def demo_count() -> int:
    return Evaluation.objects.count()
