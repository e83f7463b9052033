"""Organisations (财政局 → 主管部门 → 预算单位 → 项目) and each person's role in one of them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Bureau(models.Model):
    """A finance bureau (财政局): it issues the notice and reviews its units' evaluations.

    Attributes:
        name: 郑州市金水区财政局.
        region: the jurisdiction (河南省郑州市金水区); picks the default rule set of new evaluations.
    """

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.CharField("所属地区", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "财政局"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (主管部门) under a bureau, with its code (主管部门代码)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="departments", verbose_name="财政局")
    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主管部门"
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="department_name_unique")]
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A budget unit (预算单位): it writes and submits the self-evaluations."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="units", verbose_name="主管部门")
    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预算单位"
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="unit_name_unique")]
        ordering = ["code", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def bureau(self) -> Bureau:
        return self.department.bureau


class Project(models.Model):
    """A project (项目) of a unit, evaluated year by year (项目支出绩效自评)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="projects", verbose_name="预算单位")
    name = models.CharField("项目名称", max_length=200)
    code = models.CharField("项目代码", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="project_name_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person does on the platform."""

    EDITOR = "editor", "填报人"
    LEADER = "leader", "单位负责人"
    REVIEWER = "reviewer", "审核人"
    ADMIN = "admin", "财政局管理员"

    @property
    def in_unit(self) -> bool:
        return self in (Role.EDITOR, Role.LEADER)


class Membership(models.Model):
    """A person's place: their bureau, their unit (unit roles only) and their role.

    One per user: a person acts for one organisation. Unit roles need a unit of
    the same bureau; bureau roles have none.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership",
                                verbose_name="用户")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="members", verbose_name="财政局")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", null=True, blank=True,
                             verbose_name="预算单位")

    class Meta:
        verbose_name = verbose_name_plural = "人员角色"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username}（{self.get_role_display()}）"

    def clean(self) -> None:
        if Role(self.role).in_unit and self.unit_id is None:
            raise ValidationError({"unit": "填报人和单位负责人须属于一个预算单位"})
        if not Role(self.role).in_unit and self.unit_id is not None:
            raise ValidationError({"unit": "财政局的审核人和管理员不属于预算单位"})
        if self.unit_id is not None and self.unit.department.bureau_id != self.bureau_id:
            raise ValidationError({"unit": "预算单位不属于该财政局"})


class Notice(models.Model):
    """The bureau's yearly notice (通知): what is evaluated and the submission deadline (截止日期)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.CASCADE, related_name="notices", verbose_name="财政局")
    year = models.PositiveIntegerField("评价年度")
    title = models.CharField("通知标题", max_length=200)
    deadline = models.DateField("提交截止日期")

    class Meta:
        verbose_name = verbose_name_plural = "自评通知"
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="notice_year_unique")]

    def __str__(self) -> str:
        return self.title
