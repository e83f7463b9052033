"""Sign-in (Django's views with a throttle on repeated failures) and the bureau administrator's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import access
from . import services
from .backends import normalise_username
from .models import Department, Membership, Notice, Role, Unit

MAX_FAILURES = 10
WINDOW = 15 * 60


def _key(request: HttpRequest) -> str:
    who = normalise_username(request.POST.get("username"))  # ｌｅａｄｅｒ-003 counts as leader-003
    return f"login-failures:{request.META.get('REMOTE_ADDR', '')}:{who}"


class LoginView(auth.LoginView):
    """The login page; after 10 failures in 15 minutes a name is locked at that address for 15 minutes
    (counted in the database cache, so across all server processes)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        if cache.get(_key(request), 0) >= MAX_FAILURES:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, "登录失败次数过多，请 15 分钟后再试，或联系财政局管理员重置密码")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):  # noqa: ANN001, ANN201
        key = _key(self.request)
        cache.set(key, cache.get(key, 0) + 1, WINDOW)
        return super().form_invalid(form)


ACTIONS = {
    "department": lambda b, p, u: services.add_department(b, p.get("name", ""), p.get("code", "")),
    "unit": lambda b, p, u: services.add_unit(b, p.get("department"), p.get("name", ""), p.get("code", "")),
    "person": lambda b, p, u: services.add_person(b, p.get("username", ""), p.get("full_name", ""), p.get("role", ""),
                                                  p.get("unit"), p.get("password", "")),
    "deactivate": lambda b, p, u: services.set_active(b, p.get("user"), False, u),
    "activate": lambda b, p, u: services.set_active(b, p.get("user"), True, u),
    "notice": lambda b, p, u: services.set_notice(b, p.get("year"), p.get("title", ""), p.get("deadline", "")),
}
DONE = {"department": "已添加主管部门", "unit": "已添加预算单位", "person": "已添加人员", "deactivate": "已停用账号",
        "activate": "已启用账号", "notice": "已保存通知和截止日期"}


@login_required
def bureau(request: HttpRequest) -> HttpResponse:
    """The bureau administrator's page: departments and units, people and roles, notices and deadlines."""
    b = access.administered_bureau(request.user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "未知的操作")
        else:
            try:
                ACTIONS[action](b, request.POST, request.user)
            except services.OrgError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, DONE[action])
                return redirect("bureau")
    departments = Department.objects.filter(bureau=b).prefetch_related("units")
    people = Membership.objects.filter(bureau=b).select_related("user", "unit").order_by("role", "user__username")
    return render(request, "jixiao/bureau.html", {
        "bureau": b, "departments": departments, "people": people, "roles": Role.choices,
        "notices": Notice.objects.filter(bureau=b).order_by("-year"),
        "units": Unit.objects.filter(department__bureau=b).select_related("department")})
