"""``check --deploy`` checks of the platform itself: the demo's accounts must not exist in production.

The demo (``jixiao serve`` in development) creates accounts whose password is printed in the README;
a production database that holds one of them, still with that password, is open to anyone.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:  # noqa: ANN401
    from django.contrib.auth import get_user_model

    from .demo import DEMO_PASSWORD, demo_logins

    try:
        names = [login.username for login in demo_logins()]
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    except DatabaseError:  # no tables yet: nothing to find
        return []
    open_ = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    if not open_:
        return []
    return [checks.Error(f"数据库中有 {len(open_)} 个演示账号仍使用公开的演示密码：{'、'.join(open_[:5])}",
                         hint="停用这些账号（管理页「停用」）或修改其密码；生产环境不应载入演示数据",
                         id="jixiao.E001")]
