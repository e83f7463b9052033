"""The editor's JSON endpoints (analyse, save, evidence) and file downloads (report, tables, attachments)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from jixiao import editing
from jixiao.service import ruleset_for
from jixiao.writers import write

from ... import access
from ...access import Action
from ..models import Attachment, Evaluation, display_name
from ..services import attach, save as save_document
from .common import json_body, json_response, json_view, require_post
from .pages import evidence_list

log = logging.getLogger("jixiao.web")


@json_view
def analyse(request: HttpRequest, pk: int) -> HttpResponse:
    """Figures and findings of the document as typed (nothing stored): the editor's live view."""
    access.evaluation_for(request, pk, Action.VIEW)
    require_post(request)
    return json_response(editing.analyse(json_body(request).get("document")).to_json())


@json_view
def save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a new version; 409 with what changed when someone saved first, 400 when it does not validate."""
    access.evaluation_for(request, pk, Action.EDIT)
    require_post(request)
    body = json_body(request)
    try:
        version = int(body.get("version"))
    except (TypeError, ValueError):
        return json_response({"ok": False, "message": "缺少 version（打开时的版本号）", "problems": []}, 400)
    result = save_document(pk, body.get("document"), version, request.user)
    if result.outcome == "invalid":
        return json_response({"ok": False, "message": result.message, **result.analysis.to_json()}, 400)
    if result.outcome == "refused":
        return json_response({"ok": False, "message": result.message}, 403)
    record = result.evaluation
    if result.outcome == "conflict":
        return json_response({"ok": False, "conflict": True, "message": result.message,
                              "current_version": record.version, "saved_by": result.saved_by,
                              "saved_at": timezone.localtime(record.updated_at).isoformat(timespec="seconds"),
                              "changes": [c.to_json() for c in result.changes]}, 409)
    return json_response({"ok": True, "version": record.version, "unchanged": result.outcome == "unchanged",
                          "saved_at": timezone.localtime(record.updated_at).isoformat(timespec="seconds"),
                          "saved_by": display_name(request.user), "analysis": result.analysis.to_json()})


@json_view
def upload_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach an evidence file (证明材料) to an indicator of the document."""
    record = access.evaluation_for(request, pk, Action.EDIT, load=("document",))
    require_post(request)
    upload = request.FILES.get("file")
    path = (request.POST.get("path") or "").strip()
    if upload is None:
        return json_response({"ok": False, "message": "没有收到文件"}, 400)
    if upload.size > settings.JIXIAO_MAX_UPLOAD:
        return json_response({"ok": False, "message": f"文件「{upload.name}」过大（{upload.size} 字节），上限为 20 MB"}, 400)
    if path and editing.label_for(path, record.document) == "整份文档":
        return json_response({"ok": False, "message": f"指标位置「{path}」无效"}, 400)
    refused = _over_quota(record, upload.name, upload.size)
    if refused:
        return json_response({"ok": False, "message": refused}, 400)
    attach(record, Attachment.EVIDENCE, path, upload.name, upload.read(), upload.content_type or "", request.user)
    return json_response({"ok": True, "evidence": evidence_list(record)})


def _over_quota(record: Evaluation, name: str, size: int) -> str:
    """Why one more evidence file would pass the evaluation's quota (files and bytes), or ""."""
    from django.db.models import Count, Sum

    files_limit = getattr(settings, "JIXIAO_EVIDENCE_FILES", 200)
    bytes_limit = getattr(settings, "JIXIAO_EVIDENCE_BYTES", 200 * 1024 * 1024)
    held = Attachment.objects.filter(evaluation=record, purpose=Attachment.EVIDENCE).aggregate(
        n=Count("pk"), size=Sum("size"))
    if held["n"] >= files_limit:
        return f"本自评的证明材料已有 {held['n']} 个，达到上限 {files_limit} 个；请合并或删除不需要的文件后再上传「{name}」"
    if (held["size"] or 0) + size > bytes_limit:
        mb = 1024 * 1024
        return (f"本自评的证明材料已占 {(held['size'] or 0) / mb:.1f} MB，加上「{name}」（{size / mb:.1f} MB）"
                f"将超过上限 {bytes_limit // mb} MB")
    return ""


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an attachment, through the access check of its evaluation."""
    row = Attachment.objects.filter(pk=pk).only("evaluation_id").first()
    if row is None:
        raise Http404("附件不存在")
    access.evaluation_for(request, row.evaluation_id, Action.VIEW)
    a = Attachment.objects.get(pk=pk)
    response = HttpResponse(bytes(a.data), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, a.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report (.docx/.pdf) or the tables (.xlsx) of the current version, written by the core's writers."""
    record: Evaluation = access.evaluation_for(request, pk, Action.VIEW, load=("document",))
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的格式")
    e = record.to_domain()
    if e is None:
        return HttpResponse("文档无法读取，请在编辑器中修正后再下载", status=409, content_type="text/plain; charset=utf-8")
    from jixiao.writers import WriterError

    try:
        written = write(e, fmt, ruleset_for(e))
    except WriterError as exc:
        log.warning("writer failed for evaluation %s (%s): %s", pk, fmt, exc)
        return HttpResponse(f"无法生成 .{fmt}：{exc}", status=503, content_type="text/plain; charset=utf-8")
    name = f"{record.year}年度{record.title}绩效自评{'表' if fmt == 'xlsx' else '报告'}（第{record.version}版）.{fmt}"
    response = HttpResponse(written.data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
