"""Bearer authentication of the open API: ``Authorization: Bearer jx_…``.

The request then acts as the token's person: ``request.user`` is set to them, so every
decision is the one :mod:`jixiao.web.access` makes for the web pages. A missing, unknown,
revoked or expired token, or an inactive person, is 401 with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .models import ApiToken, digest

LAST_USED_EVERY = dt.timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: a busy script costs no write per request."""

MISSING = "缺少接口令牌：请在请求头中加上 Authorization: Bearer <令牌>（在“接口令牌”页面创建）"


class TokenAuth(HttpBearer):
    """The API's only authentication: a person's token, never the browser session (so no CSRF)."""

    def __call__(self, request: HttpRequest) -> Any:
        result = super().__call__(request)
        if result is None:
            raise AuthenticationError(401, MISSING)
        return result

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        token = token.strip()
        record = (ApiToken.objects.select_related("user", "user__membership").filter(hash=digest(token)).first()
                  if token else None)
        if record is None:
            raise AuthenticationError(401, "接口令牌无效：请检查是否完整复制，或在“接口令牌”页面重新创建")
        if record.revoked_at is not None:
            raise AuthenticationError(401, "接口令牌已吊销，请重新创建")
        now = timezone.now()
        if record.expires_at is not None and record.expires_at <= now:
            raise AuthenticationError(401, f"接口令牌已于{timezone.localtime(record.expires_at):%Y年%m月%d日}过期，请重新创建")
        if not record.user.is_active:
            raise AuthenticationError(401, "该令牌所属的账号已停用")
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=record.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)).update(last_used_at=now)
        request.user = record.user
        return record
