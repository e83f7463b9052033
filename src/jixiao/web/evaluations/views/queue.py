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
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

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


_ROW = ("<tr><td>{}</td><td><a href=\"{}\">{}</a>{}</td><td>{}</td><td>{}</td><td><span class=\"status {}\">{}</span></td>"
        "<td class=\"num\">{}</td><td>{}</td><td class=\"num{}\">{} / {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>")
_KINDS = dict(Kind.choices)
_STATUSES = dict(Status.choices)


class Counted(Paginator):
    """A paginator given its count: the count of the plain queryset (no joins) reads only the queue's index."""

    def __init__(self, rows, per_page: int, count: int) -> None:  # noqa: ANN001
        super().__init__(rows, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


ROW_FIELDS = ("pk", "title", "kind", "year", "status", "total", "grade", "errors", "warnings", "submitted_at",
              "execution_rate", "department__name", "unit__name")


def _rows(page, now) -> str:  # noqa: ANN001 - a Page of ROW_FIELDS dicts
    """The queue's table body, escaped by format_html: the template engine costs more than the query here."""
    return format_html_join("\n", _ROW, (
        (e["department__name"], reverse("review", args=[e["pk"]]), e["title"],
         format_html("<br><small>{}</small>", e["unit__name"]) if e["title"] != e["unit__name"] else "",
         _KINDS.get(e["kind"], e["kind"]), e["year"], e["status"], _STATUSES.get(e["status"], e["status"]),
         "—" if e["total"] is None else e["total"], e["grade"], " bad" if e["errors"] else "", e["errors"],
         e["warnings"], "" if e["execution_rate"] is None else f"{e['execution_rate']}%",
         (now - e["submitted_at"]).days if e["submitted_at"] else "—")
        for e in page))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not access.is_reviewer(request.user):
        raise PermissionDenied("审核队列只对财政局审核人开放")
    qs, chosen = filtered(request)
    page = Counted(qs.values(*ROW_FIELDS), PAGE_SIZE, qs.count()).get_page(request.GET.get("page"))
    m = access.membership(request.user)
    base = {k: v for k, v in chosen.items() if v and k != "sort"}
    sort_links = {key: "?" + urlencode(base | {"sort": ("-" + key) if chosen["sort"] == key else key})
                  for key in ("waiting", "department", "unit", "kind", "errors", "total", "grade", "year")}
    page_query = urlencode(base | {"sort": chosen["sort"]})
    return render(request, "jixiao/queue.html", {
        "page": page, "rows": _rows(page, timezone.now()), "chosen": chosen, "sort_links": sort_links, "page_query": page_query,
        "departments": Department.objects.filter(bureau_id=m.bureau_id).values_list("pk", "name"),
        "statuses": [("review", "待审核（已提交、已重新提交）")] + list(Status.choices), "kinds": Kind.choices,
        "grades": ["优", "良", "中", "差"], "count": page.paginator.count})
