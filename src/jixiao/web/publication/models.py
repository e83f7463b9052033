"""Publication (公开) of approved evaluations, and results application (结果应用) with rectification (整改).

A :class:`Publication` freezes what the public sees at the moment of publishing: the approved
document as stored, its version, the public data (the JSON the public pages and downloads are made
from), the report's HTML and its PDF. Public pages read only these columns, so a published report
does not change when a rule set file or a writer changes later, and the PDF (seconds of LibreOffice)
is rendered once. At most one publication of an evaluation is current (not withdrawn): a partial
unique constraint, so two people publishing at once cannot both succeed.

A :class:`FollowUp` is the bureau's decision on what follows an approved evaluation (next year's
funding kept, raised, cut or cancelled; policy or management to adjust; rectification required by a
deadline), with the suggestion it was drafted from. Its :class:`RectificationItem` rows are what the
unit has to rectify; each :class:`RectificationReport` is what the unit reports it did, confirmed or
sent back by the bureau.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..evaluations.models import Evaluation
from ..orgs.models import Bureau, Department, Unit


class Publication(models.Model):
    """An approved evaluation as published on the public pages (随决算公开), or as it was until withdrawn.

    Attributes:
        evaluation: the evaluation published (public URLs address it by its id).
        version: the document version published (the approved one).
        document: the approved document as stored (native JSON), frozen.
        data: the public report data (validated by ``schema/public-report.schema.json``).
        html: the report body as HTML (headings, paragraphs, tables, the chart), rendered at publishing.
        pdf: the report as PDF, rendered at publishing.
        bureau / department / unit: denormalised for the public lists (names frozen in ``data``).
        withdrawn_at / withdrawn_by / withdraw_reason: set when withdrawn (by staff, or by reopening).
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="publications")
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类型", max_length=12)
    title = models.CharField("报告标题", max_length=300)
    total = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True)
    grade = models.CharField("等级", max_length=4, blank=True)
    version = models.PositiveIntegerField("公开的版本")
    document = models.JSONField("公开时的自评文档")
    data = models.JSONField("公开数据")
    html = models.TextField("报告正文（HTML）")
    pdf = models.BinaryField("报告（PDF）")
    pdf_sha256 = models.CharField("PDF 的 SHA-256", max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公开时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                     blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开"
        constraints = [models.UniqueConstraint(fields=["evaluation"], condition=Q(withdrawn_at__isnull=True),
                                               name="one_current_publication")]
        indexes = [
            # The public year page: current publications of a year, by bureau and department.
            models.Index(fields=["year", "bureau", "department"], condition=Q(withdrawn_at__isnull=True),
                         name="public_year_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None


class Funding(models.TextChoices):
    """What the follow-up decides about next year's funding (下年度预算安排)."""

    KEEP = "keep", "保持"
    INCREASE = "increase", "增加"
    REDUCE = "reduce", "调减"
    CANCEL = "cancel", "取消"


class FollowUp(models.Model):
    """The bureau's results application (结果应用) of one approved evaluation.

    ``amount`` (万元) or ``percent`` applies to an increase or a cut. ``suggestion`` keeps the draft the
    form was pre-filled with (from the grade and the findings, by the rule file), so what the bureau
    changed against the suggestion can be seen later.
    """

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="follow_up")
    funding = models.CharField("下年度预算安排", max_length=10, choices=Funding.choices)
    amount = models.DecimalField("金额（万元）", max_digits=18, decimal_places=6, null=True, blank=True)
    percent = models.DecimalField("比例（%）", max_digits=7, decimal_places=2, null=True, blank=True)
    adjust_policy = models.BooleanField("调整政策或改进管理", default=False)
    reasons = models.TextField("理由")
    rectification_required = models.BooleanField("须整改", default=False)
    deadline = models.DateField("整改期限", null=True, blank=True)
    suggestion = models.JSONField("建议（预填内容）", default=dict)
    grade = models.CharField("等级", max_length=4, blank=True)
    total = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True)
    version = models.PositiveIntegerField("依据的版本")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "结果应用"

    def __str__(self) -> str:
        return f"{self.evaluation}：{self.get_funding_display()}"


class ItemStatus(models.TextChoices):
    OPEN = "open", "待整改"
    REPORTED = "reported", "待确认"
    CONFIRMED = "confirmed", "已确认"


OPEN_STATUSES = (ItemStatus.OPEN, ItemStatus.REPORTED)
"""Not yet confirmed by the bureau: what the open-rectifications page lists."""


class RectificationItem(models.Model):
    """One thing the unit has to rectify (整改事项), with its deadline and where it stands.

    ``bureau``, ``department``, ``unit`` and ``year`` are denormalised from the evaluation so that the
    open-rectifications page filters and sorts without joins.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="items")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    title = models.CharField("整改事项", max_length=200)
    detail = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    changed_at = models.DateTimeField("状态变更时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ["number", "pk"]
        constraints = [models.UniqueConstraint(fields=["follow_up", "title"], name="item_title_unique")]
        indexes = [models.Index(fields=["bureau", "status", "deadline"], name="open_items_idx"),
                   models.Index(fields=["unit", "status"], name="unit_items_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", "确认整改到位"
    REOPENED = "reopened", "退回继续整改"


class RectificationReport(models.Model):
    """What the unit reports it did about an item (整改情况), and the bureau's verdict on it.

    A report sent back (``reopened``) stays with its note; the unit reports again. An optional file
    (e.g. the new management rules) is kept in the database like evidence and served only through the
    evaluation's access check.
    """

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField("整改情况")
    done_on = models.DateField("完成日期")
    file_name = models.CharField("附件名", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField("附件大小（字节）", default=0)
    file_sha256 = models.CharField("附件 SHA-256", max_length=64, blank=True)
    file_type = models.CharField("附件类型", max_length=100, blank=True)
    file_data = models.BinaryField("附件内容", null=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("报送时间", auto_now_add=True)
    verdict = models.CharField("财政局意见", max_length=10, choices=Verdict.choices, blank=True)
    verdict_note = models.TextField("意见说明", blank=True)
    verdict_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True)
    verdict_at = models.DateTimeField("意见时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改情况"
        ordering = ["reported_at", "pk"]
