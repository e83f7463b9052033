"""``python -m jixiao.web create_api_token <登录名> [--name …] [--days N]``: a token for a script.

Prints the token once (only its hash is kept). The token acts as that person, with exactly
their permissions; revoke it on the person's 接口令牌 page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ... import models
from .... import access


class Command(BaseCommand):
    help = "为某人创建开放接口令牌（只显示一次），供脚本调用 /api/v1/"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username", help="令牌所属人员的登录名")
        parser.add_argument("--name", default="脚本", help="令牌的名称（用途）")
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认永不过期）")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有登录名为「{options['username']}」的人员")
        if not user.is_active:
            raise CommandError(f"「{user.username}」的账号已停用")
        if access.membership(user) is None:
            raise CommandError(f"「{user.username}」还没有分配单位和角色，令牌将无权查看任何自评")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days 应为正整数")
        record, token = models.ApiToken.issue(user, options["name"], days)
        until = f"，到期：{record.expires_at:%Y-%m-%d}" if record.expires_at else "，永不过期"
        self.stderr.write(f"已为「{user.username}」创建令牌「{record.name}」{until}。令牌只显示这一次：")
        self.stdout.write(token)
