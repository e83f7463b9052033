"""``python -m jixiao.web rebuild_indicators``: recompute the indicator library (指标库) from the approved evaluations.

The library is kept up to date by every approval and reopening; run this after loading evaluations
directly into the database (a migration, a restore, a bulk import that sets statuses itself) or to check
that nothing drifted. Recommendations (推荐) are kept.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from ...library import rebuild
from ....orgs.models import Bureau


class Command(BaseCommand):
    help = "按已通过的自评重新计算指标库（保留推荐）"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--bureau", type=int, action="append", help="只重算此财政局（id，可重复）")
        parser.add_argument("--batch", type=int, default=500, help="每批读取的自评数")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        ids = options["bureau"]
        if ids:
            missing = sorted(set(ids) - set(Bureau.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"没有 id 为 {missing} 的财政局")
        if options["batch"] < 1:
            raise CommandError("--batch 应为正整数")
        started = time.perf_counter()
        totals = rebuild(ids, options["batch"])
        self.stdout.write(f"已重算 {totals['bureaus']} 个财政局的指标库：{totals['evaluations']} 份已通过的自评，"
                          f"{totals['uses']} 次指标使用，{totals['entries']} 个指标（{time.perf_counter() - started:.1f} 秒）")
