"""The reviewers' queue: the bureau's evaluations, filtered and sorted on the indexed summary columns."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ... import access
from ...orgs.models import Department
from ..models import IN_REVIEW, Evaluation, Kind, Status

SORTS = {
    "waiting": ("submitted_at", "pk"), "-waiting": ("-submitted_at", "-pk"),
    "department": ("department__name", "unit__name"), "-department": ("-department__name", "-unit__name"),
    "unit": ("unit__name", "title"), "-unit": ("-unit__name", "-title"),
    "kind": ("kind", "submitted_at"), "-kind": ("-kind", "submitted_at"),
    "errors": ("errors", "warnings"), "-errors": ("-errors", "-warnings"),
    "total": ("total", "pk"), "-total": ("-total", "pk"),
    "grade": ("grade", "-total"), "-grade": ("-grade", "total"),
    "year": ("year", "pk"), "-year": ("-year", "pk"),
}
PAGE_SIZE = 50


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def filtered(request: HttpRequest) -> tuple[QuerySet[Evaluation], dict[str, str]]:
    """The visible evaluations narrowed by the query string (unknown values ignored, never an error)."""
    q = request.GET
    qs = access.visible(request.user)
    chosen = {k: q.get(k, "") for k in ("status", "department", "kind", "findings", "grade", "min", "max", "year",
                                         "sort", "q")}
    status = chosen["status"] or "review"
    if status == "review":
        qs = qs.filter(status__in=IN_REVIEW)
    elif status in Status.values:
        qs = qs.filter(status=status)
    chosen["status"] = status
    if chosen["department"].isdigit():
        qs = qs.filter(department_id=int(chosen["department"]))
    if chosen["kind"] in Kind.values:
        qs = qs.filter(kind=chosen["kind"])
    if chosen["findings"] == "errors":
        qs = qs.filter(errors__gt=0)
    elif chosen["findings"] == "warnings":
        qs = qs.filter(errors=0, warnings__gt=0)
    elif chosen["findings"] == "clean":
        qs = qs.filter(errors=0, warnings=0)
    if chosen["grade"]:
        qs = qs.filter(grade=chosen["grade"])
    if (low := _decimal(chosen["min"])) is not None:
        qs = qs.filter(total__gte=low)
    if (high := _decimal(chosen["max"])) is not None:
        qs = qs.filter(total__lte=high)
    if chosen["year"].isdigit():
        qs = qs.filter(year=int(chosen["year"]))
    if chosen["q"]:
        qs = qs.filter(title__icontains=chosen["q"][:100]) | qs.filter(unit__name__icontains=chosen["q"][:100])
    sort = chosen["sort"] if chosen["sort"] in SORTS else "waiting"
    chosen["sort"] = sort
    return qs.order_by(*SORTS[sort]), chosen


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not access.is_reviewer(request.user):
        raise PermissionDenied("审核队列只对财政局审核人开放")
    qs, chosen = filtered(request)
    page = Paginator(qs.select_related("department", "unit").only(
        "pk", "title", "kind", "year", "status", "total", "grade", "errors", "warnings", "submitted_at",
        "execution_rate", "department__name", "unit__name"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for e in page:
        e.waiting_days = (now - e.submitted_at).days if e.submitted_at else None
    m = access.membership(request.user)
    base = {k: v for k, v in chosen.items() if v and k != "sort"}
    sort_links = {key: "?" + urlencode(base | {"sort": ("-" + key) if chosen["sort"] == key else key})
                  for key in ("waiting", "department", "unit", "kind", "errors", "total", "grade", "year")}
    page_query = urlencode(base | {"sort": chosen["sort"]})
    return render(request, "jixiao/queue.html", {
        "page": page, "chosen": chosen, "sort_links": sort_links, "page_query": page_query,
        "departments": Department.objects.filter(bureau_id=m.bureau_id).only("pk", "name"),
        "statuses": [("review", "待审核（已提交、已重新提交）")] + list(Status.choices), "kinds": Kind.choices,
        "grades": ["优", "良", "中", "差"], "count": page.paginator.count})
