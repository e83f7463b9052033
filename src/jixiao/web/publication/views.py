"""Pages of the bureau and the units: publishing and withdrawing, the follow-up (结果应用) of an approved
evaluation, rectification reports and verdicts, and the bureau's open rectifications.

Every view asks :func:`jixiao.web.access.evaluation_for` first (another unit's or bureau's evaluation is
404), then the method; an item or report is looked up only within the evaluation allowed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from .. import access
from ..access import Action
from ..evaluations.models import Evaluation, display_name
from ..evaluations.services import ServiceError
from ..evaluations.views.common import post_only_page
from ..orgs.models import Department
from . import services
from .forms import FollowUpForm, RectifyForm, VerdictForm
from .models import OPEN_STATUSES, FollowUp, ItemStatus, Publication, RectificationItem, RectificationReport


# ---------------------------------------------------------------- publication


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """The publication of an evaluation: whether it is public, its history, publish and withdraw."""
    record = access.evaluation_for(request, pk, Action.VIEW)
    history = (Publication.objects.filter(evaluation=record).select_related("published_by", "withdrawn_by")
               .defer("document", "data", "html", "pdf").order_by("-published_at", "-pk"))
    return render(request, "jixiao/publication/publication.html", {
        "record": record, "history": history, "current": next((p for p in history if p.current), None),
        "publish": access.decide(request.user, Action.PUBLISH, record)})


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.evaluation_for(request, pk, Action.PUBLISH)
    if (refused := post_only_page(request)) is not None:
        return refused
    try:
        services.publish(record, request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"「{record.title}」已公开，任何人无需登录即可查看和下载")
    return redirect("publication", pk=pk)


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.evaluation_for(request, pk, Action.PUBLISH)
    if (refused := post_only_page(request)) is not None:
        return refused
    try:
        services.withdraw(record, request.user, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤回「{record.title}」的公开；公开页面不再显示")
    return redirect("publication", pk=pk)


# ---------------------------------------------------------------- results application


def _follow_up_of(record: Evaluation) -> FollowUp | None:
    return FollowUp.objects.filter(evaluation=record).select_related("recorded_by", "updated_by").first()


def _items(follow_up: FollowUp | None) -> list[RectificationItem]:
    if follow_up is None:
        return []
    items = list(follow_up.items.all())
    reports = (RectificationReport.objects.filter(item__in=items).select_related("reported_by", "verdict_by")
               .defer("file_data"))
    by_item: dict[int, list[RectificationReport]] = {}
    for r in reports:
        by_item.setdefault(r.item_id, []).append(r)
    today = timezone.localdate()
    for i in items:
        i.history = by_item.get(i.pk, [])
        i.overdue = i.is_open and i.deadline is not None and i.deadline < today
    return items


def _initial(record: Evaluation, follow_up: FollowUp | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's initial values (the stored follow-up, else the suggestion) and the suggestion."""
    suggestion = services.suggestion_for(record)
    if follow_up is not None:
        initial = {k: getattr(follow_up, k) for k in ("funding", "amount", "percent", "adjust_policy", "reasons",
                                                       "rectification_required", "deadline")}
        initial["items"] = services.items_text(list(follow_up.items.all()))
    else:
        initial = {"funding": suggestion.funding, "amount": suggestion.amount, "percent": suggestion.percent,
                   "adjust_policy": suggestion.adjust_policy, "reasons": suggestion.reasons,
                   "rectification_required": suggestion.rectification_required, "deadline": suggestion.deadline,
                   "items": services.items_text(suggestion.items)}
    return initial, suggestion.to_json()


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """结果应用 of one evaluation: the bureau's decision (a form pre-filled with the suggestion, for staff who
    may record it), the rectification items and what the unit reported about each."""
    record = access.evaluation_for(request, pk, Action.VIEW, load=("document",))
    may_record = access.decide(request.user, Action.FOLLOW_UP, record)
    current = _follow_up_of(record)
    form = None
    suggestion: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(may_record.reason)
        initial, suggestion = _initial(record, current)
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                _, notes = services.record_follow_up(record, request.user, form.cleaned_data, form.item_lines(),
                                                     suggestion)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                for note in notes:
                    messages.warning(request, note)
                messages.success(request, "已登记结果应用" + ("，单位将看到整改事项" if form.cleaned_data[
                    "rectification_required"] else ""))
                return redirect("follow_up", pk=pk)
        status = 400
    elif may_record:
        initial, suggestion = _initial(record, current)
        form = FollowUpForm(initial=initial)
    return render(request, "jixiao/publication/follow_up.html", {
        "record": record, "follow_up": current, "items": _items(current), "form": form, "suggestion": suggestion,
        "may_record": may_record, "may_rectify": access.decide(request.user, Action.RECTIFY, record),
        "rectify_form": RectifyForm(initial={"done_on": timezone.localdate()}), "verdict_form": VerdictForm(),
        "recorded_by": display_name(current.recorded_by) if current else ""}, status=status)


def _item(record: Evaluation, item: int) -> RectificationItem:
    found = RectificationItem.objects.filter(pk=item, evaluation=record).first()
    if found is None:
        raise Http404("没有找到这项整改事项")
    return found


@login_required
def rectify(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The unit reports what it did about an item (with an optional file)."""
    record = access.evaluation_for(request, pk, Action.RECTIFY)
    target = _item(record, item)
    if (refused := post_only_page(request)) is not None:
        return refused
    form = RectifyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"整改事项「{target.title}」未报送：" + "；".join(
            f"{form.fields[f].label if f in form.fields else ''}{e}" for f, errs in form.errors.items() for e in errs))
        return redirect("follow_up", pk=pk)
    upload = form.cleaned_data.get("file")
    file = None
    if upload is not None:
        if upload.size > settings.JIXIAO_MAX_UPLOAD:
            messages.error(request, f"文件「{upload.name}」过大（{upload.size} 字节），上限为 20 MB；整改情况未报送")
            return redirect("follow_up", pk=pk)
        file = (upload.name, upload.read(), upload.content_type or "")
    try:
        services.report_rectification(target, request.user, form.cleaned_data["text"], form.cleaned_data["done_on"],
                                      file)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已报送「{target.title}」的整改情况，等待财政局确认")
    return redirect("follow_up", pk=pk)


@login_required
def verdict(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The bureau confirms a reported rectification or sends it back."""
    record = access.evaluation_for(request, pk, Action.FOLLOW_UP)
    target = _item(record, item)
    if (refused := post_only_page(request)) is not None:
        return refused
    try:
        services.judge(target, request.user, request.POST.get("verdict", ""), request.POST.get("note", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已处理「{target.title}」的整改情况")
    return redirect("follow_up", pk=pk)


@login_required
def rectification_file(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    """A file the unit attached to a rectification report, through the evaluation's access check."""
    record = access.evaluation_for(request, pk, Action.VIEW)
    row = RectificationReport.objects.filter(pk=report, item__evaluation=record).exclude(file_name="").first()
    if row is None:
        raise Http404("没有找到该附件")
    response = HttpResponse(bytes(row.file_data or b""), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, row.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- open rectifications


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """整改跟踪: the bureau's open rectification items, overdue first (earliest deadline first), by department/year."""
    m = access.bureau_staff(request.user)
    today = timezone.localdate()
    qs = RectificationItem.objects.filter(bureau_id=m.bureau_id, status__in=OPEN_STATUSES)
    department, year = _int(request.GET.get("department")), _int(request.GET.get("year"))
    state = request.GET.get("status", "")
    if department is not None:
        qs = qs.filter(department_id=department)
    if year is not None:
        qs = qs.filter(year=year)
    if state in (ItemStatus.OPEN, ItemStatus.REPORTED):
        qs = qs.filter(status=state)
    elif state == "overdue":
        qs = qs.filter(deadline__lt=today)
    counts = qs.aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)),
                          reported=Count("pk", filter=Q(status=ItemStatus.REPORTED)))
    rows = (qs.select_related("department", "unit", "evaluation").only(
        "pk", "title", "deadline", "status", "year", "changed_at", "evaluation_id", "evaluation__title",
        "evaluation__year", "department__name", "unit__name")
        .order_by(F("deadline").asc(nulls_last=True), "department__name", "unit__name", "number"))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    for i in page:
        i.overdue = i.deadline is not None and i.deadline < today
        i.days = (i.deadline - today).days if i.deadline else None
        i.late = -i.days if i.overdue else 0
    departments = Department.objects.filter(bureau_id=m.bureau_id).order_by("code", "name")
    years = (RectificationItem.objects.filter(bureau_id=m.bureau_id).values_list("year", flat=True).distinct()
             .order_by("-year"))
    return render(request, "jixiao/publication/rectifications.html", {
        "page": page, "counts": counts, "departments": departments, "years": list(years),
        "department": department, "year": year, "state": state, "today": today})
