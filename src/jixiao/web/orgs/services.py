"""What the bureau administrator does: departments, units, people, notices. Every object is looked up
inside the administrator's own bureau, so another bureau's ids are simply not found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .backends import normalise_username
from .models import Bureau, Department, Membership, Notice, Role, Unit


class OrgError(Exception):
    """A change the administrator asked for that cannot be made, with the reason."""


def _in_bureau(model: Any, pk: Any, **path: Any) -> Any:
    """The object ``pk`` of ``model`` if it lies in the bureau (``path`` names the bureau's lookup)."""
    try:
        return model.objects.get(pk=int(pk), **path)
    except (TypeError, ValueError, model.DoesNotExist):
        raise OrgError(f"没有找到所选的{model._meta.verbose_name}") from None


def add_department(bureau: Bureau, name: str, code: str = "") -> Department:
    if not name.strip():
        raise OrgError("请填写主管部门名称")
    try:
        return Department.objects.create(bureau=bureau, name=name.strip()[:100], code=code.strip()[:20])
    except IntegrityError:
        raise OrgError(f"主管部门「{name}」已存在") from None


def add_unit(bureau: Bureau, department_id: Any, name: str, code: str = "") -> Unit:
    department = _in_bureau(Department, department_id, bureau=bureau)
    if not name.strip():
        raise OrgError("请填写预算单位名称")
    try:
        return Unit.objects.create(department=department, name=name.strip()[:100], code=code.strip()[:20])
    except IntegrityError:
        raise OrgError(f"预算单位「{name}」已存在") from None


def add_person(bureau: Bureau, username: str, full_name: str, role: str, unit_id: Any, password: str) -> Any:
    """A new login with its role; the password must pass the platform's password rules."""
    if role not in Role.values:
        raise OrgError("请选择角色")
    unit = _in_bureau(Unit, unit_id, department__bureau=bureau) if Role(role).in_unit else None
    username = normalise_username(username)  # stored as it is compared at sign-in
    if not username:
        raise OrgError("请填写用户名")
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise OrgError(f"用户名「{username}」已被使用")
    candidate = User(username=username, first_name=full_name.strip()[:150])
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise OrgError("密码不符合要求：" + "；".join(exc.messages)) from None
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        Membership.objects.create(user=candidate, role=role, bureau=bureau, unit=unit)
    return candidate


def set_active(bureau: Bureau, user_id: Any, active: bool, acting: Any) -> Any:
    try:
        membership = Membership.objects.select_related("user").get(user_id=int(user_id), bureau=bureau)
    except (TypeError, ValueError, Membership.DoesNotExist):
        raise OrgError("没有找到所选的人员") from None
    if membership.user_id == acting.pk and not active:
        raise OrgError("不能停用自己的账号")
    membership.user.is_active = active
    membership.user.save(update_fields=["is_active"])
    return membership.user


def set_notice(bureau: Bureau, year: Any, title: str, deadline: str) -> Notice:
    try:
        year = int(year)
        day = dt.date.fromisoformat(deadline)
    except (TypeError, ValueError):
        raise OrgError("请填写年度（如 2021）和截止日期（如 2022-03-31）") from None
    if not 2000 <= year <= 2100:
        raise OrgError("年度应在 2000–2100 之间")
    notice, _ = Notice.objects.update_or_create(
        bureau=bureau, year=year,
        defaults={"deadline": day, "title": title.strip()[:200] or f"{bureau.name}关于开展{year}年度预算绩效自评工作的通知"})
    return notice
