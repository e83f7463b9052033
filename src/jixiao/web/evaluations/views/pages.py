"""Pages of a unit's people: their evaluations, a new evaluation, the editor, versions and their comparison."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from jixiao import editing, rulesets

from ... import access
from ...access import Action
from ..forms import NewEvaluationForm
from ..models import HEAVY, IN_REVIEW, Attachment, Comment, Evaluation, Status, Transition, display_name
from ..services import Incomplete, ServiceError, create, import_report, submission_diff


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A unit's evaluations; reviewers go to their queue."""
    if access.is_reviewer(request.user):
        return redirect("queue")
    m = access.membership(request.user)
    if m is None:
        raise PermissionDenied("您的账号还没有分配单位和角色，请联系财政局管理员")
    rows = access.visible(request.user).select_related("project").order_by("-year", "kind", "title").defer(*HEAVY)
    return render(request, "jixiao/home.html", {"evaluations": rows, "unit": m.unit})


def _previous_choices(request: HttpRequest) -> list[tuple[int, str]]:
    rows = access.visible(request.user).order_by("-year").only("pk", "title", "year", "kind")
    return [(e.pk, f"{e.year}年度 {e.title}（{e.get_kind_display()}）") for e in rows]


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Start an evaluation: blank from a rule set, from last year's, or from an uploaded file."""
    unit = access.units_for(request.user).select_related("department__bureau").first()
    if unit is None:
        raise PermissionDenied("只有预算单位的填报人和负责人可以新建自评")
    choices = _previous_choices(request)
    form = NewEvaluationForm(request.POST or None, request.FILES or None, previous_choices=choices,
                             initial={"year": _default_year(), "kind": "department"})
    if request.method == "POST" and form.is_valid():
        try:
            record, notes = _create_from(request, form.cleaned_data, unit)
        except Incomplete as exc:
            form.add_error("year", str(exc))  # the report lacks its year: ask for it where it is entered
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            for note in notes:
                messages.info(request, note)
            return redirect("editor", pk=record.pk)
    return render(request, "jixiao/new.html", {"form": form, "unit": unit})


def _default_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


def _create_from(request: HttpRequest, data: dict[str, Any], unit) -> tuple[Evaluation, list[str]]:  # noqa: ANN001
    start = data["start"]
    user = request.user
    if start == "blank":
        rules = rulesets.load_id(data["ruleset"])
        if rules.kind.value != data["kind"]:
            raise ServiceError(f"评分规则「{rules.title}」不适用于所选类型")
        doc = editing.blank(data["kind"], rules, data["year"], unit.name, data.get("project") or None,
                            unit.department.bureau.region or None)
        record, _ = create(unit, doc, user, f"按评分规则「{rules.title}」新建空白表")
        return record, []
    if start == "previous":
        try:
            old = access.visible(user).get(pk=data["previous"])
        except Evaluation.DoesNotExist:
            raise ServiceError("没有找到所选的上一年度自评") from None
        doc = editing.next_year(old.document, data["year"])
        record, _ = create(unit, doc, user, f"沿用{old.year}年度自评（#{old.pk}）的指标和结构", project=old.project)
        return record, []
    upload = data["file"]
    if upload.size > settings.JIXIAO_MAX_UPLOAD:
        raise ServiceError(f"文件「{upload.name}」过大（{upload.size} 字节），上限为 20 MB")
    record, _, notes = import_report(unit, upload.name, upload.read(), upload.content_type or "", user,
                                     year=data.get("year"))
    return record, notes


def evidence_list(record: Evaluation) -> list[dict[str, Any]]:
    """The evaluation's evidence files as the editor lists them."""
    rows = record.attachments.filter(purpose=Attachment.EVIDENCE).select_related("uploaded_by").defer("data")
    return [evidence_json(a) for a in rows]


def evidence_json(a: Attachment) -> dict[str, Any]:
    return {"id": a.pk, "path": a.path, "label": a.label, "name": a.name, "size": a.size, "sha256": a.sha256,
            "uploaded_by": display_name(a.uploaded_by), "uploaded_at": a.uploaded_at.isoformat(timespec="seconds"),
            "url": reverse("attachment", args=[a.pk])}


def _open_comments(record: Evaluation) -> list[Comment]:
    """The comments of the latest return (what the unit has to address now)."""
    last = record.transitions.filter(action="return").order_by("-at", "-pk").first()
    if last is None:
        return []
    return list(last.comments.select_related("author"))


def editor_context(request: HttpRequest, record: Evaluation, mode: str) -> dict[str, Any]:
    """What the editor page needs: the document, its analysis, comments, evidence, rule sets, actions."""
    if record.analysis is None:  # stored before analyses were kept: compute once and keep it
        record.analysis = editing.analyse(record.document).to_json()
        Evaluation.objects.filter(pk=record.pk).update(analysis=record.analysis)
    diff = submission_diff(record) if mode == "review" else None
    comments = _open_comments(record)
    data = {
        "document": record.document, "version": record.version, "analysis": record.analysis,
        "comments": [c.to_json(record.document) for c in comments], "evidence": evidence_list(record),
        "rulesets": [{"id": r.id, "title": r.title, "kind": r.kind.value, "year": r.year}
                     for r in rulesets.available() if r.kind.value == record.kind],
        "previous": None if diff is None else {"changes": [c.to_json() for c in diff]},
    }
    actions = access.allowed_actions(request.user, record)
    return {"record": record, "mode": mode, "editor_data": data, "actions": actions,
            "score": record.analysis.get("score") or {},
            "comments": comments if record.status == Status.RETURNED else [],
            "diff": diff, "edit_refusal": actions["edit"].reason}


@login_required
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation editor: editable for the unit while a draft or returned, read-only otherwise."""
    record = access.evaluation_for(request, pk, Action.VIEW, load=HEAVY)
    if access.is_reviewer(request.user) and record.status in IN_REVIEW:
        return redirect("review", pk=pk)
    mode = "edit" if access.decide(request.user, Action.EDIT, record) else "view"
    return render(request, "jixiao/editor.html", editor_context(request, record, mode))


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version (who, when, score) and the workflow history; pick two to compare."""
    record = access.evaluation_for(request, pk, Action.VIEW)
    rows = record.versions.select_related("saved_by").defer("document")
    history = Transition.objects.filter(evaluation=record).select_related("actor").prefetch_related(
        "comments", "justifications")
    attachments = record.attachments.select_related("uploaded_by").defer("data")
    return render(request, "jixiao/versions.html", {"record": record, "versions": rows, "history": history,
                                                    "attachments": attachments})


def _version_number(value: str | None, record: Evaluation) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise Http404("版本号应为整数") from None
    if not 1 <= number <= record.version:
        raise Http404(f"没有第{value}版")
    return number


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The fields that differ between two saved versions."""
    record = access.evaluation_for(request, pk, Action.VIEW)
    a = _version_number(request.GET.get("a"), record)
    b = _version_number(request.GET.get("b") or str(record.version), record)
    docs = {v.number: v for v in record.versions.filter(number__in=[a, b]).select_related("saved_by")}
    if a not in docs or b not in docs:
        raise Http404("版本不存在")
    changes = editing.diff(docs[a].document, docs[b].document)
    return render(request, "jixiao/compare.html", {"record": record, "a": docs[a], "b": docs[b], "changes": changes})


@login_required
def version_json(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One saved version's document as JSON (the native format)."""
    record = access.evaluation_for(request, pk, Action.VIEW)
    version = record.versions.filter(number=number).first()
    if version is None:
        raise Http404("版本不存在")
    body = json.dumps(version.document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=evaluation-{record.pk}-v{number}.json"
    return response
