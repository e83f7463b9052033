"""API tokens (接口令牌): how a script acts as a person on the open API.

A token is shown once, when it is made; only its SHA-256 is stored, so a copy of the
database gives nobody a usable token. The secret is 256 random bits, so a fast hash is
as safe as a slow one here (there is nothing to guess), and the lookup is one indexed
query by hash. A token acts with exactly its person's permissions, while the person is
active, until it expires or is revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "jx_"
"""Every token starts with this, so a leaked one is recognisable (secret scanners, logs)."""


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class ApiToken(models.Model):
    """A person's token for the open API: name, hash, when made, last used, expiry, revocation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="用户")
    name = models.CharField("名称", max_length=100, help_text="用途，例如“年度汇总脚本”")
    hash = models.CharField("SHA-256", max_length=64, unique=True)
    hint = models.CharField("开头字符", max_length=12, help_text="令牌的前几个字符，用于辨认")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.hint}…）"

    @classmethod
    def issue(cls, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:  # noqa: ANN001
        """Make a token for ``user``; returns the record and the token text (the only time it exists)."""
        token = PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        record = cls.objects.create(user=user, name=(name.strip() or "未命名")[:100], hash=digest(token),
                                    hint=token[:len(PREFIX) + 6], expires_at=expires)
        return record, token

    @property
    def state(self) -> str:
        """有效 / 已吊销 / 已过期, as the token page shows it."""
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @property
    def active(self) -> bool:
        return self.state == "有效"
