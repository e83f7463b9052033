"""Keeping the summary of findings (:class:`.models.FindingCount`) equal to the stored analyses.

Three ways in, so that the dashboard never counts from a stale summary:

* every create and save of an evaluation makes a ``Version`` (``services.create``, ``services.save``):
  a ``post_save`` signal on it refreshes that evaluation's rows in the same transaction;
* the dashboard refreshes, before counting, the evaluations of its scope whose digest does not match
  their summary columns (bulk loads, ``reanalyse``; at most :data:`REPAIR_LIMIT` a request);
* ``python -m jixiao.web dashboard_findings`` (``--all`` to rebuild everything).

Workflow steps (submit, return, approve, reopen) change the status, not the analysis: nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from ..evaluations.models import Evaluation
from .models import Digest, FindingCount

log = logging.getLogger(__name__)

REPAIR_LIMIT = 500
"""Stale evaluations a dashboard request refreshes at most (the rest: the management command, or the next views)."""

_RANK = {"info": 0, "warning": 1, "error": 2}


def codes_of(analysis: dict[str, Any] | None) -> dict[str, tuple[str, int]]:
    """Code → (most serious severity, number of findings) of a stored analysis (``Analysis.to_json()``)."""
    out: dict[str, tuple[str, int]] = {}
    for f in (analysis or {}).get("findings") or []:
        if not isinstance(f, dict) or not f.get("code"):
            continue
        code, severity = str(f["code"])[:8], str(f.get("severity") or "info")[:8]
        known, n = out.get(code, (severity, 0))
        out[code] = (known if _RANK.get(known, 0) >= _RANK.get(severity, 0) else severity, n + 1)
    return out


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def refresh(ids: Iterable[int], batch: int = 200) -> int:
    """Rewrite the finding rows and digests of the evaluations ``ids`` from their stored analyses.

    Each batch reads the analyses and the summary columns in one statement (one consistent snapshot)
    and replaces the rows in one transaction; a concurrent refresh of the same evaluation writes the
    same rows, and a save that lands in between leaves a digest that no longer matches, so the next
    dashboard view refreshes it again. Returns the number of evaluations refreshed.
    """
    done = 0
    for chunk in _chunks(sorted(set(ids)), batch):
        rows = list(Evaluation.objects.filter(pk__in=chunk)
                    .values_list("pk", "version", "errors", "warnings", "infos", "analysis"))
        with transaction.atomic():
            FindingCount.objects.filter(evaluation_id__in=chunk).delete()
            Digest.objects.filter(evaluation_id__in=chunk).delete()
            Digest.objects.bulk_create(
                [Digest(evaluation_id=pk, version=v, errors=e, warnings=w, infos=i) for pk, v, e, w, i, _ in rows],
                ignore_conflicts=True)
            FindingCount.objects.bulk_create(
                [FindingCount(evaluation_id=pk, code=code, severity=sev, count=n)
                 for pk, *_, analysis in rows for code, (sev, n) in codes_of(analysis).items()],
                ignore_conflicts=True)
        done += len(rows)
    return done


def stale(scope: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """The evaluations of ``scope`` whose finding rows are missing or were taken from another state
    (one anti-join: no digest with the evaluation's version and counts)."""
    fresh = Digest.objects.filter(evaluation_id=OuterRef("pk"), version=OuterRef("version"), errors=OuterRef("errors"),
                                  warnings=OuterRef("warnings"), infos=OuterRef("infos"))
    return scope.filter(~Exists(fresh))


def repair(scope: QuerySet[Evaluation], limit: int = REPAIR_LIMIT) -> int:
    """Refresh up to ``limit`` stale evaluations of ``scope``; returns how many stale ones are left."""
    ids = list(stale(scope).order_by().values_list("pk", flat=True)[:limit + 1])
    if not ids:
        return 0
    refresh(ids[:limit])
    return 0 if len(ids) <= limit else stale(scope).count()


def on_version_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """``post_save`` of ``Version``: a create or save stored a new analysis; count its findings.

    Runs inside the save's transaction (a savepoint), so the rows change with the analysis. A failure
    here must not refuse the person's save: it is logged, and the digest left behind makes the next
    dashboard view refresh the evaluation.
    """
    if not created or raw:
        return
    try:
        with transaction.atomic():
            refresh([instance.evaluation_id])
    except Exception:  # noqa: BLE001 - the dashboard's summary must never lose a person's save
        log.exception("审核发现汇总更新失败（自评 #%s）；看板打开时将重新计算", instance.evaluation_id)
