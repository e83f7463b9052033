"""Who may do what: every permission decision of the platform is made here.

A person belongs to one bureau; unit editors (填报人) and leaders (单位负责人)
also to one unit. Visibility comes first: a unit's people see only their unit's
evaluations and a bureau's reviewers and administrators only the bureau's; an
object that is not visible is *not found* (404), so its existence is not given
away. Among visible objects, an action that is not allowed is *refused* (403)
with the reason and who can help (approved → the bureau administrator reopens it;
past the deadline → the administrator extends it; another unit's → not yours).
Views call :func:`evaluation_for` (pages) or :func:`decide` (to show or hide a
button); nothing else in the code decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy

from .evaluations.models import EDITABLE, HEAVY, IN_REVIEW, Evaluation, Status, display_name
from .orgs.models import Membership, Notice, Role, Unit


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # change the document, upload evidence
    SUBMIT = "submit"
    REVIEW = "review"  # open the review page, comment
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"
    PUBLISH = "publish"  # publish an approved evaluation on the public pages, or withdraw it
    FOLLOW_UP = "follow_up"  # record the bureau's results application (结果应用) of an approved evaluation
    RECTIFY = "rectify"  # record the unit's rectification (整改) the follow-up asks for


@dataclass(frozen=True)
class Decision:
    """Allowed, or the reason (a lazy text: the names of who can help are looked up when shown)."""

    allowed: bool
    reason: Any = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def membership(user: Any) -> Membership | None:
    """The person's place, or None (anonymous, or a login without a role)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def scoped(user: Any, objects: QuerySet) -> QuerySet:
    """``objects`` (any model with ``unit`` and ``bureau``) narrowed to what ``user`` may see: their unit's for
    a unit's people, their bureau's for its reviewers and administrators, nothing for anyone else."""
    m = membership(user)
    if m is None:
        return objects.none()
    if Role(m.role).in_unit:
        return objects.filter(unit_id=m.unit_id)
    return objects.filter(bureau_id=m.bureau_id)


def visible(user: Any) -> QuerySet[Evaluation]:
    """The evaluations ``user`` may see at all."""
    return scoped(user, Evaluation.objects.all())


def units_for(user: Any) -> QuerySet[Unit]:
    """The units in which ``user`` may start an evaluation (their own unit, for unit people)."""
    m = membership(user)
    if m is None or not Role(m.role).in_unit:
        return Unit.objects.none()
    return Unit.objects.filter(pk=m.unit_id)


def is_reviewer(user: Any) -> bool:
    m = membership(user)
    return m is not None and m.role in (Role.REVIEWER, Role.ADMIN)


def _people_now(memo: dict, role: Role, where: tuple) -> str:
    key = (role, where)
    if key not in memo:
        people = Membership.objects.filter(role=role, user__is_active=True, **dict(where)).select_related("user")[:3]
        memo[key] = "、".join(p.user.get_full_name() or p.user.username for p in people) or "（未设置）"
    return memo[key]


_people_lazy = lazy(_people_now, str)


def _people(memo: dict, role: Role, **where: Any) -> str:
    """Up to three names of the people with ``role`` (in a bureau or a unit): who can help.

    Lazy: looked up only when a page shows the reason it is part of.
    """
    return _people_lazy(memo, role, tuple(sorted(where.items())))


def _names(bureau_id: int, role: Role, memo: dict | None = None) -> str:
    return _people({} if memo is None else memo, role, bureau_id=bureau_id)


def _deadline(e: Evaluation, memo: dict) -> dt.date | None:
    key = ("deadline", e.bureau_id, e.year)
    if key not in memo:
        notice = Notice.objects.filter(bureau_id=e.bureau_id, year=e.year).only("deadline").first()
        memo[key] = notice.deadline if notice else None
    return memo[key]


def decide(user: Any, action: Action, e: Evaluation, today: dt.date | None = None, memo: dict | None = None) -> Decision:
    """Whether ``user`` may do ``action`` on ``e`` (assumed visible), and if not, why and who can help.

    ``memo`` shares look-ups (names of who can help, the deadline) between decisions on one page.
    """
    memo = {} if memo is None else memo
    m = membership(user)
    if m is None:
        return Decision(False, "请先登录")
    role = Role(m.role)
    mine = role.in_unit and m.unit_id == e.unit_id
    ours = m.bureau_id == e.bureau_id
    if not (mine or (not role.in_unit and ours)):
        return Decision(False, "这不是您单位的自评，您无权查看或操作")
    if action is Action.VIEW:
        return ALLOW
    if action in (Action.EDIT, Action.SUBMIT):
        if not role.in_unit:
            return Decision(False, "财政局人员不能修改或提交单位的自评；审核意见请通过“退回修改”提出")
        if e.status == Status.APPROVED:
            return Decision(False, format_lazy("该自评已审核通过，只读。如需修改，请联系财政局管理员（{}）重新打开",
                                               _names(e.bureau_id, Role.ADMIN, memo)))
        if e.status in IN_REVIEW:
            return Decision(False, format_lazy("该自评已提交，正在审核，不能修改。如需修改，请联系审核人（{}）退回",
                                               _names(e.bureau_id, Role.REVIEWER, memo)))
        if action is Action.SUBMIT:
            if role is not Role.LEADER:
                return Decision(False, format_lazy("只有单位负责人可以提交自评；请联系本单位负责人（{}）提交",
                                                   _people(memo, Role.LEADER, unit_id=e.unit_id)))
            deadline = _deadline(e, memo)
            today = today or timezone.localdate()
            if e.status == Status.DRAFT and deadline is not None and today > deadline:
                return Decision(False, format_lazy("已过提交截止日期（{:%Y年%m月%d日}）。如需延期，请联系财政局管理员（{}）",
                                                   deadline, _names(e.bureau_id, Role.ADMIN, memo)))
        return ALLOW
    if action in (Action.REVIEW, Action.RETURN, Action.APPROVE):
        if role.in_unit:
            return Decision(False, "只有财政局审核人可以审核自评")
        if action is not Action.REVIEW and e.status not in IN_REVIEW:
            return Decision(False, f"该自评当前状态为“{e.get_status_display()}”，不在审核中，不能退回或通过")
        return ALLOW
    if action is Action.REOPEN:
        if role is not Role.ADMIN:
            return Decision(False, format_lazy("只有财政局管理员（{}）可以重新打开已通过的自评",
                                               _names(e.bureau_id, Role.ADMIN, memo)))
        if e.status != Status.APPROVED:
            return Decision(False, "只有已通过的自评需要重新打开")
        return ALLOW
    if action in (Action.PUBLISH, Action.FOLLOW_UP):
        if role.in_unit:
            return Decision(False, "只有财政局审核人或管理员可以公开自评或登记结果应用")
        if e.status != Status.APPROVED:
            return Decision(False, f"该自评当前状态为“{e.get_status_display()}”；审核通过后才能公开或登记结果应用")
        return ALLOW
    if action is Action.RECTIFY:
        if not role.in_unit:
            return Decision(False, "整改情况由被评价单位填写；财政局人员在结果应用中查看")
        return ALLOW
    return Decision(False, "未知的操作")


def evaluation_for(request: HttpRequest, pk: int, action: Action, load: tuple[str, ...] = ()) -> Evaluation:
    """The evaluation ``pk`` if ``request.user`` may do ``action`` on it.

    Raises Http404 when it is not visible to the user (another unit's or bureau's,
    or none), PermissionDenied with the reason when it is visible but the action
    is not allowed. The JSON columns are fetched only when named in ``load``.
    """
    qs = visible(request.user).select_related("unit", "department").defer(*(c for c in HEAVY if c not in load))
    try:
        e = qs.get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404("没有找到这份自评") from None
    decision = decide(request.user, action, e)
    if not decision:
        raise PermissionDenied(decision.reason)
    return e


def allowed_actions(user: Any, e: Evaluation) -> dict[str, Decision]:
    """Every action's decision, for the page to show buttons or the reason they are missing."""
    memo: dict = {}
    return {a.value: decide(user, a, e, memo=memo) for a in Action}


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the person's membership and role."""
    m = membership(getattr(request, "user", None))
    return {"membership": m, "is_reviewer": m is not None and m.role in (Role.REVIEWER, Role.ADMIN),
            "user_display": display_name(request.user) if m else ""}


__all__ = ["ALLOW", "EDITABLE", "Action", "Decision", "allowed_actions", "bureau_staff", "decide", "evaluation_for", "scoped",
           "is_reviewer", "membership", "units_for", "visible"]


def bureau_staff(user: Any) -> Membership:
    """The membership of a bureau's reviewer or administrator; PermissionDenied for anyone else.

    For the bureau-wide pages (dashboards, open rectifications, batch rendering): they show every unit
    of the person's bureau, and nothing of any other bureau.
    """
    m = membership(user)
    if m is None or m.role not in (Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("只有财政局审核人和管理员可以查看全局统计和批量操作")
    return m


def administered_bureau(user: Any, what: str = "管理单位、人员和截止日期"):  # noqa: ANN201 - orgs.models.Bureau
    """The bureau ``user`` administers; PermissionDenied (saying ``what`` is refused, and who can) for anyone else."""
    m = membership(user)
    if m is None or m.role != Role.ADMIN:
        who = _names(m.bureau_id, Role.ADMIN) if m is not None else "财政局管理员"
        raise PermissionDenied(f"只有财政局管理员可以{what}（本局管理员：{who}）")
    return m.bureau


def jobs_visible(user: Any):  # noqa: ANN201 - QuerySet[jobs.models.Job]
    """The batch jobs (批量任务) ``user`` may see: a unit's people their unit's jobs, a bureau's reviewers and
    administrators every job of the bureau (a unit's own ones included). Another's job is not found (404)."""
    from .jobs.models import Job

    return scoped(user, Job.objects.all())


def batch_import_scope(user: Any) -> tuple[int, Unit | None]:
    """Where ``user``'s batch import goes: (bureau id, their unit) for a unit's editor or leader; (bureau id, None)
    for the bureau administrator, each report to the unit it names. PermissionDenied (with who can) otherwise."""
    m = membership(user)
    if m is not None and Role(m.role).in_unit:
        return m.bureau_id, m.unit
    if m is not None and m.role == Role.ADMIN:
        return m.bureau_id, None
    who = _names(m.bureau_id, Role.ADMIN) if m is not None else "财政局管理员"
    raise PermissionDenied(format_lazy("批量导入由预算单位人员（导入本单位）或财政局管理员（{}，按文件中的单位名称导入全局）进行",
                                       who))
