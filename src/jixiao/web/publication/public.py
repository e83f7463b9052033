"""The public pages (公开): published reports without login, as they accompany the final accounts.

Only current publications exist here: an unpublished, withdrawn, unknown or never-approved
evaluation is the same 404 on every URL. The pages read only what was frozen at publishing
(:mod:`.report`), never the evaluation's working data.

Cheap for many anonymous visitors: the pages are rendered without the request's context (no session
or user is read, so nothing is written, no cookie is set and the response does not vary by cookie),
carry ``Cache-Control: public`` with an ETag and Last-Modified, and answer a revalidation with 304
after one indexed query. A withdrawal takes effect here at once, and in shared caches within
``max-age`` (five minutes for reports, one for lists).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date

from .models import Publication
from .report import csv_bytes

REPORT_AGE = 300
LIST_AGE = 60
NOT_FOUND = "没有找到"
SCHEMA_FILE = Path(__file__).resolve().parents[4] / "schema" / "public-report.schema.json"
"""The committed schema, read where the CLI reads ``schema/evaluation.schema.json`` (an editable install)."""


def _safe_method(request: HttpRequest) -> HttpResponse | None:
    """405 for anything but GET and HEAD, asked after the existence check (so an unknown report is 404)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


def _page(template: str, context: dict[str, Any], max_age: int) -> HttpResponse:
    """A public page: rendered without the request (the same bytes for everybody), cacheable."""
    response = HttpResponse(render_to_string(template, context | {"public": True}))
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _current(pk: int) -> Publication:
    row = (Publication.objects.filter(evaluation_id=pk, withdrawn_at__isnull=True)
           .only("pk", "evaluation_id", "published_at").first())
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def _published(request: HttpRequest, pk: int, suffix: str,
               respond: Callable[[Publication], HttpResponse]) -> HttpResponse:
    """The current publication of evaluation ``pk``: 404, 405, a 304 revalidation, or ``respond``'s answer."""
    row = _current(pk)
    if (refused := _safe_method(request)) is not None:
        return refused
    etag = f'"p{row.pk}-{suffix}"'
    last_modified = int(row.published_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond(row)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=REPORT_AGE)
    return response


def _column(row: Publication, name: str) -> Any:
    return Publication.objects.filter(pk=row.pk).values_list(name, flat=True).get()


def index(request: HttpRequest) -> HttpResponse:
    """/public/: the bureaus with published reports, and their years."""
    if (refused := _safe_method(request)) is not None:
        return refused
    rows = (Publication.objects.filter(withdrawn_at__isnull=True).values("bureau_id", "bureau__name", "year")
            .annotate(n=Count("pk")).order_by("bureau__name", "-year"))
    bureaus = [{"id": bid, "name": name, "years": [{"year": r["year"], "n": r["n"]} for r in group]}
               for (bid, name), group in groupby(rows, key=lambda r: (r["bureau_id"], r["bureau__name"]))]
    return _page("jixiao/publication/public_index.html", {"bureaus": bureaus}, LIST_AGE)


def year(request: HttpRequest, year: int) -> HttpResponse:
    """/public/<year>/: the year's published reports by bureau and department (``?bureau=`` for one bureau)."""
    qs = (Publication.objects.filter(year=year, withdrawn_at__isnull=True)
          .select_related("bureau", "department", "unit")
          .only("evaluation_id", "title", "kind", "total", "grade", "published_at", "bureau__name",
                "department__name", "department__code", "unit__name", "year")
          .order_by("bureau__name", "department__code", "department__name", "unit__name", "title"))
    bureau = request.GET.get("bureau", "")
    if bureau.isdigit():
        qs = qs.filter(bureau_id=int(bureau))
    rows = list(qs)
    if not rows:
        raise Http404(NOT_FOUND)
    if (refused := _safe_method(request)) is not None:
        return refused
    groups = []
    for b, by_bureau in groupby(rows, key=lambda p: p.bureau):
        departments = [{"department": d, "reports": list(reports)}
                       for d, reports in groupby(by_bureau, key=lambda p: p.department)]
        groups.append({"bureau": b, "departments": departments})
    return _page("jixiao/publication/public_year.html", {"year": year, "groups": groups}, LIST_AGE)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """/public/reports/<id>/: the published report (text and tables) with its downloads."""
    def respond(row: Publication) -> HttpResponse:
        data, html = Publication.objects.filter(pk=row.pk).values_list("data", "html").get()
        links = {fmt: reverse(f"public_report_{fmt}", args=[pk]) for fmt in ("pdf", "csv", "json")}
        return HttpResponse(render_to_string("jixiao/publication/public_report.html",
                                             {"data": data, "body": html, "links": links, "public": True,
                                              "schema": reverse("public_schema")}))
    return _published(request, pk, "html", respond)


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _name(data: dict[str, Any], what: str, ext: str) -> str:
    return f"{data['title']}{what}.{ext}"


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    def respond(row: Publication) -> HttpResponse:
        pdf, title = Publication.objects.filter(pk=row.pk).values_list("pdf", "title").get()
        return _download(bytes(pdf), "application/pdf", f"{title}.pdf")
    return _published(request, pk, "pdf", respond)


def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    def respond(row: Publication) -> HttpResponse:
        data = _column(row, "data")
        return _download(csv_bytes(data), "text/csv; charset=utf-8", _name(data, "（自评表）", "csv"))
    return _published(request, pk, "csv", respond)


def report_json(request: HttpRequest, pk: int) -> HttpResponse:
    def respond(row: Publication) -> HttpResponse:
        data = _column(row, "data")
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        return _download(body, "application/json; charset=utf-8", _name(data, "", "json"))
    return _published(request, pk, "json", respond)


def schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the public report data (committed as ``schema/public-report.schema.json``)."""
    if (refused := _safe_method(request)) is not None:
        return refused
    try:
        body = SCHEMA_FILE.read_bytes()
    except OSError:
        raise Http404(NOT_FOUND) from None
    response = HttpResponse(body, content_type="application/schema+json; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response


__all__ = ["index", "report", "report_csv", "report_json", "report_pdf", "schema", "year"]
