"""``python -m jixiao.web dashboard_findings``: bring the dashboards' summary of findings up to date.

The summary follows every save by itself (a signal on the new version); run this after writing
evaluations some other way (a bulk load, ``reanalyse`` after changing a rule set), or with ``--all``
to rebuild it from every stored analysis. The dashboard also refreshes a few hundred stale
evaluations per view, so this is about not waiting, not about being right.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ....evaluations.models import Evaluation
from ...findings import refresh, stale


class Command(BaseCommand):
    help = "更新看板的审核发现汇总（--all 全部重建）"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--all", action="store_true", help="重建所有自评的汇总（默认只更新已过时的）")
        parser.add_argument("--batch", type=int, default=200, help="每批处理的自评数")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        scope = Evaluation.objects.all()
        ids = list((scope if options["all"] else stale(scope)).order_by("pk").values_list("pk", flat=True))
        done = refresh(ids, batch=options["batch"])
        self.stdout.write(f"已更新 {done} 份自评的审核发现汇总")
