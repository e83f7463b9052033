"""财政局看板."""
from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "jixiao.web.dashboards"
    label = "dashboards"
    verbose_name = "财政局看板"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from ..evaluations.models import Version
        from .findings import on_version_saved

        # every create and save of an evaluation makes a Version: keep the summary of findings with it
        post_save.connect(on_version_saved, sender=Version, dispatch_uid="dashboards.findings")
