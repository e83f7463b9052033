"""Pages of the indicator library (指标库): the library, the editor's search, the administrator's recommendation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .. import access
from ..evaluations.models import Kind
from ..evaluations.views.common import json_response, json_view
from .models import Entry
from .queries import (RANGE_MIN_UNITS, Filters, Viewer, common_rows, departments_for, entries, level_word, rows,
                      rule_sets, search)

PAGE_SIZE = 30
SEARCH_LIMIT = 50


def _viewer(request: HttpRequest) -> Viewer:
    m = access.membership(request.user)
    if m is None:
        raise PermissionDenied("您的账号还没有分配单位和角色，请联系财政局管理员")
    return Viewer.of(m)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The bureau's library: common indicators with their formulas and basis, then every indicator of its
    approved evaluations, searchable, recommended first and most used next."""
    viewer = _viewer(request)
    f = Filters.parse(request.GET, viewer.bureau_id)
    paginator = Paginator(entries(viewer.bureau_id, f), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    sets = rule_sets(viewer.membership.bureau.region)
    return render(request, "jixiao/indicators/library.html", {
        "page": page, "rows": rows(list(page.object_list), viewer), "filters": f, "page_query": urlencode(f.query()),
        "departments": departments_for(viewer), "kinds": Kind.choices, "viewer": viewer,
        "common": common_rows(viewer.bureau_id, sets), "rulesets": sets, "levels": _levels(sets), "here": request.get_full_path(), "range_min": RANGE_MIN_UNITS,
    })


def _levels(sets: list[dict]) -> list[str]:
    """Suggestions for the level filter: the first-level categories of the rule sets."""
    seen: dict[str, None] = {}
    for s in sets:
        for name in s["categories"]:
            seen.setdefault(level_word(name), None)
    return list(seen)


@json_view
def search_json(request: HttpRequest) -> HttpResponse:
    """``?q=&level=&kind=&department=&recommended=&limit=``: the editor's picker asks here."""
    viewer = _viewer(request)
    f = Filters.parse(request.GET, viewer.bureau_id)
    raw = request.GET.get("limit") or ""
    limit = min(int(raw), SEARCH_LIMIT) if raw.isdigit() and 0 < len(raw) < 4 and int(raw) > 0 else 20
    return json_response(search(viewer, f, limit))


@login_required
def recommend(request: HttpRequest, indicator: int) -> HttpResponse:
    """Mark an indicator recommended (推荐) with an optional note, or withdraw it: the administrator's (POST)."""
    m = access.membership(request.user)
    entry = Entry.objects.filter(pk=indicator, bureau_id=m.bureau_id).first() if m is not None else None
    if entry is None:
        raise Http404("指标库中没有这个指标")
    access.administered_bureau(request.user, "设置推荐指标")
    if request.method != "POST":
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["POST"])
    on = request.POST.get("recommended") == "1"
    note = " ".join((request.POST.get("note") or "").split())
    if len(note) > 500:
        messages.error(request, f"推荐说明过长（{len(note)} 字），请在 500 字以内")
    else:
        entry.recommended, entry.note = on, note if on else ""
        entry.recommended_by, entry.recommended_at = (request.user, timezone.now()) if on else (None, None)
        entry.save(update_fields=["recommended", "note", "recommended_by", "recommended_at"])
        messages.success(request, f"已推荐「{entry.name}」" if on else f"已取消推荐「{entry.name}」")
    back = request.POST.get("next") or ""
    if back.startswith(reverse("indicators")) and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)
    return redirect("indicators")
