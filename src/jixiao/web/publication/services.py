"""What the publication and results pages do, as functions: publish, withdraw, record the follow-up,
report and judge rectification. Views check access first (:mod:`jixiao.web.access`) and stay thin;
each change here is a conditional write, so two people acting at once cannot both succeed."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..evaluations.models import Evaluation, Status
from ..evaluations.services import ServiceError
from . import suggestions
from .models import FollowUp, ItemStatus, Publication, RectificationItem, RectificationReport, Verdict
from .report import Names, ReportError, render


# ---------------------------------------------------------------- publication


def current_publication(evaluation_id: int) -> Publication | None:
    """The evaluation's current publication (light columns only), or None."""
    return (Publication.objects.filter(evaluation_id=evaluation_id, withdrawn_at__isnull=True)
            .defer("document", "data", "html", "pdf").first())


def publish(record: Evaluation, user: Any, pdf: bool = True) -> Publication:
    """Publish the approved document of ``record``: render once, then store it if it is still approved.

    The report is rendered (seconds, for the PDF) before the write; the write locks the evaluation's
    row and checks that it is still approved at the same version, so a reopening in between wins.
    ``pdf=False`` is for tests of everything but the PDF (LibreOffice is slow).
    """
    if current_publication(record.pk) is not None:
        raise ServiceError("该自评已公开；如需更新，请先撤回公开")
    fresh = Evaluation.objects.select_related("bureau", "department", "unit").get(pk=record.pk)
    if fresh.status != Status.APPROVED:
        raise ServiceError(f"该自评当前状态为“{fresh.get_status_display()}”；审核通过后才能公开")
    now = timezone.now()
    names = Names(fresh.bureau.name, fresh.department.name, fresh.unit.name)
    try:
        made = render(fresh.document, fresh.pk, fresh.version, names, now, pdf=pdf)
    except ReportError as exc:
        raise ServiceError(str(exc)) from None
    try:
        with transaction.atomic():
            still = (Evaluation.objects.select_for_update().filter(pk=fresh.pk, status=Status.APPROVED,
                                                                     version=fresh.version).exists())
            if not still:
                raise ServiceError("公开期间该自评已被重新打开或修改，未公开；请刷新页面")
            return Publication.objects.create(
                evaluation=fresh, bureau_id=fresh.bureau_id, department_id=fresh.department_id, unit_id=fresh.unit_id,
                year=fresh.year, kind=fresh.kind, title=made.data["title"][:300], total=fresh.total, grade=fresh.grade,
                version=fresh.version, document=fresh.document, data=made.data, html=made.html, pdf=made.pdf,
                pdf_sha256=hashlib.sha256(made.pdf).hexdigest(), published_by=user, published_at=now)
    except IntegrityError:
        raise ServiceError("该自评已由他人公开") from None


def withdraw(record: Evaluation, user: Any, reason: str) -> int:
    """Withdraw the current publication (the public pages answer 404 at once). Needs a reason."""
    if not reason.strip():
        raise ServiceError("撤回公开须写明理由")
    done = _withdraw(record.pk, user, reason.strip())
    if not done:
        raise ServiceError("该自评当前没有公开，无需撤回")
    return done


def _withdraw(evaluation_id: int, user: Any, reason: str) -> int:
    return Publication.objects.filter(evaluation_id=evaluation_id, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=user, withdraw_reason=reason)


def withdraw_on_reopen(record: Evaluation, user: Any, reason: str) -> int:
    """Called by :func:`jixiao.web.evaluations.services.reopen` in its transaction: a reopened evaluation is
    no longer the approved one, so its publication is withdrawn with the reopening's reason."""
    return _withdraw(record.pk, user, f"重新打开自评：{reason.strip()}"[:2000])


# ---------------------------------------------------------------- results application


def suggestion_for(record: Evaluation, today: dt.date | None = None) -> suggestions.Suggestion:
    """The draft follow-up of ``record`` (its document is needed), by the rule file of its bureau and year."""
    document = record.document if "document" not in record.get_deferred_fields() else \
        Evaluation.objects.only("document").get(pk=record.pk).document
    region = record.bureau.region if record.bureau_id else ""
    rules = suggestions.rules_for(region, record.year)
    return suggestions.draft(suggestions.facts_of(document), rules, today or timezone.localdate())


@dataclass(frozen=True)
class ItemLine:
    """A rectification item as the form gives it: title and requirement."""

    title: str
    detail: str


def parse_items(text: str) -> tuple[list[ItemLine], list[str]]:
    """The form's item list, one per line ``标题：要求``; problems name the line."""
    items: list[ItemLine] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, sep, rest = line.replace(":", "：", 1).partition("：")
        title, detail = (head.strip(), rest.strip()) if sep else (line, "")
        if not title:
            problems.append(f"第{n}行：缺少整改事项名称（格式：事项名称：整改要求）")
        elif len(title) > 200:
            problems.append(f"第{n}行：整改事项名称超过200字，请把要求写在“：”之后")
        elif title in seen:
            problems.append(f"第{n}行：整改事项「{title}」重复")
        else:
            seen.add(title)
            items.append(ItemLine(title, detail))
    return items, problems


def items_text(items: list[Any]) -> str:
    """Items (suggested or stored) as the form's text."""
    return "\n".join(f"{i.title}：{i.detail}" if i.detail else i.title for i in items)


def record_follow_up(record: Evaluation, user: Any, decision: dict[str, Any], items: list[ItemLine],
                     suggestion: dict[str, Any]) -> tuple[FollowUp, list[str]]:
    """Record (or change) the follow-up of an approved evaluation and its rectification items.

    Items are matched by title: kept ones keep their status and reports; an item the unit already
    reported on is never deleted (it is kept and named in the notes returned).
    """
    notes: list[str] = []
    if decision["rectification_required"] and not items:
        raise ServiceError("要求整改时须列出至少一项整改事项")
    with transaction.atomic():
        if not Evaluation.objects.select_for_update().filter(pk=record.pk, status=Status.APPROVED).exists():
            raise ServiceError("该自评已不是“已通过”状态，不能登记结果应用")
        fields = {k: decision[k] for k in ("funding", "amount", "percent", "adjust_policy", "reasons",
                                            "rectification_required", "deadline")}
        follow_up, created = FollowUp.objects.get_or_create(
            evaluation=record, defaults=fields | {"suggestion": suggestion, "grade": record.grade,
                                                  "total": record.total, "version": record.version,
                                                  "recorded_by": user, "updated_by": user})
        if not created:
            for k, v in fields.items():
                setattr(follow_up, k, v)
            follow_up.updated_by = user
            follow_up.version = record.version
            follow_up.save()
        notes += _sync_items(follow_up, record, items if decision["rectification_required"] else [],
                             decision["deadline"])
    return follow_up, notes


def _sync_items(follow_up: FollowUp, record: Evaluation, lines: list[ItemLine], deadline: dt.date | None) -> list[str]:
    existing = {i.title: i for i in follow_up.items.all()}
    wanted = {line.title for line in lines}
    notes, kept = [], []
    for title, item in existing.items():
        if title in wanted:
            continue
        if item.reports.exists():
            notes.append(f"整改事项「{title}」已有单位报送的整改情况，予以保留")
            kept.append(item)
        else:
            item.delete()
    for n, line in enumerate(lines, start=1):
        item = existing.get(line.title)
        if item is None:
            RectificationItem.objects.create(
                follow_up=follow_up, evaluation=record, bureau_id=record.bureau_id, department_id=record.department_id,
                unit_id=record.unit_id, year=record.year, number=n, title=line.title, detail=line.detail,
                deadline=deadline)
        else:
            RectificationItem.objects.filter(pk=item.pk).update(number=n, detail=line.detail, deadline=deadline)
    for n, item in enumerate(kept, start=len(lines) + 1):
        RectificationItem.objects.filter(pk=item.pk).update(number=n)
    return notes


MAX_FILE = 20 * 1024 * 1024


def report_rectification(item: RectificationItem, user: Any, text: str, done_on: dt.date,
                         file: tuple[str, bytes, str] | None = None) -> RectificationReport:
    """The unit reports what it did about an open item; the item waits for the bureau's verdict."""
    if not text.strip():
        raise ServiceError("请写明整改情况（做了什么）")
    if done_on > timezone.localdate():
        raise ServiceError(f"完成日期 {done_on:%Y年%m月%d日} 晚于今天；请填写已完成整改的日期")
    name, data, content_type = file if file is not None else ("", b"", "")
    if len(data) > MAX_FILE:
        raise ServiceError(f"文件「{name}」过大（{len(data)} 字节），上限为 20 MB")
    with transaction.atomic():
        moved = RectificationItem.objects.filter(pk=item.pk, status=ItemStatus.OPEN).update(
            status=ItemStatus.REPORTED, changed_at=timezone.now())
        if not moved:
            item.refresh_from_db()
            raise ServiceError(f"整改事项「{item.title}」当前为“{item.get_status_display()}”，不能再报送")
        report = RectificationReport.objects.create(
            item=item, text=text.strip(), done_on=done_on, reported_by=user,
            file_name=(name or "")[:255] if file is not None else "", file_size=len(data),
            file_sha256=hashlib.sha256(data).hexdigest() if file is not None else "",
            file_type=(content_type or "")[:100], file_data=data if file is not None else None)
    item.refresh_from_db()
    return report


def judge(item: RectificationItem, user: Any, verdict: str, note: str) -> RectificationReport:
    """The bureau confirms the reported rectification, or sends it back with a note (the item reopens)."""
    if verdict not in Verdict.values:
        raise ServiceError("请选择“确认整改到位”或“退回继续整改”")
    if verdict == Verdict.REOPENED and not note.strip():
        raise ServiceError("退回继续整改须写明理由")
    target = ItemStatus.CONFIRMED if verdict == Verdict.CONFIRMED else ItemStatus.OPEN
    with transaction.atomic():
        moved = RectificationItem.objects.filter(pk=item.pk, status=ItemStatus.REPORTED).update(
            status=target, changed_at=timezone.now())
        if not moved:
            item.refresh_from_db()
            raise ServiceError(f"整改事项「{item.title}」当前为“{item.get_status_display()}”，没有待确认的整改情况")
        report = item.reports.filter(verdict="").order_by("-reported_at", "-pk").first()
        report.verdict, report.verdict_note, report.verdict_by, report.verdict_at = verdict, note.strip(), user, \
            timezone.now()
        report.save(update_fields=["verdict", "verdict_note", "verdict_by", "verdict_at"])
    item.refresh_from_db()
    return report
