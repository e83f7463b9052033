"""``{% results_state record as rs %}``: the publication and results-application state of an evaluation,
for the shared header of the editor and review pages (two small indexed queries)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Min, Q
from django.utils import timezone

from ..models import OPEN_STATUSES, FollowUp, ItemStatus, Publication, RectificationItem

register = template.Library()


@register.simple_tag
def results_state(record: Any) -> dict[str, Any]:
    """Whether ``record`` is published, whether a follow-up is recorded, and its open rectification items."""
    if record is None or getattr(record, "pk", None) is None:
        return {}
    published = Publication.objects.filter(evaluation_id=record.pk, withdrawn_at__isnull=True).exists()
    today = timezone.localdate()
    items = RectificationItem.objects.filter(evaluation_id=record.pk).aggregate(
        open=Count("pk", filter=Q(status=ItemStatus.OPEN)),
        waiting=Count("pk", filter=Q(status=ItemStatus.REPORTED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        first=Min("deadline", filter=Q(status=ItemStatus.OPEN)))
    recorded = items["open"] or items["waiting"] or FollowUp.objects.filter(evaluation_id=record.pk).exists()
    return {"published": published, "recorded": bool(recorded), **items}


@register.simple_tag
def unit_rectifications(unit: Any) -> list[dict[str, Any]]:
    """The evaluations of ``unit`` with rectification items still to report (整改待报送), overdue first: for the
    unit's home page (one query)."""
    if unit is None or getattr(unit, "pk", None) is None:
        return []
    today = timezone.localdate()
    rows = (RectificationItem.objects.filter(evaluation__unit_id=unit.pk, status=ItemStatus.OPEN)
            .values("evaluation_id", "evaluation__title", "evaluation__year")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)), first=Min("deadline"))
            .order_by("-overdue", "first", "evaluation_id"))
    return [{"pk": r["evaluation_id"], "title": r["evaluation__title"], "year": r["evaluation__year"],
             "open": r["open"], "overdue": r["overdue"], "first": r["first"]} for r in rows]
