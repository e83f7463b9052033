"""What the pages do to evaluations, as functions: create, save with optimistic locking, the workflow's
transitions, comments, justifications and files. Views stay thin; tests and the demo loader call these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jixiao import editing
from jixiao.document import Kind as DocKind
from jixiao.editing import Analysis, FieldChange
from jixiao.native import Problem
from jixiao.checks.base import finding_key
from jixiao.readers import read_bytes

from ..orgs.models import Project, Unit
from .models import (EDITABLE, HEAVY, IN_REVIEW, Attachment, Comment, Evaluation, Justification, Status, Transition,
                     Version, display_name)

log = logging.getLogger("jixiao.web")


class ServiceError(Exception):
    """An action that cannot be done, with a message for the person who tried."""


class Unreadable(ServiceError):
    """An uploaded file that is not a report this program reads (the message names the file and what is wrong)."""


class Invalid(ServiceError):
    """Document data that does not validate (the message names the fields)."""


class Exists(ServiceError):
    """The unit (or project) already has this year's evaluation of that kind."""


class Incomplete(ServiceError):
    """A report read with what it has, lacking what an evaluation must have here (the year): ask the person."""


def problem_text(p: Problem) -> str:
    """A reader's problem without the file name (messages name the file once, in front)."""
    where = f"第{p.line}行，" if p.line else ""
    text = f"{where}{p.path + '：' if p.path else ''}{p.message}"
    return f"{text}（应为：{p.expected}）" if p.expected else text


@dataclass
class Report:
    """An uploaded report read into document data (provenance left out: it names the server's temporary file)."""

    evaluation: Any  # jixiao.document.Evaluation
    data: dict[str, Any]
    findings: list[Any]


def read_report(raw: bytes, name: str) -> Report:
    """Read an uploaded file of any format the readers know; Unreadable when it is not a report.

    Whatever happens inside the readers is a sentence about the file, never a 500 (logged with its
    traceback); what they read must pass the platform's input policy (no NUL or control characters,
    numbers of sane length: :mod:`jixiao.web.limits`) before it is stored.
    """
    from ..limits import PolicyError, check

    try:
        imported = read_bytes(raw, name)
    except Exception as exc:  # noqa: BLE001 - the readers promise never to raise; this door keeps that promise
        log.exception("reader failed on %s", name)
        raise Unreadable(f"无法导入「{name}」：读取文件时出错（{type(exc).__name__}），文件可能已损坏") from None
    if imported.evaluation is None:
        problems = "；".join(problem_text(p) for p in imported.problems[:5]) or "无法识别为自评报告或自评表"
        raise Unreadable(f"无法导入「{name}」：{problems}")
    data = editing.document_json(imported.evaluation)
    data.pop("provenance", None)
    try:
        check(data)
    except PolicyError as exc:
        raise Unreadable(f"无法导入「{name}」：文件中{exc.message}") from None
    return Report(imported.evaluation, data, list(imported.findings))


def import_report(unit: Unit, name: str, raw: bytes, content_type: str, user: Any,
                  note: str = "", year: int | None = None) -> tuple[Evaluation, Analysis, list[str]]:
    """A new evaluation of ``unit`` from an uploaded report, the file kept as its source; with notes for the person.

    A report is imported with what it has: without a unit name it is the importing unit's; without a
    year it takes ``year`` (what the person entered), and without either it is Incomplete, so the
    form asks for the year rather than failing.
    Raises Unreadable, Invalid, Exists or Incomplete (all ServiceError).
    """
    report = read_report(raw, name)
    data, asked = report.data, []
    if data.get("year") is None:
        if year is None:
            raise Incomplete(f"「{name}」中找不到评价年度（标题、表头和正文中都没有写明），请在「评价年度」中填写后再导入")
        data["year"] = year
        asked.append(f"文件中没有写明评价年度，按您填写的{year}年度导入")
    elif year is not None and year != data["year"]:
        asked.append(f"文件写明的评价年度为{data['year']}年度，与您填写的{year}年度不同，已按文件导入，请核对")
    if not data.get("unit"):
        data["unit"] = unit.name
        asked.append(f"文件中没有写明单位名称，已按本单位「{unit.name}」导入")
    record, analysis = create(unit, data, user, note or f"导入自文件「{name}」", source=(name, raw, content_type))
    differ = f"；{len(analysis.changes)}个派生数字与按数据复核的不同，保留填报值，复核值见审核发现" if analysis.changes else ""
    notes = [f"已从「{name}」导入{differ}", *asked]
    if report.evaluation.unit and report.evaluation.unit != unit.name:
        notes.append(f"文件中的单位名称为「{report.evaluation.unit}」，与本单位「{unit.name}」不同，请核对")
    notes += [f"导入提示：{f.message}" for f in report.findings[:10] if f.where.field not in ("year", "unit")]
    return record, analysis, notes


def summary_fields(analysis: Analysis) -> dict[str, Any]:
    """The stored analysis and the indexed summary columns of an evaluation, from its analysis."""
    s = analysis.summary()
    rules = analysis.rules
    return {"analysis": analysis.to_json(), "total": s["total"], "grade": s["grade"], "errors": s["errors"], "warnings": s["warnings"],
            "infos": s["infos"], "budget": s["budget"], "executed": s["executed"],
            "execution_rate": _capped(s["execution_rate"]), "ruleset": rules.id if rules else ""}


def _capped(rate: Decimal | None) -> Decimal | None:
    """Execution rate as stored: within the column's range (a typo of 10⁹% is still shown in the editor)."""
    return None if rate is None else max(min(rate, Decimal("9999999")), Decimal("-9999999"))


def _title(unit: Unit, project: Project | None, analysis: Analysis) -> str:
    if project is not None:
        return project.name
    e = analysis.settled
    return (e.project.name if e is not None and e.project else unit.name)[:200]


def create(unit: Unit, data: dict[str, Any], user: Any, note: str, project: Project | None = None,
           source: tuple[str, bytes, str] | None = None) -> tuple[Evaluation, Analysis]:
    """Store a new evaluation of ``unit`` from document data, as declared, as version 1.

    ``source`` (name, bytes, content type) keeps the file it was imported from. Derived figures that differ
    from the declared ones are shown by the analysis (beside the declaration), never written into it.
    Raises Invalid when the data does not validate, Exists when the unit already has this evaluation.
    """
    analysis = editing.analyse(data, stored=True)
    if not analysis.ok:
        raise Invalid("；".join(f"{p['label'] or p['path']}：{p['message']}"
                                    for p in analysis.to_json()["problems"]) or "文档无效")
    e = analysis.evaluation  # the unit's declaration is stored as declared; derived figures are shown beside it
    if e.kind is DocKind.PROJECT and project is None:
        project, _ = Project.objects.get_or_create(unit=unit, name=e.project.name[:200])
    doc = editing.document_json(e)  # nothing is replaced, so the note lists no recomputed figures
    try:
        with transaction.atomic():
            record = Evaluation.objects.create(
                bureau_id=unit.department.bureau_id, department_id=unit.department_id, unit=unit, project=project,
                kind=e.kind.value, year=e.year, title=_title(unit, project, analysis), document=doc, version=1,
                updated_by=user, **summary_fields(analysis))
            Version.objects.create(evaluation=record, number=1, document=doc, saved_by=user, note=note[:500],
                                   total=record.total, grade=record.grade, errors=record.errors)
            if source is not None:
                attach(record, Attachment.SOURCE, "", source[0], source[1], source[2], user)
    except IntegrityError:
        kind = "项目支出" if e.kind is DocKind.PROJECT else "部门整体支出"
        what = f"项目「{project.name}」" if project else unit.name
        raise Exists(f"{what}已有{e.year}年度{kind}绩效自评，请在原自评中修改，不要重复创建") from None
    return record, analysis


@dataclass
class Saved:
    """The outcome of a save: saved (new version), unchanged, conflict, invalid or refused."""

    outcome: str
    evaluation: Evaluation | None = None
    analysis: Analysis | None = None
    changes: list[FieldChange] = field(default_factory=list)
    message: str = ""
    saved_by: str = ""
    """For a conflict: who saved the version that won."""


def save(record_id: int, data: Any, base_version: int, user: Any, note: str = "") -> Saved:
    """Save a new version of the document, if nobody saved since ``base_version``.

    The check and the write are one conditional UPDATE (``WHERE version = base``),
    so of two racing saves exactly one wins on any database and the other gets a
    conflict listing what the winner changed. Identical content makes no version.
    """
    analysis = editing.analyse(data, stored=True)
    if not analysis.ok:
        return Saved("invalid", analysis=analysis, message="文档有不能保存的错误，请按提示修改")
    doc = editing.document_json(analysis.evaluation)  # as declared: what every door checks
    current = Evaluation.objects.only("version", "document", "status", "updated_at").get(pk=record_id)
    if current.version == base_version and current.document == doc:
        return Saved("unchanged", current, analysis)
    now = timezone.now()
    with transaction.atomic():
        won = Evaluation.objects.filter(pk=record_id, version=base_version, status__in=EDITABLE).update(
            document=doc, version=F("version") + 1, updated_at=now, updated_by=user,
            **summary_fields(analysis))
        if won:
            s = analysis.summary()
            Version.objects.create(evaluation_id=record_id, number=base_version + 1, document=doc, saved_by=user,
                                   note=note[:500], total=s["total"], grade=s["grade"], errors=s["errors"])
            follow_rows(record_id, doc)
    record = Evaluation.objects.defer(*HEAVY).get(pk=record_id)
    if won:
        return Saved("saved", record, analysis)
    if record.status not in EDITABLE:
        return Saved("refused", record, message=f"该自评当前状态为“{record.get_status_display()}”，不能修改")
    base = Version.objects.filter(evaluation_id=record_id, number=base_version).only("document").first()
    theirs = Evaluation.objects.only("document").get(pk=record_id).document
    changes = editing.diff(base.document if base else None, theirs)
    last = record.versions.select_related("saved_by").first()
    who = display_name(last.saved_by) if last else "他人"
    return Saved("conflict", record, analysis, changes,
                 f"保存被拒绝：您打开的是第{base_version}版，{who}已于{timezone.localtime(record.updated_at):%H:%M:%S}"
                 f"保存了第{record.version}版。为免覆盖对方的修改，您的修改没有保存；请查看对方改了什么，载入最新版本后再改。",
                 saved_by=who)


def follow_rows(record_id: int, doc: dict[str, Any]) -> None:
    """Evidence follows its indicator when rows move: a file attached to a row is re-pointed at the path
    that now has the row's name (kept where it was when the row is gone or renamed)."""
    for a in Attachment.objects.filter(evaluation_id=record_id, purpose=Attachment.EVIDENCE).exclude(label="") \
            .only("pk", "path", "label"):
        moved = editing.relocate(a.path, a.label, doc)
        if moved is not None and moved != a.path:
            Attachment.objects.filter(pk=a.pk).update(path=moved[:200])


def error_key(finding: dict[str, Any]) -> str:
    """The identity of an ``error`` finding, for its justification: code, field path and values, never the
    wording (:func:`jixiao.checks.base.finding_key`)."""
    return finding.get("key") or finding_key(finding["code"], finding.get("field"), finding.get("expected"),
                                             finding.get("found"))


def previous_justifications(record: Evaluation) -> dict[str, str]:
    """The latest written justification of each finding (by its key) over the record's submissions."""
    rows = Justification.objects.filter(transition__evaluation=record).exclude(key="").order_by("pk")
    return {j.key: j.text for j in rows.only("key", "text")}


def errors_of(record: Evaluation) -> list[dict[str, Any]]:
    """The current ``error`` findings of the stored document, each with its key."""
    analysis = editing.analyse(record.document)
    out = []
    for f in analysis.to_json().get("findings", []):
        if f["severity"] == "error":
            out.append(f | {"key": error_key(f)})
    return out


def _move(record: Evaluation, action: str, sources: tuple[str, ...], target: Status, user: Any, reason: str,
          version: int | None = None, **extra: Any) -> Transition:
    """Move ``record`` from one of ``sources`` to ``target`` atomically and record it."""
    filters: dict[str, Any] = {"pk": record.pk, "status__in": sources}
    if version is not None:
        filters["version"] = version
    moved = Evaluation.objects.filter(**filters).update(status=target, updated_at=timezone.now(), **extra)
    if not moved:
        fresh = Evaluation.objects.get(pk=record.pk)
        if version is not None and fresh.version != version:
            raise ServiceError(f"提交期间内容已被修改（现为第{fresh.version}版），请刷新页面确认后再提交")
        raise ServiceError(f"该自评当前状态为“{fresh.get_status_display()}”，不能执行此操作")
    t = Transition.objects.create(evaluation=record, action=action, from_status=record.status, to_status=target,
                                  actor=user, reason=reason, version=version or record.version)
    record.refresh_from_db()
    return t


def submit(record: Evaluation, user: Any, version: int, reason: str, justifications: dict[str, str]) -> Transition:
    """Submit (or resubmit after a return). Every ``error`` finding needs a written justification."""
    errors = errors_of(record)
    missing = [f for f in errors if not (justifications.get(f["key"]) or "").strip()]
    if missing:
        raise ServiceError(f"还有{len(missing)}个错误没有说明：提交含错误的自评，须逐条写明理由（如：{missing[0]['message'][:60]}…）")
    target = Status.RESUBMITTED if record.status == Status.RETURNED else Status.SUBMITTED
    with transaction.atomic():
        t = _move(record, "submit", EDITABLE, target, user, reason, version, submitted_at=timezone.now(),
                  submitted_version=version, previous_submitted_version=F("submitted_version"))
        Justification.objects.bulk_create(
            Justification(transition=t, code=f["code"], field=f.get("field") or "", message=f["message"],
                          text=justifications[f["key"]].strip(), key=f["key"], expected=f.get("expected") or "",
                          found=f.get("found") or "") for f in errors)
    return t


def return_for_revision(record: Evaluation, user: Any, reason: str, comments: list[dict[str, str]]) -> Transition:
    """Return a submitted evaluation with the reviewer's reason and comments on fields."""
    comments = [c for c in comments if (c.get("text") or "").strip()]
    if not reason.strip() and not comments:
        raise ServiceError("退回须写明理由或至少一条字段意见")
    with transaction.atomic():
        t = _move(record, "return", IN_REVIEW, Status.RETURNED, user, reason)
        Comment.objects.bulk_create(
            Comment(evaluation=record, transition=t, field=str(c.get("field") or "")[:200],
                    label=editing.label_for(str(c.get("field") or ""), record.document)[:300],
                    text=c["text"].strip(), author=user) for c in comments)
    return t


def approve(record: Evaluation, user: Any, reason: str) -> Transition:
    with transaction.atomic():
        return _move(record, "approve", IN_REVIEW, Status.APPROVED, user, reason)


def reopen(record: Evaluation, user: Any, reason: str) -> Transition:
    if not reason.strip():
        raise ServiceError("重新打开须写明理由")
    from ..publication.services import withdraw_on_reopen  # the publication app builds on this one

    with transaction.atomic():
        t = _move(record, "reopen", (Status.APPROVED,), Status.RETURNED, user, reason)
        withdraw_on_reopen(record, user, reason)  # what is published must be what was approved
        return t


def attach(record: Evaluation, purpose: str, path: str, name: str, data: bytes, content_type: str,
           user: Any) -> Attachment:
    """Keep a file with the evaluation, with its name, size, SHA-256, uploader and time."""
    return Attachment.objects.create(
        evaluation=record, purpose=purpose, path=path[:200], label=editing.label_for(path, record.document)[:300] if path else "",
        name=(name or "未命名")[:255], size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), content_type=(content_type or "")[:100], data=data,
        uploaded_by=user)


def submission_diff(record: Evaluation) -> list[FieldChange] | None:
    """What changed between the previous submission and this one (None for a first submission)."""
    if not record.previous_submitted_version or not record.submitted_version:
        return None
    docs = dict(Version.objects.filter(evaluation=record, number__in=[record.previous_submitted_version,
                                                                        record.submitted_version])
                .values_list("number", "document"))
    return editing.diff(docs.get(record.previous_submitted_version), docs.get(record.submitted_version))
