"""Batch jobs (批量任务): importing a folder or zip of reports, rendering every report of a department.

A :class:`Job` is one request of a person; its :class:`Item` rows are the files to import (their bytes
stored when the job is created, so a worker on any machine can read them) or the evaluations to
render. A worker (``python -m jixiao.web db_worker``) runs the job's task; each item is finished in
one transaction together with its effect (the evaluation created, the files written) and the job's
counters, so progress is exact and a crash never leaves half an item.

``task_id`` is the job's lease: the id of the one task that may work on it now. A stale job (its
worker gone) is given a new task and id, so a worker that was merely slow finds its lease gone at
its next item and stops (:mod:`.runner`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..evaluations.models import Evaluation
from ..orgs.models import Bureau, Department, Unit


class Kind(models.TextChoices):
    IMPORT = "import", "批量导入"
    RENDER = "render", "批量生成报告"


class Status(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


ACTIVE = (Status.QUEUED, Status.RUNNING)
FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)
HEAVY = ("output",)
"""The zip of a render job: left out of queries that do not serve it."""


class Job(models.Model):
    """One batch job of one person, with its progress.

    ``done`` counts processed items (succeeded or failed), ``failed`` the failed ones among them;
    progress is ``done / total``. For a unit's own import ``unit`` is set; a bureau administrator's
    import has no unit (each report goes to the unit it names). A render job names its ``year`` and
    its ``department`` (bureau staff) or ``unit`` (a unit's own reports).
    """

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="+", verbose_name="财政局")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                             verbose_name="预算单位")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                   verbose_name="主管部门")
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    formats = models.CharField("输出格式", max_length=20, blank=True, help_text="生成报告：docx,xlsx[,pdf]")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    task_id = models.CharField("任务编号", max_length=64, blank=True,
                               help_text="当前执行此任务的后台任务（django-tasks 结果编号）")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    resumes = models.PositiveSmallIntegerField("中断后重新排队次数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    message = models.TextField("说明", blank=True)
    output = models.BinaryField("结果文件", null=True, blank=True)
    output_name = models.CharField("结果文件名", max_length=255, blank=True)
    output_size = models.PositiveBigIntegerField("结果文件大小（字节）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "批量任务"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["bureau", "-created_at"], name="job_bureau_idx"),
            models.Index(fields=["unit", "-created_at"], name="job_unit_idx"),
            models.Index(fields=["status"], name="job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        """Whole percent processed (an integer: a progress bar's width, not money)."""
        return 100 if not self.total else self.done * 100 // self.total

    @property
    def scope(self) -> str:
        """What the job covers, as the pages show it."""
        if self.kind == Kind.RENDER:
            where = self.unit.name if self.unit_id else (self.department.name if self.department_id else "")
            return f"{self.year}年度 · {where}"
        return self.unit.name if self.unit_id else f"{self.bureau.name}（按文件中的单位名称分配）"


class ItemState(models.TextChoices):
    PENDING = "pending", "未处理"
    OK = "ok", "成功"
    FAILED = "failed", "失败"


class Item(models.Model):
    """One file of an import, or one evaluation of a render, with its result.

    ``data`` holds the input file of an import (stored when the job is created) and, for a render,
    the files written for the evaluation (a small zip) until the job's zip is assembled. ``message``
    is the failure, naming the file and the place, or notes on a success.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField("序号")
    name = models.CharField("文件", max_length=500)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    content_type = models.CharField("类型", max_length=100, blank=True)
    data = models.BinaryField("内容", null=True, blank=True)
    state = models.CharField("结果", max_length=8, choices=ItemState.choices, default=ItemState.PENDING)
    message = models.TextField("说明", blank=True)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="自评")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量任务明细"
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="job_item_seq_unique")]
        indexes = [models.Index(fields=["job", "state", "seq"], name="job_item_state_idx")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"
