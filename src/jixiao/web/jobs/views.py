"""Pages of batch jobs: the list, a batch import, rendering a department's reports, a job's progress and results.

Who sees a job is decided by :func:`jixiao.web.access.jobs_visible` (another unit's or bureau's job is
404); who may start an import by :func:`~jixiao.web.access.batch_import_scope`, a render of a
department by :func:`~jixiao.web.access.bureau_staff` and of a unit's own reports by
:func:`~jixiao.web.access.visible`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .. import access
from ..evaluations.models import Status as EvaluationStatus
from ..evaluations.views.common import json_response, json_view, post_only_page
from ..orgs.models import Department
from . import archive, runner
from .models import HEAVY, Item, ItemState, Job, Kind

PAGE = 100


def job_for(request: HttpRequest, job_id: int, load: tuple[str, ...] = ()) -> Job:
    """The job ``job_id`` if ``request.user`` may see it; 404 otherwise (another unit's or bureau's, or none)."""
    qs = access.jobs_visible(request.user).select_related("bureau", "unit", "department", "created_by")
    try:
        return qs.defer(*(c for c in HEAVY if c not in load)).get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404("没有找到这个批量任务") from None


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    """The person's jobs: a unit's people their unit's, bureau staff the bureau's."""
    visible = access.jobs_visible(request.user)
    runner.reap(jobs=visible)
    rows = visible.select_related("unit", "department", "bureau", "created_by").defer(*HEAVY)[:PAGE]
    try:
        access.batch_import_scope(request.user)
        can_import = True
    except PermissionDenied:
        can_import = False
    return render(request, "jixiao/jobs/list.html", {"jobs": rows, "can_import": can_import,
                                                     "can_render": access.membership(request.user) is not None})


def _upload_hint() -> str:
    return (f"单个文件不超过 20 MB；一次最多选择 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件"
            f"（文件更多时请打包为 .zip），每次导入最多 {archive.MAX_FILES} 个文件、共 {archive.MAX_TOTAL // 1048576} MB")


@login_required
def import_(request: HttpRequest) -> HttpResponse:
    """Upload a zip, a folder or many files; each report becomes an evaluation, in a background job."""
    bureau_id, unit = access.batch_import_scope(request.user)
    error = ""
    if request.method == "POST":
        try:
            uploads = request.FILES.getlist("files") + request.FILES.getlist("folder")
        except TooManyFilesSent:
            uploads = None
            error = (f"一次选择的文件超过 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个；"
                     "请把文件夹打包为 .zip 后上传，或分批导入")
        if uploads is not None:
            try:
                expanded = archive.expand(uploads)
            except archive.TooMuch as exc:
                error = str(exc)
            else:
                if not expanded.files:
                    error = "没有可导入的文件：请选择报告文件、文件夹或 .zip 压缩包"
                else:
                    job = runner.create_import(request.user, bureau_id, unit, expanded)
                    return redirect("job", job=job.pk)
    return render(request, "jixiao/jobs/import.html", {"unit": unit, "error": error, "hint": _upload_hint()},
                  status=400 if error else 200)


class RenderForm(forms.Form):
    department = forms.ModelChoiceField(label="主管部门", queryset=Department.objects.none(), required=False,
                                        empty_label=None)
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)
    approved_only = forms.BooleanField(label="只包括已审核通过的自评", required=False)
    pdf = forms.BooleanField(label="同时生成 PDF（需 LibreOffice，较慢）", required=False)

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments
            self.fields["department"].required = True


@login_required
def render_(request: HttpRequest) -> HttpResponse:
    """Write every report of a department (bureau staff) or of one's own unit for a year into one zip."""
    m = access.membership(request.user)
    if m is None:
        raise PermissionDenied("您的账号还没有分配单位和角色，请联系财政局管理员")
    unit = m.unit if m.unit_id else None
    departments = None if unit else Department.objects.filter(bureau_id=access.bureau_staff(request.user).bureau_id)
    initial = {"year": timezone.localdate().year - 1}
    if departments is not None and request.GET.get("department", "").isdigit():
        initial["department"] = request.GET["department"]
    form = RenderForm(request.POST or None, departments=departments, initial=initial)
    from jixiao.writers import pdf

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rows = access.visible(request.user).filter(year=data["year"]).select_related("unit").only(
            "pk", "title", "kind", "unit__name", "unit_id", "year", "status")
        department = data.get("department")
        if department is not None:
            rows = rows.filter(department=department)
        if data["approved_only"]:
            rows = rows.filter(status=EvaluationStatus.APPROVED)
        rows = list(rows.order_by("unit__code", "unit__name", "kind", "title"))
        formats = ["docx", "xlsx"] + (["pdf"] if data["pdf"] else [])
        if data["pdf"] and not pdf.available():
            form.add_error("pdf", "本机未安装 LibreOffice，无法生成 PDF")
        elif not rows:
            where = department.name if department is not None else unit.name
            form.add_error(None, f"{where}没有{data['year']}年度{'已审核通过的' if data['approved_only'] else ''}自评")
        else:
            job = runner.create_render(request.user, m.bureau_id, data["year"], formats, rows,
                                       department_id=department.pk if department is not None else unit.department_id,
                                       unit_id=unit.pk if unit else None)
            return redirect("job", job=job.pk)
    return render(request, "jixiao/jobs/render.html", {"form": form, "unit": unit, "pdf_available": pdf.available()})


def _failures(job: Job, after: int = 0, limit: int = 500) -> list[dict[str, Any]]:
    rows = Item.objects.filter(job_id=job.pk, state=ItemState.FAILED, seq__gt=after).order_by("seq") \
        .values("seq", "name", "message")[:limit]
    return [{"seq": r["seq"], "name": r["name"], "message": r["message"]} for r in rows]


def progress_json(job: Job, after: int = 0) -> dict[str, Any]:
    """The job's state for the progress page: counts, status, the failures after item ``after``."""
    return {"id": job.pk, "kind": job.kind, "status": job.status, "status_display": job.get_status_display(),
            "total": job.total, "done": job.done, "failed": job.failed, "succeeded": job.done - job.failed,
            "percent": job.percent, "finished": job.finished, "message": job.message,
            "cancel_requested": job.cancel_requested,
            "failures": _failures(job, after),
            "report_url": reverse("job_report", kwargs={"job": job.pk}),
            "download_url": reverse("job_download", kwargs={"job": job.pk}) if job.output_size else None}


@login_required
def job(request: HttpRequest, job: int) -> HttpResponse:
    """A job's progress (updated in place by polling :func:`progress`), its failures and results."""
    record = job_for(request, job)
    runner.reap(jobs=Job.objects.filter(pk=record.pk))
    record = job_for(request, job)
    done_items = []
    if record.finished and record.kind == Kind.IMPORT:
        done_items = Item.objects.filter(job_id=record.pk, state=ItemState.OK).defer("data") \
            .select_related("evaluation__unit").order_by("seq")[:1000]
    return render(request, "jixiao/jobs/detail.html", {
        "job": record, "failures": _failures(record, limit=5000), "done_items": done_items,
        "progress": progress_json(record) | {"failures": []}})


@json_view
def progress(request: HttpRequest, job: int) -> HttpResponse:
    """JSON: the job's counts and status, and its failures after ``?after=<序号>`` (what the page has not shown)."""
    record = job_for(request, job)
    if not record.finished:
        runner.reap(jobs=Job.objects.filter(pk=record.pk))
        record = job_for(request, job)
    after = request.GET.get("after", "0")
    return json_response(progress_json(record, int(after) if after.isdigit() else 0))


@login_required
def report(request: HttpRequest, job: int) -> HttpResponse:
    """The per-file report (CSV): each file or evaluation, its result and message."""
    record = job_for(request, job)
    response = HttpResponse(runner.report_csv(record), content_type="text/csv; charset=utf-8")
    name = f"批量任务{record.pk}-{record.get_kind_display()}-处理报告.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def download(request: HttpRequest, job: int) -> HttpResponse:
    """The zip of a finished render job."""
    record = job_for(request, job, load=("output",))
    if record.output is None:
        raise Http404("此任务没有可下载的结果" if record.kind == Kind.RENDER else "批量导入没有结果文件，请查看处理报告")
    response = HttpResponse(bytes(record.output), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, record.output_name or f"job-{record.pk}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def cancel(request: HttpRequest, job: int) -> HttpResponse:
    """Cancel a queued job, or stop a running one after its current item (POST)."""
    record = job_for(request, job)
    refused = post_only_page(request)
    if refused is not None:
        return refused
    messages.info(request, runner.cancel(record))
    return redirect("job", job=record.pk)
