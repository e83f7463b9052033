"""The token page (接口令牌): a person makes and revokes their own API tokens (session login, like every page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import access
from ..evaluations.views.common import post_only_page
from .models import ApiToken

EXPIRY_CHOICES = [("30", "30天"), ("90", "90天"), ("365", "1年"), ("", "永不过期（不建议）")]
MAX_ACTIVE = 20
"""Tokens a person may hold at once: enough for every script, few enough to keep track of."""


class TokenForm(forms.Form):
    name = forms.CharField(label="名称（用途）", max_length=100, help_text="例如：年度汇总脚本、财务系统对接")
    days = forms.ChoiceField(label="有效期", choices=EXPIRY_CHOICES, initial="90", required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].replace("\x00", "").strip()
        if not name:
            raise forms.ValidationError("请填写令牌的名称")
        return name


def _member(request: HttpRequest) -> None:
    if access.membership(request.user) is None:
        raise PermissionDenied("您的账号还没有分配单位和角色，不能使用开放接口；请联系财政局管理员")


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and a form to make one; a new token is shown once, on the page that made it."""
    _member(request)
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        active = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).exclude(
            expires_at__lte=timezone.now()).count()
        if active >= MAX_ACTIVE:
            form.add_error(None, f"有效令牌已有{active}个（上限{MAX_ACTIVE}个），请先吊销不用的令牌")
        else:
            days = form.cleaned_data["days"]
            record, token = ApiToken.issue(request.user, form.cleaned_data["name"], int(days) if days else None)
            made = {"record": record, "token": token}
            form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user)
    response = render(request, "jixiao/api/tokens.html", {"form": form, "tokens": rows, "made": made},
                      status=201 if made else (400 if request.method == "POST" else 200))
    response["Cache-Control"] = "no-store"  # the page with a new token must not be kept anywhere
    return response


@login_required
def revoke(request: HttpRequest, token: int) -> HttpResponse:
    """Revoke one of one's own tokens (someone else's is not found)."""
    record = ApiToken.objects.filter(pk=token, user=request.user).first()
    if record is None:
        raise Http404("没有找到这个令牌")
    if (refused := post_only_page(request)) is not None:
        return refused
    if record.revoked_at is None:
        ApiToken.objects.filter(pk=record.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"已吊销令牌「{record.name}」（{record.hint}…），使用它的请求将被拒绝")
    return redirect("tokens")
