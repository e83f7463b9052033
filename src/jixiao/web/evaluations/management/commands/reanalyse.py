"""``python -m jixiao.web reanalyse``: recompute every stored analysis and summary column.

Run after upgrading Jixiao or changing a rule set file: the editor's first view,
the queue's scores, grades and finding counts come from what was computed on the
last save, and the dashboards' summary of findings from those. Documents are not changed; a document that no longer validates is
listed and left as it is.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from jixiao import editing

from ...models import Evaluation
from ...services import summary_fields


class Command(BaseCommand):
    help = "重新计算所有自评的得分、等级与审核发现（升级或修改评分规则后运行）"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--batch", type=int, default=200, help="每批处理的自评数")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        done, invalid = 0, []
        ids = list(Evaluation.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), options["batch"]):
            for record in Evaluation.objects.filter(pk__in=ids[start:start + options["batch"]]).only("pk", "document"):
                analysis = editing.analyse(record.document)
                if not analysis.ok:
                    invalid.append(record.pk)
                    continue
                Evaluation.objects.filter(pk=record.pk).update(**summary_fields(analysis))
                done += 1
        from jixiao.web.dashboards.findings import refresh  # the dashboards' summary of findings is read from analyses

        refresh(ids)
        self.stdout.write(f"已重新计算 {done} 份自评（含看板的审核发现汇总）")
        if invalid:
            self.stdout.write(f"{len(invalid)} 份文档无效，未更新：{invalid[:20]}")
