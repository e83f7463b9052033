"""The bureau's indicator library (指标库), kept as aggregated tables.

Every third-level indicator (三级指标) of a bureau's *approved* evaluations is one
:class:`Use`; uses with the same kind, first- and second-level names and name are
one :class:`Entry`, whose summary columns (how often used, typical target and
unit, range, years, description) are recomputed from its uses whenever they
change, so pages and searches read one indexed table and never a document.
:class:`EntryDepartment` says which departments used an entry, for the filter
and the page. The bureau's recommendation (推荐) lives on the entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..evaluations.models import Evaluation, Kind
from ..orgs.models import Bureau, Department, Unit


class Entry(models.Model):
    """An indicator of a bureau's library: a name under its 一级 › 二级 path, for one kind of evaluation.

    Attributes:
        key: digest of (kind, level1, level2, name) as normalised, unique in the bureau.
        common: key of the common indicator (共性指标, :mod:`jixiao.common`) the name is, if any.
        uses: leaves in approved evaluations; evaluations / units / departments: how many distinct.
        target, unit: the most frequent 指标值 and 度量单位 (ties: the first in text order, so a
            rebuild gives what the incremental updates gave); target_uses: how many used that target.
        low, high: range of the numeric targets written in the typical unit.
        description: the most frequent 指标说明.
        recommended, note: the bureau's recommendation (推荐), kept across rebuilds.
    """

    bureau = models.ForeignKey(Bureau, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    key = models.CharField("键", max_length=40)
    level1 = models.CharField("一级指标", max_length=100)
    level2 = models.CharField("二级指标", max_length=100)
    name = models.CharField("三级指标", max_length=200)
    search = models.CharField("检索文本", max_length=420, help_text="名称与各级指标名，小写，供检索")
    common = models.CharField("共性指标", max_length=40, blank=True)
    uses = models.PositiveIntegerField("使用次数", default=0)
    evaluations = models.PositiveIntegerField("自评份数", default=0)
    units = models.PositiveIntegerField("单位数", default=0)
    departments = models.PositiveIntegerField("部门数", default=0)
    first_year = models.PositiveIntegerField("最早年度", null=True)
    last_year = models.PositiveIntegerField("最近年度", null=True)
    years = models.CharField("使用年度", max_length=200, blank=True)
    target = models.CharField("常用指标值", max_length=200, blank=True)
    unit = models.CharField("常用度量单位", max_length=50, blank=True)
    target_uses = models.PositiveIntegerField("常用指标值次数", default=0)
    low = models.DecimalField("指标值下限", max_digits=20, decimal_places=6, null=True)
    high = models.DecimalField("指标值上限", max_digits=20, decimal_places=6, null=True)
    description = models.TextField("指标说明", blank=True)
    recommended = models.BooleanField("推荐", default=False)
    note = models.CharField("推荐说明", max_length=500, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    recommended_at = models.DateTimeField("推荐时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标库指标"
        constraints = [models.UniqueConstraint(fields=["bureau", "key"], name="indicator_entry_unique")]
        indexes = [
            # The page's order (recommended first, then most used) read in index order.
            models.Index(fields=["bureau", "-recommended", "-uses", "id"], name="indicator_rank_idx"),
            models.Index(fields=["bureau", "kind", "-recommended", "-uses", "id"], name="indicator_kind_rank_idx"),
            models.Index(fields=["bureau", "common"], name="indicator_common_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level1} › {self.level2} › {self.name}"


class Use(models.Model):
    """One third-level indicator of an approved evaluation, as counted in its bureau's library.

    Kept so that reopening the evaluation removes exactly what its approval added.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="usages", db_index=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField("年度")
    target = models.CharField("指标值", max_length=200, blank=True)
    measure = models.CharField("度量单位", max_length=50, blank=True)
    number = models.DecimalField("指标值数值", max_digits=20, decimal_places=6, null=True)
    description = models.TextField("指标说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标使用"
        indexes = [models.Index(fields=["entry", "department"], name="indicator_use_entry_idx")]


class EntryDepartment(models.Model):
    """How often a department's approved evaluations used an entry (for the department filter and the page)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="by_department")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    uses = models.PositiveIntegerField("使用次数")

    class Meta:
        verbose_name = verbose_name_plural = "指标的使用部门"
        constraints = [models.UniqueConstraint(fields=["department", "entry"], name="indicator_department_unique")]
