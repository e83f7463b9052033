"""The demo bureau that ``jixiao serve`` loads into an empty database: the bundled examples as the
evaluations of their units, in two district bureaus, with a login for every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jixiao import editing
from jixiao.native import load_file

from .evaluations import services
from .evaluations.models import Evaluation
from .orgs.models import Bureau, Department, Membership, Notice, Role, Unit

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
    return logins


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
