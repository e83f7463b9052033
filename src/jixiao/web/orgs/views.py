"""Sign-in: Django's views with a throttle on repeated failures per account and address."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

MAX_FAILURES = 10
WINDOW = 15 * 60


def _key(request: HttpRequest) -> str:
    who = (request.POST.get("username") or "").strip().lower()[:150]
    return f"login-failures:{request.META.get('REMOTE_ADDR', '')}:{who}"


class LoginView(auth.LoginView):
    """The login page; after 10 failures in 15 minutes an account is locked for this address for a while."""

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
