"""Stored evaluations: the document as validated JSON with indexed summary columns, every saved version,
the workflow's transitions, reviewers' comments on fields, justifications and evidence files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from jixiao.document import Evaluation as Document
from jixiao.native import load_data

from ..orgs.models import Bureau, Department, Project, Unit


class Kind(models.TextChoices):
    DEPARTMENT = "department", "部门整体支出"
    PROJECT = "project", "项目支出"


class Status(models.TextChoices):
    """The workflow: draft → submitted → returned → resubmitted → approved."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    RESUBMITTED = "resubmitted", "已重新提交"
    APPROVED = "approved", "已通过"


EDITABLE = (Status.DRAFT, Status.RETURNED)
IN_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED)
HEAVY = ("document", "analysis")
"""The JSON columns: left out of queries that do not need them."""


class Evaluation(models.Model):
    """One self-evaluation (一份自评) of a unit, or of one of its projects, for a year.

    ``document`` holds the native JSON of :class:`jixiao.document.Evaluation`,
    settled (every derived figure computed) on every save; the summary columns are
    taken from it on the same save, so lists sort and filter without reading JSON.
    ``analysis`` is what the editor shows for it, computed on the same save.
    ``version`` is the optimistic lock: a save names the version it started from
    and is refused when another save came first.
    """

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="evaluations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evaluations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="evaluations", null=True, blank=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    year = models.PositiveIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    document = models.JSONField("自评文档")
    analysis = models.JSONField("分析结果", null=True, help_text="保存时的得分与审核发现（编辑器首屏直接使用）")
    version = models.PositiveIntegerField("版本", default=1)
    ruleset = models.CharField("评分规则", max_length=80, blank=True)
    total = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True)
    grade = models.CharField("等级", max_length=4, blank=True)
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("警告", default=0)
    infos = models.PositiveIntegerField("提示", default=0)
    budget = models.DecimalField("全年预算数（万元）", max_digits=18, decimal_places=6, null=True)
    executed = models.DecimalField("执行数（万元）", max_digits=18, decimal_places=6, null=True)
    execution_rate = models.DecimalField("执行率（%）", max_digits=9, decimal_places=2, null=True)
    submitted_at = models.DateTimeField("提交时间", null=True)
    submitted_version = models.PositiveIntegerField("提交时的版本", null=True)
    previous_submitted_version = models.PositiveIntegerField("上次提交时的版本", null=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "自评"
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year"], condition=Q(project__isnull=True),
                                    name="one_department_evaluation_a_year"),
            models.UniqueConstraint(fields=["project", "year"], condition=Q(project__isnull=False),
                                    name="one_project_evaluation_a_year"),
        ]
        indexes = [
            models.Index(fields=["bureau", "status", "submitted_at"], name="queue_idx"),
            # The queue's default view (in review, oldest first) read in index order, without a sort.
            models.Index(fields=["bureau", "submitted_at", "id"], condition=Q(status__in=["submitted", "resubmitted"]),
                         name="queue_in_review_idx"),
            models.Index(fields=["bureau", "department", "status"], name="queue_department_idx"),
            models.Index(fields=["unit", "year"], name="unit_year_idx"),
            # The dashboards: a bureau's years, and a year's figures by department and status, from the index.
            models.Index(fields=["bureau", "year", "department", "status"], name="dashboard_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}年度{self.get_kind_display()}）"

    def to_domain(self) -> Document | None:
        """The stored document as the core's typed model (None if it no longer validates)."""
        return load_data(self.document, f"自评#{self.pk}").evaluation

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class Version(models.Model):
    """A saved version of the document: every save is kept, with who and when."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    document = models.JSONField("文档")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField("保存时间", auto_now_add=True)
    note = models.CharField("说明", max_length=500, blank=True)
    total = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True)
    grade = models.CharField("等级", max_length=4, blank=True)
    errors = models.PositiveIntegerField("错误", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "版本"
        constraints = [models.UniqueConstraint(fields=["evaluation", "number"], name="version_number_unique")]
        ordering = ["-number"]


class Transition(models.Model):
    """A step of the workflow: who moved the evaluation from which status to which, when and why."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=12)
    from_status = models.CharField("原状态", max_length=12, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("理由", blank=True)
    version = models.PositiveIntegerField("版本")

    class Meta:
        verbose_name = verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]


class Comment(models.Model):
    """A reviewer's comment on a field (``field`` is the document path), attached to a return."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="comments")
    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="comments", null=True)
    field = models.CharField("字段", max_length=200, blank=True)
    label = models.CharField("字段名称", max_length=300, blank=True)
    text = models.TextField("意见")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["at", "pk"]

    def to_json(self, document: dict[str, Any] | None = None) -> dict[str, Any]:
        """For the editor; with the current ``document``, the field is where the commented row is now."""
        field = self.field
        if document is not None and self.field:
            from jixiao.editing import relocate

            field = relocate(self.field, self.label, document) or self.field
        return {"id": self.pk, "field": field, "label": self.label, "text": self.text,
                "author": display_name(self.author), "at": self.at.isoformat(timespec="seconds"),
                "resolved": False}


class Justification(models.Model):
    """The written justification a submitter gives for an ``error`` finding left in the submission.

    ``key`` is the finding's identity (:attr:`jixiao.checks.Finding.key`: code, field path and values, never
    the wording), so a justification follows its finding when a check's message is reworded.
    """

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="justifications")
    code = models.CharField("代码", max_length=8)
    field = models.CharField("字段", max_length=200, blank=True)
    message = models.TextField("问题")
    text = models.TextField("说明")
    key = models.CharField("问题标识", max_length=12, blank=True, db_index=True,
                           help_text="代码、字段与数值（应为/实为）的摘要，不含措辞：措辞修改后说明仍对应同一问题")
    expected = models.TextField("应为", blank=True)
    found = models.TextField("实为", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题说明"
        ordering = ["pk"]


class Attachment(models.Model):
    """A file kept with an evaluation: evidence (证明材料) of an indicator, or the report it was imported from.

    The bytes live in the database with the record, so they are backed up,
    isolated and never served but through the access checks.
    """

    EVIDENCE, SOURCE = "evidence", "source"
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField("用途", max_length=10, choices=[(EVIDENCE, "证明材料"), (SOURCE, "导入的原始文件")])
    path = models.CharField("指标位置", max_length=200, blank=True)
    label = models.CharField("指标", max_length=300, blank=True, help_text="上传时该位置的指标名称（行移动后仍可辨认）")
    name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("类型", max_length=100, blank=True)
    data = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "pk"]


def display_name(user: Any) -> str:
    """A person as pages show them: 姓名（角色）, or the login name."""
    if user is None:
        return "（已删除的用户）"
    name = user.get_full_name() or user.username
    membership = getattr(user, "membership", None)
    return f"{name}（{membership.get_role_display()}）" if membership else name
