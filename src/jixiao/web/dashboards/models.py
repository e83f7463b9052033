"""The dashboards' summary of findings: which check codes each evaluation's stored analysis has.

The findings live in ``Evaluation.analysis`` (a JSON blob of tens of kilobytes); counting
codes across 20,000 of them per request would read hundreds of megabytes. So every save
writes, beside the analysis, one small row per (evaluation, code) here — from a signal on
the new ``Version`` that every create and save makes (see :mod:`.findings`) — and the
dashboard counts these rows with one aggregate query.

``Digest`` records what the rows were taken from (the evaluation's version and its
error/warning/info counts): an evaluation whose digest does not match its summary
columns (a bulk load, a ``reanalyse``) is refreshed before it is counted, so the
figures stay right even when something writes evaluations without a signal.
"""

from __future__ import annotations

from django.db import models

from ..evaluations.models import Evaluation


class Digest(models.Model):
    """That the finding rows of an evaluation are those of its analysis at ``version`` with these counts."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, primary_key=True,
                                      related_name="findings_digest")
    version = models.PositiveIntegerField("版本")
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("警告", default=0)
    infos = models.PositiveIntegerField("提示", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "审核发现汇总状态"


class FindingCount(models.Model):
    """How many findings with ``code`` one evaluation's stored analysis has (its most serious severity)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField("代码", max_length=8)
    severity = models.CharField("严重程度", max_length=8)
    count = models.PositiveIntegerField("次数")

    class Meta:
        verbose_name = verbose_name_plural = "审核发现汇总"
        constraints = [models.UniqueConstraint(fields=["evaluation", "code"], name="finding_count_unique")]
